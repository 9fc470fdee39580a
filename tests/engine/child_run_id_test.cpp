// ChildRunId (engine/child_flows.h): the id a Workflow action's child run gets is a function of
// the call, so a resumed parent names the same child, and different calls name different ones.
#include <gtest/gtest.h>

#include "engine/child_flows.h"
#include "engine/run.h"

namespace runnel::engine {
namespace {

TEST(ChildRunId, TheSameCallNamesTheSameRun) {
  std::string parent = NewRunId(1893456000000000);
  EXPECT_EQ(ChildRunId(parent, "Call_child"), ChildRunId(parent, "Call_child"));
}

TEST(ChildRunId, ItHasARunIdsShapeAndTheParentsTimePrefix) {
  std::string parent = NewRunId(1893456000000000);
  std::string child = ChildRunId(parent, "Call_child");
  ASSERT_EQ(child.size(), parent.size());
  EXPECT_EQ(child.substr(0, 16), parent.substr(0, 16));
  EXPECT_EQ(child.find_first_not_of("0123456789abcdef"), std::string::npos) << child;
}

TEST(ChildRunId, OtherIterationsActionsAndParentsNameOtherRuns) {
  std::string parent = NewRunId(1893456000000000);
  std::string other_parent = NewRunId(1893456000000000);
  std::string child = ChildRunId(parent, "Call_child#0");
  EXPECT_NE(child, ChildRunId(parent, "Call_child#1"));
  EXPECT_NE(child, ChildRunId(parent, "Call_other#0"));
  EXPECT_NE(child, ChildRunId(other_parent, "Call_child#0"));
  EXPECT_NE(child, parent);
}

}  // namespace
}  // namespace runnel::engine

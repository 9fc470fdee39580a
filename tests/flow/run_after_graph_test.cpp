// runAfter: statuses, predecessors in the same container, cycles, and the order each container
// gets (topological, ties in document order).
#include <gtest/gtest.h>

#include "flow/errors.h"
#include "flow_test_util.h"

namespace runnel::flow {
namespace {

using testing::BuildText;
using testing::WithActions;

std::vector<std::string> Names(const Container& c) {
  std::vector<std::string> names;
  for (const auto& a : c.actions) names.push_back(a->name);
  return names;
}

TEST(RunAfter, OrdersTopologicallyWithTiesInDocumentOrder) {
  // D and B both wait for A; C has no predecessor; E joins B and D.
  auto built = BuildText(WithActions(R"j({
    "E": {"type": "Compose", "runAfter": {"B": ["Succeeded"], "D": ["Succeeded"]}},
    "D": {"type": "Compose", "runAfter": {"A": ["Succeeded"]}},
    "C": {"type": "Compose"},
    "B": {"type": "Compose", "runAfter": {"A": ["Succeeded"]}},
    "A": {"type": "Compose", "runAfter": {}}})j"));
  ASSERT_TRUE(built.ok()) << built.Dump();
  EXPECT_EQ(Names(built.definition->actions), (std::vector<std::string>{"C", "A", "D", "B", "E"}));
  const Action& e = *built.definition->FindAction("E");
  ASSERT_EQ(e.run_after.size(), 2u);
  EXPECT_EQ(e.run_after[0].predecessor, "B");
  EXPECT_EQ(e.run_after[1].predecessor, "D");
}

TEST(RunAfter, StatusesIgnoreCase) {
  auto built = BuildText(WithActions(R"j({
    "A": {"type": "Compose"},
    "B": {"type": "Compose", "runAfter": {"A": ["SUCCEEDED", "failed", "Skipped", "TIMEDOUT"]}}})j"));
  ASSERT_TRUE(built.ok()) << built.Dump();
  EXPECT_EQ(built.definition->FindAction("B")->run_after[0].statuses,
            kStatusSucceeded | kStatusFailed | kStatusSkipped | kStatusTimedOut);
}

TEST(RunAfter, InvalidStatusesAndShapes) {
  auto built = BuildText(WithActions(R"j({
    "A": {"type": "Compose"},
    "B": {"type": "Compose", "runAfter": {"A": ["Cancelled"]}},
    "C": {"type": "Compose", "runAfter": {"A": []}},
    "D": {"type": "Compose", "runAfter": ["A"]},
    "E": {"type": "Compose", "runAfter": {"A": "Succeeded"}}})j"));
  const Diagnostic* d = built.Find(errc::kInvalidRunAfter, "/actions/B/runAfter/A");
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_NE(d->message.find("'Cancelled' is not one"), std::string::npos);
  EXPECT_NE(built.Find(errc::kInvalidRunAfter, "/actions/C/runAfter/A"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidRunAfter, "/actions/D/runAfter"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidRunAfter, "/actions/E/runAfter/A"), nullptr);
}

TEST(RunAfter, UnknownPredecessorSuggestsASibling) {
  auto built = BuildText(WithActions(R"j({
    "Get_rows": {"type": "Compose"},
    "B": {"type": "Compose", "runAfter": {"Get_row": ["Succeeded"]}}})j"));
  const Diagnostic* d = built.Find(errc::kRunAfterUnknownAction, "/actions/B/runAfter/Get_row");
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_NE(d->message.find("did you mean 'Get_rows'?"), std::string::npos) << d->message;
}

TEST(RunAfter, PredecessorInAnotherContainerSaysWhereItIs) {
  auto built = BuildText(WithActions(R"j({
    "Try": {"type": "Scope", "actions": {"Inner": {"type": "Compose"}}},
    "After": {"type": "Compose", "runAfter": {"Inner": ["Failed"]}},
    "Outer": {"type": "Scope", "actions": {"Child": {"type": "Compose", "runAfter": {"Outer": ["Succeeded"]}}}}})j"));
  const Diagnostic* d = built.Find(errc::kRunAfterOtherContainer, "/actions/After/runAfter/Inner");
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_NE(d->message.find("inside 'Try' (/actions/Try/actions/Inner)"), std::string::npos)
      << d->message;
  const Diagnostic* parent =
      built.Find(errc::kRunAfterOtherContainer, "/actions/Outer/actions/Child/runAfter/Outer");
  ASSERT_NE(parent, nullptr);
  EXPECT_NE(parent->message.find("the container this action is in"), std::string::npos);
}

TEST(RunAfter, TheTriggerIsNotAPredecessor) {
  auto built = BuildText(
      WithActions(R"j({"A": {"type": "Compose", "runAfter": {"manual": ["Succeeded"]}}})j"));
  const Diagnostic* d = built.Find(errc::kRunAfterUnknownAction);
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_NE(d->message.find("cannot name the trigger"), std::string::npos);
}

TEST(RunAfter, CyclesAreNamed) {
  auto built = BuildText(WithActions(R"j({
    "Start": {"type": "Compose"},
    "A": {"type": "Compose", "runAfter": {"C": ["Succeeded"], "Start": ["Succeeded"]}},
    "B": {"type": "Compose", "runAfter": {"A": ["Succeeded"]}},
    "C": {"type": "Compose", "runAfter": {"B": ["Succeeded"]}}})j"));
  ASSERT_EQ(built.Count(errc::kRunAfterCycle), 1u) << built.Dump();
  const Diagnostic* d = built.Find(errc::kRunAfterCycle);
  EXPECT_NE(d->message.find("'A' → 'B' → 'C' → 'A'"), std::string::npos) << d->message;

  auto self =
      BuildText(WithActions(R"j({"A": {"type": "Compose", "runAfter": {"A": ["Succeeded"]}}})j"));
  const Diagnostic* s = self.Find(errc::kRunAfterCycle, "/actions/A/runAfter");
  ASSERT_NE(s, nullptr) << self.Dump();
  EXPECT_NE(s->message.find("'A' → 'A'"), std::string::npos);
}

TEST(RunAfter, NestedContainersAreOrderedToo) {
  auto built = BuildText(WithActions(R"j({
    "If": {"type": "If", "expression": "@true",
           "actions": {"Second": {"type": "Compose", "runAfter": {"First": ["Succeeded"]}},
                       "First": {"type": "Compose"}},
           "else": {"actions": {"Y": {"type": "Compose", "runAfter": {"X": ["Skipped"]}}, "X": {"type": "Compose"}}}}})j"));
  ASSERT_TRUE(built.ok()) << built.Dump();
  const Action& branch = *built.definition->FindAction("If");
  EXPECT_EQ(Names(branch.branches[0].body), (std::vector<std::string>{"First", "Second"}));
  EXPECT_EQ(Names(branch.branches[1].body), (std::vector<std::string>{"X", "Y"}));
}

}  // namespace
}  // namespace runnel::flow

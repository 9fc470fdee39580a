// The action and trigger type tables: case-insensitive lookup, canonical names, executability.
#include "flow/action_types.h"

#include <gtest/gtest.h>

namespace runnel::flow {
namespace {

TEST(ActionTypes, LookupIgnoresCase) {
  ASSERT_TRUE(FindActionType("foreach"));
  EXPECT_EQ(FindActionType("foreach")->type, ActionType::kForeach);
  EXPECT_EQ(FindActionType("initializeVariable")->name, "InitializeVariable");
  EXPECT_EQ(FindActionType("HTTP")->type, ActionType::kHttp);
  EXPECT_FALSE(FindActionType("Htttp"));
  EXPECT_FALSE(FindActionType(""));
}

TEST(ActionTypes, ContainersAreMarked) {
  for (std::string_view name : {"If", "Switch", "Foreach", "Until", "Scope"}) {
    EXPECT_TRUE(FindActionType(name)->container) << name;
  }
  EXPECT_FALSE(FindActionType("Compose")->container);
}

TEST(ActionTypes, ConnectorsAreExecutableOtherKnownTypesAreNot) {
  EXPECT_TRUE(FindActionType("ApiConnection")->executable);
  EXPECT_TRUE(FindActionType("OpenApiConnectionWebhook")->executable);
  EXPECT_TRUE(FindActionType("Expression")->executable);
  EXPECT_TRUE(FindActionType("httpwebhook")->executable);
  for (std::string_view name : {"Function", "JavaScriptCode", "ServiceProvider"}) {
    EXPECT_FALSE(FindActionType(name)->executable) << name;
  }
  auto agent = FindActionType("AgentHandOff");  // the corpus spelling
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->type, ActionType::kOther);
  EXPECT_EQ(agent->name, "AgentHandoff");
  EXPECT_FALSE(agent->executable);
  EXPECT_EQ(FindActionType("x12encode")->name, "X12Encode");
}

TEST(ActionTypes, NamesRoundTrip) {
  for (const ActionTypeInfo& row : AllActionTypes()) {
    if (row.type == ActionType::kOther) continue;
    EXPECT_EQ(ActionTypeName(row.type), row.name);
    EXPECT_EQ(FindActionType(row.name)->type, row.type);
  }
  EXPECT_EQ(ActionTypeName(ActionType::kOther), "Other");
}

TEST(TriggerTypes, LookupAndExecutability) {
  EXPECT_EQ(FindTriggerType("recurrence"), TriggerType::kRecurrence);
  EXPECT_EQ(FindTriggerType("Request"), TriggerType::kRequest);
  EXPECT_EQ(FindTriggerType("ApiConnectionNotification"), TriggerType::kOther);
  EXPECT_FALSE(FindTriggerType("Manual"));
  EXPECT_TRUE(FindTriggerTypeInfo("OpenApiConnectionNotification")->executable);
  EXPECT_FALSE(FindTriggerTypeInfo("SlidingWindow")->executable);
  EXPECT_FALSE(FindTriggerTypeInfo("ServiceProvider")->executable);
  for (const TriggerTypeInfo& row : AllTriggerTypes()) {
    if (row.type != TriggerType::kOther) {
      EXPECT_EQ(TriggerTypeName(row.type), row.name);
    }
  }
}

}  // namespace
}  // namespace runnel::flow

// The Dataverse change trigger's subscription and firing rule (triggers/change_subscription.h):
// parsing the exported parameters, the message codes, Select columns on presence (and the
// changed-only option), Filter rows on the post-image (the last image for a Delete), the loop
// guard and the suppress header, and the outputs' shape.
#include "triggers/change_subscription.h"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include "triggers/errors.h"

namespace runnel::triggers {
namespace {
namespace bj = boost::json;
using tables::ChangeMessage;
using O = ChangeDecision::Outcome;

class Schema : public tables::QuerySchema {
 public:
  std::optional<tables::QueryColumn> Column(std::string_view name) const override {
    if (name == "name") return tables::QueryColumn{"name", tables::ValueKind::kString};
    if (name == "statuscode") return tables::QueryColumn{"statuscode", tables::ValueKind::kInteger};
    if (name == "accountid") return tables::QueryColumn{"accountid", tables::ValueKind::kGuid};
    return std::nullopt;
  }
  const tables::QuerySchema* Collection(std::string_view, tables::QueryCollection*) const override { return nullptr; }
};

ChangeSubscription Parse(const std::string& params) {
  auto sub = ParseChangeSubscription(bj::object{{"parameters", bj::parse(params)}});
  EXPECT_TRUE(sub) << (sub ? "" : sub.error().ToString());
  return sub ? std::move(sub).value() : ChangeSubscription{};
}

tables::Change Change(ChangeMessage m, std::vector<std::string> present = {}, std::vector<std::string> changed = {}) {
  tables::Change c;
  c.seq = 42;
  c.table = "account";
  c.row_id = "6f1c2e3d-0000-4abc-8def-0123456789ab";
  c.message = m;
  if (m != ChangeMessage::kDelete) c.post_image = bj::object{{"name", "Contoso"}, {"statuscode", 2}, {"accountid", c.row_id}};
  if (m != ChangeMessage::kCreate) c.pre_image = bj::object{{"name", "Old"}, {"statuscode", 1}, {"accountid", c.row_id}};
  c.columns_present = std::move(present);
  c.columns_changed = std::move(changed);
  return c;
}

ChangeDecision Decide(const ChangeSubscription& sub, const tables::Change& c, const std::string& flow = "f") {
  Schema schema;
  return DecideChange(sub, flow, c, schema, LoopGuardOptions{});
}

TEST(ChangeSubscriptionTest, ReadsAnExportedTrigger) {
  ChangeSubscription s = Parse(R"({"subscriptionRequest/message": 3, "subscriptionRequest/entityname": "Account",
    "subscriptionRequest/scope": 4, "subscriptionRequest/filteringattributes": "statuscode, name,_parentid_value",
    "subscriptionRequest/filterexpression": "statuscode eq 2", "subscriptionRequest/runas": "3"})");
  EXPECT_EQ(s.message, 3);
  EXPECT_EQ(s.entity_name, "account");
  EXPECT_EQ(s.scope, 4);
  EXPECT_EQ(s.run_as, 3);
  EXPECT_EQ(s.filtering_attributes, (std::vector<std::string>{"statuscode", "name", "parentid"}));
  ASSERT_TRUE(s.filter);
  EXPECT_FALSE(s.changed_only);
  EXPECT_FALSE(s.include_pre_image);
  EXPECT_EQ(s.coalesce_seconds, 0);
  EXPECT_EQ(s.max_runs_per_minute, 0);
  ChangeSubscription busy = Parse(R"({"subscriptionRequest/message": 4, "subscriptionRequest/entityname": "account",
    "subscriptionRequest/coalesceseconds": 30, "subscriptionRequest/maxrunsperminute": "120",
    "subscriptionRequest/changedonly": "true"})");
  EXPECT_EQ(busy.coalesce_seconds, 30);
  EXPECT_EQ(busy.max_runs_per_minute, 120);
  EXPECT_TRUE(busy.changed_only);
}

TEST(ChangeSubscriptionTest, RefusesBadParametersWithTheirPlace) {
  struct Case {
    const char* params;
    const char* where;
  } cases[] = {
      {R"({"subscriptionRequest/entityname": "account"})", "/parameters/subscriptionRequest~1message"},
      {R"({"subscriptionRequest/message": 8, "subscriptionRequest/entityname": "account"})",
       "/parameters/subscriptionRequest~1message"},
      {R"({"subscriptionRequest/message": 1})", "/parameters/subscriptionRequest~1entityname"},
      {R"({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "a", "subscriptionRequest/runas": 4})",
       "/parameters/subscriptionRequest~1runas"},
      {R"({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "a", "subscriptionRequest/scope": 0})",
       "/parameters/subscriptionRequest~1scope"},
      {R"({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "a",
           "subscriptionRequest/filterexpression": "name eq"})",
       "/parameters/subscriptionRequest~1filterexpression"},
      {R"({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "a",
           "subscriptionRequest/changedonly": "yes"})",
       "/parameters/subscriptionRequest~1changedonly"},
      {R"({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "a",
           "subscriptionRequest/coalesceseconds": -1})",
       "/parameters/subscriptionRequest~1coalesceseconds"},
  };
  for (const auto& c : cases) {
    auto sub = ParseChangeSubscription(bj::object{{"parameters", bj::parse(c.params)}});
    ASSERT_FALSE(sub) << c.params;
    EXPECT_EQ(sub.error().where, c.where) << sub.error().ToString();
  }
}

TEST(ChangeSubscriptionTest, MessageCodesFollowTheDocumentedTable) {
  // 1 Added, 2 Deleted, 3 Modified, 4 Added or Modified, 5 Added or Deleted, 6 Modified or
  // Deleted, 7 all three (2 is Deleted, not Modified).
  const char* expected[] = {"", "C", "D", "U", "CU", "CD", "UD", "CUD"};
  for (int code = 1; code <= 7; ++code) {
    ChangeSubscription s;
    s.message = code;
    std::string fires;
    if (s.Fires(ChangeMessage::kCreate)) fires += "C";
    if (s.Fires(ChangeMessage::kUpdate)) fires += "U";
    if (s.Fires(ChangeMessage::kDelete)) fires += "D";
    EXPECT_EQ(fires, expected[code]) << "code " << code;
    EXPECT_EQ(Decide(s, Change(ChangeMessage::kUpdate, {"name"})).fires(), s.Fires(ChangeMessage::kUpdate));
  }
  ChangeSubscription added;
  added.message = 1;
  ChangeDecision d = Decide(added, Change(ChangeMessage::kDelete));
  EXPECT_EQ(d.outcome, O::kSkip);
  EXPECT_NE(d.reason.find("is a Delete; the trigger's change type is 1 (Added)"), std::string::npos) << d.reason;
}

TEST(ChangeSubscriptionTest, SelectColumnsFireOnPresenceOrOnChangeWhenAsked) {
  ChangeSubscription s = Parse(R"({"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "account",
    "subscriptionRequest/filteringattributes": "statuscode"})");
  // Present with the same value: fires (Dataverse's rule).
  EXPECT_TRUE(Decide(s, Change(ChangeMessage::kUpdate, {"name", "statuscode"}, {"name"})).fires());
  ChangeDecision absent = Decide(s, Change(ChangeMessage::kUpdate, {"name"}, {"name"}));
  EXPECT_EQ(absent.outcome, O::kSkip);
  EXPECT_NE(absent.reason.find("carried none of the selected columns (statuscode)"), std::string::npos) << absent.reason;
  // Create and Delete ignore Select columns.
  EXPECT_TRUE(Decide(s, Change(ChangeMessage::kCreate, {"name"}, {"name"})).fires());
  EXPECT_TRUE(Decide(s, Change(ChangeMessage::kDelete)).fires());

  s.changed_only = true;
  ChangeDecision same = Decide(s, Change(ChangeMessage::kUpdate, {"name", "statuscode"}, {"name"}));
  EXPECT_EQ(same.outcome, O::kSkip);
  EXPECT_NE(same.reason.find("changed the value of none of the selected columns"), std::string::npos) << same.reason;
  EXPECT_TRUE(Decide(s, Change(ChangeMessage::kUpdate, {"statuscode"}, {"statuscode"})).fires());
}

TEST(ChangeSubscriptionTest, FilterRowsSeesThePostImageAndForADeleteTheLastImage) {
  ChangeSubscription s = Parse(R"({"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "account",
    "subscriptionRequest/filterexpression": "statuscode eq 2"})");
  EXPECT_TRUE(Decide(s, Change(ChangeMessage::kUpdate, {"statuscode"})).fires());  // post-image has 2
  ChangeDecision deleted = Decide(s, Change(ChangeMessage::kDelete));               // last image has 1
  EXPECT_EQ(deleted.outcome, O::kSkip);
  EXPECT_NE(deleted.reason.find("does not match Filter rows (statuscode eq 2)"), std::string::npos) << deleted.reason;

  ChangeSubscription unknown = Parse(R"({"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "account",
    "subscriptionRequest/filterexpression": "nmae eq 'x'"})");
  ChangeDecision d = Decide(unknown, Change(ChangeMessage::kCreate));
  EXPECT_EQ(d.outcome, O::kSkip);
  EXPECT_NE(d.reason.find("cannot be evaluated"), std::string::npos) << d.reason;
}

TEST(ChangeSubscriptionTest, ABoundFilterDecidesManyChangesAndSkipsNeedNoText) {
  ChangeSubscription s = Parse(R"({"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "account",
    "subscriptionRequest/filterexpression": "statuscode eq 1"})");
  Schema schema;
  Result<tables::RowFilter> bound = s.filter->Bind(schema);
  ASSERT_TRUE(bound) << bound.error().ToString();
  EXPECT_TRUE(DecideChange(s, "f", Change(ChangeMessage::kDelete), &bound, LoopGuardOptions{}).fires());
  ChangeDecision quiet = DecideChange(s, "f", Change(ChangeMessage::kCreate), &bound, LoopGuardOptions{}, false);
  EXPECT_EQ(quiet.outcome, O::kSkip);
  EXPECT_EQ(quiet.reason, "");
  EXPECT_NE(DecideChange(s, "f", Change(ChangeMessage::kCreate), &bound, LoopGuardOptions{}).reason.find("statuscode eq 1"),
            std::string::npos);

  ChangeSubscription unknown = Parse(R"({"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "account",
    "subscriptionRequest/filterexpression": "nmae eq 'x'"})");
  Result<tables::RowFilter> unbound = unknown.filter->Bind(schema);
  ASSERT_FALSE(unbound);
  ChangeDecision d = DecideChange(unknown, "f", Change(ChangeMessage::kCreate), &unbound, LoopGuardOptions{});
  EXPECT_EQ(d.outcome, O::kSkip);
  EXPECT_NE(d.reason.find("cannot be evaluated"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("nmae"), std::string::npos) << d.reason;
}

TEST(ChangeSubscriptionTest, LoopGuardAndSuppressedWrites) {
  ChangeSubscription s;
  tables::Change c = Change(ChangeMessage::kUpdate, {"name"});
  c.context.origin_flow = "Sync";
  c.context.run_id = "run-1";
  c.context.hop_count = 1;
  ChangeDecision own = Decide(s, c, "sync");
  EXPECT_EQ(own.outcome, O::kLoopGuard);
  EXPECT_NE(own.reason.find("of this flow"), std::string::npos) << own.reason;
  EXPECT_TRUE(Decide(s, c, "other").fires());  // other flows continue the chain

  c.context.hop_count = 7;
  EXPECT_TRUE(Decide(s, c, "other").fires());
  c.context.hop_count = 8;
  ChangeDecision deep = Decide(s, c, "other");
  EXPECT_EQ(deep.outcome, O::kLoopGuard);
  EXPECT_NE(deep.reason.find("the limit is 8"), std::string::npos) << deep.reason;

  tables::Change client = Change(ChangeMessage::kUpdate, {"name"});
  client.context.suppress_callbacks = true;
  EXPECT_EQ(Decide(s, client).outcome, O::kSuppressed);
}

TEST(ChangeSubscriptionTest, OutputsCarryTheRowSdkMessageAndHopCount) {
  ChangeSubscription s;
  tables::Change c = Change(ChangeMessage::kUpdate, {"name"});
  c.context.hop_count = 2;
  bj::value out = ChangeTriggerOutputs(s, c);
  const bj::object& body = out.at("body").as_object();
  EXPECT_EQ(body.at("name"), "Contoso");
  EXPECT_EQ(body.at("SdkMessage"), "Update");
  EXPECT_EQ(body.at("ItemInternalId").as_string(), c.row_id);
  EXPECT_EQ(body.at("RowVersion"), "42");
  EXPECT_EQ(body.at("RunAsSystemUserId"), kSystemUserId);
  EXPECT_FALSE(body.contains("PreImage"));
  EXPECT_EQ(out.at("headers").at(tables::kHopCountHeader), "3");

  s.include_pre_image = true;
  bj::value with = ChangeTriggerOutputs(s, c);
  EXPECT_EQ(with.at("body").at("PreImage").at("name"), "Old");
  bj::value deleted = ChangeTriggerOutputs(s, Change(ChangeMessage::kDelete));
  EXPECT_EQ(deleted.at("body").at("name"), "Old");  // the last stored image
  EXPECT_EQ(deleted.at("body").at("SdkMessage"), "Delete");
  bj::value created = ChangeTriggerOutputs(s, Change(ChangeMessage::kCreate));
  EXPECT_TRUE(created.at("body").at("PreImage").is_null());
}

TEST(ChangeSubscriptionTest, RecognizesTheTriggerByConnectorAndOperation) {
  bj::value json = bj::parse(R"({"type": "OpenApiConnectionWebhook", "inputs": {"host": {
    "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
    "connectionName": "shared_commondataserviceforapps-1", "operationId": "SubscribeWebhookTrigger"}}})");
  flow::Trigger t;
  t.type = flow::TriggerType::kOpenApiConnectionWebhook;
  t.json = &json;
  EXPECT_TRUE(IsChangeTrigger(t));
  json.at("inputs").at("host").as_object().erase("apiId");
  EXPECT_TRUE(IsChangeTrigger(t));  // connectionName alone, with its suffix
  json.at("inputs").at("host").at("operationId") = "BusinessEventsTrigger";
  EXPECT_FALSE(IsChangeTrigger(t));
}

}  // namespace
}  // namespace runnel::triggers

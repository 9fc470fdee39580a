// The Dataverse change trigger and connector actions over real HTTP against the running server:
// each message code, Select columns (presence, and changedonly), Filter rows, the pre-image; a
// non-matching change starts no run and leaves a Skipped record; the connector's row actions;
// the loop guard (a flow updating the row that triggered it, a chain over the hop limit, the
// suppress header and action parameter); Delay until, coalescing and the rate limit across a
// crash; and kill -9 during a write burst, after which every committed change has
// started its flow's run exactly once.
#include <boost/json/serialize.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

constexpr char kTicket[] = R"j({"logicalName": "ticket", "entitySetName": "tickets", "primaryNameColumn": "title",
  "columns": [{"name": "title", "type": "string", "maxLength": 100},
              {"name": "status", "type": "int"},
              {"name": "notes", "type": "memo"}]})j";
constexpr char kMirror[] = R"j({"logicalName": "mirror", "entitySetName": "mirrors",
  "columns": [{"name": "title", "type": "string", "maxLength": 100}, {"name": "hops", "type": "int"}]})j";

// An exported-style flow: the Dataverse trigger with `params` (subscriptionRequest/... keys) and
// `actions` (by default a Compose of the trigger body).
std::string ChangeFlow(const std::string& params,
                       const std::string& actions = R"j({"Body": {"type": "Compose", "runAfter": {},
                                                        "inputs": "@triggerBody()"}})j") {
  return Workflow(R"j({"parameters": {"$connections": {"defaultValue": {}, "type": "Object"},
                                      "$authentication": {"defaultValue": {}, "type": "SecureObject"}},
    "triggers": {"When_a_row_is_added,_modified_or_deleted": {"type": "OpenApiConnectionWebhook",
      "inputs": {"host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                          "connectionName": "shared_commondataserviceforapps",
                          "operationId": "SubscribeWebhookTrigger"},
                 "parameters": )j" + params + R"j(,
                 "authentication": "@parameters('$authentication')"}}},
    "actions": )j" + actions + "}");
}

// A Dataverse connector action (OpenApiConnection) with `params`.
std::string ConnectorAction(const std::string& operation, const std::string& params, const std::string& run_after = "{}") {
  return R"j({"type": "OpenApiConnection", "runAfter": )j" + run_after + R"j(,
    "inputs": {"host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                        "connectionName": "shared_commondataserviceforapps", "operationId": ")j" + operation + R"j("},
               "parameters": )j" + params + R"j(, "authentication": "@parameters('$authentication')"}})j";
}

class ChangeTriggerTest : public ServerTest {
 protected:
  void Deploy(const std::string& name, const std::string& document) {
    HttpAnswer a = Api("PUT", "/management/flows/" + name, document);
    ASSERT_TRUE(a.status == 201 || a.status == 200) << a.body;  // created, or a new version
  }
  std::string Create(const std::string& set, const std::string& body, std::vector<std::string> headers = {}) {
    HttpAnswer a = Data("POST", set, body, std::move(headers));
    EXPECT_EQ(a.status, 204) << a.body;
    std::string entity = a.Header("OData-EntityId");
    size_t open = entity.rfind('(');
    return open == std::string::npos ? "" : entity.substr(open + 1, entity.size() - open - 2);
  }
  void Patch(const std::string& path, const std::string& body, std::vector<std::string> headers = {}) {
    HttpAnswer a = Data("PATCH", path, body, std::move(headers));
    EXPECT_EQ(a.status, 204) << a.body;
  }
  // The trigger bodies of the flow's finished runs, in the order of their changes (RowVersion:
  // the manual clock gives every run the same start time).
  std::vector<bj::value> Bodies(const std::string& flow) {
    std::multimap<int64_t, bj::value> by_version;
    for (const auto& run : ListRuns(flow)) {
      bj::value full = WaitForRunEnd(Str(run, {"id"}));
      const bj::value* body = At(full, {"record", "trigger", "outputs", "body"});
      by_version.emplace(body ? std::stoll(Str(*body, {"RowVersion"})) : 0, body ? *body : bj::value());
    }
    std::vector<bj::value> out;
    for (auto& [v, body] : by_version) out.push_back(std::move(body));
    return out;
  }
  size_t Count(const std::vector<bj::value>& events, const std::string& outcome, const std::string& reason_part = "") {
    size_t n = 0;
    for (const auto& e : events) {
      if (Str(e, {"outcome"}) == outcome && Str(e, {"reason"}).find(reason_part) != std::string::npos) ++n;
    }
    return n;
  }
  std::string History(const std::string& flow) {
    std::string out;
    for (const auto& e : TriggerHistory(flow)) out += bj::serialize(e) + "\n";
    return out;
  }
};

TEST_F(ChangeTriggerTest, MessageCodesSelectColumnsFilterRowsChangedOnlyAndPreImage) {
  StartServer();
  DefineTable("ticket", kTicket);
  Deploy("on-create", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket",
                                     "subscriptionRequest/scope": 4})j"));
  Deploy("on-delete", ChangeFlow(R"j({"subscriptionRequest/message": "2", "subscriptionRequest/entityname": "ticket"})j"));
  Deploy("on-status", ChangeFlow(R"j({"subscriptionRequest/message": 3, "subscriptionRequest/entityname": "ticket",
                                     "subscriptionRequest/filteringattributes": "status"})j"));
  Deploy("filtered", ChangeFlow(R"j({"subscriptionRequest/message": 4, "subscriptionRequest/entityname": "ticket",
                                    "subscriptionRequest/filterexpression": "status eq 2"})j"));
  Deploy("changed", ChangeFlow(R"j({"subscriptionRequest/message": 3, "subscriptionRequest/entityname": "ticket",
                                   "subscriptionRequest/filteringattributes": "status",
                                   "subscriptionRequest/changedonly": true, "subscriptionRequest/includepreimage": true})j"));
  Deploy("everything", ChangeFlow(R"j({"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "ticket"})j"));

  std::string id = Create("tickets", R"j({"title": "Printer", "status": 1})j");
  Patch("tickets(" + id + ")", R"j({"status": 1})j");                 // present, same value
  Patch("tickets(" + id + ")", R"j({"status": 2})j");                 // present and changed
  Patch("tickets(" + id + ")", R"j({"notes": "toner ordered"})j");    // status absent
  ASSERT_EQ(Data("DELETE", "tickets(" + id + ")").status, 204);

  ASSERT_TRUE(Eventually([&] { return ListRuns("everything").size() == 5; })) << History("everything");
  ASSERT_TRUE(Eventually([&] { return ListRuns("on-delete").size() == 1; }));
  // Every change is decided before the flows' runs are counted: wait for the last one's record.
  ASSERT_TRUE(Eventually([&] { return TriggerHistory("on-create").size() == 5; })) << History("on-create");

  auto created = Bodies("on-create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(Str(created[0], {"SdkMessage"}), "Create");
  EXPECT_EQ(Str(created[0], {"title"}), "Printer");
  EXPECT_EQ(Str(created[0], {"ticketid"}), id);
  EXPECT_EQ(Str(created[0], {"ItemInternalId"}), id);
  EXPECT_FALSE(Str(created[0], {"RowVersion"}).empty());
  auto history = TriggerHistory("on-create");
  EXPECT_EQ(Count(history, "Fired"), 1u);
  EXPECT_EQ(Count(history, "Skipped", "is a Update; the trigger's change type is 1 (Added)"), 3u) << History("on-create");
  EXPECT_EQ(Count(history, "Skipped", "is a Delete"), 1u);

  auto deleted = Bodies("on-delete");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(Str(deleted[0], {"SdkMessage"}), "Delete");
  EXPECT_EQ(Str(deleted[0], {"notes"}), "toner ordered");  // the last stored image

  auto status = Bodies("on-status");  // Select columns: on presence, as Dataverse does
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(At(status[0], {"status"})->as_int64(), 1);
  EXPECT_EQ(At(status[1], {"status"})->as_int64(), 2);
  EXPECT_EQ(Count(TriggerHistory("on-status"), "Skipped", "carried none of the selected columns (status)"), 1u)
      << History("on-status");

  auto filtered = Bodies("filtered");  // Filter rows on the post-image: status is 2 after the 2nd and 3rd updates
  ASSERT_EQ(filtered.size(), 2u);
  EXPECT_EQ(Str(filtered[1], {"notes"}), "toner ordered");
  EXPECT_EQ(Count(TriggerHistory("filtered"), "Skipped", "does not match Filter rows (status eq 2)"), 2u)
      << History("filtered");

  auto changed = Bodies("changed");  // only the update that really changed status, with the row before it
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(At(changed[0], {"status"})->as_int64(), 2);
  EXPECT_EQ(At(changed[0], {"PreImage", "status"})->as_int64(), 1);
  EXPECT_EQ(Count(TriggerHistory("changed"), "Skipped", "changed the value of none of the selected columns"), 2u)
      << History("changed");
}

TEST_F(ChangeTriggerTest, ConnectorActionsReadAndWriteTheBuiltInTables) {
  StartServer();
  DefineTable("ticket", kTicket);
  Deploy("crud", Workflow(R"j({"parameters": {"$authentication": {"defaultValue": {}, "type": "SecureObject"}},
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {
      "Add": )j" + ConnectorAction("CreateRecord", R"j({"entityName": "tickets", "item/title": "A", "item/status": 5})j") + R"j(,
      "Add2": )j" + ConnectorAction("CreateRecord", R"j({"entityName": "tickets", "item/title": "B", "item/status": 7,
                                                   "MSCRM.SuppressCallbackRegistrationExpanderJob": true})j",
                                   R"j({"Add": ["Succeeded"]})j") + R"j(,
      "Get": )j" + ConnectorAction("GetItem", R"j({"entityName": "tickets", "recordId": "@outputs('Add')?['body/ticketid']",
                                                "$select": "title"})j", R"j({"Add2": ["Succeeded"]})j") + R"j(,
      "Upsert": )j" + ConnectorAction("UpdateRecord", R"j({"entityName": "tickets", "recordId": "@outputs('Add')?['body/ticketid']",
                                                      "item/notes": "n"})j", R"j({"Get": ["Succeeded"]})j") + R"j(,
      "List": )j" + ConnectorAction("ListRecords", R"j({"entityName": "tickets", "$filter": "status gt 4", "$orderby": "status desc",
                                                    "$select": "title,status", "$top": 1})j", R"j({"Upsert": ["Succeeded"]})j") + R"j(,
      "Missing": )j" + ConnectorAction("UpdateOnlyRecord", R"j({"entityName": "tickets", "recordId": "00000000-0000-0000-0000-0000000000aa",
                                                          "item/notes": "x"})j", R"j({"List": ["Succeeded"]})j") + R"j(,
      "Remove": )j" + ConnectorAction("DeleteRecord", R"j({"entityName": "tickets", "recordId": "@outputs('Add2')?['body/ticketid']"})j",
                                     R"j({"Missing": ["Failed"]})j") + R"j(,
      "BadColumn": )j" + ConnectorAction("CreateRecord", R"j({"entityName": "tickets", "item/nope": 1})j", R"j({"Remove": ["Succeeded"]})j") + R"j(
    }})j"));
  Deploy("observer", ChangeFlow(R"j({"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "ticket"})j"));
  HttpAnswer a = PostJson(CallbackUrl("crud"), "{}");
  ASSERT_EQ(a.status, 202) << a.body;
  bj::value run = WaitForRunEnd(a.Header("x-ms-workflow-run-id"));
  const bj::value& actions = run.at("record").at("actions");
  auto status = [&](const char* name) { return Str(actions, {name, "status"}); };
  EXPECT_EQ(status("Add"), "Succeeded") << bj::serialize(actions);
  EXPECT_EQ(At(actions, {"Add", "outputs", "statusCode"})->as_int64(), 201);
  std::string id = Str(actions, {"Add", "outputs", "body", "ticketid"});
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(Str(actions, {"Get", "outputs", "body", "title"}), "A");
  EXPECT_EQ(At(actions, {"Get", "outputs", "body", "status"}), nullptr);  // $select
  EXPECT_EQ(Str(actions, {"Upsert", "outputs", "body", "notes"}), "n");
  EXPECT_EQ(Str(actions, {"Upsert", "outputs", "body", "title"}), "A");
  const bj::value* listed = At(actions, {"List", "outputs", "body", "value"});
  ASSERT_TRUE(listed && listed->is_array()) << bj::serialize(actions);
  ASSERT_EQ(listed->as_array().size(), 1u);
  EXPECT_EQ(Str(listed->as_array()[0], {"title"}), "B");
  EXPECT_EQ(status("Missing"), "Failed");
  EXPECT_EQ(At(actions, {"Missing", "outputs", "statusCode"})->as_int64(), 404);
  EXPECT_EQ(Str(actions, {"Missing", "error", "code"}), "RowNotFound") << bj::serialize(actions.at("Missing"));
  EXPECT_EQ(status("Remove"), "Succeeded");
  EXPECT_EQ(status("BadColumn"), "Failed");
  EXPECT_NE(Str(actions, {"BadColumn", "error", "message"}).find("'nope' does not exist"), std::string::npos)
      << bj::serialize(actions.at("BadColumn"));
  EXPECT_EQ(Data("GET", "tickets(" + id + ")?$select=notes").Json().at("notes"), "n");
  EXPECT_EQ(Data("GET", "tickets/$count").body, "1");  // B was deleted, nothing of BadColumn written
  // The run's writes trigger other flows, except the one that asked for none.
  ASSERT_TRUE(Eventually([&] { return ListRuns("observer").size() == 3; })) << History("observer");
  std::multiset<std::string> messages;
  for (const auto& body : Bodies("observer")) messages.insert(Str(body, {"SdkMessage"}));
  EXPECT_EQ(messages, (std::multiset<std::string>{"Create", "Update", "Delete"}));
  EXPECT_EQ(Count(TriggerHistory("observer"), "Skipped", "MSCRM.SuppressCallbackRegistrationExpanderJob"), 1u)
      << History("observer");
}

TEST_F(ChangeTriggerTest, LoopGuardStopsAFlowThatUpdatesTheRowThatTriggeredIt) {
  StartServer();
  DefineTable("ticket", kTicket);
  Deploy("stamp", ChangeFlow(R"j({"subscriptionRequest/message": 4, "subscriptionRequest/entityname": "ticket",
                                 "subscriptionRequest/scope": 4})j",
                             R"j({"Update_a_row": )j" +
                                 ConnectorAction("UpdateRecord", R"j({"entityName": "tickets",
                                   "recordId": "@triggerOutputs()?['body/ticketid']",
                                   "item/notes": "@concat('stamped ', triggerOutputs()?['body/SdkMessage'])"})j") +
                                 "}"));
  Deploy("watcher", ChangeFlow(R"j({"subscriptionRequest/message": 3, "subscriptionRequest/entityname": "ticket",
                                   "subscriptionRequest/filteringattributes": "notes"})j"));
  std::string id = Create("tickets", R"j({"title": "Loop"})j");
  ASSERT_TRUE(Eventually([&] { return Count(TriggerHistory("stamp"), "Skipped", "loop guard") == 1; })) << History("stamp");
  EXPECT_EQ(ListRuns("stamp").size(), 1u);
  EXPECT_EQ(Str(WaitForRunEnd(Str(ListRuns("stamp")[0], {"id"})), {"status"}), "Succeeded");
  auto events = TriggerHistory("stamp");
  EXPECT_EQ(Count(events, "Skipped", "of this flow, and a flow never triggers itself through its own writes"), 1u)
      << History("stamp");
  EXPECT_EQ(Data("GET", "tickets(" + id + ")?$select=notes").Json().at("notes"), "stamped Create");
  // Another flow still sees the run's write, one hop further down the chain.
  ASSERT_TRUE(Eventually([&] { return ListRuns("watcher").size() == 1; })) << History("watcher");
  bj::value watched = WaitForRunEnd(Str(ListRuns("watcher")[0], {"id"}));
  EXPECT_EQ(Str(watched, {"record", "trigger", "outputs", "headers", "x-runnel-hop-count"}), "2");
  EXPECT_EQ(Metric(R"j(runnel_trigger_loop_guard_total{flow="stamp"})j"), 1);
}

TEST_F(ChangeTriggerTest, AChainStopsAtTheHopLimitAndSuppressedWritesTriggerNothing) {
  StartServer("trigger_max_hops: 3");
  DefineTable("ticket", kTicket);
  DefineTable("mirror", kMirror);
  // ping: a ticket changed -> create a mirror row; pong: a mirror row created -> update a ticket.
  Deploy("ping", ChangeFlow(R"j({"subscriptionRequest/message": 4, "subscriptionRequest/entityname": "ticket"})j",
                            R"j({"Copy": )j" + ConnectorAction("CreateRecord", R"j({"entityName": "mirrors",
                                "item/title": "@triggerOutputs()?['body/ticketid']",
                                "item/hops": "@int(triggerOutputs()?['headers']?['x-runnel-hop-count'])"})j") + "}"));
  Deploy("pong", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "mirror"})j",
                            R"j({"Back": )j" + ConnectorAction("UpdateRecord", R"j({"entityName": "tickets",
                                "recordId": "@triggerOutputs()?['body/title']", "item/notes": "again"})j") + "}"));
  Create("tickets", R"j({"title": "Chain"})j");
  // hop 1 ping, hop 2 pong, hop 3 ping; the mirror row written at hop 3 is over the limit.
  ASSERT_TRUE(Eventually([&] { return Count(TriggerHistory("pong"), "Skipped", "the limit is 3") == 1; })) << History("pong");
  EXPECT_EQ(ListRuns("ping").size(), 2u);
  EXPECT_EQ(ListRuns("pong").size(), 1u);
  EXPECT_EQ(Data("GET", "mirrors/$count").body, "2");
  EXPECT_EQ(Metric(R"j(runnel_trigger_loop_guard_total{flow="pong"})j"), 1);

  Create("tickets", R"j({"title": "Quiet"})j", {"MSCRM.SuppressCallbackRegistrationExpanderJob: true"});
  ASSERT_TRUE(Eventually([&] {
    return Count(TriggerHistory("ping"), "Skipped", "MSCRM.SuppressCallbackRegistrationExpanderJob") == 1;
  })) << History("ping");
  EXPECT_EQ(ListRuns("ping").size(), 2u);
  EXPECT_EQ(Metric(R"j(runnel_trigger_suppressed_changes_total{flow="ping"})j"), 1);
}

TEST_F(ChangeTriggerTest, AChildFlowsWritesContinueItsParentsChain) {
  StartServer("trigger_max_hops: 3");
  DefineTable("ticket", kTicket);
  // relay: a ticket was added or changed -> call the child flow bump, which writes the ticket.
  // The write is bump's, not relay's, so only the hop count can end the chain.
  Deploy("bump", Workflow(R"j({"parameters": {"$authentication": {"defaultValue": {}, "type": "SecureObject"}},
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Bump": )j" + ConnectorAction("UpdateRecord", R"j({"entityName": "tickets",
      "recordId": "@triggerBody()?['id']", "item/status": "@add(triggerBody()?['status'], 1)"})j") + "}}"));
  Deploy("relay", ChangeFlow(R"j({"subscriptionRequest/message": 4, "subscriptionRequest/entityname": "ticket"})j",
                             R"j({"Call_bump": {"type": "Workflow", "runAfter": {},
                                   "inputs": {"host": {"workflow": {"id": "bump"}, "triggerName": "manual"},
                                              "body": {"id": "@triggerOutputs()?['body/ticketid']",
                                                       "status": "@triggerOutputs()?['body/status']"}}}})j"));
  std::string id = Create("tickets", R"j({"title": "Relayed", "status": 0})j");
  // The client's write is hop 0; relay's runs are hops 1, 2 and 3, and bump's write in the
  // third is over the limit.
  ASSERT_TRUE(Eventually([&] { return Count(TriggerHistory("relay"), "Skipped", "the limit is 3") == 1; }))
      << History("relay");
  EXPECT_EQ(ListRuns("relay").size(), 3u);
  EXPECT_EQ(Data("GET", "tickets(" + id + ")?$select=status").Json().at("status"), 3);
  EXPECT_EQ(Metric(R"j(runnel_trigger_loop_guard_total{flow="relay"})j"), 1);
}

TEST_F(ChangeTriggerTest, CoalescingWindowAndRateLimitHoldChangesBackAcrossACrash) {
  StartServer();
  DefineTable("ticket", kTicket);
  Deploy("coalesced", ChangeFlow(R"j({"subscriptionRequest/message": 3, "subscriptionRequest/entityname": "ticket",
                                      "subscriptionRequest/coalesceseconds": 60})j"));
  Deploy("limited", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket",
                                    "subscriptionRequest/maxrunsperminute": 2})j"));
  std::string a = Create("tickets", R"j({"title": "A", "status": 0})j");
  Create("tickets", R"j({"title": "B"})j");
  Create("tickets", R"j({"title": "C"})j");
  for (int status = 1; status <= 3; ++status) Patch("tickets(" + a + ")", R"j({"status": )j" + std::to_string(status) + "}");
  // The updates come after the creates: once two of them are coalesced, everything was decided.
  ASSERT_TRUE(Eventually([&] { return Count(TriggerHistory("coalesced"), "Skipped", "coalesced") == 2; }))
      << History("coalesced");
  EXPECT_TRUE(ListRuns("coalesced").empty());
  ASSERT_TRUE(Eventually([&] { return ListRuns("limited").size() == 2; }));
  EXPECT_EQ(Metric(R"j(runnel_trigger_rate_limited_total{flow="limited"})j"), 1);

  RestartServer(/*crash=*/true);  // the held-back changes are read again from the durable cursor
  AdvanceClock(60);
  ASSERT_TRUE(Eventually([&] { return ListRuns("coalesced").size() == 1; })) << History("coalesced");
  auto bodies = Bodies("coalesced");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(At(bodies[0], {"status"})->as_int64(), 3);  // the latest change of the window
  ASSERT_TRUE(Eventually([&] { return ListRuns("limited").size() == 3; })) << History("limited");
  std::set<std::string> titles;
  for (const auto& body : Bodies("limited")) titles.insert(Str(body, {"title"}));
  EXPECT_EQ(titles, (std::set<std::string>{"A", "B", "C"}));  // each create once, none twice
  EXPECT_EQ(ListRuns("coalesced").size(), 1u);
}

TEST_F(ChangeTriggerTest, DelayUntilStartsTheRunLaterAndSurvivesACrash) {
  StartServer();
  DefineTable("ticket", kTicket);
  Deploy("later", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket",
                                  "subscriptionRequest/postponeuntil": "@addMinutes(utcNow(), 5)"})j"));
  Deploy("bad-delay", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket",
                                      "subscriptionRequest/postponeuntil": "next tuesday"})j"));
  Deploy("now", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket"})j"));
  Create("tickets", R"j({"title": "Later"})j");
  ASSERT_TRUE(Eventually([&] { return ListRuns("now").size() == 1; }));  // the change was decided
  ASSERT_TRUE(Eventually([&] { return Count(TriggerHistory("bad-delay"), "Rejected", "'next tuesday' is not a date-time") == 1; }))
      << History("bad-delay");
  EXPECT_TRUE(ListRuns("later").empty());

  RestartServer(/*crash=*/true);
  AdvanceClock(240);
  ASSERT_TRUE(Eventually([&] { return ListRuns("now").size() == 1 && Count(TriggerHistory("bad-delay"), "Rejected") >= 1; }));
  EXPECT_TRUE(ListRuns("later").empty());  // 4 of the 5 minutes
  AdvanceClock(61);
  ASSERT_TRUE(Eventually([&] { return ListRuns("later").size() == 1; })) << History("later");
  EXPECT_EQ(Str(Bodies("later")[0], {"title"}), "Later");
  EXPECT_EQ(ListRuns("now").size(), 1u);  // read again after the crash, claimed before it
}

TEST_F(ChangeTriggerTest, ARedeployedFlowTakesOverTheChangesItsOldVersionHeldBack) {
  StartServer();
  DefineTable("ticket", kTicket);
  const std::string trigger = R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket",
                                   "subscriptionRequest/postponeuntil": "@addMinutes(utcNow(), 5)"})j";
  Deploy("later", ChangeFlow(trigger));
  Deploy("now", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket"})j"));
  Create("tickets", R"j({"title": "Held"})j");
  ASSERT_TRUE(Eventually([&] { return ListRuns("now").size() == 1; }));  // the change was decided

  // Version 2 composes something else; the next change makes the dispatcher see it.
  Deploy("later", ChangeFlow(trigger, R"j({"Body": {"type": "Compose", "runAfter": {}, "inputs": "v2"}})j"));
  Create("tickets", R"j({"title": "Next"})j");
  ASSERT_TRUE(Eventually([&] { return ListRuns("now").size() == 2; }));
  EXPECT_TRUE(ListRuns("later").empty());
  AdvanceClock(301);
  ASSERT_TRUE(Eventually([&] { return ListRuns("later").size() == 2; })) << History("later");
  for (const auto& run : ListRuns("later")) {
    bj::value full = WaitForRunEnd(Str(run, {"id"}));
    EXPECT_EQ(full.at("version"), 2) << bj::serialize(full);
  }
}

TEST_F(ChangeTriggerTest, AFlowWithQueuedRunsDoesNotHoldUpTheOthers) {
  StartServer();
  DefineTable("ticket", kTicket);
  std::string slow = ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket"})j",
                                R"j({"Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Hour"}}}})j");
  // concurrency 1: the second and third runs wait for the first, which waits an hour.
  size_t at = slow.find(R"j("type": "OpenApiConnectionWebhook",)j");
  ASSERT_NE(at, std::string::npos);
  slow.insert(at, R"j("runtimeConfiguration": {"concurrency": {"runs": 1, "maximumWaitingRuns": 10}}, )j");
  Deploy("slow", slow);
  Deploy("fast", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket"})j"));
  for (int i = 0; i < 3; ++i) Create("tickets", R"j({"title": "T)j" + std::to_string(i) + R"j("})j");
  ASSERT_TRUE(Eventually([&] { return ListRuns("fast").size() == 3; })) << History("fast");
  EXPECT_EQ(ListRuns("slow", "Running").size(), 1u);
  for (size_t done = 1; done <= 3; ++done) {  // each queued run starts when the one before it ends
    AdvanceClock(3601);
    ASSERT_TRUE(Eventually([&] { return ListRuns("slow", "Succeeded").size() == done; })) << History("slow");
    // The next run's Wait counts from its start: let it start before the clock moves again.
    if (done < 3) {
      ASSERT_TRUE(Eventually([&] { return Count(TriggerHistory("slow"), "Fired") == done + 1; }));
    }
  }
}

TEST_F(ChangeTriggerTest, KillDuringAWriteBurstStartsEveryCommittedChangesRunOnce) {
  StartServer();
  DefineTable("ticket", kTicket);
  Deploy("each", ChangeFlow(R"j({"subscriptionRequest/message": 1, "subscriptionRequest/entityname": "ticket"})j"));
  constexpr int kWriters = 3;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        HttpAnswer a = Data("POST", "tickets", R"j({"title": "w)j" + std::to_string(w) + "-" + std::to_string(i) + R"j("})j");
        if (a.status != 204) return;  // the server went away
        ++acknowledged;
      }
    });
  }
  ASSERT_TRUE(Eventually([&] { return acknowledged.load() >= 150; }));
  server().Kill();
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(server().Start()) << server().log();

  HttpAnswer count = Data("GET", "tickets/$count");
  ASSERT_EQ(count.status, 200) << count.body;
  size_t rows = std::stoul(count.body);
  EXPECT_GE(rows, 150u);
  ASSERT_TRUE(Eventually([&] { return ListRuns("each").size() >= rows; }, std::chrono::milliseconds(60000)))
      << ListRuns("each").size() << " runs for " << rows << " rows";
  std::map<std::string, int> runs_per_row;
  auto bodies = Bodies("each");
  EXPECT_EQ(bodies.size(), rows);
  for (const auto& body : bodies) ++runs_per_row[Str(body, {"ItemInternalId"})];
  EXPECT_EQ(runs_per_row.size(), rows);
  for (const auto& [row, n] : runs_per_row) EXPECT_EQ(n, 1) << "row " << row << " started " << n << " runs";
  std::printf("%d writes acknowledged before the kill; %zu rows, %zu runs\n", acknowledged.load(), rows,
              ListRuns("each").size());
}

}  // namespace
}  // namespace runnel::testing

// The management API against the real server (docs/http-api.md "Management API"): the token,
// deploys and versions, the run list's filters and pages, one run's record, cancel, resubmit,
// the trigger history, and the operations endpoints.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

// Answers 200 with the request body.
constexpr char kOk[] = R"json({
  "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
  "actions": {
    "Response": {"type": "Response", "kind": "Http", "runAfter": {},
      "inputs": {"statusCode": 200, "body": "@triggerBody()"}}}})json";

// Fails with the caller's error code (no Response: the caller gets 202).
constexpr char kBad[] = R"json({
  "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
  "actions": {
    "Stop": {"type": "Terminate", "runAfter": {},
      "inputs": {"runStatus": "Failed", "runError": {"code": "Refused", "message": "no"}}}}})json";

// Waits an hour: a run that stays in flight.
constexpr char kSlow[] = R"json({
  "triggers": {"manual": {"type": "Request", "kind": "Http"}},
  "actions": {
    "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Hour"}}},
    "After": {"type": "Compose", "runAfter": {"Wait": ["Succeeded"]}, "inputs": "late"}}})json";

class ManagementApiTest : public ServerTest {
 protected:
  // Starts a run of the synchronous flow `ok` and returns its id.
  std::string RunOk(const std::string& body) {
    HttpAnswer a = PostJson(CallbackUrl("ok"), body);
    EXPECT_EQ(a.status, 200) << a.body << a.error;
    return a.Header("x-ms-workflow-run-id");
  }
  // The ids of a run list page and its nextLink.
  std::pair<std::vector<std::string>, std::string> Page(const std::string& path) {
    HttpAnswer a = Api("GET", path);
    EXPECT_EQ(a.status, 200) << a.body;
    bj::value page = a.Json();
    std::vector<std::string> ids;
    if (const bj::value* value = At(page, {"value"}); value && value->is_array()) {
      for (const auto& run : value->get_array()) ids.push_back(Str(run, {"id"}));
    }
    return {ids, Str(page, {"nextLink"})};
  }
};

TEST_F(ManagementApiTest, EveryPathNeedsTheBearerToken) {
  StartServer();
  HttpAnswer none = Get(Url("/management/flows"));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.Header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(Str(none.Json(), {"error", "code"}), "Unauthorized");
  EXPECT_EQ(Get(Url("/management/flows"), {"Authorization: Bearer wrong-token"}).status, 401);
  EXPECT_EQ(Get(Url("/management/flows"), {std::string("Authorization: Bearer ") + kToken + "x"}).status, 401);
  EXPECT_EQ(Get(Url("/management/runs"), {std::string("Authorization: Basic ") + kToken}).status, 401);
  HttpCall deploy;
  deploy.method = "PUT";
  deploy.url = Url("/management/flows/sneaky");
  deploy.body = kOk;
  EXPECT_EQ(Send(deploy).status, 401);
  EXPECT_EQ(Api("GET", "/management/flows/sneaky").status, 404);  // nothing was deployed
  EXPECT_EQ(Api("GET", "/management/flows").status, 200);
}

TEST_F(ManagementApiTest, DeployCreatesVersionsAndRejectsInvalidDefinitions) {
  StartServer();
  HttpAnswer created = Api("PUT", "/management/flows/orders", kOk);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Str(created.Json(), {"name"}), "orders");
  EXPECT_EQ(created.Json().at("version"), 1);
  EXPECT_EQ(Str(created.Json(), {"kind"}), "Stateful");

  HttpAnswer updated = Api("PUT", "/management/flows/orders?kind=Stateless", kOk);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json().at("version"), 2);
  EXPECT_EQ(Str(updated.Json(), {"kind"}), "Stateless");

  HttpAnswer invalid = Api("PUT", "/management/flows/orders", R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"A": {"type": "Compose", "inputs": 1, "runAfter": {"Missing": ["Succeeded"]}}}})json");
  ASSERT_EQ(invalid.status, 400) << invalid.body;
  bj::value error = invalid.Json();
  const bj::value* details = At(error, {"error", "details"});
  ASSERT_TRUE(details && details->is_array() && !details->get_array().empty()) << invalid.body;
  for (const auto& d : details->get_array()) {
    EXPECT_FALSE(Str(d, {"code"}).empty()) << bj::serialize(d);
    EXPECT_FALSE(Str(d, {"message"}).empty()) << bj::serialize(d);
  }

  HttpAnswer versions = Api("GET", "/management/flows/orders/versions");
  ASSERT_EQ(versions.status, 200) << versions.body;
  bj::value listed = versions.Json();
  const bj::value* value = At(listed, {"value"});
  ASSERT_TRUE(value && value->is_array() && value->get_array().size() == 2) << versions.body;
  EXPECT_EQ(value->get_array()[0].at("version"), 1);
  EXPECT_EQ(value->get_array()[1].at("version"), 2);
  HttpAnswer first = Api("GET", "/management/flows/orders/versions/1");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json().at("definition"), bj::parse(kOk));
  HttpAnswer current = Api("GET", "/management/flows/orders");
  EXPECT_EQ(current.Json().at("version"), 2);  // the invalid deploy changed nothing
  EXPECT_EQ(Api("GET", "/management/flows/orders/versions/3").status, 404);
}

// Newest first (the clock moves a second between runs), filtered by flow and status, paged with
// top and nextLink without losing or repeating a run.
TEST_F(ManagementApiTest, RunListFiltersAndPages) {
  WriteFlow("ok", Workflow(kOk));
  WriteFlow("bad", Workflow(kBad));
  StartServer();
  std::vector<std::string> started;
  for (int i = 0; i < 5; ++i) {
    started.push_back(RunOk("{\"i\": " + std::to_string(i) + "}"));
    AdvanceClock(1);
  }
  HttpAnswer failed = PostJson(CallbackUrl("bad"), "{}");
  ASSERT_EQ(failed.status, 202) << failed.body;
  std::string failed_id = failed.Header("x-ms-workflow-run-id");
  EXPECT_EQ(Str(WaitForRunEnd(failed_id), {"errorCode"}), "Refused");
  ASSERT_TRUE(Eventually([&] { return ListRuns("ok", "Succeeded").size() == 5; }));

  std::vector<std::string> paged;
  std::string next = "/management/runs?flow=ok&top=2";
  std::vector<size_t> sizes;
  while (!next.empty()) {
    auto [ids, link] = Page(next);
    sizes.push_back(ids.size());
    paged.insert(paged.end(), ids.begin(), ids.end());
    next = link;
    ASSERT_LE(sizes.size(), 4u) << "nextLink never ends";
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(paged, std::vector<std::string>(started.rbegin(), started.rend()));

  auto [failed_only, no_link] = Page("/management/runs?status=Failed");
  EXPECT_EQ(failed_only, std::vector<std::string>{failed_id});
  EXPECT_TRUE(no_link.empty());
  EXPECT_TRUE(Page("/management/runs?flow=bad&status=Succeeded").first.empty());
  EXPECT_EQ(Page("/management/runs").first.size(), 6u);
}

TEST_F(ManagementApiTest, RunCarriesItsRecord) {
  WriteFlow("ok", Workflow(kOk));
  StartServer();
  std::string id = RunOk(R"json({"order": 42})json");
  bj::value run = WaitForRunEnd(id);
  EXPECT_EQ(Str(run, {"id"}), id);
  EXPECT_EQ(Str(run, {"flow"}), "ok");
  EXPECT_EQ(Str(run, {"trigger"}), "manual");
  EXPECT_EQ(Str(run, {"status"}), "Succeeded");
  EXPECT_FALSE(Str(run, {"endTime"}).empty());
  const bj::value* body = At(run, {"record", "trigger", "outputs", "body"});
  ASSERT_NE(body, nullptr) << bj::serialize(run);
  EXPECT_EQ(*body, bj::parse(R"json({"order": 42})json"));
  EXPECT_EQ(Str(run, {"record", "actions", "Response", "status"}), "Succeeded");
  EXPECT_EQ(Api("GET", "/management/runs/nosuchrun").status, 404);
}

TEST_F(ManagementApiTest, CancelStopsAWaitingRun) {
  WriteFlow("slow", Workflow(kSlow));
  StartServer();
  HttpAnswer a = PostJson(CallbackUrl("slow"), "{}");
  ASSERT_EQ(a.status, 202) << a.body;
  std::string id = a.Header("x-ms-workflow-run-id");
  EXPECT_EQ(Str(Api("GET", "/management/runs/" + id).Json(), {"status"}), "Running");

  HttpAnswer cancel = Api("POST", "/management/runs/" + id + "/cancel");
  EXPECT_EQ(cancel.status, 202) << cancel.body;
  bj::value run = WaitForRunEnd(id);
  EXPECT_EQ(Str(run, {"status"}), "Cancelled") << bj::serialize(run);
  EXPECT_NE(Str(run, {"record", "actions", "After", "status"}), "Succeeded");
  EXPECT_EQ(Api("POST", "/management/runs/" + id + "/cancel").status, 409);
  EXPECT_EQ(Api("POST", "/management/runs/nosuchrun/cancel").status, 404);
}

TEST_F(ManagementApiTest, ResubmitStartsANewRunWithTheSameTriggerOutputs) {
  WriteFlow("ok", Workflow(kOk));
  StartServer();
  std::string id = RunOk(R"json({"again": true})json");
  EXPECT_EQ(Str(WaitForRunEnd(id), {"status"}), "Succeeded");

  HttpAnswer resubmitted = Api("POST", "/management/runs/" + id + "/resubmit");
  ASSERT_EQ(resubmitted.status, 202) << resubmitted.body;
  std::string new_id = Str(resubmitted.Json(), {"id"});
  ASSERT_FALSE(new_id.empty());
  EXPECT_NE(new_id, id);
  bj::value run = WaitForRunEnd(new_id);
  EXPECT_EQ(Str(run, {"status"}), "Succeeded");
  const bj::value* body = At(run, {"record", "trigger", "outputs", "body"});
  ASSERT_NE(body, nullptr) << bj::serialize(run);
  EXPECT_EQ(*body, bj::parse(R"json({"again": true})json"));
  EXPECT_EQ(ListRuns("ok").size(), 2u);
}

// A trigger whose conditions are false starts nothing and says so in the trigger history.
TEST_F(ManagementApiTest, FalseTriggerConditionIsSkippedInTheHistory) {
  WriteFlow("gated", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http",
      "conditions": [{"expression": "@equals(triggerBody()?['go'], true)"}]}},
    "actions": {"Go": {"type": "Compose", "runAfter": {}, "inputs": "went"}}})json"));
  StartServer();
  std::string url = CallbackUrl("gated");
  HttpAnswer skipped = PostJson(url, R"json({"go": false})json");
  EXPECT_EQ(skipped.status, 202) << skipped.body;
  EXPECT_FALSE(skipped.HasHeader("x-ms-workflow-run-id"));
  HttpAnswer fired = PostJson(url, R"json({"go": true})json");
  EXPECT_EQ(fired.status, 202) << fired.body;
  EXPECT_FALSE(fired.Header("x-ms-workflow-run-id").empty());

  std::vector<bj::value> history;
  ASSERT_TRUE(Eventually([&] {
    history = TriggerHistory("gated");
    return !history.empty();
  }));
  EXPECT_EQ(Str(history[0], {"outcome"}), "Skipped");
  EXPECT_EQ(Str(history[0], {"trigger"}), "manual");
  EXPECT_FALSE(Str(history[0], {"reason"}).empty());
  ASSERT_TRUE(Eventually([&] { return ListRuns("gated", "Succeeded").size() == 1; }));
  EXPECT_EQ(ListRuns("gated").size(), 1u);
}

TEST_F(ManagementApiTest, OperationsEndpoints) {
  WriteFlow("ok", Workflow(kOk));
  WriteFlow("bad", Workflow(kBad));
  StartServer();
  RunOk("{}");
  RunOk("{}");
  EXPECT_EQ(PostJson(CallbackUrl("bad"), "{}").status, 202);
  ASSERT_TRUE(Eventually([&] { return ListRuns("ok", "Succeeded").size() == 2 && ListRuns("bad", "Failed").size() == 1; }));

  HttpAnswer health = Get(Url("/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json(), bj::parse(R"json({"status": "ok"})json"));

  EXPECT_EQ(Metric(R"(runnel_runs_total{flow="ok",status="Succeeded"})"), 2);
  EXPECT_EQ(Metric(R"(runnel_runs_total{flow="bad",status="Failed"})"), 1);
  EXPECT_EQ(Metric("runnel_runs_in_flight"), 0);

  HttpAnswer openapi = Api("GET", "/management/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  bj::value doc = openapi.Json();
  ASSERT_TRUE(doc.is_object()) << "not JSON: " << openapi.body.substr(0, 200);
  EXPECT_EQ(Str(doc, {"openapi"}).substr(0, 2), "3.");
  const bj::value* paths = At(doc, {"paths"});
  ASSERT_TRUE(paths && paths->is_object());
  EXPECT_TRUE(paths->get_object().contains("/management/runs"));
}

// docs/http-api.md: GET /management/runs/{id} — "in-flight runs show the actions finished so
// far".
TEST_F(ManagementApiTest, InFlightRunShowsTheActionsFinishedSoFar) {
  WriteFlow("halfway", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {
      "First": {"type": "Compose", "runAfter": {}, "inputs": "first"},
      "Wait": {"type": "Wait", "runAfter": {"First": ["Succeeded"]}, "inputs": {"interval": {"count": 1, "unit": "Hour"}}}}})json"));
  StartServer();
  HttpAnswer a = PostJson(CallbackUrl("halfway"), "{}");
  ASSERT_EQ(a.status, 202) << a.body;
  std::string id = a.Header("x-ms-workflow-run-id");
  bj::value run;
  EXPECT_TRUE(Eventually([&] {
    run = Api("GET", "/management/runs/" + id).Json();
    return Str(run, {"record", "actions", "First", "status"}) == "Succeeded";
  })) << bj::serialize(run);
  EXPECT_EQ(Str(run, {"status"}), "Running");
}

}  // namespace
}  // namespace runnel::testing

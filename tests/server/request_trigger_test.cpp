// The Request trigger's happy paths against the real server (docs/http-api.md "Trigger
// endpoints"): synchronous Response, 202 + Location polling, a Response that comes after the
// synchronous window, relativePath parameters, splitOn. Stateful and stateless flows alike.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <future>
#include <set>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

class RequestTriggerTest : public ServerTest, public ::testing::WithParamInterface<const char*> {
 protected:
  std::string kind() const { return GetParam(); }
};

// The answer is computed from the request: status, a header and a body built from triggerBody().
TEST_P(RequestTriggerTest, ResponseActionAnswersSynchronously) {
  WriteFlow("orders", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Total": {"type": "Compose", "runAfter": {}, "inputs": "@add(triggerBody()?['qty'], 1)"},
      "Response": {"type": "Response", "kind": "Http", "runAfter": {"Total": ["Succeeded"]},
        "inputs": {"statusCode": 201,
                   "headers": {"Content-Type": "application/json", "X-Order": "@{triggerBody()?['id']}"},
                   "body": {"id": "@triggerBody()?['id']", "next": "@outputs('Total')",
                            "upper": "@toUpper(triggerBody()?['name'])"}}}}})json", kind()));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("orders"), R"json({"id": "o-17", "qty": 41, "name": "widget"})json");
  ASSERT_EQ(a.status, 201) << a.body << a.error;
  EXPECT_EQ(a.Header("X-Order"), "o-17");
  EXPECT_EQ(a.Header("Content-Type"), "application/json");
  EXPECT_EQ(a.Json(), bj::parse(R"json({"id": "o-17", "next": 42, "upper": "WIDGET"})json")) << a.body;
  std::string run_id = a.Header("x-ms-workflow-run-id");
  ASSERT_FALSE(run_id.empty());

  if (kind() == "Stateful") {
    bj::value run = WaitForRunEnd(run_id);
    EXPECT_EQ(Str(run, {"status"}), "Succeeded");
    const bj::value* code = At(run, {"record", "response", "statusCode"});
    ASSERT_NE(code, nullptr) << bj::serialize(run);
    EXPECT_EQ(*code, 201);
  }
}

// No Response action: 202 with a status URL, which says 202 while the run waits and then gives
// {runId, status, outputs}.
TEST_P(RequestTriggerTest, NoResponseActionAnswers202AndLocationGivesTheResult) {
  WriteFlow("label", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {
      "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 10, "unit": "Second"}}},
      "Label": {"type": "Compose", "runAfter": {"Wait": ["Succeeded"]},
                "inputs": "@concat('order-', triggerBody()?['id'])"}},
    "outputs": {"label": {"type": "String", "value": "@outputs('Label')"}}})json", kind()));
  StartServer();

  HttpAnswer accepted = PostJson(CallbackUrl("label"), R"json({"id": "9"})json");
  ASSERT_EQ(accepted.status, 202) << accepted.body << accepted.error;
  EXPECT_EQ(accepted.Header("Retry-After"), "1");
  std::string run_id = accepted.Header("x-ms-workflow-run-id");
  ASSERT_FALSE(run_id.empty());
  ASSERT_TRUE(accepted.HasHeader("Location"));
  std::string location = Absolute(server().base_url(), accepted.Header("Location"));

  HttpAnswer running = Get(location);
  EXPECT_EQ(running.status, 202) << running.body;
  EXPECT_EQ(running.Header("Retry-After"), "1");

  // The 202 can reach us before the run's thread has armed the Wait (a run may run on another
  // thread than the request): advance until it is done, so a late-armed Wait ends too.
  HttpAnswer done;
  ASSERT_TRUE(Eventually([&] {
    AdvanceClock(10);
    done = Get(location);
    return done.status != 202;
  })) << done.body;
  ASSERT_EQ(done.status, 200) << done.body;
  bj::value result = done.Json();
  EXPECT_EQ(Str(result, {"runId"}), run_id);
  EXPECT_EQ(Str(result, {"status"}), "Succeeded");
  EXPECT_EQ(Str(result, {"outputs", "label", "value"}), "order-9") << done.body;
}

// A Response that runs after limits.sync_response_seconds: the caller gets 202 when the window
// closes (on the server's clock), and the status URL later gives the flow's own Response.
TEST_P(RequestTriggerTest, ResponseAfterTheSyncWindowArrivesThroughLocation) {
  WriteFlow("late", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 30, "unit": "Second"}}},
      "Response": {"type": "Response", "kind": "Http", "runAfter": {"Wait": ["Succeeded"]},
        "inputs": {"statusCode": 200, "headers": {"X-Late": "yes"}, "body": "done @{triggerBody()?['n']}"}}}})json",
                             kind()));
  StartServer("sync_response_seconds: 1");
  std::string url = CallbackUrl("late");

  auto call = std::async(std::launch::async, [url] { return PostJson(url, R"json({"n": 7})json"); });
  ASSERT_TRUE(Eventually([&] { return Metric("runnel_runs_in_flight") == 1; }));
  AdvanceClock(2);  // past the window, not past the Wait
  ASSERT_EQ(call.wait_for(kDeadline), std::future_status::ready);
  HttpAnswer accepted = call.get();
  ASSERT_EQ(accepted.status, 202) << accepted.body << accepted.error;
  EXPECT_EQ(accepted.Header("Retry-After"), "1");
  std::string location = Absolute(server().base_url(), accepted.Header("Location"));
  ASSERT_FALSE(accepted.Header("Location").empty());
  EXPECT_EQ(Get(location).status, 202);

  AdvanceClock(30);
  HttpAnswer done;
  ASSERT_TRUE(Eventually([&] {
    done = Get(location);
    return done.status != 202;
  })) << done.body;
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(done.body, "done 7");
  EXPECT_EQ(done.Header("X-Late"), "yes");
}

// relativePath /orders/{id}: the segment is triggerOutputs()['relativePathParameters']['id'];
// other paths are not this trigger's.
TEST_P(RequestTriggerTest, RelativePathParametersReachTheFlow) {
  WriteFlow("paths", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http",
                            "inputs": {"method": "GET", "relativePath": "/orders/{id}"}}},
    "actions": {
      "Response": {"type": "Response", "kind": "Http", "runAfter": {},
        "inputs": {"statusCode": 200, "body": "@triggerOutputs()['relativePathParameters']['id']"}}}})json", kind()));
  StartServer();

  HttpAnswer listed = Api("POST", "/management/flows/paths/triggers/manual/listCallbackUrl");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Str(listed.Json(), {"method"}), "GET");
  EXPECT_EQ(Str(listed.Json(), {"relativePath"}), "/orders/{id}");
  std::string url = Str(listed.Json(), {"value"});
  size_t at = url.find("/orders/{id}");
  ASSERT_NE(at, std::string::npos) << url;
  auto with_path = [&](const std::string& path) { return url.substr(0, at) + path + url.substr(at + 12); };

  HttpAnswer a = Get(with_path("/orders/A-17"));
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, "A-17");
  HttpAnswer encoded = Get(with_path("/orders/big%20box"));
  EXPECT_EQ(encoded.status, 200) << encoded.body;
  EXPECT_EQ(encoded.body, "big box");
  EXPECT_EQ(Get(with_path("/items/A-17")).status, 404);
  EXPECT_EQ(Get(with_path("")).status, 404);
  EXPECT_EQ(Get(with_path("/orders/A-17/lines")).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Kinds, RequestTriggerTest, ::testing::Values("Stateful", "Stateless"),
                         [](const auto& info) { return std::string(info.param); });

// splitOn: one run per array item, each seeing its item as the trigger body; the caller gets
// the run ids.
TEST_F(ServerTest, SplitOnStartsOneRunPerItem) {
  WriteFlow("split", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "splitOn": "@triggerBody()?['items']"}},
    "actions": {"Item": {"type": "Compose", "runAfter": {}, "inputs": "@triggerBody()?['sku']"}}})json"));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("split"), R"json({"items": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]})json");
  ASSERT_EQ(a.status, 202) << a.body << a.error;
  bj::value body = a.Json();
  const bj::value* runs = At(body, {"runs"});
  ASSERT_TRUE(runs && runs->is_array() && runs->get_array().size() == 3) << a.body;

  std::set<std::string> skus, ids;
  for (const auto& id : runs->get_array()) {
    bj::value run = WaitForRunEnd(std::string(id.get_string()));
    EXPECT_EQ(Str(run, {"status"}), "Succeeded");
    skus.insert(Str(run, {"record", "actions", "Item", "outputs"}));
    ids.insert(std::string(id.get_string()));
  }
  EXPECT_EQ(skus, (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ListRuns("split").size(), 3u);
}

// The caller's x-ms-client-tracking-id becomes the run's clientTrackingId.
TEST_F(ServerTest, ClientTrackingIdHeaderNamesTheRun) {
  WriteFlow("echo", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Response": {"type": "Response", "kind": "Http", "runAfter": {},
                             "inputs": {"statusCode": 200, "body": "ok"}}}})json"));
  StartServer();
  HttpAnswer a = PostJson(CallbackUrl("echo"), "{}", {"X-Ms-Client-Tracking-Id: order-77"});
  ASSERT_EQ(a.status, 200) << a.body;
  bj::value run = WaitForRunEnd(a.Header("x-ms-workflow-run-id"));
  EXPECT_EQ(Str(run, {"clientTrackingId"}), "order-77") << bj::serialize(run);
}

// docs/http-api.md: "Headers x-ms-workflow-run-id and x-ms-client-tracking-id name the run on
// every answer".
TEST_F(ServerTest, AnswersCarryTheClientTrackingId) {
  WriteFlow("echo", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Response": {"type": "Response", "kind": "Http", "runAfter": {},
                             "inputs": {"statusCode": 200, "body": "ok"}}}})json"));
  WriteFlow("quiet", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Noop": {"type": "Compose", "runAfter": {}, "inputs": 1}}})json"));
  StartServer();
  HttpAnswer sync = PostJson(CallbackUrl("echo"), "{}", {"x-ms-client-tracking-id: order-77"});
  ASSERT_EQ(sync.status, 200) << sync.body;
  EXPECT_EQ(sync.Header("x-ms-client-tracking-id"), "order-77");
  HttpAnswer accepted = PostJson(CallbackUrl("quiet"), "{}");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_EQ(accepted.Header("x-ms-client-tracking-id"), accepted.Header("x-ms-workflow-run-id"));
}

// docs/configuration.md: app_settings is what appsetting() reads in every flow.
TEST_F(ServerTest, AppSettingsFromTheConfigurationReachEveryFlow) {
  WriteFlow("settings", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Response": {"type": "Response", "kind": "Http", "runAfter": {},
                             "inputs": {"statusCode": 200, "body": "@concat(appsetting('Greeting'), ', ', triggerBody()?['name'])"}}}})json"));
  AddConfig("app_settings:\n  Greeting: Hello\n  ApiBase: https://erp.example.com\n");
  StartServer();
  HttpAnswer a = PostJson(CallbackUrl("settings"), R"({"name": "Contoso"})");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, "Hello, Contoso");
}

}  // namespace
}  // namespace runnel::testing

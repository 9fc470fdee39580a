// The client commands (`runnel flows|runs|trigger`) end to end: the real binary against a fake
// `runnel serve` — the connector tests' Beast server, scripted with the answers docs/http-api.md
// promises — checking what goes over the wire, what is printed, and the exit codes (0 success,
// 1 the server said no or the run failed, 2 bad usage or no usable answer). The
// Server-Sent Events parser behind `runnel runs watch` is tested here directly too.

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>

#include "../connectors/test_http_server.h"
#include "cli/event_stream.h"
#include "cli_process.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;
namespace fs = std::filesystem;

// The binary without the client's environment variables, so that the test machine's own
// settings cannot leak in.
const std::string kRunnel = std::string("env -u RUNNEL_SERVER -u RUNNEL_TOKEN -u RUNNEL_DATA ") + RUNNEL_BINARY;

TestResponse Json(int status, const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return TestResponse{status, std::move(headers), body, {}};
}

TestResponse ApiError(int status, const std::string& code, const std::string& message) {
  return Json(status, R"({"error":{"code":")" + code + R"(","message":")" + message + R"("}})");
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ClientCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("runnel-client-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }

  // `runnel args` against the fake server with token "secret" (args without spaces or quotes).
  CliRun Client(const std::string& args, const std::string& input = "") {
    return RunBinary(kRunnel, args + " --server " + server_.Url("") + " --token secret", dir_ / "io", input);
  }
  CliRun Bare(const std::string& args) { return RunBinary(kRunnel, args, dir_ / "io"); }

  // Routes listCallbackUrl of orders/manual to a URL on the fake server.
  void RouteCallback(const std::string& method = "POST") {
    server_.Route("/management/flows/orders/triggers/manual/listCallbackUrl",
                  {Json(200, R"({"value":")" + server_.Url(kInvoke) + R"(?api-version=2022-05-01&sig=abc",)" +
                                 R"("method":")" + method + R"(","basePath":")" + server_.Url(kInvoke) + R"("})")});
  }

  static constexpr const char* kInvoke = "/api/orders/triggers/manual/invoke";
  TestHttpServer server_;
  fs::path dir_;
};

TEST_F(ClientCli, BadUsageExitsTwoWithoutCallingTheServer) {
  EXPECT_EQ(Client("flows").exit_code, 2);  // a group needs its subcommand
  EXPECT_EQ(Client("runs list --top 0").exit_code, 2);
  EXPECT_EQ(Client("runs list --top many").exit_code, 2);
  EXPECT_EQ(Client("flows deploy").exit_code, 2);  // FILE is required
  EXPECT_EQ(Client("flows deploy orders.json --kind Sideways").exit_code, 2);
  EXPECT_EQ(Client("trigger").exit_code, 2);
  EXPECT_EQ(Client("trigger orders --timeout 0").exit_code, 2);

  CliRun missing = Client("flows deploy " + (dir_ / "missing.json").string());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(Contains(missing.err, "cannot open the flow file")) << missing.err;
  CliRun no_body = Client("trigger orders --body " + (dir_ / "missing.json").string());
  EXPECT_EQ(no_body.exit_code, 2);
  EXPECT_TRUE(Contains(no_body.err, "cannot open the body file")) << no_body.err;

  CliRun scheme = Bare("flows list --server ftp://example.com");
  EXPECT_EQ(scheme.exit_code, 2);
  EXPECT_TRUE(Contains(scheme.err, "not an http:// or https:// URL")) << scheme.err;
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(ClientCli, AnUnreachableServerIsNamedAndExitsTwo) {
  std::string url = "http://127.0.0.1:" + std::to_string(TestHttpServer::UnusedPort());
  CliRun r = Bare("runs list --server " + url);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "runnel: cannot connect to " + url + "/management/runs")) << r.err;
  EXPECT_TRUE(Contains(r.err, "runnel serve")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  // The same through RUNNEL_SERVER.
  r = RunBinary("env RUNNEL_SERVER=" + url + " " + std::string(RUNNEL_BINARY), "flows list", dir_ / "io");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, url)) << r.err;
}

TEST_F(ClientCli, FlowsListPrintsATableOrTheJson) {
  std::string body = R"({"value":[
    {"name":"orders","version":3,"enabled":true,"kind":"Stateful",
     "triggers":[{"name":"manual","type":"Request"},{"name":"nightly","type":"Recurrence"}]},
    {"name":"cleanup","version":12,"enabled":false,"kind":"Stateless","triggers":[]}]})";
  server_.Route("/management/flows", {Json(200, body)});
  CliRun r = Client("flows list");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "NAME     VERSION  ENABLED  KIND       TRIGGERS\n"
            "orders   3        true     Stateful   manual (Request), nightly (Recurrence)\n"
            "cleanup  12       false    Stateless\n");
  ASSERT_EQ(server_.Requests().size(), 1u);
  EXPECT_EQ(server_.Requests()[0].method, "GET");
  EXPECT_EQ(server_.Requests()[0].Header("Authorization"), "Bearer secret");

  r = Client("flows list --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(bj::parse(r.out), bj::parse(body));
}

TEST_F(ClientCli, ServerErrorsPrintCodeAndMessageAndExitOne) {
  server_.Route("/management/flows/orders/enable", {ApiError(404, "FlowNotFound", "no flow named 'orders'")});
  CliRun r = Client("flows enable orders");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "runnel: FlowNotFound: no flow named 'orders'\n");
  EXPECT_EQ(server_.Requests().at(0).method, "POST");

  server_.Route("/management/flows/orders/disable", {Json(200, R"({"name":"orders","enabled":false})")});
  r = Client("flows disable orders");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "flow 'orders' disabled\n");

  server_.Route("/management/flows", {TestResponse{200, {}, "<html>not the API</html>", {}}});
  r = Client("flows list");
  EXPECT_EQ(r.exit_code, 2);  // a 2xx that is not JSON: not a Runnel server
  EXPECT_TRUE(Contains(r.err, "is not JSON")) << r.err;
}

TEST_F(ClientCli, DeploySendsTheFileUnderItsName) {
  std::string yaml = "triggers:\n  manual: {type: Request, kind: Http}\nactions: {}\n";
  std::string file = Write("orders.yaml", yaml);
  server_.Route("/management/flows/orders", {Json(201, R"({"name":"orders","version":1})")});
  CliRun r = Client("flows deploy " + file + " --kind stateless");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "deployed flow 'orders' version 1 (new flow)\n");
  ASSERT_EQ(server_.Requests().size(), 1u);
  RecordedRequest put = server_.Requests()[0];
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.query, "kind=Stateless");
  EXPECT_EQ(put.Header("Content-Type"), "application/yaml");
  EXPECT_EQ(put.body, yaml);

  std::string json = Write("v2.json", R"({"triggers":{},"actions":{}})");
  server_.Route("/management/flows/my%20flow", {Json(200, R"({"name":"my flow","version":2})")});
  r = Client("flows deploy " + json + " --name my\\ flow");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "deployed flow 'my flow' version 2\n");
  EXPECT_EQ(server_.Requests().at(1).Header("Content-Type"), "application/json");
  EXPECT_EQ(server_.Requests().at(1).query, "");
}

TEST_F(ClientCli, DeployListsTheDiagnosticsOfAnInvalidFlow) {
  std::string file = Write("orders.json", "{}");
  server_.Route("/management/flows/orders",
                {Json(400, R"({"error":{"code":"InvalidDefinition","message":"the flow is not valid",
                  "details":[{"severity":"error","code":"UnknownActionType","message":"unknown action type 'Htttp'",
                              "pointer":"/actions/A/type","line":4,"column":19},
                             "a detail without a location"]}})")});
  CliRun r = Client("flows deploy " + file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "runnel: InvalidDefinition: the flow is not valid\n" + file +
                       ":4:19: error: UnknownActionType: unknown action type 'Htttp' (at /actions/A/type)\n"
                       "  a detail without a location\n");
}

TEST_F(ClientCli, TheTokenComesFromTheDataDirectory) {
  fs::create_directories(dir_ / "data");
  std::ofstream(dir_ / "data" / "admin-token") << "t0k3n\n";
  server_.Route("/management/runs/r1", {Json(200, R"({"id":"r1","status":"Succeeded"})")});
  CliRun r = Bare("runs show r1 --server " + server_.Url("") + " --data " + (dir_ / "data").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(bj::parse(r.out), bj::parse(R"({"id":"r1","status":"Succeeded"})"));
  EXPECT_EQ(server_.Requests().at(0).Header("Authorization"), "Bearer t0k3n");

  // No token anywhere: the request goes without one and the 401 says where tokens come from.
  server_.Route("/management/runs/r2", {ApiError(401, "Unauthorized", "a bearer token is required")});
  r = Bare("runs show r2 --server " + server_.Url("") + " --data " + (dir_ / "nowhere").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(server_.Requests().at(1).HasHeader("Authorization"));
  EXPECT_TRUE(Contains(r.err, "runnel: Unauthorized: a bearer token is required\n")) << r.err;
  EXPECT_TRUE(Contains(r.err, "--token")) << r.err;
}

TEST_F(ClientCli, FlowsUrlAsksForTheFirstTriggersUrl) {
  server_.Route("/management/flows/orders",
                {Json(200, R"({"name":"orders","triggers":[{"name":"manual","type":"Request"},
                                                           {"name":"other","type":"Request"}]})")});
  RouteCallback();
  CliRun r = Client("flows url orders --secondary");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, server_.Url(kInvoke) + "?api-version=2022-05-01&sig=abc\n");
  auto calls = server_.RequestsTo("/management/flows/orders/triggers/manual/listCallbackUrl");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[0].query, "keyType=Secondary");

  server_.Route("/management/flows/empty", {Json(200, R"({"name":"empty","triggers":[]})")});
  r = Client("flows url empty");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "has no triggers")) << r.err;
}

TEST_F(ClientCli, TriggerPollsTheLocationUntilTheRunAnswers) {
  RouteCallback();
  server_.Route(kInvoke, {Json(202, "", {{"Location", server_.Url("/status/r7")}, {"Retry-After", "0"},
                                         {"x-ms-workflow-run-id", "r7"}})});
  server_.Route("/status/r7", {Json(202, "", {{"Retry-After", "0"}}),
                               Json(200, R"({"runId":"r7","status":"Succeeded","outputs":{}})")});
  std::string body = Write("body.json", R"({"id": 42})");
  CliRun r = Client("trigger orders --trigger manual --body " + body);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"runId\":\"r7\",\"status\":\"Succeeded\",\"outputs\":{}}\n");
  EXPECT_TRUE(Contains(r.err, "run r7 accepted")) << r.err;

  auto invoke = server_.RequestsTo(kInvoke);
  ASSERT_EQ(invoke.size(), 1u);
  EXPECT_EQ(invoke[0].method, "POST");
  EXPECT_EQ(invoke[0].query, "api-version=2022-05-01&sig=abc");
  EXPECT_EQ(invoke[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(invoke[0].body, R"({"id": 42})");
  EXPECT_FALSE(invoke[0].HasHeader("Authorization"));  // signed URLs never get the token
  EXPECT_EQ(server_.RequestsTo("/status/r7").size(), 2u);
}

TEST_F(ClientCli, TriggerFailsWhenThePolledRunFailed) {
  RouteCallback();
  server_.Route(kInvoke, {Json(202, "", {{"Location", server_.Url("/status/r5")}, {"Retry-After", "0"},
                                         {"x-ms-workflow-run-id", "r5"}})});
  std::string status = R"({"runId":"r5","status":"Failed","error":{"code":"Nope","message":"on purpose"}})";
  server_.Route("/status/r5", {Json(200, status, {{"x-ms-workflow-run-id", "r5"}})});
  CliRun r = Client("trigger orders --trigger manual");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, status + "\n");
  EXPECT_TRUE(Contains(r.err, "runnel: run r5 Failed: Nope: on purpose\n")) << r.err;

  // The same document as a flow's own synchronous Response is just an answer.
  server_.Route(kInvoke, {Json(200, status, {{"x-ms-workflow-run-id", "r5"}})});
  r = Client("trigger orders --trigger manual");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ClientCli, TriggerSendsARelativePathAndReportsAFailedAnswer) {
  RouteCallback("PUT");
  server_.Route(std::string(kInvoke) + "/orders/42", {TestResponse{500, {}, "it broke", {}}});
  CliRun r = Client("trigger orders --trigger manual --path /orders/42 --body -", "plain text");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "it broke\n");
  EXPECT_TRUE(Contains(r.err, "HTTP 500")) << r.err;
  auto invoke = server_.RequestsTo(std::string(kInvoke) + "/orders/42");
  ASSERT_EQ(invoke.size(), 1u);
  EXPECT_EQ(invoke[0].method, "PUT");  // the trigger's method
  EXPECT_EQ(invoke[0].query, "api-version=2022-05-01&sig=abc");
  EXPECT_EQ(invoke[0].Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(invoke[0].body, "plain text");

  server_.Route(kInvoke, {ApiError(409, "FlowDisabled", "flow 'orders' is disabled")});
  r = Client("trigger orders --trigger manual");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "runnel: FlowDisabled: flow 'orders' is disabled\n");
}

TEST_F(ClientCli, TriggerGivesUpAtTheTimeout) {
  RouteCallback();
  server_.Route(kInvoke, {Json(202, "", {{"Location", "/status/slow"}, {"Retry-After", "0"},
                                         {"x-ms-workflow-run-id", "r8"}})});
  server_.Route("/status/slow", {Json(202, "", {{"Retry-After", "0"}})});
  CliRun r = Client("trigger orders --trigger manual --timeout 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "no final answer within 1 s; run r8 goes on")) << r.err;
  EXPECT_GE(server_.RequestsTo("/status/slow").size(), 1u);  // a relative Location works too

  // A first answer slower than --timeout ends the same way.
  server_.Route(kInvoke, {TestResponse{200, {}, "too late", std::chrono::milliseconds(5'000)}});
  r = Client("trigger orders --trigger manual --timeout 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "runnel: no final answer within 1 s\n")) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(ClientCli, RunsListFollowsPagesUpToTop) {
  server_.Route("/management/runs",
                {Json(200, R"({"value":[{"id":"r3","flow":"orders","version":1,"trigger":"manual","status":"Running",
                                         "startTime":"2024-05-01T10:00:03Z"},
                                        {"id":"r2","flow":"orders","version":1,"trigger":"manual","status":"Failed",
                                         "startTime":"2024-05-01T10:00:02Z","endTime":"2024-05-01T10:00:02.5Z",
                                         "errorCode":"ActionFailed"}],
                            "nextLink":")" + server_.Url("/management/runs?skipToken=2") + R"("})"),
                 Json(200, R"({"value":[{"id":"r1","flow":"orders","version":1,"trigger":"manual","status":"Succeeded",
                                         "startTime":"2024-05-01T10:00:01Z","endTime":"2024-05-01T10:00:01.1Z"},
                                        {"id":"r0"}],"nextLink":"/management/runs?skipToken=4"})")});
  CliRun r = Client("runs list --flow orders --top 3");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ID  FLOW    VERSION  TRIGGER  STATUS     START                 END                     ERROR\n"
            "r3  orders  1        manual   Running    2024-05-01T10:00:03Z\n"
            "r2  orders  1        manual   Failed     2024-05-01T10:00:02Z  2024-05-01T10:00:02.5Z  ActionFailed\n"
            "r1  orders  1        manual   Succeeded  2024-05-01T10:00:01Z  2024-05-01T10:00:01.1Z\n");
  auto pages = server_.RequestsTo("/management/runs");
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].query, "flow=orders&top=3");
  EXPECT_EQ(pages[1].query, "skipToken=2");
  EXPECT_EQ(pages[1].Header("Authorization"), "Bearer secret");
}

TEST_F(ClientCli, RunsShowCancelAndResubmit) {
  server_.Route("/management/runs/r1/cancel", {ApiError(409, "RunFinished", "run r1 has already finished")});
  CliRun r = Client("runs cancel r1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "runnel: RunFinished: run r1 has already finished\n");

  server_.Route("/management/runs/r2/cancel", {Json(202, R"({"id":"r2","status":"Cancelling"})")});
  r = Client("runs cancel r2");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "run r2: Cancelling\n");

  server_.Route("/management/runs/r1/resubmit", {Json(202, R"({"id":"r9"})")});
  r = Client("runs resubmit r1");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "r9\n");
  EXPECT_EQ(server_.RequestsTo("/management/runs/r1/resubmit").at(0).method, "POST");

  server_.Route("/management/runs/nope", {ApiError(404, "RunNotFound", "no run 'nope'")});
  r = Client("runs show nope");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "runnel: RunNotFound: no run 'nope'\n");
}

TEST_F(ClientCli, RunsWatchPrintsEventsUntilTheRunEnds) {
  server_.Route("/management/runs/r1/events",
                {TestResponse{200, {{"Content-Type", "text/event-stream"}},
                              ": keep-alive\r\n"
                              "event: action\r\ndata: {\"action\":\"Compose\",\"status\":\"Running\","
                              "\"time\":\"2024-05-01T10:00:00Z\"}\r\n\r\n"
                              "event: action\ndata: {\"action\":\"Compose\",\"status\":\"Succeeded\","
                              "\"time\":\"2024-05-01T10:00:01Z\"}\n\n"
                              "event: run\ndata: {\"status\":\"Succeeded\"}\n\n"
                              "event: action\ndata: {\"action\":\"After\",\"status\":\"Running\"}\n\n",
                              {}}});
  CliRun r = Client("runs watch r1");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "2024-05-01T10:00:00Z Compose Running\n"
            "2024-05-01T10:00:01Z Compose Succeeded\n"
            "run Succeeded\n");
  EXPECT_EQ(server_.RequestsTo("/management/runs/r1/events").at(0).Header("Accept"), "text/event-stream");

  server_.Route("/management/runs/r2/events",
                {TestResponse{200, {{"Content-Type", "text/event-stream"}},
                              "event: run\ndata: {\"status\":\"Failed\",\"error\":{\"code\":\"ActionFailed\","
                              "\"message\":\"Compose failed\"}}\n\n",
                              {}}});
  r = Client("runs watch r2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "run Failed: ActionFailed: Compose failed\n");

  // The stream ends without a run event: the run is read once.
  server_.Route("/management/runs/r3/events", {TestResponse{200, {{"Content-Type", "text/event-stream"}}, "", {}}});
  server_.Route("/management/runs/r3", {Json(200, R"({"id":"r3","status":"Cancelled"})")});
  r = Client("runs watch r3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "run Cancelled\n");

  server_.Route("/management/runs/r4/events", {ApiError(404, "RunNotFound", "no run 'r4'")});
  r = Client("runs watch r4");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "runnel: RunNotFound: no run 'r4'\n");
}

// --- the event stream parser ---------------------------------------------------------------

std::vector<cli::StreamEvent> ParseInPieces(const std::vector<std::string>& pieces) {
  cli::EventStreamParser parser;
  std::vector<cli::StreamEvent> events;
  for (const std::string& p : pieces) {
    parser.Feed(p, [&](const cli::StreamEvent& e) {
      events.push_back(e);
      return true;
    });
  }
  return events;
}

TEST(EventStreamParser, FollowsTheStandardsLineRules) {
  auto events = ParseInPieces({"\xEF\xBB", "\xBF: comment\r", "\nevent: action\rdata: a\r\ndata:b\n", "id: 7\n\n",
                               "data: no event name\n\n", "event: dropped\n\n", "data: unfinished\n"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "action");
  EXPECT_EQ(events[0].data, "a\nb");
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[1].event, "message");
  EXPECT_EQ(events[1].data, "no event name");
  EXPECT_EQ(events[1].id, "7");  // the last event id carries over
}

TEST(EventStreamParser, StopsWhenAskedTo) {
  cli::EventStreamParser parser;
  int seen = 0;
  bool more = parser.Feed("data: 1\n\ndata: 2\n\n", [&](const cli::StreamEvent&) { return ++seen < 1; });
  EXPECT_FALSE(more);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace runnel::testing

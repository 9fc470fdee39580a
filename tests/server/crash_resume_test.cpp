// Crash and resume: stateful runs wait on the manual clock, the server is killed with SIGKILL
// and started again on the same data directory, the clock moves on, and every run finishes —
// each action that had not run runs exactly once, none is lost or added, and a run keeps the
// flow version it started with.
#include <boost/json/serialize.hpp>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "connectors/test_http_server.h"
#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

constexpr size_t kRuns = 50;

// The run id a request to /hit carries in its "run" query parameter.
std::string RunParam(const std::string& query) {
  size_t at = query.find("run=");
  if (at == std::string::npos) return "";
  size_t end = query.find('&', at);
  return query.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
}

TEST_F(ServerTest, RunsResumeAfterSigkillAndEachActionRunsOnce) {
  TestHttpServer target;
  target.Route("/hit", {{200, {{"Content-Type", "application/json"}}, R"json({"ok": true})json"}});
  WriteFlow("durable", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Hour"}}},
      "Notify": {"type": "Http", "runAfter": {"Wait": ["Succeeded"]},
                 "inputs": {"method": "GET", "uri": ")json" + target.Url("/hit") + R"json(?run=@{workflow()['run']['name']}"}},
      "Done": {"type": "Compose", "runAfter": {"Notify": ["Succeeded"]}, "inputs": "@body('Notify')?['ok']"}}})json"));
  StartServer();
  std::string url = CallbackUrl("durable");

  std::set<std::string> accepted;
  std::string location;  // a status URL's path and query: the port changes at each start
  for (size_t i = 0; i < kRuns; ++i) {
    HttpAnswer a = PostJson(url, "{\"n\": " + std::to_string(i) + "}");
    ASSERT_EQ(a.status, 202) << a.body << a.error;
    accepted.insert(a.Header("x-ms-workflow-run-id"));
    location = a.Header("Location");
    if (location.rfind(server().base_url(), 0) == 0) location.erase(0, server().base_url().size());
  }
  ASSERT_EQ(accepted.size(), kRuns);
  EXPECT_EQ(ListRuns("durable", "Running").size(), kRuns);

  // Down for half an hour: the Waits count from when they started, not from the restart.
  RestartServer(/*crash=*/true, /*downtime_seconds=*/1800);
  EXPECT_NE(server().log().find("resumed " + std::to_string(kRuns) + " runs"), std::string::npos) << server().log();
  EXPECT_EQ(Metric("runnel_runs_in_flight"), kRuns);
  EXPECT_EQ(Get(Url(location)).status, 202);  // status URLs survive the restart
  EXPECT_TRUE(target.Requests().empty());     // nobody woke up early

  AdvanceClock(1800);
  ASSERT_TRUE(Eventually([&] { return ListRuns("durable", "Succeeded").size() == kRuns; }))
      << ListRuns("durable", "Succeeded").size() << " of " << kRuns << " runs succeeded";

  std::map<std::string, int> calls;
  for (const auto& r : target.RequestsTo("/hit")) ++calls[RunParam(r.query)];
  std::set<std::string> called;
  for (const auto& [id, n] : calls) {
    EXPECT_EQ(n, 1) << "run " << id << " called the target " << n << " times";
    called.insert(id);
  }
  EXPECT_EQ(called, accepted);
  std::vector<bj::value> runs = ListRuns("durable");
  EXPECT_EQ(runs.size(), accepted.size());
  bj::value one = WaitForRunEnd(*accepted.begin());
  EXPECT_EQ(one.at("record").at("actions").at("Done").at("outputs"), true) << bj::serialize(one);
  HttpAnswer polled = Get(Url(location));
  EXPECT_EQ(polled.status, 200) << polled.body;
  EXPECT_EQ(Str(polled.Json(), {"status"}), "Succeeded");

  // A second crash with nothing in flight resumes nothing and repeats nothing.
  RestartServer(/*crash=*/true);
  EXPECT_EQ(server().log().find("resumed"), std::string::npos) << server().log();
  EXPECT_EQ(Metric("runnel_runs_in_flight"), 0);
  EXPECT_EQ(ListRuns("durable", "Succeeded").size(), accepted.size());
  EXPECT_EQ(target.RequestsTo("/hit").size(), accepted.size());
}

// A new version deployed while a run waits does not change that run, even when the run is
// resumed after a crash (it is rebuilt from its own version's document).
TEST_F(ServerTest, ResumedRunKeepsItsFlowVersion) {
  auto flow = [](const std::string& label) {
    return Workflow(R"json({
      "triggers": {"manual": {"type": "Request", "kind": "Http"}},
      "actions": {
        "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Minute"}}},
        "Label": {"type": "Compose", "runAfter": {"Wait": ["Succeeded"]}, "inputs": ")json" + label + R"json("}}})json");
  };
  StartServer();  // deployed through the API: the flows directory would redeploy its file at the restart
  ASSERT_EQ(Api("PUT", "/management/flows/versioned", flow("v1")).status, 201);
  HttpAnswer a = PostJson(CallbackUrl("versioned"), "{}");
  ASSERT_EQ(a.status, 202) << a.body;
  std::string old_run = a.Header("x-ms-workflow-run-id");
  ASSERT_EQ(Api("PUT", "/management/flows/versioned", flow("v2")).status, 200);
  HttpAnswer b = PostJson(CallbackUrl("versioned"), "{}");
  ASSERT_EQ(b.status, 202) << b.body;
  std::string new_run = b.Header("x-ms-workflow-run-id");

  RestartServer(/*crash=*/true);
  AdvanceClock(60);
  bj::value old_record = WaitForRunEnd(old_run);
  bj::value new_record = WaitForRunEnd(new_run);
  EXPECT_EQ(old_record.at("version"), 1);
  EXPECT_EQ(Str(old_record, {"record", "actions", "Label", "outputs"}), "v1") << bj::serialize(old_record);
  EXPECT_EQ(new_record.at("version"), 2);
  EXPECT_EQ(Str(new_record, {"record", "actions", "Label", "outputs"}), "v2") << bj::serialize(new_record);
}

// A clean stop does not wait out the grace period for a stateful run parked in a Wait (it would
// take 10 s here): the run is durable, and resumes after the restart with its due time.
TEST_F(ServerTest, SigtermDoesNotWaitForRunsParkedInAWait) {
  StartServer();
  ASSERT_EQ(Api("PUT", "/management/flows/parked", Workflow(R"json({
      "triggers": {"manual": {"type": "Request", "kind": "Http"}},
      "actions": {
        "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Hour"}}}}})json"))
                .status,
            201);
  HttpAnswer a = PostJson(CallbackUrl("parked"), "{}");
  ASSERT_EQ(a.status, 202) << a.body;
  std::string id = a.Header("x-ms-workflow-run-id");
  ASSERT_TRUE(Eventually([&] { return Str(Api("GET", "/management/runs/" + id).Json(), {"status"}) == "Running"; }));

  ASSERT_EQ(server().Stop(std::chrono::seconds(5)), 0) << server().log();
  EXPECT_NE(server().log().find("1 stateful runs are waiting"), std::string::npos) << server().log();
  RestartServer(/*crash=*/true);  // not running: only restarts
  AdvanceClock(3600);
  EXPECT_EQ(Str(WaitForRunEnd(id), {"status"}), "Succeeded");
}

// Secure values are on disk only sealed while a run is in flight (docs/engine.md), and the run
// still resumes with them after a crash.
TEST_F(ServerTest, SecureValuesAreSealedInTheJournalAndStillResume) {
  constexpr char kSecret[] = "hunter2-9f8e7d";
  StartServer();
  ASSERT_EQ(Api("PUT", "/management/flows/vault", Workflow(R"json({
      "triggers": {"manual": {"type": "Request", "kind": "Http",
                              "runtimeConfiguration": {"secureData": {"properties": ["inputs", "outputs"]}}}},
      "actions": {
        "Secret": {"type": "Compose", "runAfter": {}, "inputs": "@triggerBody()?['password']",
                   "runtimeConfiguration": {"secureData": {"properties": ["inputs", "outputs"]}}},
        "Pause": {"type": "Wait", "runAfter": {"Secret": ["Succeeded"]},
                  "inputs": {"interval": {"count": 1, "unit": "Hour"}}},
        "Use": {"type": "Compose", "runAfter": {"Pause": ["Succeeded"]}, "inputs": "@length(outputs('Secret'))"}}})json"))
                .status,
            201);
  HttpAnswer a = PostJson(CallbackUrl("vault"), std::string(R"({"password": ")") + kSecret + R"("})");
  ASSERT_EQ(a.status, 202) << a.body;
  std::string id = a.Header("x-ms-workflow-run-id");
  ASSERT_TRUE(Eventually([&] {
    bj::value run = Api("GET", "/management/runs/" + id).Json();
    return run.as_object().contains("record") && run.at("record").at("actions").as_object().contains("Secret");
  }));

  RestartServer(/*crash=*/true);
  // Everything the store holds: the database and its write-ahead log.
  std::string stored;
  for (const char* file : {"runnel.db", "runnel.db-wal"}) {
    std::ifstream in(dir() / "data" / file, std::ios::binary);
    stored.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(stored.size(), 0u);
  EXPECT_EQ(stored.find(kSecret), std::string::npos) << "the secret is stored in the clear";

  AdvanceClock(3600);
  bj::value run = WaitForRunEnd(id);
  EXPECT_EQ(Str(run, {"status"}), "Succeeded") << bj::serialize(run);
  EXPECT_EQ(run.at("record").at("actions").at("Use").at("outputs"), std::string_view(kSecret).size());
  EXPECT_EQ(bj::serialize(run).find(kSecret), std::string::npos) << bj::serialize(run);
}

}  // namespace
}  // namespace runnel::testing

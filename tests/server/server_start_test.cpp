// Starting and stopping the real server: a clean SIGTERM stop, a restart that keeps what was
// deployed and run, a configuration the server refuses, the server-wide in-flight limit.
#include <fstream>

#include "server_fixture.h"

namespace runnel::testing {
namespace {

TEST_F(ServerTest, StopsOnSigtermAndKeepsItsStateAcrossARestart) {
  StartServer();
  ASSERT_EQ(Api("PUT", "/management/flows/echo", Workflow(kEchoFlow)).status, 201);
  std::string url = CallbackUrl("echo");
  HttpAnswer a = PostJson(url, R"json({"n": 1})json");
  ASSERT_EQ(a.status, 200) << a.body;
  std::string id = a.Header("x-ms-workflow-run-id");
  EXPECT_EQ(Str(WaitForRunEnd(id), {"status"}), "Succeeded");

  RestartServer(/*crash=*/false);  // asserts exit status 0
  EXPECT_EQ(Api("GET", "/management/flows/echo").status, 200);
  EXPECT_EQ(Str(Api("GET", "/management/runs/" + id).Json(), {"status"}), "Succeeded");
  // The keys were kept: the URL signed before the restart still works (on the new port).
  std::string path = url.substr(url.find("/api/"));
  EXPECT_EQ(PostJson(Url(path), R"json({"n": 2})json").status, 200);
  EXPECT_EQ(ListRuns("echo").size(), 2u);
}

TEST_F(ServerTest, UnknownSettingIsRefusedWithItsName) {
  std::ofstream(dir() / "runnel.yaml") << "listen: 127.0.0.1:0\ndata: data\ntoken: t\nlimits: {max_body_byte: 10}\n";
  ::testing::AssertionResult started = server().Start();
  EXPECT_FALSE(started);
  EXPECT_NE(server().log().find("limits.max_body_byte"), std::string::npos) << server().log();
  EXPECT_FALSE(server().running());
}

// limits.max_in_flight_runs: a run beyond it is refused with 429 and Retry-After.
TEST_F(ServerTest, OverTheServerInFlightLimitIs429) {
  WriteFlow("slow", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Minute"}}}}})json"));
  StartServer("max_in_flight_runs: 2");
  std::string url = CallbackUrl("slow");
  EXPECT_EQ(PostJson(url, "{}").status, 202);
  EXPECT_EQ(PostJson(url, "{}").status, 202);
  HttpAnswer refused = PostJson(url, "{}");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_FALSE(refused.Header("Retry-After").empty());
  AdvanceClock(60);
  ASSERT_TRUE(Eventually([&] { return Metric("runnel_runs_in_flight") == 0; }));
  EXPECT_EQ(PostJson(url, "{}").status, 202);
  EXPECT_EQ(ListRuns("slow").size(), 3u);
}

// limits.max_in_flight_runs is server-wide, so it holds for a trigger with its own concurrency
// too.
TEST_F(ServerTest, InFlightLimitHoldsForTriggersWithConcurrency) {
  WriteFlow("wide", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http",
      "runtimeConfiguration": {"concurrency": {"runs": 5}}}},
    "actions": {"Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Minute"}}}}})json"));
  StartServer("max_in_flight_runs: 1");
  std::string url = CallbackUrl("wide");
  EXPECT_EQ(PostJson(url, "{}").status, 202);
  EXPECT_EQ(PostJson(url, "{}").status, 429);
}

}  // namespace
}  // namespace runnel::testing

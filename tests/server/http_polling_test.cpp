// The Http polling trigger against a real endpoint on loopback, on the manual clock: a 200 starts
// a run and a 202 does not; the endpoint's Location is where the next poll goes, its Retry-After
// when; failed polls are retried by the trigger's retryPolicy (docs/triggers.md).
#include <algorithm>

#include "connectors/test_http_server.h"
#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

class HttpPollingTest : public ServerTest {
 protected:
  // A flow polling `url` every minute; `extra` is more of the trigger's inputs (",\"k\": v").
  void DeployPoller(const std::string& url, const std::string& extra = "") {
    WriteFlow("poller", Workflow(R"json({
      "triggers": {"poll": {"type": "Http", "recurrence": {"frequency": "Minute", "interval": 1},
                            "inputs": {"method": "GET", "uri": ")json" + url + "\"" + extra + R"json(}}},
      "actions": {"Got": {"type": "Compose", "runAfter": {}, "inputs": "@triggerBody()?['n']"}}})json"));
    StartServer();
  }
  size_t Events(const std::string& outcome) {
    size_t n = 0;
    for (const auto& e : TriggerHistory("poller")) n += Str(e, {"outcome"}) == outcome;
    return n;
  }
  std::vector<int64_t> Items() {
    std::vector<int64_t> items;
    for (const auto& run : ListRuns("poller")) {
      bj::value full = WaitForRunEnd(Str(run, {"id"}));
      items.push_back(full.at("record").at("actions").at("Got").at("outputs").as_int64());
    }
    std::sort(items.begin(), items.end());
    return items;
  }
};

TEST_F(HttpPollingTest, A200StartsARunAndLocationIsTheNextPollsUrl) {
  TestHttpServer endpoint;
  endpoint.Route("/feed", {{200, {{"Content-Type", "application/json"}, {"Location", endpoint.Url("/feed/next?cursor=7")}},
                            R"json({"n": 1})json"}});
  endpoint.Route("/feed/next", {{202, {}, ""}});
  DeployPoller(endpoint.Url("/feed"));
  ASSERT_TRUE(Eventually([&] { return ListRuns("poller").size() == 1; }));  // a new schedule polls at once
  EXPECT_EQ(Items(), (std::vector<int64_t>{1}));

  AdvanceClock(60);
  ASSERT_TRUE(Eventually([&] { return Events("Skipped") == 1; }));
  ASSERT_EQ(endpoint.RequestsTo("/feed/next").size(), 1u);
  EXPECT_EQ(endpoint.RequestsTo("/feed/next")[0].query, "cursor=7");
  EXPECT_EQ(endpoint.RequestsTo("/feed").size(), 1u);
  EXPECT_EQ(ListRuns("poller").size(), 1u);  // 202: nothing new, no run
}

// The cursor outlives a crash: the next poll after the restart goes where the last started run
// left off, not back to the trigger's uri. A new version of the flow starts from its own uri.
TEST_F(HttpPollingTest, TheCursorSurvivesACrashAndARedeployResetsIt) {
  TestHttpServer endpoint;
  endpoint.Route("/feed", {{200, {{"Content-Type", "application/json"}, {"Location", endpoint.Url("/feed/next?cursor=7")}},
                            R"json({"n": 1})json"},
                           {202, {}, ""}});
  endpoint.Route("/feed/next", {{202, {}, ""}});
  DeployPoller(endpoint.Url("/feed"));
  ASSERT_TRUE(Eventually([&] { return ListRuns("poller").size() == 1; }));

  RestartServer(/*crash=*/true);
  AdvanceClock(60);
  ASSERT_TRUE(endpoint.WaitForRequests(2, std::chrono::seconds(10)));
  ASSERT_EQ(endpoint.RequestsTo("/feed/next").size(), 1u);
  EXPECT_EQ(endpoint.RequestsTo("/feed/next")[0].query, "cursor=7");
  EXPECT_EQ(endpoint.RequestsTo("/feed").size(), 1u);
  EXPECT_EQ(ListRuns("poller").size(), 1u);

  // Version 2 (another header): its own uri again.
  HttpAnswer put = Api("PUT", "/management/flows/poller", Workflow(R"json({
    "triggers": {"poll": {"type": "Http", "recurrence": {"frequency": "Minute", "interval": 1},
                          "inputs": {"method": "GET", "uri": ")json" + endpoint.Url("/feed") + R"json(",
                                     "headers": {"x-version": "2"}}}},
    "actions": {"Got": {"type": "Compose", "runAfter": {}, "inputs": "@triggerBody()?['n']"}}})json"));
  ASSERT_EQ(put.status, 200) << put.body;
  AdvanceClock(60);
  ASSERT_TRUE(endpoint.WaitForRequests(3, std::chrono::seconds(10)));
  EXPECT_EQ(endpoint.RequestsTo("/feed").size(), 2u);
}

// Retry-After: 0 on a 200 means "more is waiting": the trigger polls again at once, without
// waiting for the next occurrence, until an answer comes without it.
TEST_F(HttpPollingTest, RetryAfterSoonerThanTheNextOccurrencePollsAgainThen) {
  TestHttpServer endpoint;
  endpoint.Route("/items", {{200, {{"Content-Type", "application/json"}, {"Retry-After", "0"}}, R"json({"n": 1})json"},
                             {200, {{"Content-Type", "application/json"}, {"Retry-After", "0"}}, R"json({"n": 2})json"},
                             {200, {{"Content-Type", "application/json"}}, R"json({"n": 3})json"}});
  DeployPoller(endpoint.Url("/items"));
  ASSERT_TRUE(Eventually([&] { return ListRuns("poller").size() == 3; }));
  EXPECT_EQ(Items(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Events("Fired"), 3u);
  EXPECT_EQ(endpoint.RequestsTo("/items").size(), 3u);  // the third answer asked for nothing more
}

// A 202 with Retry-After longer than the recurrence: the occurrences before it are skipped (and
// say why), the first one after it polls.
TEST_F(HttpPollingTest, RetryAfterLongerThanTheRecurrenceHoldsThePolling) {
  TestHttpServer endpoint;
  endpoint.Route("/slow", {{202, {{"Retry-After", "150"}}, ""}, {202, {}, ""}});
  DeployPoller(endpoint.Url("/slow"));
  ASSERT_TRUE(Eventually([&] { return Events("Skipped") == 1; }));  // minute 0: polled, 202
  for (int minute = 1; minute <= 2; ++minute) {
    AdvanceClock(60);
    ASSERT_TRUE(Eventually([&] { return Events("Skipped") == 1u + minute; })) << "minute " << minute;
  }
  EXPECT_EQ(endpoint.RequestsTo("/slow").size(), 1u);
  size_t held = 0;
  for (const auto& e : TriggerHistory("poller")) held += Str(e, {"reason"}).find("(Retry-After)") != std::string::npos;
  EXPECT_EQ(held, 2u);

  AdvanceClock(60);  // minute 3: past the 150 s
  ASSERT_TRUE(endpoint.WaitForRequests(2, std::chrono::seconds(10)));
  ASSERT_TRUE(Eventually([&] { return Events("Skipped") == 4; }));
}

TEST_F(HttpPollingTest, AFailedPollIsRetriedByTheTriggersRetryPolicy) {
  TestHttpServer endpoint;
  endpoint.Route("/flaky", {{500, {}, "down"}, {503, {}, "still down"}, {200, {{"Content-Type", "application/json"}}, R"json({"n": 9})json"}});
  DeployPoller(endpoint.Url("/flaky"), R"json(, "retryPolicy": {"type": "fixed", "count": 2, "interval": "PT10S"})json");
  ASSERT_TRUE(endpoint.WaitForRequests(1, std::chrono::seconds(10)));
  for (size_t attempt = 2; attempt <= 3; ++attempt) {
    AdvanceClock(10);
    ASSERT_TRUE(endpoint.WaitForRequests(attempt, std::chrono::seconds(10))) << "attempt " << attempt;
  }
  ASSERT_TRUE(Eventually([&] { return ListRuns("poller").size() == 1; }));
  EXPECT_EQ(Items(), (std::vector<int64_t>{9}));
  EXPECT_EQ(Events("Rejected"), 0u);
}

TEST_F(HttpPollingTest, APollThatKeepsFailingIsRejectedAfterItsRetries) {
  TestHttpServer endpoint;
  endpoint.Route("/down", {{500, {}, "down"}});
  DeployPoller(endpoint.Url("/down"), R"json(, "retryPolicy": {"type": "fixed", "count": 1, "interval": "PT5S"})json");
  ASSERT_TRUE(endpoint.WaitForRequests(1, std::chrono::seconds(10)));
  AdvanceClock(5);
  ASSERT_TRUE(Eventually([&] { return Events("Rejected") == 1; }))
      << endpoint.RequestsTo("/down").size() << " polls; " << server().log();
  EXPECT_EQ(endpoint.RequestsTo("/down").size(), 2u);
  std::string reason = Str(TriggerHistory("poller").at(0), {"reason"});
  EXPECT_NE(reason.find("answered 500 (after 1 retry)"), std::string::npos) << reason;
  EXPECT_TRUE(ListRuns("poller").empty());
}

}  // namespace
}  // namespace runnel::testing

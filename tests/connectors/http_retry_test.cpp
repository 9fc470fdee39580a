// The Http action end to end over time: retry policies (fixed, exponential, none, default),
// Retry-After, connection failures, per-request timeouts, 202 polling, limit.timeout and
// cancellation. Every wait is virtual: the tests assert how far the clock moved.
#include "http_flow_fixture.h"

namespace runnel::connectors::testing {
namespace {

TEST_F(HttpFlowTest, ServerErrorsRetriedOnAFixedInterval) {
  server_.Route("/flaky", {{500, {}, "down"}, {503, {}, "down"}, {200, {}, "up"}});
  bj::value rec = RunHttp(R"({"method": "GET", "uri": "{{base}}/flaky",
                              "retryPolicy": {"type": "fixed", "count": 3, "interval": "PT30S"}})");
  const bj::value& http = Action(rec, "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(http.at("outputs").at("body"), "up");
  EXPECT_EQ(http.at("attempts"), 3);
  EXPECT_EQ(server_.RequestsTo("/flaky").size(), 3u);
  EXPECT_EQ(Elapsed(), 60 * kSecond);
}

TEST_F(HttpFlowTest, RetriesExhaustedKeepTheLastResponse) {
  server_.Route("/down", {{500, {}, "still down"}});
  bj::value rec = RunHttp(R"({"method": "GET", "uri": "{{base}}/down",
                              "retryPolicy": {"type": "fixed", "count": 2, "interval": "PT10S"}})");
  const bj::value& http = Action(rec, "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("code"), "InternalServerError");
  EXPECT_EQ(http.at("attempts"), 3);
  EXPECT_EQ(http.at("outputs").at("body"), "still down");
  EXPECT_EQ(server_.RequestsTo("/down").size(), 3u);
  EXPECT_EQ(Elapsed(), 20 * kSecond);
}

TEST_F(HttpFlowTest, NoneMeansOneAttempt) {
  server_.Route("/down", {{502, {}, ""}});
  const bj::value http =
      Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/down", "retryPolicy": {"type": "none"}})"), "Http");
  EXPECT_EQ(http.at("code"), "BadGateway");
  EXPECT_EQ(http.at("attempts"), 1);
  EXPECT_EQ(Elapsed(), 0);
}

// The default policy: exponential, 4 retries, interval 7 s, min 5 s, max 1 h. With the draw at 0
// each wait is its lower bound: 5, 7, 14, 28 s; at 1 the upper: 7, 14, 28, 56 s.
TEST_F(HttpFlowTest, DefaultPolicyWaitsAtTheExponentialLowerBounds) {
  random_unit_ = 0.0;
  server_.Route("/down", {{500, {}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/down"})"), "Http");
  EXPECT_EQ(http.at("attempts"), 5);
  EXPECT_EQ(server_.RequestsTo("/down").size(), 5u);
  EXPECT_EQ(Elapsed(), (5 + 7 + 14 + 28) * kSecond);
}

TEST_F(HttpFlowTest, DefaultPolicyWaitsAtTheExponentialUpperBounds) {
  random_unit_ = 1.0;
  server_.Route("/down", {{408, {}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/down"})"), "Http");
  EXPECT_EQ(http.at("code"), "RequestTimeout");
  EXPECT_EQ(http.at("attempts"), 5);
  EXPECT_EQ(Elapsed(), (7 + 14 + 28 + 56) * kSecond);
}

TEST_F(HttpFlowTest, ExplicitExponentialPolicy) {
  random_unit_ = 0.5;
  server_.Route("/down", {{500, {}, ""}, {500, {}, ""}, {200, {}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/down",
      "retryPolicy": {"type": "exponential", "count": 2, "interval": "PT10S", "minimumInterval": "PT5S"}})"),
                                 "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  // Retry 1 drawn from [5, 10] s, retry 2 from [10, 20] s; at 0.5: 7.5 + 15.
  EXPECT_EQ(Elapsed(), 22'500'000);
}

TEST_F(HttpFlowTest, RetryAfterSecondsOn429) {
  server_.Route("/busy", {{429, {{"Retry-After", "42"}}, ""}, {200, {}, "done"}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/busy",
      "retryPolicy": {"type": "fixed", "count": 1, "interval": "PT5S"}})"), "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(http.at("attempts"), 2);
  EXPECT_EQ(Elapsed(), 42 * kSecond);
}

TEST_F(HttpFlowTest, RetryAfterHttpDateOn503) {
  // The virtual clock starts at 2020-01-01T00:00:00Z; the date is 100 s later.
  server_.Route("/busy", {{503, {{"Retry-After", "Wed, 01 Jan 2020 00:01:40 GMT"}}, ""}, {200, {}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/busy"})"), "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(Elapsed(), 100 * kSecond);
}

TEST_F(HttpFlowTest, ConnectionRefusedIsRetriedThenFails) {
  random_unit_ = 0.0;
  uint16_t port = TestHttpServer::UnusedPort();
  const bj::value http = Action(
      RunHttp(R"({"method": "GET", "uri": "http://127.0.0.1:)" + std::to_string(port) + R"(/x"})"), "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("code"), "ConnectFailed");
  EXPECT_EQ(http.at("error").at("code"), "ConnectFailed");
  EXPECT_EQ(http.at("attempts"), 5);
  EXPECT_FALSE(http.as_object().contains("outputs"));
  EXPECT_EQ(Elapsed(), (5 + 7 + 14 + 28) * kSecond);
}

TEST_F(HttpFlowTest, PerRequestTimeout) {
  options_.request_timeout_micros = 200'000;  // wall time: the request really is slow
  server_.Route("/slow", {{200, {}, "late", milliseconds(30'000)}});
  const bj::value http = Action(
      RunHttp(R"({"method": "GET", "uri": "{{base}}/slow", "retryPolicy": {"type": "none"}})"), "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("code"), "RequestTimeout");
}

TEST_F(HttpFlowTest, AsyncPatternPollsLocationUntilDone) {
  server_.Route("/jobs", {{202, {{"Location", server_.Url("/jobs/1/status")}, {"Retry-After", "10"}}, ""}});
  server_.Route("/jobs/1/status", {{202, {{"Location", "/jobs/1/status?n=2"}}, "running"},
                                   {200, {{"Content-Type", "application/json"}}, R"({"result": 42})"}});
  const bj::value http = Action(RunHttp(R"({"method": "POST", "uri": "{{base}}/jobs", "body": {"go": true},
      "authentication": {"type": "Raw", "value": "Bearer t0k"}})"), "Http");
  EXPECT_EQ(http.at("status"), "Succeeded") << Text(http);
  EXPECT_EQ(http.at("code"), "OK");
  EXPECT_EQ(http.at("outputs").at("statusCode"), 200);
  EXPECT_EQ(http.at("outputs").at("body").at("result"), 42);
  EXPECT_EQ(http.at("attempts"), 1);
  // Retry-After 10 s, then the default poll interval (20 s) for the 202 without one.
  EXPECT_EQ(Elapsed(), 30 * kSecond);
  auto polls = server_.RequestsTo("/jobs/1/status");
  ASSERT_EQ(polls.size(), 2u);
  EXPECT_EQ(polls[0].method, "GET");
  EXPECT_EQ(polls[0].query, "");
  EXPECT_EQ(polls[1].query, "n=2");  // the relative Location of the first poll's 202
  EXPECT_EQ(polls[1].Header("Authorization"), "Bearer t0k");
  EXPECT_TRUE(polls[1].body.empty());
}

TEST_F(HttpFlowTest, DisableAsyncPatternTakesThe202AsFinal) {
  server_.Route("/jobs", {{202, {{"Location", server_.Url("/jobs/1/status")}}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "POST", "uri": "{{base}}/jobs"})",
                                         R"("operationOptions": "DisableAsyncPattern")"),
                                 "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(http.at("code"), "Accepted");
  EXPECT_EQ(http.at("outputs").at("statusCode"), 202);
  EXPECT_TRUE(server_.RequestsTo("/jobs/1/status").empty());
  EXPECT_EQ(Elapsed(), 0);
}

TEST_F(HttpFlowTest, A202WithoutLocationIsFinal) {
  server_.Route("/jobs", {{202, {{"Retry-After", "10"}}, "queued"}});
  const bj::value http = Action(RunHttp(R"({"method": "POST", "uri": "{{base}}/jobs"})"), "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(http.at("outputs").at("body"), "queued");
  EXPECT_EQ(server_.Requests().size(), 1u);
  EXPECT_EQ(Elapsed(), 0);
}

TEST_F(HttpFlowTest, FailingPollsAreRetried) {
  random_unit_ = 0.0;
  server_.Route("/jobs", {{202, {{"Location", "/status"}, {"Retry-After", "1"}}, ""}});
  server_.Route("/status", {{503, {}, ""}, {200, {}, "done"}});
  const bj::value http = Action(RunHttp(R"({"method": "POST", "uri": "{{base}}/jobs"})"), "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(http.at("outputs").at("body"), "done");
  EXPECT_EQ(http.at("attempts"), 2);  // the poll's retry counts
  EXPECT_EQ(Elapsed(), (1 + 5) * kSecond);
}

TEST_F(HttpFlowTest, LimitTimeoutStopsPolling) {
  server_.Route("/jobs", {{202, {{"Location", server_.Url("/forever")}, {"Retry-After", "10"}}, ""}});
  server_.Route("/forever", {{202, {{"Location", server_.Url("/forever")}, {"Retry-After", "10"}}, ""}});
  bj::value rec = RunHttp(R"({"method": "POST", "uri": "{{base}}/jobs"})", R"("limit": {"timeout": "PT1M"})");
  const bj::value& http = Action(rec, "Http");
  EXPECT_EQ(http.at("status"), "TimedOut");
  EXPECT_EQ(http.at("code"), "ActionTimedOut");
  // Polls at 10, 20, 30, 40, 50 s; the timeout at 60 s comes before the sixth.
  EXPECT_EQ(server_.RequestsTo("/forever").size(), 5u);
  EXPECT_EQ(rec.at("status"), "Failed");
}

TEST_F(HttpFlowTest, TerminateCancelsTheRequestInFlight) {
  server_.Route("/slow", {{200, {}, "late", milliseconds(60'000)}});
  auto wall_start = std::chrono::steady_clock::now();
  bj::value rec = RunFlow(R"({
    "Http": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/slow"}},
    "Stop": {"type": "Terminate", "runAfter": {}, "inputs": {"runStatus": "Cancelled"}}})");
  EXPECT_EQ(Action(rec, "Http").at("status"), "Cancelled");
  EXPECT_EQ(rec.at("status"), "Cancelled");
  // The loop only ends once the aborted request reported back; far sooner than the server's 60 s.
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(30));
}

}  // namespace
}  // namespace runnel::connectors::testing

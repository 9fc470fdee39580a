// The HttpWebhook trigger against a real service on loopback (docs/triggers.md "HttpWebhook"):
// deploying subscribes the trigger's URL, each POST to it fires a run, and disabling, deleting,
// redeploying or regenerating the key unsubscribes what stood before.
#include <algorithm>

#include <boost/json/parse.hpp>

#include "connectors/test_http_server.h"
#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

class WebhookTriggerTest : public ServerTest {
 protected:
  // The flow "orders": its trigger "events" subscribes to `topic` at service/subscribe.
  static std::string Flow(TestHttpServer& service, const std::string& topic) {
    return Workflow(R"json({
      "triggers": {"events": {"type": "HttpWebhook", "inputs": {
        "subscribe": {"method": "POST", "uri": ")json" + service.Url("/subscribe") + R"json(",
                      "body": {"callback": "@{listCallbackUrl()}", "topic": ")json" + topic + R"json("}},
        "unsubscribe": {"method": "POST", "url": ")json" + service.Url("/unsubscribe") + R"json(",
                        "body": {"callback": "@{listCallbackUrl()}", "topic": ")json" + topic + R"json("}}}}},
      "actions": {"Got": {"type": "Compose", "runAfter": {}, "inputs": "@triggerBody()?['id']"}}})json");
  }

  void Deploy(TestHttpServer& service, std::vector<TestResponse> subscribe = {{200, {}, ""}}) {
    service.Route("/subscribe", std::move(subscribe));
    service.Route("/unsubscribe", {{200, {}, ""}});
    WriteFlow("orders", Flow(service, "orders"));
    StartServer();
  }

  // The body of the service's n-th request to `path` (waits for it).
  static bj::value NthBody(TestHttpServer& service, const std::string& path, size_t n) {
    EXPECT_TRUE(Eventually([&] { return service.RequestsTo(path).size() >= n; })) << path << " #" << n;
    auto requests = service.RequestsTo(path);
    return requests.size() >= n ? bj::parse(requests[n - 1].body) : bj::value();
  }

  size_t Outcomes(const std::string& outcome) {
    size_t n = 0;
    for (const auto& e : TriggerHistory("orders")) n += Str(e, {"outcome"}) == outcome;
    return n;
  }
};

TEST_F(WebhookTriggerTest, DeployingSubscribesAndEachPostFiresARun) {
  TestHttpServer service;
  Deploy(service);
  bj::value subscribe = NthBody(service, "/subscribe", 1);
  EXPECT_EQ(Str(subscribe, {"topic"}), "orders");
  std::string url = Str(subscribe, {"callback"});
  ASSERT_EQ(url.rfind(Url("/api/orders/triggers/events/invoke?"), 0), 0u) << url;
  ASSERT_TRUE(Eventually([&] { return Outcomes("Subscribed") == 1; }));

  for (int id : {7, 8}) {
    HttpAnswer a = PostJson(url, "{\"id\": " + std::to_string(id) + "}");
    EXPECT_EQ(a.status, 202) << a.body;
  }
  ASSERT_TRUE(Eventually([&] { return ListRuns("orders").size() == 2; }));
  std::vector<int64_t> got;
  for (const auto& run : ListRuns("orders")) {
    got.push_back(WaitForRunEnd(Str(run, {"id"})).at("record").at("actions").at("Got").at("outputs").as_int64());
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int64_t>{7, 8}));
  EXPECT_TRUE(service.RequestsTo("/unsubscribe").empty());
}

TEST_F(WebhookTriggerTest, DisablingUnsubscribesAndEnablingSubscribesAgain) {
  TestHttpServer service;
  Deploy(service);
  std::string url = Str(NthBody(service, "/subscribe", 1), {"callback"});
  ASSERT_EQ(Api("POST", "/management/flows/orders/disable").status, 200);
  bj::value unsubscribe = NthBody(service, "/unsubscribe", 1);
  EXPECT_EQ(Str(unsubscribe, {"callback"}), url);
  EXPECT_EQ(Str(unsubscribe, {"topic"}), "orders");
  EXPECT_EQ(PostJson(url, R"({"id": 1})").status, 409);  // disabled: nothing fires

  ASSERT_EQ(Api("POST", "/management/flows/orders/enable").status, 200);
  EXPECT_EQ(Str(NthBody(service, "/subscribe", 2), {"callback"}), url);
  ASSERT_TRUE(Eventually([&] { return Outcomes("Subscribed") == 2 && Outcomes("Unsubscribed") == 1; }));
}

// A new version ends the old subscription first (with the old version's unsubscribe), then
// subscribes its own.
TEST_F(WebhookTriggerTest, ANewVersionReplacesTheSubscription) {
  TestHttpServer service;
  Deploy(service);
  NthBody(service, "/subscribe", 1);
  ASSERT_TRUE(Eventually([&] { return Outcomes("Subscribed") == 1; }));
  HttpAnswer put = Api("PUT", "/management/flows/orders", Flow(service, "returns"));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Str(NthBody(service, "/subscribe", 2), {"topic"}), "returns");
  EXPECT_EQ(Str(NthBody(service, "/unsubscribe", 1), {"topic"}), "orders");
  auto all = service.Requests();
  auto position = [&](const std::string& path, const std::string& topic) {
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].path == path && Str(bj::parse(all[i].body), {"topic"}) == topic) return i;
    }
    return all.size();
  };
  EXPECT_LT(position("/unsubscribe", "orders"), position("/subscribe", "returns"));
}

TEST_F(WebhookTriggerTest, DeletingTheFlowUnsubscribes) {
  TestHttpServer service;
  Deploy(service);
  std::string url = Str(NthBody(service, "/subscribe", 1), {"callback"});
  ASSERT_TRUE(Eventually([&] { return Outcomes("Subscribed") == 1; }));
  ASSERT_EQ(Api("DELETE", "/management/flows/orders").status, 204);
  EXPECT_EQ(Str(NthBody(service, "/unsubscribe", 1), {"callback"}), url);
}

// With a fixed public_url the trigger's URL is the same after a restart: the subscription is in
// place and nothing is sent. Regenerating the primary key changes the URL: a new subscription.
TEST_F(WebhookTriggerTest, ARestartKeepsTheSubscriptionAndANewKeyRenewsIt) {
  TestHttpServer service;
  AddConfig("public_url: http://hooks.example.test/\n");
  Deploy(service);
  std::string url = Str(NthBody(service, "/subscribe", 1), {"callback"});
  EXPECT_EQ(url.rfind("http://hooks.example.test/api/orders/triggers/events/invoke?", 0), 0u) << url;
  ASSERT_TRUE(Eventually([&] { return Outcomes("Subscribed") == 1; }));
  RestartServer(/*crash=*/false);
  // A run fired through the restarted server shows it is up and has read its flows.
  std::string local = Url(url.substr(url.find("/api/")));
  ASSERT_EQ(PostJson(local, R"({"id": 3})").status, 202);
  ASSERT_TRUE(Eventually([&] { return ListRuns("orders").size() == 1; }));

  ASSERT_EQ(Api("POST", "/management/flows/orders/regenerateAccessKey", R"({"keyType": "Primary"})").status, 200);
  std::string renewed = Str(NthBody(service, "/subscribe", 2), {"callback"});
  EXPECT_NE(renewed, url);
  EXPECT_EQ(Str(NthBody(service, "/unsubscribe", 1), {"callback"}), url);
  // Refreshes run in order, so the restart's was done before this one: it sent nothing.
  EXPECT_EQ(service.RequestsTo("/subscribe").size(), 2u);
  EXPECT_EQ(service.RequestsTo("/unsubscribe").size(), 1u);
  EXPECT_EQ(PostJson(local, R"({"id": 4})").status, 401);  // the old signature no longer works
  EXPECT_EQ(PostJson(Url(renewed.substr(renewed.find("/api/"))), R"({"id": 4})").status, 202);
}

// A refused subscribe is recorded with the service's answer and leaves nothing standing, so
// the next enable tries again.
TEST_F(WebhookTriggerTest, ARefusedSubscribeIsRecordedAndTriedAgain) {
  TestHttpServer service;
  Deploy(service, {{403, {}, "topic closed"}, {200, {}, ""}});
  ASSERT_TRUE(Eventually([&] { return Outcomes("Rejected") == 1; }));
  std::string reason;
  for (const auto& e : TriggerHistory("orders")) {
    if (Str(e, {"outcome"}) == "Rejected") reason = Str(e, {"reason"});
  }
  EXPECT_NE(reason.find("403"), std::string::npos) << reason;
  EXPECT_NE(reason.find("topic closed"), std::string::npos) << reason;
  ASSERT_EQ(Api("POST", "/management/flows/orders/disable").status, 200);
  ASSERT_EQ(Api("POST", "/management/flows/orders/enable").status, 200);
  ASSERT_TRUE(Eventually([&] { return Outcomes("Subscribed") == 1; }));
  EXPECT_TRUE(service.RequestsTo("/unsubscribe").empty());  // nothing stood to end
}

// ActiveDirectoryOAuth on the subscribe and the unsubscribe: one token request, the token
// reused from the cache for the unsubscribe.
TEST_F(WebhookTriggerTest, SubscribeAndUnsubscribeCarryAnOAuthToken) {
  TestHttpServer service;
  service.Route("/tenant-1/oauth2/token",
                {{200, {{"Content-Type", "application/json"}}, R"({"access_token": "tok-1", "expires_in": 3600})"}});
  service.Route("/subscribe", {{200, {}, ""}});
  service.Route("/unsubscribe", {{200, {}, ""}});
  std::string auth = R"json({"type": "ActiveDirectoryOAuth", "authority": ")json" + service.Url("") +
                     R"json(", "tenant": "tenant-1", "audience": "https://events.example.com", "clientId": "app",
                       "secret": "s3cret"})json";
  WriteFlow("orders", Workflow(R"json({
    "triggers": {"events": {"type": "HttpWebhook", "inputs": {
      "subscribe": {"method": "POST", "uri": ")json" + service.Url("/subscribe") + R"json(",
                    "body": {"callback": "@{listCallbackUrl()}"}, "authentication": )json" + auth + R"json(},
      "unsubscribe": {"method": "POST", "uri": ")json" + service.Url("/unsubscribe") + R"json(",
                      "body": {"callback": "@{listCallbackUrl()}"}, "authentication": )json" + auth + R"json(}}}},
    "actions": {}})json"));
  StartServer();
  ASSERT_TRUE(Eventually([&] { return Outcomes("Subscribed") == 1; }));
  EXPECT_EQ(service.RequestsTo("/subscribe")[0].Header("Authorization"), "Bearer tok-1");
  ASSERT_EQ(Api("POST", "/management/flows/orders/disable").status, 200);
  ASSERT_TRUE(Eventually([&] { return service.RequestsTo("/unsubscribe").size() == 1; }));
  EXPECT_EQ(service.RequestsTo("/unsubscribe")[0].Header("Authorization"), "Bearer tok-1");
  EXPECT_EQ(service.RequestsTo("/tenant-1/oauth2/token").size(), 1u);
}

}  // namespace
}  // namespace runnel::testing

// The HttpWebhook action against a real service on loopback (docs/actions.md "HttpWebhook"):
// the subscribe carries listCallbackUrl(); a POST to that URL completes the action; a timeout or
// a cancel sends the unsubscribe; a crash while waiting subscribes again at the same URL.
#include <boost/json/parse.hpp>

#include "connectors/test_http_server.h"
#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

class WebhookActionTest : public ServerTest {
 protected:
  // A flow whose action "Approval" subscribes at service/subscribe (answered by `subscribe`)
  // and unsubscribes at service/unsubscribe; `action_extra` adds members to the action.
  void Deploy(TestHttpServer& service, std::vector<TestResponse> subscribe, const std::string& action_extra = "") {
    service.Route("/subscribe", std::move(subscribe));
    service.Route("/unsubscribe", {{200, {}, ""}});
    WriteFlow("approve", Workflow(R"json({
      "triggers": {"manual": {"type": "Request", "kind": "Http"}},
      "actions": {
        "Approval": {"type": "HttpWebhook", "runAfter": {})json" + action_extra + R"json(,
          "inputs": {
            "subscribe": {"method": "POST", "uri": ")json" + service.Url("/subscribe") + R"json(",
                          "retryPolicy": {"type": "none"},
                          "body": {"callback": "@{listCallbackUrl()}", "order": "@triggerBody()?['order']"}},
            "unsubscribe": {"method": "POST", "uri": ")json" + service.Url("/unsubscribe") + R"json(",
                            "body": {"callback": "@{listCallbackUrl()}",
                                     "subscription": "@{action()?['outputs']?['body']?['id']}"}}}},
        "Decision": {"type": "Compose", "runAfter": {"Approval": ["Succeeded"]},
                     "inputs": "@body('Approval')?['approved']"}}})json"));
    StartServer();
  }

  // Fires the flow and returns its run id.
  std::string Fire(const std::string& order) {
    HttpAnswer a = PostJson(CallbackUrl("approve"), R"json({"order": ")json" + order + "\"}");
    EXPECT_EQ(a.status, 202) << a.body;
    return a.Header("x-ms-workflow-run-id");
  }

  // The callback URL the service received in its n-th subscribe (waits for it).
  static std::string SubscribedUrl(TestHttpServer& service, size_t n = 1) {
    EXPECT_TRUE(Eventually([&] { return service.RequestsTo("/subscribe").size() >= n; }));
    auto requests = service.RequestsTo("/subscribe");
    if (requests.size() < n) return "";
    return Str(bj::parse(requests[n - 1].body), {"callback"});
  }

  std::string RunStatus(const std::string& id) {
    return Str(Api("GET", "/management/runs/" + id).Json(), {"status"});
  }
};

TEST_F(WebhookActionTest, TheCallbackCompletesTheActionWithItsRequest) {
  TestHttpServer service;
  Deploy(service, {{201, {{"Content-Type", "application/json"}}, R"json({"id": "sub-1"})json"}});
  std::string id = Fire("A-17");
  std::string url = SubscribedUrl(service);
  ASSERT_NE(url.find("/api/approve/runs/" + id + "/callbacks/Approval?"), std::string::npos) << url;
  EXPECT_EQ(Str(bj::parse(service.RequestsTo("/subscribe")[0].body), {"order"}), "A-17");
  EXPECT_EQ(RunStatus(id), "Running");

  HttpAnswer back = PostJson(url, R"json({"approved": true, "by": "maria"})json", {"X-Reviewer: maria"});
  EXPECT_EQ(back.status, 200) << back.body;
  bj::value run = WaitForRunEnd(id);
  EXPECT_EQ(Str(run, {"status"}), "Succeeded") << run;
  const bj::value* approval = At(run, {"record", "actions", "Approval"});
  ASSERT_NE(approval, nullptr) << run;
  EXPECT_EQ(Str(*approval, {"outputs", "body", "by"}), "maria");
  EXPECT_EQ(Str(*approval, {"outputs", "headers", "X-Reviewer"}), "maria");
  EXPECT_EQ(Str(*approval, {"inputs", "subscribe", "body", "callback"}), url);
  EXPECT_EQ(*At(run, {"record", "actions", "Decision", "outputs"}), bj::value(true));
  EXPECT_TRUE(service.RequestsTo("/unsubscribe").empty());

  // One callback per wait: the URL is spent.
  EXPECT_EQ(PostJson(url, "{}").status, 404);
}

TEST_F(WebhookActionTest, CallbacksNeedTheSignatureAndAPost) {
  TestHttpServer service;
  Deploy(service, {{200, {}, ""}});
  std::string id = Fire("A-1");
  std::string url = SubscribedUrl(service);
  ASSERT_FALSE(url.empty());
  std::string forged = url.substr(0, url.find("sig=") + 4) + "AAAA";
  EXPECT_EQ(PostJson(forged, "{}").status, 401);
  std::string other_action = url;
  other_action.replace(other_action.find("/callbacks/Approval"), 19, "/callbacks/Decision");
  EXPECT_EQ(PostJson(other_action, "{}").status, 401);  // a signature names one action
  EXPECT_EQ(Get(url).status, 405);
  EXPECT_EQ(RunStatus(id), "Running");  // none of them completed the action
  EXPECT_EQ(PostJson(url, R"json({"approved": false})json").status, 200);
  EXPECT_EQ(Str(WaitForRunEnd(id), {"status"}), "Succeeded");
}

TEST_F(WebhookActionTest, ATimeoutUnsubscribesWithTheSubscribeAnswer) {
  TestHttpServer service;
  Deploy(service, {{200, {{"Content-Type", "application/json"}}, R"json({"id": "sub-9"})json"}},
         R"json(, "limit": {"timeout": "PT1H"})json");
  std::string id = Fire("A-2");
  std::string url = SubscribedUrl(service);
  ASSERT_TRUE(Eventually([&] { return RunStatus(id) == "Running"; }));
  AdvanceClock(3601);
  bj::value run = WaitForRunEnd(id);
  EXPECT_EQ(Str(run, {"record", "actions", "Approval", "status"}), "TimedOut") << run;
  ASSERT_TRUE(service.WaitForRequests(2, kDeadline));
  auto unsubscribes = service.RequestsTo("/unsubscribe");
  ASSERT_EQ(unsubscribes.size(), 1u);
  bj::value body = bj::parse(unsubscribes[0].body);
  EXPECT_EQ(Str(body, {"subscription"}), "sub-9");
  EXPECT_EQ(Str(body, {"callback"}), url);
  EXPECT_EQ(PostJson(url, "{}").status, 404);  // nobody waits any more
}

TEST_F(WebhookActionTest, CancellingTheRunUnsubscribes) {
  TestHttpServer service;
  Deploy(service, {{200, {}, ""}});
  std::string id = Fire("A-3");
  SubscribedUrl(service);
  EXPECT_EQ(Api("POST", "/management/runs/" + id + "/cancel").status, 202);
  EXPECT_EQ(Str(WaitForRunEnd(id), {"status"}), "Cancelled");
  ASSERT_TRUE(service.WaitForRequests(2, kDeadline));
  EXPECT_EQ(service.RequestsTo("/unsubscribe").size(), 1u);
}

TEST_F(WebhookActionTest, ARefusedSubscribeFailsTheAction) {
  TestHttpServer service;
  Deploy(service, {{400, {{"Content-Type", "application/json"}}, R"json({"error": "unknown topic"})json"}});
  std::string id = Fire("A-4");
  bj::value run = WaitForRunEnd(id);
  const bj::value* approval = At(run, {"record", "actions", "Approval"});
  ASSERT_NE(approval, nullptr) << run;
  EXPECT_EQ(Str(*approval, {"status"}), "Failed");
  EXPECT_EQ(Str(*approval, {"code"}), "BadRequest");
  EXPECT_NE(Str(*approval, {"error", "message"}).find("status 400"), std::string::npos) << *approval;
  EXPECT_EQ(Str(*approval, {"outputs", "subscribe", "body", "error"}), "unknown topic");
  EXPECT_EQ(Str(run, {"record", "actions", "Decision", "status"}), "Skipped");
}

// A crash while the action waits: the run resumes and subscribes again at the same callback
// path (the test's server listens on a new port after each start, so only the path is
// compared), and the callback to it completes the action.
TEST_F(WebhookActionTest, AWaitingActionSubscribesAgainAfterACrash) {
  TestHttpServer service;
  Deploy(service, {{200, {}, ""}});
  std::string id = Fire("A-5");
  std::string url = SubscribedUrl(service);
  RestartServer(/*crash=*/true);
  std::string again = SubscribedUrl(service, 2);
  auto path = [](const std::string& u) { return u.substr(u.find("/api/")); };
  EXPECT_EQ(path(again), path(url));
  EXPECT_EQ(again.rfind(server().base_url(), 0), 0u) << again;  // the port this start listens on
  EXPECT_EQ(PostJson(again, R"json({"approved": true})json").status, 200);
  bj::value run = WaitForRunEnd(id);
  EXPECT_EQ(Str(run, {"status"}), "Succeeded") << run;
  EXPECT_EQ(*At(run, {"record", "actions", "Decision", "outputs"}), bj::value(true));
}

}  // namespace
}  // namespace runnel::testing

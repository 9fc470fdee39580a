// SendHttpInputs (http_exchange.h), the Http action's sending for other handlers: retries and
// Retry-After as the Http action has them, but no 202 polling; attempts; input errors; OAuth;
// cancellation. A test handler stands in for a caller such as HttpWebhook: it takes the place
// of Compose, sends the Compose action's inputs and reports what `done` got as its outputs.
#include <atomic>

#include "connectors/http/http_exchange.h"
#include "http_flow_fixture.h"

namespace runnel::connectors::testing {
namespace {

struct Probe {
  std::atomic<int> done_calls{0};
  std::atomic<int> early_calls{0};  // `done` before SendHttpInputs returned
};

class SendInputsHandler final : public engine::ActionHandler {
 public:
  SendInputsHandler(std::shared_ptr<HttpClient> client, std::shared_ptr<const HttpActionOptions> options,
                    std::shared_ptr<Probe> probe)
      : client_(std::move(client)), options_(std::move(options)), probe_(std::move(probe)) {}

  void Execute(std::shared_ptr<engine::ActionCall> call) override {
    auto inputs = call->EvaluateInputs();
    if (!inputs) return call->Complete(engine::ActionResult::Failed(inputs.error()));
    RequestExtras extras;
    extras.default_headers = {{"x-ms-workflow-name", "sender"}};
    auto returned = std::make_shared<bool>(false);
    SendHttpInputs(call, client_, options_, inputs.value(), extras,
                   [call, probe = probe_, returned](Result<HttpResponse> response, int attempts) {
                     ++probe->done_calls;
                     if (!*returned) ++probe->early_calls;
                     bj::object out{{"attempts", attempts}};
                     if (response) {
                       out["status"] = response.value().status;
                       out["body"] = response.value().body;
                     } else {
                       out["error"] = response.error().code;
                     }
                     call->Complete(engine::ActionResult::Succeeded(std::move(out)));
                   });
    *returned = true;
  }

 private:
  std::shared_ptr<HttpClient> client_;
  std::shared_ptr<const HttpActionOptions> options_;
  std::shared_ptr<Probe> probe_;
};

class SendHttpInputsTest : public HttpFlowTest {
 protected:
  void SetUp() override {
    register_more_ = [this](engine::HandlerRegistry& handlers, const HttpActionOptions& options) {
      handlers.Register(flow::ActionType::kCompose,
                        std::make_shared<SendInputsHandler>(client_, PrepareHttpActionOptions(options), probe_));
    };
  }
  // Runs one "Send" action with the given Http-shaped inputs; returns its outputs.
  bj::value Send(const std::string& inputs, const std::string& extra = "") {
    bj::value rec = RunFlow(R"({"Send": {"type": "Compose", "runAfter": {}, "inputs": )" + inputs +
                            (extra.empty() ? "" : ", " + extra) + "}}");
    last_ = Action(rec, "Send");
    return last_.as_object().contains("outputs") ? last_.at("outputs") : bj::value();
  }
  std::shared_ptr<Probe> probe_ = std::make_shared<Probe>();
  bj::value last_;
};

TEST_F(SendHttpInputsTest, RetriesLikeTheHttpActionButDoesNotPoll) {
  server_.Route("/subscribe", {{503, {{"Retry-After", "7"}}, ""}, {202, {{"Location", "/status"}}, "accepted"}});
  bj::value out = Send(R"({"method": "POST", "uri": "{{base}}/subscribe", "body": {"callback": "x"},
                           "retryPolicy": {"type": "fixed", "count": 3, "interval": "PT30S"}})");
  EXPECT_EQ(out.at("status"), 202) << Text(last_);
  EXPECT_EQ(out.at("body"), "accepted");
  EXPECT_EQ(out.at("attempts"), 2);
  EXPECT_EQ(Elapsed(), 7 * kSecond);  // Retry-After, not the policy's 30 s
  EXPECT_TRUE(server_.RequestsTo("/status").empty());
  auto sent = server_.RequestsTo("/subscribe");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].Header("x-ms-workflow-name"), "sender");
  EXPECT_EQ(bj::parse(sent[1].body), bj::parse(R"({"callback": "x"})"));
  EXPECT_EQ(probe_->done_calls, 1);
  EXPECT_EQ(probe_->early_calls, 0);
}

TEST_F(SendHttpInputsTest, AnyStatusIsAResponseAndTheDefaultPolicyApplies) {
  random_unit_ = 0.0;
  server_.Route("/gone", {{404, {}, "no"}});
  server_.Route("/down", {{500, {}, ""}});
  EXPECT_EQ(Send(R"({"method": "DELETE", "uri": "{{base}}/gone"})").at("status"), 404);
  bj::value down = Send(R"({"method": "GET", "uri": "{{base}}/down"})");
  EXPECT_EQ(down.at("status"), 500);
  EXPECT_EQ(down.at("attempts"), 5);  // the default policy: 4 retries
}

TEST_F(SendHttpInputsTest, InvalidInputsAndTransportErrors) {
  bj::value bad = Send(R"({"method": "FETCH", "uri": "{{base}}/x"})");
  EXPECT_EQ(bad.at("error"), "InvalidHttpMethod");
  EXPECT_EQ(bad.at("attempts"), 0);
  uint16_t port = TestHttpServer::UnusedPort();
  bj::value refused = Send(R"({"method": "GET", "uri": "http://127.0.0.1:)" + std::to_string(port) +
                           R"(/x", "retryPolicy": {"type": "fixed", "count": 1, "interval": "PT1S"}})");
  EXPECT_EQ(refused.at("error"), "ConnectFailed");
  EXPECT_EQ(refused.at("attempts"), 2);
  EXPECT_TRUE(server_.Requests().empty());
  EXPECT_EQ(probe_->early_calls, 0);
}

TEST_F(SendHttpInputsTest, GetsAnOAuthToken) {
  server_.Route("/t1/oauth2/token", {{200, {{"Content-Type", "application/json"}},
                                      R"({"access_token": "tok", "expires_in": 3600})"}});
  server_.Route("/subscribe", {{201, {}, ""}});
  bj::value out = Send(R"({"method": "POST", "uri": "{{base}}/subscribe", "authentication": {
      "type": "ActiveDirectoryOAuth", "authority": "{{base}}", "tenant": "t1", "audience": "api://x",
      "clientId": "c", "secret": "s"}})");
  EXPECT_EQ(out.at("status"), 201) << Text(last_);
  EXPECT_EQ(out.at("attempts"), 1);
  auto sent = server_.RequestsTo("/subscribe");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].Header("Authorization"), "Bearer tok");
}

TEST_F(SendHttpInputsTest, ACancelledCallIsNotCalledBack) {
  server_.Route("/busy", {{503, {{"Retry-After", "600"}}, ""}});
  Send(R"({"method": "GET", "uri": "{{base}}/busy"})", R"("limit": {"timeout": "PT1M"})");
  EXPECT_EQ(last_.at("status"), "TimedOut") << Text(last_);
  EXPECT_EQ(server_.RequestsTo("/busy").size(), 1u);  // the retry 10 minutes later never went out
  EXPECT_EQ(probe_->done_calls, 0);
}

}  // namespace
}  // namespace runnel::connectors::testing

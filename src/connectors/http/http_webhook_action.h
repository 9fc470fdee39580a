// HttpWebhookActionHandler: the HttpWebhook action (wdl-digest §5.3) — subscribe a callback URL
// with an external service, wait until the service calls it, unsubscribe if the wait is given up.
//
// What one execution does:
//   1. Starts waiting for the action's callback (WebhookCallbacks::Await) before anything is
//      sent, so a service that calls back while still answering the subscribe is not missed.
//   2. Evaluates inputs.subscribe with listCallbackUrl() bound to the action's callback URL and
//      sends it as the Http action would (authentication, retryPolicy; no 202 polling). A
//      transport failure or a non-2xx answer after the retries fails the action and ends the
//      wait; the answer is in the error's message.
//   3. The first request to the callback URL completes the action: Succeeded, with outputs
//      {headers, body} of that request (queries too when it had any). Its caller is answered
//      200 only once the action's record is durable (ActionResult::on_recorded), so a callback
//      that was acknowledged survives a crash; a caller who got no answer calls again.
//   4. If the action is cancelled (Terminate, run cancel) or times out (limit.timeout) while it
//      waits, the wait ends and inputs.unsubscribe, when given, is sent once, evaluated with
//      action() = {outputs: the subscribe answer}; its outcome does not change the action.
//
// A stateful run resumed after a crash runs the action again (it had not completed): the
// callback URL is the same (it names the run and the action key), the subscribe is sent again.
//
// Threading: as HttpActionHandler — Execute() and every continuation run on the run's scheduler
// thread; deliveries from WebhookCallbacks arrive on any thread and are posted there.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "connectors/http/http_action.h"
#include "connectors/http/http_client.h"
#include "engine/action_handler.h"

namespace runnel::connectors {

// One request to a webhook action's callback URL.
struct WebhookCallback {
  boost::json::value outputs;  // {headers, body[, queries]}: the action's outputs
  // Answers the caller with `status` (200 accepted, 404 nobody waits). Any thread, once.
  std::function<void(int status)> answer;
};

// Where webhook actions receive their callbacks: the server's endpoint. Thread-safe.
class WebhookCallbacks {
 public:
  virtual ~WebhookCallbacks() = default;
  // The absolute URL to give the service for action `key` of run `run_id` of flow `flow`.
  virtual Result<std::string> Url(const std::string& flow, const std::string& run_id, const std::string& key) = 0;
  // Waits for the next request to that URL; `deliver` is called at most once, on any thread.
  virtual void Await(const std::string& run_id, const std::string& key,
                     std::function<void(WebhookCallback)> deliver) = 0;
  // Ends the wait (the action finished otherwise); later requests to the URL are refused.
  virtual void Forget(const std::string& run_id, const std::string& key) = 0;
};

// An unsubscribe request as the documentation sometimes writes it, with its address in `url`,
// made a request the builder takes (`uri`); no effect when `uri` is there or it is no object.
void AcceptUrlAsUri(boost::json::value& request);

class HttpWebhookActionHandler final : public engine::ActionHandler {
 public:
  // `callbacks` may be null (`runnel run`): the action then fails, saying it needs a server or
  // a mock. REQUIRES: client != nullptr.
  HttpWebhookActionHandler(std::shared_ptr<HttpClient> client, std::shared_ptr<WebhookCallbacks> callbacks,
                           HttpActionOptions options = {});
  void Execute(std::shared_ptr<engine::ActionCall> call) override;

 private:
  std::shared_ptr<HttpClient> client_;
  std::shared_ptr<WebhookCallbacks> callbacks_;
  std::shared_ptr<const HttpActionOptions> options_;
};

}  // namespace runnel::connectors

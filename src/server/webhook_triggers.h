// WebhookTriggers: keeps the HttpWebhook triggers of deployed flows subscribed (docs/triggers.md
// "HttpWebhook").
//
// A trigger is subscribed once per flow version and callback URL: when the version is deployed,
// or the flow enabled, its inputs are evaluated with listCallbackUrl() = the trigger's signed
// URL, the subscribe request is sent, and — when the service accepts it (2xx) — the evaluated
// unsubscribe request is stored with the version and URL. When the flow is disabled or deleted,
// a new version replaces it, or its keys are regenerated (the URL changes), the stored
// unsubscribe is sent and the record dropped before anything new is subscribed. A restart
// changes nothing: the service keeps the subscription, and the record says it is in place.
//
// Each POST to the trigger's URL fires it as a Request trigger is fired (trigger_endpoint.h).
//
// A refused or failed subscribe is recorded in the trigger history ("Rejected", with the
// service's answer) and leaves no record, so the next deploy, enable or start tries again.
// The unsubscribe is sent once; its outcome is recorded but changes nothing.
//
// Work happens on one thread of its own, in the order Refresh() was called: subscriptions are
// rare and each waits for a service, so nothing else waits for them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/clock.h"
#include "connectors/http/http_action_options.h"
#include "connectors/http/http_client.h"
#include "server/deployed_flow.h"
#include "store/store.h"

namespace runnel::server {

class WebhookTriggers {
 public:
  // `public_url`: how services reach this server, the base of the callback URLs; `options`
  // (from PrepareHttpActionOptions) give the OAuth token cache the Http actions share.
  WebhookTriggers(store::Store& store, std::shared_ptr<connectors::HttpClient> http,
                  std::shared_ptr<const connectors::HttpActionOptions> options, std::string public_url,
                  const Clock& clock);
  ~WebhookTriggers();  // Stop()s

  // Brings the flow's subscriptions in line with its current version and state (nullptr: the
  // flow was deleted). Returns at once; the work is queued.
  void Refresh(const std::string& name, std::shared_ptr<const DeployedFlow> flow);
  // Blocks until every queued Refresh is done (tests, shutdown ordering).
  void Drain();
  // Stops waiting for the work in hand (a request in flight is left to finish unheard) and
  // drops the rest.
  void Stop();

 private:
  struct Job {
    std::string name;
    std::shared_ptr<const DeployedFlow> flow;
  };
  // A request in flight: its answer, or that the server stopped waiting for it.
  struct PendingCall {
    std::mutex mu;
    std::condition_variable done;
    std::optional<Result<connectors::HttpResponse>> answer;
    bool abandoned = false;
  };
  void Work();
  void Apply(const Job& job);
  // Sends `request` (Http-shaped inputs) and waits for the answer.
  Result<connectors::HttpResponse> Call(const boost::json::value& request);
  void Record(const std::string& flow, const std::string& trigger, const std::string& outcome,
              const std::string& reason);

  store::Store& store_;
  std::shared_ptr<connectors::HttpClient> http_;
  std::shared_ptr<const connectors::HttpActionOptions> options_;
  const std::string public_url_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Job> jobs_;
  bool busy_ = false;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<PendingCall> pending_;  // the latest call (guarded by mu_)
  std::thread worker_;
};

}  // namespace runnel::server

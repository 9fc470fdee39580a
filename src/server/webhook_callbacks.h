// WebhookCallbackRegistry: the server's side of webhook actions (connectors::WebhookCallbacks,
// docs/http-api.md "Webhook callbacks") — their callback URLs, and the waits the callback
// endpoint delivers to.
//
//   {public_url}/api/{flow}/runs/{runId}/callbacks/{actionKey}?sv=1.0&sig={signature}
//
// The signature is the flow's key over "{flow}/runs/{runId}/callbacks/{actionKey}", as for a
// 202's status URL: only the service the URL was given to can complete the action, and
// regenerating the flow's keys revokes outstanding callback URLs.
//
// Waits live in memory only. A server that stops forgets them; the runs resume from their
// journals on the next start, their webhook actions run again and wait anew at the same URL.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "connectors/http/http_webhook_action.h"
#include "server/deployed_flow.h"

namespace runnel::server {

class WebhookCallbackRegistry final : public connectors::WebhookCallbacks {
 public:
  // `public_url`: how services reach this server ("http://127.0.0.1:7070"), no trailing slash.
  WebhookCallbackRegistry(const FlowRegistry& flows, std::string public_url)
      : flows_(flows), public_url_(std::move(public_url)) {}

  Result<std::string> Url(const std::string& flow, const std::string& run_id, const std::string& key) override;
  void Await(const std::string& run_id, const std::string& key,
             std::function<void(connectors::WebhookCallback)> deliver) override;
  void Forget(const std::string& run_id, const std::string& key) override;

  // Hands `callback` to the action waiting for it; false (and `callback` untouched) when none
  // waits. Any thread.
  bool Deliver(const std::string& run_id, const std::string& key, connectors::WebhookCallback& callback);
  // What a callback URL's signature covers.
  static std::string SignedText(std::string_view flow, std::string_view run_id, std::string_view key);
  size_t waiting() const;

 private:
  const FlowRegistry& flows_;
  const std::string public_url_;
  mutable std::mutex mu_;
  // run id + '\n' + action key -> the waiting action's delivery.
  std::unordered_map<std::string, std::function<void(connectors::WebhookCallback)>> waits_;
};

}  // namespace runnel::server

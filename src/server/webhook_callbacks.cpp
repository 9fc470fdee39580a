#include "server/webhook_callbacks.h"

#include "server/signing.h"
#include "server/url_query.h"

namespace runnel::server {

namespace {

std::string WaitKey(const std::string& run_id, const std::string& key) { return run_id + '\n' + key; }

}  // namespace

std::string WebhookCallbackRegistry::SignedText(std::string_view flow, std::string_view run_id, std::string_view key) {
  std::string text;
  text.append(flow).append("/runs/").append(run_id).append("/callbacks/").append(key);
  return text;
}

Result<std::string> WebhookCallbackRegistry::Url(const std::string& flow, const std::string& run_id,
                                                 const std::string& key) {
  auto deployed = flows_.Find(flow);
  if (!deployed) {
    return Error("FlowNotFound", "the flow '" + flow + "' is not deployed here, so it has no callback URL");
  }
  return public_url_ + "/api/" + EncodeQueryValue(deployed->name) + "/runs/" + EncodeQueryValue(run_id) +
         "/callbacks/" + EncodeQueryValue(key) + "?sv=1.0&sig=" +
         deployed->primary->Sign(SignedText(deployed->name, run_id, key));
}

void WebhookCallbackRegistry::Await(const std::string& run_id, const std::string& key,
                                    std::function<void(connectors::WebhookCallback)> deliver) {
  std::lock_guard lock(mu_);
  waits_[WaitKey(run_id, key)] = std::move(deliver);
}

void WebhookCallbackRegistry::Forget(const std::string& run_id, const std::string& key) {
  std::function<void(connectors::WebhookCallback)> dropped;  // destroyed outside the lock
  std::lock_guard lock(mu_);
  auto it = waits_.find(WaitKey(run_id, key));
  if (it == waits_.end()) return;
  dropped = std::move(it->second);
  waits_.erase(it);
}

bool WebhookCallbackRegistry::Deliver(const std::string& run_id, const std::string& key,
                                      connectors::WebhookCallback& callback) {
  std::function<void(connectors::WebhookCallback)> deliver;
  {
    std::lock_guard lock(mu_);
    auto it = waits_.find(WaitKey(run_id, key));
    if (it == waits_.end()) return false;
    deliver = std::move(it->second);
    waits_.erase(it);
  }
  deliver(std::move(callback));
  return true;
}

size_t WebhookCallbackRegistry::waiting() const {
  std::lock_guard lock(mu_);
  return waits_.size();
}

}  // namespace runnel::server

// The Request trigger's endpoints (docs/http-api.md "Trigger endpoints"):
//   /api/{flow}/triggers/{trigger}/invoke[/{relativePath}]?sp=&sv=&sig=   fires the trigger
//   /api/{flow}/runs/{runId}?sv=&sig=                                       a 202's status URL
//   /api/{flow}/runs/{runId}/callbacks/{actionKey}?sv=&sig=                 a webhook action's callback
//
// Checks run cheapest-first and nothing is written before they all pass: flow and trigger
// (404), signature (401, no detail), enabled (409), method (405), relative path (404), body
// (400/415, schema), then trigger conditions and splitOn, then concurrency (429).
#pragma once

#include <memory>
#include <string_view>

#include "server/deployed_flow.h"
#include "server/http_types.h"
#include "server/metrics.h"
#include "server/run_manager.h"
#include "server/webhook_callbacks.h"
#include "store/store.h"

namespace runnel::server {

class TriggerEndpoint {
 public:
  TriggerEndpoint(FlowRegistry& flows, RunManager& runs, store::Store& store, Metrics& metrics,
                  WebhookCallbackRegistry& callbacks)
      : flows_(flows), runs_(runs), store_(store), metrics_(metrics), callbacks_(callbacks) {}

  // `segments` are the path's segments after "/api" (still percent-encoded).
  void Handle(HttpRequest&& request, const std::vector<std::string_view>& segments,
              std::shared_ptr<Responder> responder, IoThread& thread);

 private:
  void Invoke(HttpRequest&& request, const std::vector<std::string_view>& segments,
              std::shared_ptr<Responder> responder, IoThread& thread);
  void Poll(HttpRequest&& request, const std::vector<std::string_view>& segments,
            std::shared_ptr<Responder> responder);
  void Callback(HttpRequest&& request, const std::vector<std::string_view>& segments,
                std::shared_ptr<Responder> responder);
  void RecordSkip(const DeployedFlow& flow, const std::string& trigger, const std::string& reason, IoThread& thread);

  FlowRegistry& flows_;
  RunManager& runs_;
  store::Store& store_;
  Metrics& metrics_;
  WebhookCallbackRegistry& callbacks_;
};

}  // namespace runnel::server

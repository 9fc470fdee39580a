// DeployedFlow: one version of a flow as the server runs it — the built definition and its
// plan, the trigger settings read once at deploy time, and the prepared URL signers — and the
// FlowRegistry that maps names to the current version.
//
// A DeployedFlow never changes after it is built; redeploying builds a new one. Runs hold a
// shared_ptr to the version they started with, so a deploy never changes a running run.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "engine/plan.h"
#include "flow/definition_builder.h"
#include "flow/diagnostic.h"
#include "server/metrics.h"
#include "server/signing.h"

namespace runnel::server {

// What a trigger of the flow needs at request or tick time, read once from the definition.
struct TriggerSettings {
  std::string name;
  flow::TriggerType type = flow::TriggerType::kOther;
  const flow::Trigger* trigger = nullptr;
  std::string method;                         // Request: required method, empty = any
  std::vector<std::string> relative_path;     // Request: segments, "{name}" for parameters
  const boost::json::value* schema = nullptr; // Request: validated when schema validation is on
  bool validate_schema = false;
  int max_runs = 0;                           // concurrency.runs; 0 = no limit
  int max_waiting = 0;                        // maximumWaitingRuns
  std::string metric_started;                 // runnel_runs_started_total{flow,trigger}
  Metrics::SummaryKey metric_lag;             // runnel_trigger_lag_seconds{flow,trigger}
  // The `sig` of the URL listCallbackUrl hands out (sp=/triggers/{name}/run, sv=1.0) with the
  // primary and the secondary key, computed when the flow or its keys change: a request
  // carrying that URL is checked by comparing, without an HMAC per request.
  std::string callback_sig_primary, callback_sig_secondary;
};

struct DeployedFlow {
  std::string name;
  int64_t version = 0;
  bool enabled = true;
  bool stateless = false;
  std::string document;  // as deployed
  std::shared_ptr<const engine::Plan> plan;
  std::vector<TriggerSettings> triggers;
  std::string primary_key, secondary_key;
  std::shared_ptr<const UrlSigner> primary, secondary;
  int64_t created_micros = 0;
  int64_t modified_micros = 0;
  int64_t deployed_micros = 0;  // when this version was deployed: the anchor of its schedules
  bool has_response = false;    // a Response action anywhere: a request waits for it
  // Actions whose inputs / outputs are secure (runtimeConfiguration.secureData), by name.
  std::map<std::string, std::pair<bool, bool>, std::less<>> secure_actions;
  // Metric series of this flow, built once (metrics.h): runs_total by final status, duration.
  std::map<std::string, std::string, std::less<>> metric_runs_total;
  Metrics::SummaryKey metric_duration;
  std::map<flow::ActionType, Metrics::SummaryKey> metric_action_duration;  // by action type

  const TriggerSettings* FindTrigger(std::string_view name) const;
  const char* kind() const { return stateless ? "Stateless" : "Stateful"; }
};

// The signed URL that fires trigger `t` (docs/http-api.md "Trigger endpoints"), with the
// flow's primary or secondary key; `base` is "http://host:port", without a trailing slash.
std::string TriggerInvokeUrl(std::string_view base, const DeployedFlow& flow, const TriggerSettings& t,
                             bool secondary = false);

struct DeployError {
  Error error;
  std::vector<flow::Diagnostic> diagnostics;
};

struct DeployInput {
  std::string name;
  std::string document;
  std::string kind;  // "Stateful", "Stateless", or "" (the document's, else Stateful)
  int64_t version = 1;
  bool enabled = true;
  std::string primary_key, secondary_key;
  int64_t created_micros = 0, modified_micros = 0;
};

// Loads, validates and plans a flow document (any form `runnel validate` accepts, holding one
// flow). Fails with every diagnostic when the definition is invalid.
std::variant<std::shared_ptr<const DeployedFlow>, DeployError> BuildDeployedFlow(const DeployInput& input,
                                                                                 const flow::BuildOptions& options);

// Fills each trigger's callback_sig_* from the flow's keys.
void SignCallbackUrls(DeployedFlow& flow);

// The same flow with other keys or enabled state (no rebuild).
std::shared_ptr<const DeployedFlow> WithState(const DeployedFlow& flow, bool enabled, const std::string& primary,
                                              const std::string& secondary, int64_t modified_micros);

// Flow names are used in URLs: letters, digits, '-', '_' and '.', 1–80 characters, and not
// "data" (the table API's /api/data).
Status CheckFlowName(std::string_view name);

class FlowRegistry {
 public:
  std::shared_ptr<const DeployedFlow> Find(std::string_view name) const;
  std::vector<std::shared_ptr<const DeployedFlow>> All() const;
  void Put(std::shared_ptr<const DeployedFlow> flow);
  void Remove(std::string_view name);
  // How every flow is built (the server's app settings). Set once, before the first deploy.
  void set_build_options(flow::BuildOptions options) { build_options_ = std::move(options); }
  const flow::BuildOptions& build_options() const { return build_options_; }

 private:
  flow::BuildOptions build_options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const DeployedFlow>, std::less<>> flows_;  // by lower-case name
};

}  // namespace runnel::server

#include "server/deployed_flow.h"

#include <algorithm>
#include <functional>

#include "flow/definition_builder.h"
#include "flow/loader.h"
#include "json/lookup.h"
#include "server/url_query.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

const bj::value* Member(const bj::value* v, std::string_view name) {
  return v && v->is_object() ? json::FindMember(v->get_object(), name) : nullptr;
}

int IntOr(const bj::value* v, int fallback) {
  if (v && v->is_int64()) return static_cast<int>(v->get_int64());
  if (v && v->is_uint64()) return static_cast<int>(v->get_uint64());
  return fallback;
}

TriggerSettings ReadTrigger(const flow::Trigger& t) {
  TriggerSettings s;
  s.name = t.name;
  s.type = t.type;
  s.trigger = &t;
  const bj::value* inputs = Member(t.json, "inputs");
  if (const bj::value* m = Member(inputs, "method"); m && m->is_string()) {
    s.method = std::string(m->get_string());
    std::transform(s.method.begin(), s.method.end(), s.method.begin(), [](unsigned char c) { return std::toupper(c); });
  }
  if (const bj::value* p = Member(inputs, "relativePath"); p && p->is_string()) {
    std::string_view path = p->get_string();
    size_t pos = 0;
    while (pos <= path.size()) {
      size_t slash = path.find('/', pos);
      std::string_view seg = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
      if (!seg.empty()) s.relative_path.emplace_back(seg);
      if (slash == std::string_view::npos) break;
      pos = slash + 1;
    }
  }
  s.schema = Member(inputs, "schema");
  // Logic Apps validates a request against its schema only when asked (trigger settings,
  // "Schema Validation" = operationOptions EnableSchemaValidation).
  s.validate_schema = s.schema && s.schema->is_object() && !s.schema->get_object().empty() &&
                      t.operation_options.find("EnableSchemaValidation") != std::string::npos;
  const bj::value* concurrency = Member(t.runtime_configuration, "concurrency");
  s.max_runs = IntOr(Member(concurrency, "runs"), 0);
  if (t.operation_options.find("SingleInstance") != std::string::npos) s.max_runs = 1;
  // Documented default: 10 + runs (only meaningful with concurrency on).
  s.max_waiting = IntOr(Member(concurrency, "maximumWaitingRuns"), s.max_runs ? 10 + s.max_runs : 0);
  return s;
}

bool HasResponse(const flow::Container& c) {
  for (const auto& a : c.actions) {
    if (a->type == flow::ActionType::kResponse) return true;
    for (const auto& b : a->branches) {
      if (HasResponse(b.body)) return true;
    }
  }
  return false;
}

}  // namespace

const TriggerSettings* DeployedFlow::FindTrigger(std::string_view name) const {
  for (const auto& t : triggers) {
    if (json::EqualsIgnoreCase(t.name, name)) return &t;
  }
  return nullptr;
}

std::string TriggerInvokeUrl(std::string_view base, const DeployedFlow& flow, const TriggerSettings& t,
                             bool secondary) {
  std::string sp = "/triggers/" + t.name + "/run";
  std::string sig = (secondary ? flow.secondary : flow.primary)->Sign(SignedText(flow.name, t.name, sp, "1.0"));
  std::string url(base);
  url += "/api/" + flow.name + "/triggers/" + t.name + "/invoke";
  for (const auto& s : t.relative_path) url += "/" + s;
  return url + "?api-version=2022-05-01&sp=" + EncodeQueryValue(sp) + "&sv=1.0&sig=" + sig;
}

Status CheckFlowName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 80;
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  if (!ok) {
    return Error("InvalidFlowName", "flow name '" + std::string(name) +
                                        "' must be 1 to 80 letters, digits, '-', '_' or '.'");
  }
  if (json::EqualsIgnoreCase(name, "data")) {
    return Error("InvalidFlowName", "'data' is reserved for the table API (/api/data); choose another name");
  }
  return Ok();
}

void SignCallbackUrls(DeployedFlow& flow) {
  for (TriggerSettings& t : flow.triggers) {
    std::string text = SignedText(flow.name, t.name, CallbackSp(t.name), kCallbackSv);
    t.callback_sig_primary = flow.primary->Sign(text);
    t.callback_sig_secondary = flow.secondary->Sign(text);
  }
}

std::variant<std::shared_ptr<const DeployedFlow>, DeployError> BuildDeployedFlow(const DeployInput& in,
                                                                                 const flow::BuildOptions& options) {
  if (auto named = CheckFlowName(in.name); !named) return DeployError{named.error(), {}};
  auto files = flow::LoadFlowText(in.document, in.name);
  if (!files) return DeployError{files.error(), {}};
  if (files.value().size() != 1) {
    return DeployError{Error("OneFlowPerDeploy", "the document holds " + std::to_string(files.value().size()) +
                                                     " flows; deploy them one at a time"),
                       {}};
  }
  const flow::FlowFile& file = files.value()[0];
  std::vector<flow::Diagnostic> diagnostics;
  auto def = flow::BuildDefinition(file, options, diagnostics);
  if (!def) return DeployError{def.error(), std::move(diagnostics)};
  std::string kind = !in.kind.empty() ? in.kind : !file.kind.empty() ? file.kind : "Stateful";
  if (!json::EqualsIgnoreCase(kind, "Stateful") && !json::EqualsIgnoreCase(kind, "Stateless")) {
    return DeployError{Error("InvalidFlowKind", "kind '" + kind + "' is not Stateful or Stateless"), {}};
  }
  auto flow = std::make_shared<DeployedFlow>();
  flow->name = in.name;
  flow->version = in.version;
  flow->enabled = in.enabled;
  flow->stateless = json::EqualsIgnoreCase(kind, "Stateless");
  flow->document = in.document;
  flow->plan = std::make_shared<const engine::Plan>(std::shared_ptr<const flow::Definition>(std::move(def.value())));
  for (const auto& t : flow->plan->definition().triggers) {
    flow->triggers.push_back(ReadTrigger(t));
    flow->triggers.back().metric_started = Series("runnel_runs_started_total", {{"flow", in.name}, {"trigger", t.name}});
    flow->triggers.back().metric_lag =
        Metrics::Summary("runnel_trigger_lag_seconds", Series("", {{"flow", in.name}, {"trigger", t.name}}));
  }
  flow->has_response = HasResponse(flow->plan->definition().actions);
  for (const char* status : {"Succeeded", "Failed", "Cancelled", "TimedOut", "Skipped"}) {
    flow->metric_runs_total[status] = Series("runnel_runs_total", {{"flow", in.name}, {"status", status}});
  }
  flow->metric_duration = Metrics::Summary("runnel_run_duration_seconds", Series("", {{"flow", in.name}}));
  std::function<void(const flow::Container&)> add_types = [&](const flow::Container& c) {
    for (const auto& a : c.actions) {
      if (a->secure_inputs || a->secure_outputs) flow->secure_actions[a->name] = {a->secure_inputs, a->secure_outputs};
      if (!flow->metric_action_duration.count(a->type)) {
        flow->metric_action_duration[a->type] = Metrics::Summary(
            "runnel_action_duration_seconds", Series("", {{"flow", in.name}, {"type", flow::ActionTypeName(a->type)}}));
      }
      for (const auto& b : a->branches) add_types(b.body);
    }
  };
  add_types(flow->plan->definition().actions);
  flow->primary_key = in.primary_key;
  flow->secondary_key = in.secondary_key;
  flow->primary = std::make_shared<const UrlSigner>(in.primary_key);
  flow->secondary = std::make_shared<const UrlSigner>(in.secondary_key);
  SignCallbackUrls(*flow);
  flow->created_micros = in.created_micros;
  flow->modified_micros = in.modified_micros;
  flow->deployed_micros = in.modified_micros;
  return std::shared_ptr<const DeployedFlow>(std::move(flow));
}

std::shared_ptr<const DeployedFlow> WithState(const DeployedFlow& flow, bool enabled, const std::string& primary,
                                              const std::string& secondary, int64_t modified_micros) {
  auto copy = std::make_shared<DeployedFlow>(flow);
  copy->enabled = enabled;
  if (primary != flow.primary_key) {
    copy->primary_key = primary;
    copy->primary = std::make_shared<const UrlSigner>(primary);
  }
  if (secondary != flow.secondary_key) {
    copy->secondary_key = secondary;
    copy->secondary = std::make_shared<const UrlSigner>(secondary);
  }
  SignCallbackUrls(*copy);
  copy->modified_micros = modified_micros;
  return copy;
}

std::shared_ptr<const DeployedFlow> FlowRegistry::Find(std::string_view name) const {
  std::string key = json::LowerAscii(name);
  std::lock_guard lock(mu_);
  auto it = flows_.find(key);
  return it == flows_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const DeployedFlow>> FlowRegistry::All() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const DeployedFlow>> out;
  for (const auto& [k, v] : flows_) out.push_back(v);
  return out;
}

void FlowRegistry::Put(std::shared_ptr<const DeployedFlow> flow) {
  std::string key = json::LowerAscii(flow->name);
  std::lock_guard lock(mu_);
  flows_[key] = std::move(flow);
}

void FlowRegistry::Remove(std::string_view name) {
  std::string key = json::LowerAscii(name);
  std::lock_guard lock(mu_);
  flows_.erase(key);
}

}  // namespace runnel::server

#include "engine/trigger_firing.h"

#include "base/clock.h"
#include "engine/run_impl.h"
#include "expr/context.h"
#include "expr/evaluator.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

// What trigger conditions and splitOn can read: the trigger record and the parameters.
class TriggerContext final : public expr::WorkflowContext {
 public:
  TriggerContext(const bj::value& record, const bj::object& parameters,
                 const std::shared_ptr<const bj::object>& app_settings, const std::string* callback_url = nullptr)
      : record_(record), parameters_(parameters), app_settings_(app_settings), callback_url_(callback_url) {}
  const bj::value* Trigger() const override { return &record_; }
  const bj::value* Action(std::string_view) const override { return nullptr; }
  const bj::value* CurrentAction() const override { return nullptr; }
  const bj::value* Variable(std::string_view) const override { return nullptr; }
  const bj::value* Parameter(std::string_view name) const override { return json::FindMember(parameters_, name); }
  const bj::value* Item() const override { return nullptr; }
  const bj::value* Items(std::string_view) const override { return nullptr; }
  std::optional<int64_t> IterationIndex(std::string_view) const override { return std::nullopt; }
  const bj::value* ScopeResult(std::string_view) const override { return nullptr; }
  const bj::value* Workflow() const override { return nullptr; }
  std::optional<std::string> CallbackUrl() const override {
    return callback_url_ ? std::optional<std::string>(*callback_url_) : std::nullopt;
  }
  const bj::value* AppSetting(std::string_view name) const override {
    return app_settings_ ? json::FindMember(*app_settings_, name) : nullptr;
  }

 private:
  const bj::value& record_;
  const bj::object& parameters_;
  const std::shared_ptr<const bj::object>& app_settings_;
  const std::string* callback_url_;
};

}  // namespace

namespace {

bj::object ParameterValues(const flow::Definition& definition, const bj::object& parameters) {
  bj::object params;
  for (const auto& [name, p] : definition.parameters) {
    if (p.default_value) params[name] = *p.default_value;
  }
  for (const auto& kv : parameters) params[kv.key()] = kv.value();
  return params;
}

}  // namespace

Result<bj::value> EvaluateTriggerInputs(const flow::Definition& definition, const flow::Trigger& trigger,
                                        int64_t now_micros, const bj::object& parameters,
                                        const std::string* callback_url) {
  bj::object params = ParameterValues(definition, parameters);
  bj::value record = bj::object();
  expr::Limits limits;
  ManualClock clock(now_micros);
  TriggerContext cx(record, params, definition.app_settings, callback_url);
  expr::EvalEnv env{&cx, &clock, &limits};
  RUNNEL_TRY(value, trigger.inputs.Evaluate(env));
  return std::move(value).Take();
}

Result<TriggerFiring> FireTrigger(const flow::Definition& definition, const flow::Trigger* trigger,
                                  bj::value outputs, int64_t now_micros, const bj::object& parameters,
                                  size_t max_split_items) {
  bj::object params = ParameterValues(definition, parameters);

  bj::object record({{"name", trigger ? trigger->name : std::string("manual")},
                     {"type", trigger ? trigger->type_name : std::string("Request")},
                     {"startTime", FormatTime(now_micros)},
                     {"endTime", FormatTime(now_micros)},
                     {"status", "Succeeded"},
                     {"outputs", std::move(outputs)}},
                    /*min_capacity=*/7);  // room for "kind"
  if (trigger && !trigger->kind.empty()) record["kind"] = trigger->kind;
  bj::value rec = std::move(record);

  TriggerFiring out;
  expr::Limits limits;
  ManualClock clock(now_micros);
  TriggerContext cx(rec, params, definition.app_settings);
  expr::EvalEnv env{&cx, &clock, &limits};
  if (trigger) {
    for (size_t i = 0; i < trigger->conditions.size(); ++i) {
      RUNNEL_TRY(v, trigger->conditions[i].Evaluate(env));
      if (!v.json().is_bool()) {
        return Error("InvalidTriggerCondition", "trigger condition " + std::to_string(i + 1) +
                                                    " must give a boolean, got " + expr::TypeName(v));
      }
      if (!v.json().get_bool()) {
        out.skip_reason = "trigger condition " + std::to_string(i + 1) + " was false";
        return out;
      }
    }
  }
  out.fired = true;
  if (!trigger || !trigger->split_on) {
    out.records.push_back(std::move(rec));
    return out;
  }
  RUNNEL_TRY(items, trigger->split_on->Evaluate(env));
  if (!items.json().is_array()) {
    return Error("InvalidSplitOn", std::string("splitOn must select an array, got ") + expr::TypeName(items));
  }
  const bj::array& arr = items.json().get_array();
  if (arr.size() > max_split_items) {
    return Error("SplitOnLimitExceeded", "splitOn selected " + std::to_string(arr.size()) +
                                             " items; the limit is " + std::to_string(max_split_items));
  }
  for (const auto& element : arr) {
    bj::value r = rec;
    r.as_object()["outputs"] = bj::object{{"body", element}};
    out.records.push_back(std::move(r));
  }
  return out;
}

}  // namespace runnel::engine

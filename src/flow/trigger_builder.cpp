// Triggers (wdl-digest §3): the common shape, conditions, splitOn, recurrence and concurrency.
#include <boost/json/object.hpp>

#include "flow/action_builder.h"
#include "flow/definition_sections.h"
#include "flow/errors.h"
#include "flow/expression_compiler.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

// Consumption allows 10 triggers written in JSON (the designer shows one; Standard allows one).
constexpr size_t kMaxTriggers = 10;
constexpr int64_t kMinConcurrentRuns = 1, kMaxConcurrentRuns = 100;
constexpr std::string_view kFrequencies[] = {"Second", "Minute", "Hour", "Day", "Week", "Month"};

std::vector<std::string_view> TriggerTypeNames() {
  std::vector<std::string_view> names;
  for (const TriggerTypeInfo& row : AllTriggerTypes()) names.push_back(row.name);
  return names;
}

// {"triggers": {"triggers": {"When_...": {"type": ...}}}}: an object without "type" whose every
// member looks like a trigger.
bool LooksWrappedTwice(const bj::value& v) {
  if (!v.is_object() || v.get_object().empty() || v.get_object().contains("type")) return false;
  for (const auto& kv : v.get_object()) {
    if (!kv.value().is_object() || !kv.value().get_object().contains("type")) return false;
  }
  return true;
}

bool IsExpression(const expr::CompiledString& s) {
  return s.kind() != expr::CompiledString::Kind::kLiteral;
}

class TriggerBuilder {
 public:
  TriggerBuilder(BuildContext& ctx, Trigger& trigger) : ctx_(ctx), t_(trigger) {}

  void Build(const bj::object& o) {
    const bj::value* type = Member(o, "type");
    if (!type || !type->is_string()) {
      ctx_.Error(
          type ? At("type") : t_.pointer, errc::kMissingProperty,
          "trigger '" + t_.name + "' needs a \"type\" string, e.g. \"Request\" or \"Recurrence\"",
          t_.name);
      return;
    }
    t_.type_name = std::string(type->get_string());
    auto info = FindTriggerTypeInfo(t_.type_name);
    if (!info) {
      ctx_.Error(At("type"), errc::kUnknownTriggerType,
                 "unknown trigger type '" + t_.type_name + "'" +
                     DidYouMean(t_.type_name, TriggerTypeNames()),
                 t_.type_name);
    } else {
      t_.type = info->type;
      if (!info->executable) {
        ctx_.Error(At("type"), errc::kUnsupportedTriggerType,
                   "trigger type '" + std::string(info->name) + "' is not supported by Runnel yet",
                   std::string(info->name));
      }
    }
    if (const bj::value* kind = Member(o, "kind")) {
      if (kind->is_string())
        t_.kind = std::string(kind->get_string());
      else
        ctx_.Error(At("kind"), errc::kInvalidProperty, "\"kind\" must be a string");
    }
    const bj::value* inputs = Member(o, "inputs");
    if (inputs) {
      if (auto compiled = CompileValue(ctx_, *inputs, At("inputs"), nullptr))
        t_.inputs = std::move(*compiled);
    }
    if (t_.type == TriggerType::kHttpWebhook) HttpWebhook(inputs);
    if (const bj::value* conditions = Member(o, "conditions")) Conditions(*conditions);
    if (const bj::value* split_on = Member(o, "splitOn")) SplitOn(*split_on);
    if (const bj::value* recurrence = Member(o, "recurrence")) Recurrence(*recurrence);
    if (t_.type == TriggerType::kRecurrence && !t_.recurrence) {
      ctx_.Error(t_.pointer, errc::kMissingProperty,
                 "Recurrence trigger '" + t_.name +
                     "' needs \"recurrence\": {\"frequency\": \"Hour\", \"interval\": 1}",
                 t_.name);
    }
    if (const bj::value* options = Member(o, "operationOptions")) {
      if (options->is_string())
        t_.operation_options = std::string(options->get_string());
      else
        ctx_.Error(At("operationOptions"), errc::kInvalidProperty,
                   "\"operationOptions\" must be a string");
    }
    if (const bj::value* rc = Member(o, "runtimeConfiguration")) RuntimeConfiguration(*rc);
  }

 private:
  std::string At(std::string_view key) const { return PointerChild(t_.pointer, key); }

  void HttpWebhook(const bj::value* inputs) {
    const bj::object* o = inputs && inputs->is_object() ? &inputs->get_object() : nullptr;
    if (!o || !Member(*o, "subscribe")) {
      ctx_.Error(o ? At("inputs") : t_.pointer, errc::kMissingProperty,
                 "HttpWebhook trigger '" + t_.name + "' needs inputs.subscribe: the request that hands the "
                 "service the trigger's callback URL (listCallbackUrl())",
                 t_.name);
      return;
    }
    CheckWebhookInputs(ctx_, *o, At("inputs"), "HttpWebhook trigger '" + t_.name + "'", t_.name);
  }

  void Conditions(const bj::value& conditions) {
    std::string at = At("conditions");
    if (!conditions.is_array()) {
      ctx_.Error(at, errc::kInvalidProperty,
                 "\"conditions\" must be an array of {\"expression\": \"@...\"}");
      return;
    }
    const bj::array& items = conditions.get_array();
    for (size_t i = 0; i < items.size(); ++i) {
      std::string item_at = PointerChild(at, i);
      const bj::value* e =
          items[i].is_object() ? Member(items[i].get_object(), "expression") : nullptr;
      if (!e || !e->is_string()) {
        ctx_.Error(item_at, errc::kInvalidProperty,
                   "each trigger condition is {\"expression\": \"@<boolean expression>\"}");
        continue;
      }
      auto compiled = CompileString(ctx_, *e, PointerChild(item_at, "expression"), nullptr);
      if (!compiled) continue;
      if (!IsExpression(*compiled)) {
        ctx_.Error(PointerChild(item_at, "expression"), errc::kInvalidCondition,
                   "a trigger condition must be an expression starting with '@', e.g. "
                   "\"@equals(triggerBody()?['status'], 'new')\"");
        continue;
      }
      t_.conditions.push_back(std::move(*compiled));
    }
  }

  void SplitOn(const bj::value& split_on) {
    if (!split_on.is_string()) {
      ctx_.Error(At("splitOn"), errc::kInvalidProperty,
                 "\"splitOn\" must be an expression naming the array to debatch, e.g. "
                 "\"@triggerBody()?['value']\"");
      return;
    }
    auto compiled = CompileString(ctx_, split_on, At("splitOn"), nullptr);
    if (!compiled) return;
    if (!IsExpression(*compiled)) {
      ctx_.Error(At("splitOn"), errc::kInvalidProperty,
                 "\"splitOn\" must be an expression starting with '@'");
      return;
    }
    t_.split_on = std::move(*compiled);
  }

  void Recurrence(const bj::value& recurrence) {
    std::string at = At("recurrence");
    if (!recurrence.is_object()) {
      ctx_.Error(at, errc::kInvalidProperty,
                 "\"recurrence\" must be {\"frequency\": ..., \"interval\": ...}");
      return;
    }
    t_.recurrence = &recurrence;
    // Recurrence values may be expressions evaluated when the flow is saved ("@parameters('n')").
    CheckValue(ctx_, recurrence, at, nullptr);
    const bj::object& r = recurrence.get_object();
    const bj::value* frequency = Member(r, "frequency");
    bool frequency_ok = false;
    if (frequency && IsComputed(*frequency)) {
      frequency_ok = true;
    } else if (frequency && frequency->is_string()) {
      for (std::string_view f : kFrequencies)
        frequency_ok = frequency_ok || json::EqualsIgnoreCase(f, frequency->get_string());
    }
    if (!frequency_ok) {
      ctx_.Error(frequency ? PointerChild(at, "frequency") : at, errc::kInvalidProperty,
                 "recurrence.frequency must be one of Second, Minute, Hour, Day, Week, Month",
                 t_.name);
    }
    const bj::value* interval = Member(r, "interval");
    bool interval_ok =
        interval && (IsComputed(*interval) || WholeNumber(*interval).value_or(0) >= 1);
    if (!interval_ok) {
      ctx_.Error(interval ? PointerChild(at, "interval") : at, errc::kInvalidProperty,
                 "recurrence.interval must be a whole number of at least 1", t_.name);
    }
  }

  void RuntimeConfiguration(const bj::value& rc) {
    if (!rc.is_object()) {
      ctx_.Error(At("runtimeConfiguration"), errc::kInvalidProperty,
                 "\"runtimeConfiguration\" must be an object");
      return;
    }
    t_.runtime_configuration = &rc;
    const bj::object& o = rc.get_object();
    if (const bj::value* secure = Member(o, "secureData")) {
      const bj::value* properties =
          secure->is_object() ? Member(secure->get_object(), "properties") : nullptr;
      if (properties && properties->is_array()) {
        for (const bj::value& p : properties->get_array()) {
          if (!p.is_string()) continue;
          if (json::EqualsIgnoreCase(p.get_string(), "inputs")) t_.secure_inputs = true;
          if (json::EqualsIgnoreCase(p.get_string(), "outputs")) t_.secure_outputs = true;
        }
      }
    }
    const bj::value* concurrency = Member(o, "concurrency");
    const bj::value* runs = concurrency && concurrency->is_object()
                                ? Member(concurrency->get_object(), "runs")
                                : nullptr;
    int64_t n = runs ? WholeNumber(*runs).value_or(-1) : 0;
    if (runs && !IsComputed(*runs) && (n < kMinConcurrentRuns || n > kMaxConcurrentRuns)) {
      ctx_.Error(At("runtimeConfiguration") + "/concurrency/runs", errc::kInvalidProperty,
                 "concurrency.runs must be a whole number from 1 to 100", t_.name);
    }
  }

  BuildContext& ctx_;
  Trigger& t_;
};

}  // namespace

void BuildTriggers(BuildContext& ctx, Definition& def, const bj::object& root) {
  const bj::value* section = Member(root, "triggers");
  if (section && !section->is_object()) {
    ctx.Error("/triggers", errc::kInvalidProperty,
              "\"triggers\" must be an object that maps names to triggers");
    return;
  }
  if (!section || section->get_object().empty()) {
    ctx.Warning(
        section ? "/triggers" : "", errc::kNoTrigger,
        "the definition has no trigger; it can only run as a child flow or with runnel run");
    return;
  }
  const bj::object& triggers = section->get_object();
  if (triggers.size() > kMaxTriggers) {
    ctx.Error("/triggers", errc::kTooManyTriggers,
              "the definition has " + std::to_string(triggers.size()) + " triggers; the limit is " +
                  std::to_string(kMaxTriggers));
  }
  for (const auto& kv : triggers) ctx.trigger_names.emplace_back(kv.key());
  for (const auto& kv : triggers) {
    std::string name(kv.key());
    std::string at = PointerChild("/triggers", name);
    if (LooksWrappedTwice(kv.value())) {
      ctx.Error(at, errc::kTriggersWrappedTwice,
                "the triggers are wrapped twice: \"triggers\" holds an object named '" + name +
                    "' whose members are the real triggers. Move them up one level, directly under "
                    "\"triggers\"",
                name);
      continue;
    }
    if (CharCount(name) > static_cast<size_t>(ctx.options().max_name_length)) {
      ctx.Error(at, errc::kNameTooLong,
                "the trigger name is " + std::to_string(CharCount(name)) +
                    " characters long; the limit is " +
                    std::to_string(ctx.options().max_name_length),
                name);
    }
    if (!kv.value().is_object()) {
      ctx.Error(at, errc::kInvalidProperty,
                "trigger '" + name + "' must be an object with a \"type\"", name);
      continue;
    }
    Trigger trigger;
    trigger.name = name;
    trigger.pointer = at;
    trigger.json = &kv.value();
    trigger.inputs = expr::CompiledValue::Compile(NullValue()).value();
    TriggerBuilder(ctx, trigger).Build(kv.value().get_object());
    def.triggers.push_back(std::move(trigger));
  }
}

}  // namespace runnel::flow::build

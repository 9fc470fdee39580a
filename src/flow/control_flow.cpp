// The control-flow types: If, Switch, Foreach, Until and Scope (wdl-digest §6). Each builds its
// branches and compiles its condition; the limits are the documented ones (§9, §17).
#include <boost/json/object.hpp>

#include "flow/action_builder.h"
#include "flow/condition_form.h"
#include "flow/errors.h"
#include "flow/expression_compiler.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

constexpr size_t kMaxSwitchCases = 25;
constexpr int64_t kMinRepetitions = 1, kMaxRepetitions = 50;
constexpr int64_t kMinUntilCount = 1, kMaxUntilCount = 5000;

// Whether the comma-separated operationOptions hold `option` (ignoring case and spaces).
bool HasOption(std::string_view options, std::string_view option) {
  size_t start = 0;
  while (start <= options.size()) {
    size_t comma = options.find(',', start);
    std::string_view token = options.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (json::EqualsIgnoreCase(token, option)) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

void ActionBuilder::BuildControlFlow(Action& action, const bj::object& o) {
  switch (action.type) {
    case ActionType::kIf:
      return BuildIf(action, o);
    case ActionType::kSwitch:
      return BuildSwitch(action, o);
    case ActionType::kForeach:
      return BuildForeach(action, o);
    case ActionType::kUntil:
      return BuildUntil(action, o);
    default:  // Scope
      AddBranch(action, "actions", &o, action.pointer);
      return;
  }
}

Branch& ActionBuilder::AddBranch(Action& action, std::string name, const bj::object* holder,
                                 const std::string& holder_pointer) {
  action.branches.push_back(Branch{std::move(name), std::nullopt, Container{}});
  Branch& branch = action.branches.back();
  const bj::value* actions = holder ? Member(*holder, "actions") : nullptr;
  BuildContainer(actions, PointerChild(holder_pointer, "actions"), &action, action.depth + 1,
                 branch.body);
  return branch;
}

void ActionBuilder::BuildIf(Action& action, const bj::object& o) {
  std::string at = PointerChild(action.pointer, "expression");
  const bj::value* expression = Member(o, "expression");
  if (!expression) {
    ctx_.Error(action.pointer, errc::kMissingProperty,
               "If '" + action.name +
                   "' needs an \"expression\": a string such as \"@equals(1, 1)\" or "
                   "an object such as {\"and\": [{\"equals\": [a, b]}]}",
               action.name);
  } else {
    CheckConditionForm(ctx_, *expression, at);
    action.expression = CompileValue(ctx_, *expression, at, action.parent);
  }
  // Branches are kept in a fixed order for the engine: [actions, else]; both always exist.
  action.branches.reserve(2);
  AddBranch(action, "actions", &o, action.pointer);
  const bj::value* otherwise = Member(o, "else");
  std::string else_pointer = PointerChild(action.pointer, "else");
  if (otherwise && !otherwise->is_object()) {
    ctx_.Error(else_pointer, errc::kInvalidProperty,
               "\"else\" must be an object: {\"actions\": {...}}");
    otherwise = nullptr;
  }
  AddBranch(action, "else", otherwise ? &otherwise->get_object() : nullptr, else_pointer);
}

void ActionBuilder::BuildSwitch(Action& action, const bj::object& o) {
  const bj::value* expression = Member(o, "expression");
  std::string at = PointerChild(action.pointer, "expression");
  if (!expression) {
    ctx_.Error(action.pointer, errc::kMissingProperty,
               "Switch '" + action.name + "' needs an \"expression\" whose value selects the case",
               action.name);
  } else if (expression->is_object() || expression->is_array()) {
    ctx_.Error(at, errc::kInvalidProperty,
               "a Switch \"expression\" must be a string, number or boolean");
  } else {
    action.expression = CompileValue(ctx_, *expression, at, action.parent);
  }
  const bj::value* cases = Member(o, "cases");
  std::string cases_pointer = PointerChild(action.pointer, "cases");
  if (cases && !cases->is_object()) {
    ctx_.Error(
        cases_pointer, errc::kInvalidProperty,
        "\"cases\" must be an object: {\"Case\": {\"case\": \"value\", \"actions\": {...}}}");
    cases = nullptr;
  }
  size_t count = cases ? cases->get_object().size() : 0;
  if (count > kMaxSwitchCases) {
    ctx_.Error(cases_pointer, errc::kTooManyCases,
               "Switch '" + action.name + "' has " + std::to_string(count) +
                   " cases; the limit is " + std::to_string(kMaxSwitchCases) +
                   ". Nest a second Switch in the default branch",
               action.name);
  }
  action.branches.reserve(count + 1);
  std::vector<std::pair<const bj::value*, std::string>> seen;  // case value, case name
  static const bj::object kNoCases;
  for (const auto& kv : cases ? cases->get_object() : kNoCases) {
    std::string case_pointer = PointerChild(cases_pointer, kv.key());
    if (!kv.value().is_object()) {
      ctx_.Error(
          case_pointer, errc::kInvalidSwitchCase,
          "case '" + std::string(kv.key()) + "' must be an object with \"case\" and \"actions\"");
      continue;
    }
    const bj::object& c = kv.value().get_object();
    const bj::value* value = Member(c, "case");
    std::string value_pointer = PointerChild(case_pointer, "case");
    if (!value) {
      ctx_.Error(case_pointer, errc::kInvalidSwitchCase,
                 "case '" + std::string(kv.key()) +
                     "' needs a \"case\" value to compare with the expression");
    } else if (!(value->is_string() || value->is_number()) || IsWdlExpression(*value)) {
      ctx_.Error(value_pointer, errc::kInvalidSwitchCase,
                 "a case value must be a constant string or number, not " +
                     (value->is_string() ? std::string("an expression") : DescribeKind(*value)) +
                     "; compare computed values with an If instead");
    } else {
      for (const auto& [other, other_name] : seen) {
        if (*other == *value) {
          ctx_.Error(value_pointer, errc::kInvalidSwitchCase,
                     "case '" + std::string(kv.key()) + "' repeats the value of case '" +
                         other_name + "'; case values must be unique");
          break;
        }
      }
      seen.emplace_back(value, std::string(kv.key()));
    }
    Branch& branch = AddBranch(action, std::string(kv.key()), &c, case_pointer);
    if (value) branch.case_value = *value;
  }
  const bj::value* fallback = Member(o, "default");
  std::string default_pointer = PointerChild(action.pointer, "default");
  if (fallback && !fallback->is_object()) {
    ctx_.Error(default_pointer, errc::kInvalidProperty,
               "\"default\" must be an object: {\"actions\": {...}}");
    fallback = nullptr;
  }
  AddBranch(action, "default", fallback ? &fallback->get_object() : nullptr, default_pointer);
}

void ActionBuilder::BuildForeach(Action& action, const bj::object& o) {
  const bj::value* items = Member(o, "foreach");
  std::string at = PointerChild(action.pointer, "foreach");
  if (!items) {
    ctx_.Error(action.pointer, errc::kMissingProperty,
               "Foreach '" + action.name +
                   "' needs \"foreach\": the array to loop over, e.g. \"@body('Get_rows')\"",
               action.name);
  } else if (!items->is_string() && !items->is_array()) {
    ctx_.Error(at, errc::kInvalidProperty, "\"foreach\" must be an expression string or an array");
  } else {
    action.expression = CompileValue(ctx_, *items, at, action.parent);
  }
  // runtimeConfiguration.concurrency.repetitions: 1-50; "Sequential" is the same as 1.
  const bj::value* repetitions = nullptr;
  if (action.runtime_configuration) {
    const bj::value* concurrency =
        Member(action.runtime_configuration->get_object(), "concurrency");
    if (concurrency && concurrency->is_object())
      repetitions = Member(concurrency->get_object(), "repetitions");
  }
  std::string rep_pointer = action.pointer + "/runtimeConfiguration/concurrency/repetitions";
  if (repetitions && !IsComputed(*repetitions)) {
    int64_t n = WholeNumber(*repetitions).value_or(-1);
    if (n < kMinRepetitions || n > kMaxRepetitions) {
      ctx_.Error(
          rep_pointer, errc::kInvalidLoopSetting,
          "concurrency.repetitions must be a whole number from 1 to 50 (parallel iterations)");
    }
    if (HasOption(action.operation_options, "Sequential")) {
      ctx_.Error(rep_pointer, errc::kInvalidLoopSetting,
                 "Foreach '" + action.name +
                     "' sets both operationOptions \"Sequential\" and "
                     "concurrency.repetitions; set one (repetitions 1 means sequential)",
                 action.name);
    }
  }
  AddBranch(action, "actions", &o, action.pointer);
}

void ActionBuilder::BuildUntil(Action& action, const bj::object& o) {
  const bj::value* expression = Member(o, "expression");
  std::string at = PointerChild(action.pointer, "expression");
  if (!expression) {
    ctx_.Error(
        action.pointer, errc::kMissingProperty,
        "Until '" + action.name + "' needs an \"expression\": the condition that ends the loop",
        action.name);
  } else {
    CheckConditionForm(ctx_, *expression, at);
    // The condition is evaluated inside the loop: iterationIndexes('<this Until>') is valid there.
    action.expression = CompileValue(ctx_, *expression, at, &action);
  }
  if (action.limit) {
    const bj::object& limit = action.limit->get_object();
    if (const bj::value* count = Member(limit, "count"); count && !IsComputed(*count)) {
      int64_t n = WholeNumber(*count).value_or(-1);
      if (n < kMinUntilCount || n > kMaxUntilCount) {
        ctx_.Error(
            action.pointer + "/limit/count", errc::kInvalidLoopSetting,
            "limit.count must be a whole number from 1 to 5000 (iterations); the default is 60");
      }
    }
    if (const bj::value* timeout = Member(limit, "timeout")) {
      bool ok =
          timeout->is_string() && (IsComputed(*timeout) || timeout->get_string().starts_with("P"));
      if (!ok) {
        ctx_.Error(action.pointer + "/limit/timeout", errc::kInvalidLoopSetting,
                   "limit.timeout must be an ISO 8601 duration such as \"PT1H\"");
      }
    }
  }
  AddBranch(action, "actions", &o, action.pointer);
}

}  // namespace runnel::flow::build

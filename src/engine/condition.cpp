#include "engine/condition.h"

#include "base/clock.h"
#include "engine/call_function.h"
#include "engine/run_impl.h"
#include "expr/registry.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr std::string_view kPredicates[] = {"equals", "contains", "greater", "greaterOrEquals",
                                            "less", "lessOrEquals", "startsWith", "endsWith"};

// Calls comparison function `name` on already evaluated arguments, through the function table,
// so designer conditions behave exactly like the expression functions.
Result<bool> CallPredicate(std::string_view name, const bj::array& args) {
  const expr::FunctionDef* fn = expr::FindFunction(name);
  bool allowed = false;
  for (auto p : kPredicates) allowed |= fn && fn->name == p;
  if (!allowed) {
    return Error("InvalidCondition", "'" + std::string(name) +
                                         "' is not a condition; use and, or, not, equals, contains, "
                                         "greater, greaterOrEquals, less, lessOrEquals, startsWith or endsWith");
  }
  if (static_cast<int>(args.size()) < fn->min_args ||
      (fn->max_args != expr::kVariadic && static_cast<int>(args.size()) > fn->max_args)) {
    return Error("InvalidCondition", "the condition '" + std::string(name) + "' needs " +
                                         std::to_string(fn->min_args) + " operands, got " +
                                         std::to_string(args.size()));
  }
  std::span<const bj::value> operands(args.data(), args.size());
  RUNNEL_TRY(v, CallFunction(*fn, operands, SystemClock::Instance()));
  if (!v.is_bool()) return Error("InvalidCondition", std::string(name) + "() did not give a boolean");
  return v.get_bool();
}

}  // namespace

Result<bool> InterpretCondition(const bj::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (!v.is_object() || v.get_object().size() != 1) {
    return Error("InvalidCondition", "a condition must be a boolean expression or an object such as "
                                     "{\"and\": [{\"equals\": [a, b]}]}, got " + json::Serialize(v).substr(0, 200));
  }
  const auto& [key, operand] = *v.get_object().begin();
  std::string_view op = key;
  if (op == "and" || op == "or") {
    if (!operand.is_array()) return Error("InvalidCondition", "'" + std::string(op) + "' needs an array of conditions");
    bool is_and = op == "and";
    for (const auto& c : operand.get_array()) {
      RUNNEL_TRY(b, InterpretCondition(c));
      if (is_and && !b) return false;
      if (!is_and && b) return true;
    }
    return is_and;
  }
  if (op == "not") {
    const bj::value* inner = &operand;
    if (operand.is_array() && operand.get_array().size() == 1) inner = &operand.get_array()[0];
    RUNNEL_TRY(b, InterpretCondition(*inner));
    return !b;
  }
  if (!operand.is_array()) {
    return Error("InvalidCondition", "the operands of '" + std::string(op) + "' must be an array [a, b]");
  }
  return CallPredicate(op, operand.get_array());
}

Result<bool> EvaluateConditionValue(RunImpl& run, const expr::CompiledValue& condition, const Frame* f,
                                    const bj::value* current_action) {
  RUNNEL_TRY(v, run.Evaluate(condition, f, nullptr, current_action));
  if (v.is_string()) {
    return Error("InvalidCondition", "the condition gave the string '" + std::string(v.get_string()).substr(0, 100) +
                                         "', not a boolean; compare it, e.g. @equals(..., 'true')");
  }
  return InterpretCondition(v);
}

Result<bool> EvaluateCondition(RunImpl& run, const flow::Action& a, const Frame* f) {
  if (!a.expression) return Error("InvalidCondition", "the If action has no expression");
  return EvaluateConditionValue(run, *a.expression, f);
}

}  // namespace runnel::engine

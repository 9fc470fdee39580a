#include "flow/condition_form.h"

#include <boost/json/object.hpp>

#include "flow/errors.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

constexpr std::string_view kPredicates[] = {"equals",          "contains", "greater",
                                            "greaterOrEquals", "less",     "lessOrEquals",
                                            "startsWith",      "endsWith"};
constexpr char kOperators[] =
    "and, or, not, equals, contains, greater, greaterOrEquals, less, lessOrEquals, startsWith, "
    "endsWith";

bool IsPredicate(std::string_view name) {
  for (std::string_view p : kPredicates) {
    if (json::EqualsIgnoreCase(p, name)) return true;
  }
  return false;
}

}  // namespace

void CheckConditionForm(BuildContext& ctx, const bj::value& v, const std::string& pointer) {
  if (v.is_string() || v.is_bool()) return;
  if (!v.is_object()) {
    ctx.Error(pointer, errc::kInvalidCondition,
              "a condition is " + DescribeKind(v) +
                  "; write an expression string (\"@equals(...)\") or an object such as "
                  "{\"and\": [{\"equals\": [a, b]}]}");
    return;
  }
  const bj::object& o = v.get_object();
  if (o.size() != 1) {
    ctx.Error(pointer, errc::kInvalidCondition,
              "a condition object must have exactly one member, the operator (" +
                  std::string(kOperators) + "); this one has " + std::to_string(o.size()) +
                  ". Combine several conditions with {\"and\": [...]} or {\"or\": [...]}");
    return;
  }
  const auto& [key, operand] = *o.begin();
  std::string at = PointerChild(pointer, key);
  if (json::EqualsIgnoreCase(key, "and") || json::EqualsIgnoreCase(key, "or")) {
    if (!operand.is_array() || operand.get_array().empty()) {
      ctx.Error(at, errc::kInvalidCondition,
                "\"" + std::string(key) + "\" takes a non-empty array of conditions, not " +
                    DescribeKind(operand));
      return;
    }
    const bj::array& items = operand.get_array();
    for (size_t i = 0; i < items.size(); ++i)
      CheckConditionForm(ctx, items[i], PointerChild(at, i));
    return;
  }
  if (json::EqualsIgnoreCase(key, "not")) {
    if (!operand.is_object()) {
      ctx.Error(at, errc::kInvalidCondition,
                "\"not\" takes one condition object, e.g. {\"not\": {\"equals\": [a, b]}}, not " +
                    DescribeKind(operand));
      return;
    }
    CheckConditionForm(ctx, operand, at);
    return;
  }
  if (IsPredicate(key)) {
    if (!operand.is_array() || operand.get_array().size() != 2) {
      ctx.Error(at, errc::kInvalidCondition,
                "\"" + std::string(key) +
                    "\" takes an array of exactly two operands, e.g. [\"@variables('x')\", 1]");
    }
    return;
  }
  ctx.Error(at, errc::kInvalidCondition,
            "unknown condition operator '" + std::string(key) + "'; use one of " + kOperators);
}

}  // namespace runnel::flow::build

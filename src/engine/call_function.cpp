#include "engine/call_function.h"

#include <memory>
#include <string>

#include "expr/ast.h"
#include "expr/errors.h"
#include "expr/evaluator.h"
#include "expr/registry.h"

namespace runnel::engine {
namespace bj = boost::json;

Result<bj::value> CallFunction(const expr::FunctionDef& fn, std::span<const bj::value> args, const Clock& clock,
                               const expr::Limits& limits) {
  int count = static_cast<int>(args.size());
  if (count < fn.min_args || (fn.max_args != expr::kVariadic && count > fn.max_args)) {
    std::string range = fn.max_args == fn.min_args ? std::to_string(fn.min_args)
                        : fn.max_args == expr::kVariadic
                            ? "at least " + std::to_string(fn.min_args)
                            : std::to_string(fn.min_args) + " to " + std::to_string(fn.max_args);
    return Error(expr::errc::kArity, std::string(fn.name) + "() takes " + range + " arguments, got " +
                                         std::to_string(count));
  }
  // A call node whose operands are literals: the evaluator then treats the values exactly like
  // the results of nested expressions, lazy functions included.
  expr::Node call;
  call.kind = expr::Node::Kind::kCall;
  call.function = &fn;
  for (const auto& a : args) {
    auto literal = std::make_unique<expr::Node>();
    literal->literal = a;
    call.children.push_back(std::move(literal));
  }
  expr::EvalEnv env{nullptr, &clock, &limits};
  RUNNEL_TRY(result, expr::Evaluate(call, env));
  return std::move(result).Take();
}

Result<bj::value> CallFunction(std::string_view name, std::span<const bj::value> args, const Clock& clock,
                               const expr::Limits& limits) {
  const expr::FunctionDef* fn = expr::FindFunction(name);
  if (!fn) return Error(expr::errc::kUnknownFunction, "there is no expression function '" + std::string(name) + "'");
  return CallFunction(*fn, args, clock, limits);
}

}  // namespace runnel::engine

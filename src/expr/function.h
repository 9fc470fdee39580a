// FunctionDef and CallFrame: how an expression function is declared and how it reads its
// arguments. Every function of the WDL reference is one FunctionDef row in a category file under
// functions/ (see registry.h).
//
// Writing a function:
//
//   Result<Value> ToUpper(CallFrame& f) {
//     RUNNEL_TRY(text, f.Text(0));          // converts non-strings as WDL does
//     return Value(boost::json::string(...));
//   }
//   {"toUpper", "string", 1, 1, 0, &ToUpper}
//
// A lazy function (kLazy) gets unevaluated arguments and calls f.Eval(i) for the ones it needs.
// Errors name the function and argument: f.TypeError(0, "a string") gives
// "toUpper() expects a string as argument 1, got object".
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "expr/ast.h"
#include "expr/value.h"

namespace runnel {
class Clock;
}

namespace runnel::expr {

class WorkflowContext;
struct Limits;
class CallFrame;

using FunctionImpl = Result<Value> (*)(CallFrame&);

enum FunctionFlags : uint32_t {
  kPure = 0,
  kLazy = 1u << 0,          // receives unevaluated arguments (if, and, or, coalesce)
  kVolatile = 1u << 1,      // may differ between calls with the same arguments (utcNow, guid)
  kNeedsContext = 1u << 2,  // reads the WorkflowContext (trigger, body, variables, ...)
};

inline constexpr int kVariadic = -1;

struct FunctionDef {
  std::string_view name;      // canonical spelling, as in the function reference
  std::string_view category;  // "string", "collection", "logical comparison", ...
  int min_args;
  int max_args;  // kVariadic for no upper bound
  uint32_t flags;
  FunctionImpl impl;
};

// What an evaluation may read besides the expression: the workflow context (nullptr outside a
// run: workflow functions then fail with a clear error), the clock for utcNow(), and limits.
struct EvalEnv {
  const WorkflowContext* context = nullptr;
  const Clock* clock = nullptr;
  const Limits* limits = nullptr;
  int depth = 0;  // current nesting, maintained by the evaluator
};

class CallFrame {
 public:
  CallFrame(const FunctionDef& def, const Node& call, EvalEnv& env, std::span<Value> args)
      : def_(def), call_(call), env_(env), args_(args) {}

  const FunctionDef& def() const { return def_; }
  EvalEnv& env() { return env_; }
  const Limits& limits() const { return *env_.limits; }
  int position() const { return call_.position; }
  size_t size() const { return call_.children.size(); }

  // Eager functions: the evaluated argument i. REQUIRES: i < size(), function not kLazy.
  Value& arg(size_t i) { return args_[i]; }
  // Lazy functions: evaluates argument i now.
  Result<Value> Eval(size_t i);

  // Typed reads of argument i (eager functions). Each fails with an InvalidArgumentType error
  // naming the function, the argument and the type it got.
  Result<std::string_view> String(size_t i);  // a string, exactly
  Result<std::string> Text(size_t i);         // any value as WDL converts it to text
  Result<int64_t> Int(size_t i);              // an integer, or a float with no fraction
  Result<double> Number(size_t i);            // any number
  Result<bool> Bool(size_t i);                // a boolean
  Result<const boost::json::array*> Array(size_t i);
  Result<const boost::json::object*> Object(size_t i);

  // Errors attributed to this call.
  Error TypeError(size_t i, std::string_view expected) const;
  Error ValueError(std::string_view message) const;           // InvalidArgumentValue
  Error Fail(const char* code, std::string_view message) const;

  // Fails with LimitExceeded when a string of `chars` characters would exceed the result limit.
  Status CheckResultChars(size_t chars) const;

 private:
  const FunctionDef& def_;
  const Node& call_;
  EvalEnv& env_;
  std::span<Value> args_;
};

}  // namespace runnel::expr

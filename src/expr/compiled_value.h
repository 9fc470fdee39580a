// CompiledValue: a JSON value from a definition (an action's inputs, a Select map, a Response
// body) with every string leaf compiled once (CompiledString), ready to evaluate many times.
//
// Evaluation rebuilds only what contains expressions: a subtree without any expression is
// returned borrowed from the definition, so constant inputs cost nothing per run. Immutable after
// Compile; safe to evaluate concurrently.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "expr/evaluator.h"

namespace runnel::expr {

class CompiledValue {
 public:
  CompiledValue() = default;

  // Compiles `v`; `v` must outlive this object (constant parts are borrowed from it). An error's
  // `where` is the JSON pointer (relative to v) of the failing string.
  static Result<CompiledValue> Compile(const boost::json::value& v, const Limits& limits = Limits());

  Result<Value> Evaluate(EvalEnv& env) const;

  // The compiled member `key` (exact spelling first, then ignoring case) of an object that holds
  // expressions; nullptr for a constant value (read source() instead) or when there is none.
  // Lets an action evaluate one part of its inputs at a time (a webhook's unsubscribe).
  const CompiledValue* Member(std::string_view key) const;

  // True when the value contains no expression at all.
  bool is_constant() const { return kind_ == Kind::kConstant; }
  // The source value. REQUIRES: compiled (not default-constructed).
  const boost::json::value& source() const { return *source_; }

 private:
  enum class Kind { kConstant, kString, kArray, kObject };
  Kind kind_ = Kind::kConstant;
  const boost::json::value* source_ = nullptr;
  std::unique_ptr<CompiledString> string_;
  std::vector<std::pair<std::string, CompiledValue>> children_;  // key ("" for arrays), child
};

}  // namespace runnel::expr

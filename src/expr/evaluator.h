// Evaluation of syntax trees, and the two compiled forms the rest of Runnel uses:
//
//  - Expression: the text of one expression (what follows '@'), parsed once.
//  - CompiledString: any JSON string of a definition, classified once (literal, whole-value
//    "@expr", "@{...}" template, "@@" escape; wdl-digest §2.1) and compiled.
//
// Both are immutable after compilation and may be evaluated concurrently from several threads,
// each with its own EvalEnv. Evaluation never re-parses and never throws: any failure, including
// an unexpected library exception, comes back as an Error with the position of the failing part.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "expr/ast.h"
#include "expr/function.h"
#include "expr/limits.h"
#include "expr/value.h"

namespace runnel::expr {

// Evaluates one node. Used by the evaluator itself and by lazy functions (CallFrame::Eval).
// REQUIRES: env.limits != nullptr.
Result<Value> Evaluate(const Node& node, EvalEnv& env);

class Expression {
 public:
  // Parses `text` (without a leading '@'). Errors carry positions into `text`.
  static Result<Expression> Compile(std::string_view text, const Limits& limits = Limits());

  Result<Value> Evaluate(EvalEnv& env) const;
  const Node& root() const { return *root_; }

 private:
  NodePtr root_;
};

class CompiledString {
 public:
  enum class Kind { kLiteral, kExpression, kTemplate };

  // Classifies and compiles `text`, a JSON string value of a definition. Error positions are
  // offsets into `text`.
  static Result<CompiledString> Compile(std::string_view text, const Limits& limits = Limits());

  Kind kind() const { return kind_; }
  // kExpression keeps the result's JSON type; kTemplate always yields a string; kLiteral yields
  // the (unescaped) text, borrowed from this object.
  Result<Value> Evaluate(EvalEnv& env) const;

  // Calls f(root) for each expression the string holds: the whole value, or each @{...} hole in
  // order. Validators walk these trees instead of parsing the text again.
  template <class F>
  void ForEachExpression(F&& f) const {
    if (expr_) f(static_cast<const Node&>(*expr_));
    for (const Segment& s : segments_) {
      if (s.expr) f(static_cast<const Node&>(*s.expr));
    }
  }

 private:
  struct Segment {
    std::string text;  // literal text, used when expr is null
    NodePtr expr;
  };
  Kind kind_ = Kind::kLiteral;
  boost::json::value literal_;
  NodePtr expr_;
  std::vector<Segment> segments_;
};

}  // namespace runnel::expr

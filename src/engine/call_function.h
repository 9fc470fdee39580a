// CallFunction: runs one expression function on values that are already evaluated, exactly as
// the expression `name(arg0, arg1, ...)` would, through the function table (expr/registry.h).
//
// For the places that take a function's operands from JSON rather than from expression text:
// the designer's condition objects ({"equals": [a, b]}, engine/condition.cpp) and Power
// Automate's built-in operations of type "Expression" (actions/expression_op.cpp). Going
// through the table keeps their semantics identical to the functions' (.NET formats, time zone
// names, case rules) instead of re-implementing them.
//
// No workflow context is available: workflow functions (trigger(), body(), ...) fail with
// InvalidWorkflowReference. Thread-safe; nothing is kept after the call.
#pragma once

#include <boost/json/value.hpp>
#include <span>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "expr/function.h"
#include "expr/limits.h"

namespace runnel::engine {

// Calls `fn` on `args` (copied into literal operands). `clock` answers utcNow() and friends.
// Fails with expr::errc::kArity when the argument count is outside the function's range, or
// with whatever error the function itself reports.
Result<boost::json::value> CallFunction(const expr::FunctionDef& fn, std::span<const boost::json::value> args,
                                        const Clock& clock, const expr::Limits& limits = expr::Limits());

// The same by name (any case); fails with expr::errc::kUnknownFunction for a name the table
// does not know.
Result<boost::json::value> CallFunction(std::string_view name, std::span<const boost::json::value> args,
                                        const Clock& clock, const expr::Limits& limits = expr::Limits());

}  // namespace runnel::engine

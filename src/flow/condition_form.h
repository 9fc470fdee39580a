// The designer's object form of a condition (If, and Until when written that way):
//
//   {"and": [{"equals": ["@variables('n')", 3]}, {"not": {"contains": ["@body('x')", "err"]}}]}
//
// `and`/`or` take a non-empty array of conditions, `not` one condition, and each predicate
// (equals, contains, greater, greaterOrEquals, less, lessOrEquals, startsWith, endsWith) an array
// of exactly two operands. Operator names match ignoring case (the corpus has "greaterorequals").
// A string (an expression) or a boolean is a condition too. The engine evaluates this form from
// the compiled value; this file only checks its structure.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "flow/build_context.h"

namespace runnel::flow::build {

// Reports every structural problem of the condition `v` at `pointer` (definition-relative).
void CheckConditionForm(BuildContext& ctx, const boost::json::value& v, const std::string& pointer);

}  // namespace runnel::flow::build

// Conditions of If and Until: a boolean expression ("@equals(...)") or the designer's object
// form {"and"|"or": [predicate...]}, {"not": predicate}, predicate = {"<fn>": [a, b]} with fn one
// of the comparison functions (equals, contains, greater, greaterOrEquals, less, lessOrEquals,
// startsWith, endsWith) — evaluated with exactly those functions' semantics.
#pragma once

#include <boost/json/value.hpp>

#include "base/result.h"
#include "expr/compiled_value.h"
#include "flow/definition.h"

namespace runnel::engine {

class RunImpl;
struct Frame;

// The If action's condition.
Result<bool> EvaluateCondition(RunImpl& run, const flow::Action& a, const Frame* f);
// Any condition value, with action() bound to `current_action` (Until).
Result<bool> EvaluateConditionValue(RunImpl& run, const expr::CompiledValue& condition, const Frame* f,
                                    const boost::json::value* current_action = nullptr);
// Interprets an evaluated condition value (a boolean or the object form).
Result<bool> InterpretCondition(const boost::json::value& v);

}  // namespace runnel::engine

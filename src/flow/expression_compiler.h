// Compiling the strings of a definition once, at build time, and learning what they refer to.
//
// Every string is classified and parsed as expr::CompiledString does (wdl-digest §2.1). Each
// syntax error becomes a diagnostic with the character position inside the string, and every
// workflow-function call whose first argument is a literal (parameters('x'), body('x'),
// items('x'), ...) is recorded in the BuildContext for the reference checks (references.h).
//
// Why strings are parsed twice: CompiledValue keeps its syntax trees private, so the builder
// parses each string holding an '@' once more to walk its tree. Both happen at load, never
// per run; the compiled form the engine evaluates is built once.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "expr/compiled_value.h"
#include "flow/build_context.h"

namespace runnel::flow::build {

// Compiles `v` (a value inside Definition::document, which must outlive the result) found at
// `pointer` (relative to the definition). `scope` is the innermost action whose body holds the
// value. Reports every problem; returns nullopt when any string failed.
std::optional<expr::CompiledValue> CompileValue(BuildContext& ctx, const boost::json::value& v,
                                                const std::string& pointer, const Action* scope);

// The same for one string. REQUIRES: v.is_string().
std::optional<expr::CompiledString> CompileString(BuildContext& ctx, const boost::json::value& v,
                                                  const std::string& pointer, const Action* scope);

// Reports syntax errors and records references of `v` without keeping a compiled form (for
// values the engine does not evaluate through the Definition, e.g. trackedProperties).
bool CheckValue(BuildContext& ctx, const boost::json::value& v, const std::string& pointer,
                const Action* scope);

}  // namespace runnel::flow::build

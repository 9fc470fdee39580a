// The top-level sections of a definition besides its actions (wdl-digest §1, §3): parameters,
// triggers and outputs. Each reads the section from `root` (the definition object inside
// Definition::document), fills `definition` and reports its problems.
#pragma once

#include <boost/json/object.hpp>

#include "flow/build_context.h"
#include "flow/definition.h"

namespace runnel::flow::build {

// Declared types valid; parameter_values override defaultValue; a parameter left without a value
// is an error; secure types marked.
void BuildParameters(BuildContext& ctx, Definition& definition, const boost::json::object& root);

// Known and supported types, inputs/conditions/splitOn compiled, recurrence and concurrency
// settings checked, and the malformed {"triggers": {"triggers": {...}}} shape named as such.
void BuildTriggers(BuildContext& ctx, Definition& definition, const boost::json::object& root);

// After the reference checks: a parameter without a value is an error when an expression reads
// it, a warning otherwise.
void CheckParameterValues(BuildContext& ctx, const Definition& definition);

// Each output has a valid "type" and a compiled "value"; at most 10 outputs.
void BuildOutputs(BuildContext& ctx, Definition& definition, const boost::json::object& root);

// The declared types parameters and outputs may have, canonical spelling; nullopt if unknown.
std::optional<std::string_view> CanonicalValueType(std::string_view type);

}  // namespace runnel::flow::build

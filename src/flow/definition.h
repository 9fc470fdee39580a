// Definition: a loaded, validated flow in typed form — what the engine executes.
//
// Built once from the definition JSON (flow_loader.h, definition_builder.h). Everything in it is
// immutable afterwards and may be shared by any number of concurrent runs. Expressions are
// compiled here, never at run time. Actions keep a pointer to their JSON object inside
// `document` for the rarely used settings the engine reads directly.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "expr/compiled_value.h"
#include "flow/action_types.h"

namespace runnel::flow {

// Terminal statuses an action can end in, as a bit set for runAfter.
enum StatusBits : uint8_t {
  kStatusSucceeded = 1 << 0,
  kStatusFailed = 1 << 1,
  kStatusSkipped = 1 << 2,
  kStatusTimedOut = 1 << 3,
};

struct RunAfter {
  std::string predecessor;  // a sibling in the same container
  uint8_t statuses = kStatusSucceeded;
};

struct Action;

// An ordered group of sibling actions: the flow's top level, a Scope, an If branch, a Switch
// case, or a loop body. `actions` is in a topological order of runAfter (ties in document order).
struct Container {
  std::vector<std::unique_ptr<Action>> actions;
};

// A branch of an If (name "actions" / "else"), a Switch case (its key, with `case_value`) or
// default ("default"), or the body of a Scope/Foreach/Until ("actions").
struct Branch {
  std::string name;
  std::optional<boost::json::value> case_value;  // Switch cases only
  Container body;
};

struct Action {
  std::string name;
  std::string type_name;  // as written in the definition
  ActionType type = ActionType::kOther;
  std::string kind;              // "kind", e.g. Response "Http", Expression "AddToTime"
  std::string pointer;           // JSON pointer of the action object, e.g. "/actions/Try/actions/Http"
  const boost::json::value* json = nullptr;  // the action object (inside Definition::document)
  const Action* parent = nullptr;            // enclosing container action; nullptr at top level
  int depth = 0;                             // 0 at top level

  std::vector<RunAfter> run_after;
  expr::CompiledValue inputs;  // "inputs" (constant null when absent)
  bool volatile_inputs = false;  // the inputs call utcNow(), guid(), rand()...: a re-run differs
  // If: "expression" (string or object form, compiled as a value); Switch: "expression";
  // Until: "expression"; Foreach: "foreach". Absent for other types.
  std::optional<expr::CompiledValue> expression;
  std::vector<Branch> branches;  // If: [actions, else]; Switch: cases..., default; others: [actions]

  std::string operation_options;                           // "" when absent
  const boost::json::value* runtime_configuration = nullptr;  // nullptr when absent
  const boost::json::value* limit = nullptr;                  // "limit" object, nullptr when absent
  bool secure_inputs = false;   // runtimeConfiguration.secureData.properties has "inputs"
  bool secure_outputs = false;  // ... "outputs"
  std::string static_result;    // staticResult name when enabled, else ""
};

struct Trigger {
  std::string name;
  std::string type_name;
  TriggerType type = TriggerType::kOther;
  std::string kind;
  std::string pointer;
  const boost::json::value* json = nullptr;
  expr::CompiledValue inputs;
  std::vector<expr::CompiledString> conditions;  // each "@<boolean expr>"
  std::optional<expr::CompiledString> split_on;
  const boost::json::value* recurrence = nullptr;
  const boost::json::value* runtime_configuration = nullptr;
  std::string operation_options;
  bool secure_inputs = false;
  bool secure_outputs = false;
};

struct Parameter {
  std::string type;  // as declared: int, float, string, bool, array, object, securestring, ...
  std::optional<boost::json::value> default_value;
  bool secure = false;  // securestring / secureobject
};

struct Output {
  std::string name;
  std::string type;
  expr::CompiledValue value;
};

struct Definition {
  // The definition JSON everything else points into. Never modified after building.
  std::unique_ptr<boost::json::value> document;
  std::string kind;  // "Stateful" (default) or "Stateless"
  std::map<std::string, Parameter> parameters;
  std::shared_ptr<const boost::json::object> app_settings;  // BuildOptions::app_settings
  std::vector<Trigger> triggers;  // usually one
  Container actions;
  std::vector<Output> outputs;
  const boost::json::value* static_results = nullptr;  // "staticResults" object or nullptr

  // Every action at any depth, by exact name (names are unique across the whole definition).
  std::map<std::string, const Action*, std::less<>> by_name;
  // Resolves a name as expressions do: exact, then case-insensitive, then spaces as underscores.
  const Action* FindAction(std::string_view name) const;
};

}  // namespace runnel::flow

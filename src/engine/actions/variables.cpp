// The variable actions (wdl-digest §5.9): InitializeVariable, SetVariable, Increment/
// DecrementVariable, AppendToArrayVariable, AppendToStringVariable.
//
// Types are checked on every assignment, as the hosted engine does: an Integer variable never
// holds a string. A variable initialized without a value starts at its type's empty value
// (0, 0.0, false, "", [], {}) — the documentation leaves this open; see docs/engine.md.

#include <vector>

#include "engine/actions/builtin.h"
#include "json/compare.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace bj = boost::json;

const bj::value* Input(const bj::value& inputs, std::string_view name) {
  return inputs.is_object() ? json::FindMember(inputs.get_object(), name) : nullptr;
}

bj::value* Input(bj::value& inputs, std::string_view name) {
  return inputs.is_object() ? json::FindMember(inputs.get_object(), name) : nullptr;
}

namespace {

enum class VarType { kInteger, kFloat, kBoolean, kString, kArray, kObject };

std::optional<VarType> ParseType(std::string_view t) {
  struct Row { const char* name; VarType type; };
  static constexpr Row kTypes[] = {{"Integer", VarType::kInteger}, {"Float", VarType::kFloat},
                                   {"Boolean", VarType::kBoolean}, {"String", VarType::kString},
                                   {"Array", VarType::kArray},     {"Object", VarType::kObject}};
  for (const auto& r : kTypes) {
    if (json::EqualsIgnoreCase(r.name, t)) return r.type;
  }
  return std::nullopt;
}

const char* TypeName(VarType t) {
  switch (t) {
    case VarType::kInteger: return "Integer";
    case VarType::kFloat: return "Float";
    case VarType::kBoolean: return "Boolean";
    case VarType::kString: return "String";
    case VarType::kArray: return "Array";
    case VarType::kObject: return "Object";
  }
  return "";
}

// The declared type, recovered from the stored value's kind.
VarType TypeOf(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::int64:
    case bj::kind::uint64: return VarType::kInteger;
    case bj::kind::double_: return VarType::kFloat;
    case bj::kind::bool_: return VarType::kBoolean;
    case bj::kind::string: return VarType::kString;
    case bj::kind::array: return VarType::kArray;
    default: return VarType::kObject;
  }
}

bj::value EmptyValue(VarType t) {
  switch (t) {
    case VarType::kInteger: return int64_t{0};
    case VarType::kFloat: return 0.0;
    case VarType::kBoolean: return false;
    case VarType::kString: return bj::string();
    case VarType::kArray: return bj::array();
    case VarType::kObject: return bj::object();
  }
  return nullptr;
}

// `v` converted to type t, or an error naming the variable and both types.
Result<bj::value> Coerce(const std::string& name, VarType t, const bj::value& v) {
  auto mismatch = [&] {
    return Error("InvalidVariableValue", "the variable '" + name + "' of type " + TypeName(t) +
                                             " cannot hold a value of type " +
                                             std::string(bj::to_string(v.kind())));
  };
  switch (t) {
    case VarType::kInteger:
      if (v.is_int64() || v.is_uint64()) return v;
      if (v.is_double() && v.get_double() == static_cast<double>(static_cast<int64_t>(v.get_double()))) {
        return bj::value(static_cast<int64_t>(v.get_double()));
      }
      return mismatch();
    case VarType::kFloat:
      if (json::IsNumber(v)) return bj::value(json::ToDouble(v));
      return mismatch();
    case VarType::kBoolean:
      if (v.is_bool()) return v;
      return mismatch();
    case VarType::kString:
      if (v.is_string()) return v;
      return mismatch();
    case VarType::kArray:
      if (v.is_array()) return v;
      return mismatch();
    case VarType::kObject:
      if (v.is_object()) return v;
      return mismatch();
  }
  return mismatch();
}

Result<std::string> NameOf(const bj::value& inputs) {
  const bj::value* n = Input(inputs, "name");
  if (!n || !n->is_string() || n->get_string().empty()) {
    return Error("InvalidVariableAction", "the action's inputs need a \"name\" string naming the variable");
  }
  return std::string(n->get_string());
}

Result<bj::value*> Existing(RunServices& run, const std::string& name) {
  bj::value* v = run.FindVariable(name);
  if (!v) {
    return Error("VariableNotFound", "the variable '" + name +
                                         "' does not exist; initialize it with an InitializeVariable "
                                         "action at the top level first");
  }
  return v;
}

ActionResult NameValueOutput(const std::string& name, const bj::value& value) {
  return ActionResult::Succeeded(bj::object{{"body", {{"name", name}, {"value", value}}}});
}

// One variable per action in the documented form; Logic Apps Standard's designer also writes
// several entries in one action, declared in order (all or nothing: the first bad entry fails
// the action before any is declared).
Result<ActionResult> Initialize(RunServices& run, const bj::value& inputs) {
  const bj::value* vars = Input(inputs, "variables");
  if (!vars || !vars->is_array() || vars->get_array().empty()) {
    return Error("InvalidVariableAction", "InitializeVariable needs \"variables\": [{\"name\", \"type\", \"value\"}]");
  }
  std::vector<std::pair<std::string, bj::value>> declared;
  for (const bj::value& decl : vars->get_array()) {
    if (!decl.is_object()) {
      return Error("InvalidVariableAction", "each entry of \"variables\" must be an object {\"name\", \"type\", \"value\"}");
    }
    RUNNEL_TRY(name, NameOf(decl));
    const bj::value* type_name = Input(decl, "type");
    auto type = type_name && type_name->is_string() ? ParseType(type_name->get_string()) : std::nullopt;
    if (!type) {
      return Error("InvalidVariableType", "the variable '" + name +
                                              "' needs a type: Integer, Float, Boolean, String, Array or Object");
    }
    const bj::value* value = Input(decl, "value");
    bj::value initial = EmptyValue(*type);
    if (value && !value->is_null()) {
      RUNNEL_TRY(v, Coerce(name, *type, *value));
      initial = std::move(v);
    }
    if (run.FindVariable(name)) {
      return Error("VariableAlreadyExists", "the variable '" + name + "' is already initialized");
    }
    declared.emplace_back(std::move(name), std::move(initial));
  }
  for (auto& [name, value] : declared) {
    if (auto st = run.DeclareVariable(name, std::move(value)); !st) return st.error();
  }
  return ActionResult::Succeeded(nullptr);
}

Result<ActionResult> Set(RunServices& run, const bj::value& inputs) {
  RUNNEL_TRY(name, NameOf(inputs));
  RUNNEL_TRY(slot, Existing(run, name));
  const bj::value* value = Input(inputs, "value");
  if (!value) return Error("InvalidVariableAction", "SetVariable needs a \"value\"");
  RUNNEL_TRY(v, Coerce(name, TypeOf(*slot), *value));
  *slot = std::move(v);
  return NameValueOutput(name, *slot);
}

Result<ActionResult> Increment(RunServices& run, const bj::value& inputs, bool decrement) {
  RUNNEL_TRY(name, NameOf(inputs));
  RUNNEL_TRY(slot, Existing(run, name));
  const bj::value* by = Input(inputs, "value");
  bj::value step = (by && !by->is_null()) ? *by : bj::value(int64_t{1});
  if (!json::IsNumber(step)) {
    return Error("InvalidVariableValue", "the increment must be a number, got " +
                                             std::string(bj::to_string(step.kind())));
  }
  VarType t = TypeOf(*slot);
  if (t == VarType::kInteger && (step.is_int64() || step.is_uint64())) {
    int64_t a = slot->to_number<int64_t>(), b = step.to_number<int64_t>(), out = 0;
    bool overflow = decrement ? __builtin_sub_overflow(a, b, &out) : __builtin_add_overflow(a, b, &out);
    if (overflow) return Error("InvalidVariableValue", "the variable '" + name + "' would overflow");
    *slot = out;
  } else if (t == VarType::kInteger || t == VarType::kFloat) {
    if (t == VarType::kInteger) {
      return Error("InvalidVariableValue", "the Integer variable '" + name +
                                               "' cannot be changed by the fractional value " +
                                               json::ToText(step));
    }
    double d = json::ToDouble(*slot) + (decrement ? -1 : 1) * json::ToDouble(step);
    *slot = d;
  } else {
    return Error("InvalidVariableType", "only Integer and Float variables can be incremented; '" + name +
                                            "' is " + TypeName(t));
  }
  return NameValueOutput(name, *slot);
}

Result<ActionResult> AppendToArray(RunServices& run, const bj::value& inputs) {
  RUNNEL_TRY(name, NameOf(inputs));
  RUNNEL_TRY(slot, Existing(run, name));
  if (!slot->is_array()) {
    return Error("InvalidVariableType", "'" + name + "' is not an Array variable");
  }
  const bj::value* value = Input(inputs, "value");
  slot->get_array().push_back(value ? *value : bj::value(nullptr));
  // No outputs: echoing the whole array after every append made a loop of appends quadratic.
  return ActionResult::Succeeded(nullptr);
}

Result<ActionResult> AppendToString(RunServices& run, const bj::value& inputs) {
  RUNNEL_TRY(name, NameOf(inputs));
  RUNNEL_TRY(slot, Existing(run, name));
  if (!slot->is_string()) {
    return Error("InvalidVariableType", "'" + name + "' is not a String variable");
  }
  const bj::value* value = Input(inputs, "value");
  if (value) slot->get_string().append(json::ToText(*value));
  return ActionResult::Succeeded(nullptr);
}

// Evaluates the inputs and applies the action to the run's variables.
void ExecuteVariableAction(const std::shared_ptr<ActionCall>& call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(inputs.error()));
  auto result = ApplyVariableAction(call->action().type, inputs.value(), call->run());
  if (!result) return call->Complete(ActionResult::Failed(result.error()));
  call->Complete(std::move(result.value()));
}

}  // namespace

Result<ActionResult> ApplyVariableAction(flow::ActionType type, const bj::value& inputs,
                                         RunServices& run) {
  using T = flow::ActionType;
  switch (type) {
    case T::kInitializeVariable: return Initialize(run, inputs);
    case T::kSetVariable: return Set(run, inputs);
    case T::kIncrementVariable: return Increment(run, inputs, /*decrement=*/false);
    case T::kDecrementVariable: return Increment(run, inputs, /*decrement=*/true);
    case T::kAppendToArrayVariable: return AppendToArray(run, inputs);
    case T::kAppendToStringVariable: return AppendToString(run, inputs);
    default: return Error("InvalidVariableAction", "not a variable action");
  }
}

void InitializeVariableHandler::Execute(std::shared_ptr<ActionCall> call) { ExecuteVariableAction(call); }
void SetVariableHandler::Execute(std::shared_ptr<ActionCall> call) { ExecuteVariableAction(call); }
void IncrementVariableHandler::Execute(std::shared_ptr<ActionCall> call) { ExecuteVariableAction(call); }
void AppendToArrayVariableHandler::Execute(std::shared_ptr<ActionCall> call) { ExecuteVariableAction(call); }
void AppendToStringVariableHandler::Execute(std::shared_ptr<ActionCall> call) { ExecuteVariableAction(call); }

}  // namespace runnel::engine

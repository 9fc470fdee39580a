#include "flow/action_builder.h"

#include "flow/errors.h"
#include "flow/expression_compiler.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

std::vector<std::string_view> ActionTypeNames() {
  std::vector<std::string_view> names;
  for (const ActionTypeInfo& row : AllActionTypes()) names.push_back(row.name);
  return names;
}

// How to fix an unknown type: the designer's display name for a type people write by hand
// ("Condition" is an If), else the closest type name.
std::string UnknownTypeHint(std::string_view type) {
  static constexpr std::pair<std::string_view, std::string_view> kDesignerNames[] = {
      {"Condition", "If"},
      {"Delay", "Wait"},
      {"DelayUntil", "Wait"},
      {"DoUntil", "Until"},
      {"ApplyToEach", "Foreach"},
      {"FilterArray", "Query"},
      {"Filter", "Query"},
      {"CreateHtmlTable", "Table"},
      {"CreateCsvTable", "Table"},
      {"InitializeVariables", "InitializeVariable"},
      {"Variable", "InitializeVariable"},
  };
  for (const auto& [name, actual] : kDesignerNames) {
    if (json::EqualsIgnoreCase(name, type)) {
      return "; the designer's '" + std::string(name) + "' is written \"type\": \"" +
             std::string(actual) + "\"";
    }
  }
  return DidYouMean(type, ActionTypeNames());
}

}  // namespace

const bj::value* Member(const bj::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

const Action* EnclosingLoop(const Action& action) {
  for (const Action* a = action.parent; a; a = a->parent) {
    if (a->type == ActionType::kForeach || a->type == ActionType::kUntil) return a;
  }
  return nullptr;
}

void ActionBuilder::BuildContainer(const bj::value* actions, const std::string& pointer,
                                   const Action* parent, int depth, Container& out) {
  if (!actions || actions->is_null()) return;
  if (!actions->is_object()) {
    ctx_.Error(pointer, errc::kInvalidProperty,
               "\"actions\" must be an object that maps action names to actions, not " +
                   DescribeKind(*actions));
    return;
  }
  const bj::object& o = actions->get_object();
  if (depth == ctx_.options().max_depth + 1 && !o.empty()) {
    ctx_.Error(pointer, errc::kNestingTooDeep,
               "actions here are nested " + std::to_string(depth) +
                   " containers deep; the limit is " + std::to_string(ctx_.options().max_depth) +
                   ". Move the inner steps into a child flow (a Workflow action) or flatten the "
                   "conditions");
  }
  for (const auto& kv : o) {
    out.actions.push_back(
        BuildAction(kv.key(), kv.value(), PointerChild(pointer, kv.key()), parent, depth));
  }
}

std::unique_ptr<Action> ActionBuilder::BuildAction(std::string_view name, const bj::value& json,
                                                   const std::string& pointer, const Action* parent,
                                                   int depth) {
  auto action = std::make_unique<Action>();
  action->name = std::string(name);
  action->pointer = pointer;
  action->json = &json;
  action->parent = parent;
  action->depth = depth;
  action->inputs = expr::CompiledValue::Compile(NullValue()).value();
  ++ctx_.action_count;
  Register(*action);

  if (CharCount(name) > static_cast<size_t>(ctx_.options().max_name_length)) {
    ctx_.Error(pointer, errc::kNameTooLong,
               "the action name is " + std::to_string(CharCount(name)) +
                   " characters long; the limit is " +
                   std::to_string(ctx_.options().max_name_length),
               action->name);
  }
  if (!json.is_object()) {
    ctx_.Error(pointer, errc::kInvalidProperty,
               "action '" + action->name + "' must be an object with a \"type\", not " +
                   DescribeKind(json),
               action->name);
    return action;
  }
  const bj::object& o = json.get_object();
  const bj::value* type = Member(o, "type");
  if (!type || !type->is_string()) {
    ctx_.Error(type ? PointerChild(pointer, "type") : pointer, errc::kMissingProperty,
               "action '" + action->name +
                   "' needs a \"type\" string, e.g. \"Compose\", \"Http\" or \"If\"",
               action->name);
    return action;
  }
  action->type_name = std::string(type->get_string());
  auto info = FindActionType(action->type_name);
  if (!info) {
    ctx_.Error(
        PointerChild(pointer, "type"), errc::kUnknownActionType,
        "unknown action type '" + action->type_name + "'" + UnknownTypeHint(action->type_name),
        action->type_name);
  } else {
    action->type = info->type;
    if (!info->executable) {
      ctx_.Error(PointerChild(pointer, "type"), errc::kUnsupportedActionType,
                 "action type '" + std::string(info->name) + "' is not supported by Runnel yet",
                 std::string(info->name));
    }
  }
  BuildCommon(*action, o);
  if (info && info->executable) {
    if (info->container) {
      BuildControlFlow(*action, o);
    } else {
      CheckActionRules(ctx_, *action, o);
    }
  }
  return action;
}

void ActionBuilder::Register(const Action& action) {
  auto [it, inserted] = def_.by_name.emplace(action.name, &action);
  if (!inserted) {
    ctx_.Error(action.pointer, errc::kDuplicateName,
               "the name '" + action.name + "' is also used by the action at " +
                   ctx_.FilePointer(it->second->pointer) +
                   "; action names must be unique across the whole definition",
               action.name);
  }
}

void ActionBuilder::BuildCommon(Action& action, const bj::object& o) {
  if (const bj::value* kind = Member(o, "kind")) {
    if (kind->is_string()) {
      action.kind = std::string(kind->get_string());
    } else {
      ctx_.Error(PointerChild(action.pointer, "kind"), errc::kInvalidProperty,
                 "\"kind\" must be a string");
    }
  }
  if (const bj::value* inputs = Member(o, "inputs")) {
    int volatile_before = ctx_.volatile_calls;
    if (auto compiled =
            CompileValue(ctx_, *inputs, PointerChild(action.pointer, "inputs"), action.parent)) {
      action.inputs = std::move(*compiled);
    }
    action.volatile_inputs = ctx_.volatile_calls != volatile_before;
  }
  if (const bj::value* options = Member(o, "operationOptions")) {
    if (options->is_string()) {
      action.operation_options = std::string(options->get_string());
    } else {
      ctx_.Error(PointerChild(action.pointer, "operationOptions"), errc::kInvalidProperty,
                 "\"operationOptions\" must be a string such as \"Sequential\" or "
                 "\"DisableAsyncPattern\"");
    }
  }
  if (const bj::value* limit = Member(o, "limit")) {
    if (limit->is_object()) {
      action.limit = limit;
      CheckValue(ctx_, *limit, PointerChild(action.pointer, "limit"), action.parent);
    } else {
      ctx_.Error(PointerChild(action.pointer, "limit"), errc::kInvalidProperty,
                 "\"limit\" must be an object such as {\"timeout\": \"PT1H\"}");
    }
  }
  if (const bj::value* rc = Member(o, "runtimeConfiguration"))
    BuildRuntimeConfiguration(action, *rc);
  // Not kept in the model, but an error in them would surface only at run time.
  if (const bj::value* tracked = Member(o, "trackedProperties")) {
    CheckValue(ctx_, *tracked, PointerChild(action.pointer, "trackedProperties"), action.parent);
  }
}

void ActionBuilder::BuildRuntimeConfiguration(Action& action, const bj::value& rc) {
  std::string pointer = PointerChild(action.pointer, "runtimeConfiguration");
  if (!rc.is_object()) {
    ctx_.Error(pointer, errc::kInvalidProperty, "\"runtimeConfiguration\" must be an object");
    return;
  }
  action.runtime_configuration = &rc;
  const bj::object& o = rc.get_object();
  if (const bj::value* secure = Member(o, "secureData")) {
    const bj::value* properties =
        secure->is_object() ? Member(secure->get_object(), "properties") : nullptr;
    std::string at = PointerChild(PointerChild(pointer, "secureData"), "properties");
    if (!properties || !properties->is_array()) {
      ctx_.Error(
          at, errc::kInvalidProperty,
          "secureData needs \"properties\": an array holding \"inputs\", \"outputs\" or both");
    } else {
      for (const bj::value& p : properties->get_array()) {
        if (p.is_string() && json::EqualsIgnoreCase(p.get_string(), "inputs")) {
          action.secure_inputs = true;
        } else if (p.is_string() && json::EqualsIgnoreCase(p.get_string(), "outputs")) {
          action.secure_outputs = true;
        } else {
          ctx_.Error(at, errc::kInvalidProperty,
                     "secureData properties may only be \"inputs\" and \"outputs\"");
        }
      }
    }
  }
  if (const bj::value* sr = Member(o, "staticResult")) {
    std::string at = PointerChild(pointer, "staticResult");
    const bj::object* s = sr->is_object() ? &sr->get_object() : nullptr;
    const bj::value* name = s ? Member(*s, "name") : nullptr;
    const bj::value* enabled = s ? Member(*s, "staticResultOptions") : nullptr;
    if (!name || !name->is_string()) {
      ctx_.Error(at, errc::kInvalidProperty,
                 "staticResult needs {\"name\": <a staticResults entry>, \"staticResultOptions\": "
                 "\"Enabled\"}");
    } else if (enabled && enabled->is_string() &&
               json::EqualsIgnoreCase(enabled->get_string(), "Enabled")) {
      action.static_result = std::string(name->get_string());
      const bool exists = def_.static_results && def_.static_results->is_object() &&
                          def_.static_results->get_object().contains(action.static_result);
      if (!exists) {
        ctx_.Error(PointerChild(at, "name"), errc::kUnknownStaticResult,
                   "static result '" + action.static_result +
                       "' is not defined; add it under the definition's \"staticResults\" or set "
                       "staticResultOptions to \"Disabled\"",
                   action.static_result);
      }
    }
  }
}

}  // namespace runnel::flow::build

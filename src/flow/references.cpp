#include "flow/references.h"

#include "flow/errors.h"
#include "json/lookup.h"

namespace runnel::flow::build {

namespace {

std::string Call(const ReferenceUse& use) { return use.function + "('" + use.name + "')"; }

std::vector<std::string_view> ActionNames(const Definition& def) {
  std::vector<std::string_view> names;
  for (const auto& [name, action] : def.by_name) names.push_back(name);
  return names;
}

bool IsLoop(const Action& a) {
  return a.type == ActionType::kForeach || a.type == ActionType::kUntil;
}

void CheckParameter(BuildContext& ctx, const Definition& def, const ReferenceUse& use) {
  std::vector<std::string_view> declared;
  for (const auto& [name, parameter] : def.parameters) {
    if (json::EqualsIgnoreCase(name, use.name)) return;
    declared.push_back(name);
  }
  ctx.Error(use.pointer, errc::kUndeclaredParameter,
            Call(use) +
                " names a parameter that is not declared; declare it under the definition's "
                "\"parameters\" with a \"type\"" +
                DidYouMean(use.name, declared),
            use.name);
}

void CheckVariable(BuildContext& ctx, const ReferenceUse& use) {
  if (ctx.variables.contains(json::LowerAscii(use.name))) return;
  std::vector<std::string_view> declared;
  for (const auto& [key, decl] : ctx.variables) declared.push_back(decl.name);
  ctx.Error(use.pointer, errc::kUninitializedVariable,
            Call(use) +
                " names a variable that no InitializeVariable declares; add an "
                "InitializeVariable action at the top level" +
                DidYouMean(use.name, declared),
            use.name);
}

void CheckAction(BuildContext& ctx, const Definition& def, const ReferenceUse& use) {
  if (def.FindAction(use.name)) return;
  std::string hint = DidYouMean(use.name, ActionNames(def));
  for (const std::string& trigger : ctx.trigger_names) {
    if (json::EqualsIgnoreCase(trigger, use.name)) {
      hint = "; '" + use.name + "' is the trigger: read it with triggerBody() or triggerOutputs()";
    }
  }
  ctx.Error(use.pointer, errc::kUnknownAction,
            Call(use) +
                " names no action of this flow (names are the keys under \"actions\", with "
                "spaces written as underscores)" +
                hint,
            use.name);
}

void CheckLoop(BuildContext& ctx, const Definition& def, const ReferenceUse& use) {
  std::vector<std::string_view> enclosing;
  for (const Action* a = use.scope; a; a = a->parent) {
    if (!IsLoop(*a)) continue;
    if (NameMatches(a->name, use.name)) return;
    enclosing.push_back(a->name);
  }
  std::string why;
  if (const Action* named = def.FindAction(use.name)) {
    why = IsLoop(*named) ? "'" + named->name + "' is a loop, but this expression is not inside it"
                         : "'" + named->name + "' is " + std::string(ActionTypeName(named->type)) +
                               ", not a loop";
  } else {
    why = "there is no action '" + use.name + "'";
  }
  std::string loops;
  for (std::string_view l : enclosing)
    loops += (loops.empty() ? "" : ", ") + ("'" + std::string(l) + "'");
  ctx.Error(use.pointer, errc::kNotAnEnclosingLoop,
            Call(use) + " must name a Foreach or Until that encloses this expression: " + why +
                (loops.empty() ? std::string("; this expression is not inside any loop")
                               : "; the enclosing loops are " + loops),
            use.name);
}

void CheckResult(BuildContext& ctx, const Definition& def, const ReferenceUse& use) {
  const Action* named = def.FindAction(use.name);
  if (named && (named->type == ActionType::kScope || IsLoop(*named))) return;
  std::string why =
      named ? "'" + named->name + "' is " + std::string(ActionTypeName(named->type))
            : "there is no action '" + use.name + "'" + DidYouMean(use.name, ActionNames(def));
  ctx.Error(use.pointer, errc::kNotAScope,
            Call(use) + " must name a Scope, Foreach or Until: " + why, use.name);
}

// The variable types an updating action works on.
bool TypeFits(ActionType action, std::string_view type) {
  switch (action) {
    case ActionType::kIncrementVariable:
    case ActionType::kDecrementVariable:
      return type == "Integer" || type == "Float";
    case ActionType::kAppendToArrayVariable:
      return type == "Array";
    case ActionType::kAppendToStringVariable:
      return type == "String";
    default:
      return true;
  }
}

void CheckUpdate(BuildContext& ctx, const VariableUpdate& update) {
  auto it = ctx.variables.find(json::LowerAscii(update.name));
  std::string action_type(ActionTypeName(update.type));
  if (it == ctx.variables.end()) {
    std::vector<std::string_view> declared;
    for (const auto& [key, decl] : ctx.variables) declared.push_back(decl.name);
    ctx.Error(update.pointer, errc::kUninitializedVariable,
              action_type + " changes variable '" + update.name +
                  "', which no InitializeVariable declares; add one at the top level" +
                  DidYouMean(update.name, declared),
              update.name);
    return;
  }
  const VariableDecl& decl = it->second;
  if (!decl.type.empty() && !TypeFits(update.type, decl.type)) {
    ctx.Error(update.pointer, errc::kVariableTypeMismatch,
              action_type + " cannot change variable '" + decl.name + "' of type " + decl.type +
                  " (declared at " + decl.pointer + ")",
              decl.name);
  }
}

}  // namespace

void CheckReferences(BuildContext& ctx, const Definition& def) {
  for (const ReferenceUse& use : ctx.references) {
    switch (use.kind) {
      case ReferenceUse::Kind::kParameter:
        CheckParameter(ctx, def, use);
        break;
      case ReferenceUse::Kind::kVariable:
        CheckVariable(ctx, use);
        break;
      case ReferenceUse::Kind::kAction:
        CheckAction(ctx, def, use);
        break;
      case ReferenceUse::Kind::kLoop:
        CheckLoop(ctx, def, use);
        break;
      case ReferenceUse::Kind::kResult:
        CheckResult(ctx, def, use);
        break;
    }
  }
  for (const VariableUpdate& update : ctx.variable_updates) CheckUpdate(ctx, update);
}

}  // namespace runnel::flow::build

// Workflow functions: read the run's trigger, actions, variables, parameters, loop items and
// workflow metadata through the WorkflowContext (context.h).
//
// Action names are looked up as written, then with spaces replaced by underscores (the designer
// stores 'Get user' as Get_user, and people write both). A name that does not exist is an error
// naming it; an action record without outputs (e.g. a Skipped action) gives null outputs.

#include <boost/json/value.hpp>
#include <string>

#include "expr/context.h"
#include "expr/errors.h"
#include "expr/form_data.h"
#include "expr/registry.h"
#include "json/lookup.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

Result<const WorkflowContext*> Context(CallFrame& f) {
  if (!f.env().context) {
    return f.Fail(errc::kContext, "there is no run here to read from; pass a context (for "
                                  "`runnel eval`, --context FILE)");
  }
  return f.env().context;
}

Result<std::string_view> NameArg(CallFrame& f, size_t i) { return f.String(i); }

Error Missing(CallFrame& f, std::string_view what, std::string_view name) {
  return f.Fail(errc::kContext, std::string(what) + " '" + std::string(name) + "' does not exist");
}

// Member `name` of `record`, or null when absent.
Value MemberOrNull(const bj::value* record, std::string_view name) {
  if (!record || !record->is_object()) return Value();
  const bj::value* v = json::FindMember(record->get_object(), name);
  return v ? Value::Borrow(*v) : Value();
}

Result<const bj::value*> TriggerRecord(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  const bj::value* t = cx->Trigger();
  if (!t) return f.Fail(errc::kContext, "this run has no trigger record");
  return t;
}

Result<const bj::value*> ActionRecord(CallFrame& f, size_t i) {
  RUNNEL_TRY(cx, Context(f));
  RUNNEL_TRY(name, NameArg(f, i));
  const bj::value* a = cx->Action(name);
  if (!a && name.find(' ') != std::string_view::npos) {
    std::string underscored(name);
    for (char& c : underscored) {
      if (c == ' ') c = '_';
    }
    a = cx->Action(underscored);
  }
  if (!a) {
    return f.Fail(errc::kContext, "the action '" + std::string(name) +
                                      "' does not exist or has not run; check the name (spaces "
                                      "are written as underscores) and the runAfter settings");
  }
  return a;
}

Result<Value> Trigger(CallFrame& f) {
  RUNNEL_TRY(t, TriggerRecord(f));
  return Value::Borrow(*t);
}

Result<Value> TriggerOutputs(CallFrame& f) {
  RUNNEL_TRY(t, TriggerRecord(f));
  return MemberOrNull(t, "outputs");
}

Result<Value> TriggerBody(CallFrame& f) {
  RUNNEL_TRY(t, TriggerRecord(f));
  Value outputs = MemberOrNull(t, "outputs");
  return MemberOrNull(&outputs.json(), "body");
}

Result<Value> Actions(CallFrame& f) {
  RUNNEL_TRY(a, ActionRecord(f, 0));
  return Value::Borrow(*a);
}

Result<Value> Outputs(CallFrame& f) {
  RUNNEL_TRY(a, ActionRecord(f, 0));
  return MemberOrNull(a, "outputs");
}

Result<Value> Body(CallFrame& f) {
  RUNNEL_TRY(a, ActionRecord(f, 0));
  Value outputs = MemberOrNull(a, "outputs");
  return MemberOrNull(&outputs.json(), "body");
}

Result<Value> Action(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  const bj::value* a = cx->CurrentAction();
  if (!a) {
    return f.Fail(errc::kContext, "action() is only available in an Until condition, "
                                  "trackedProperties, or a webhook action's unsubscribe");
  }
  return Value::Borrow(*a);
}

Result<Value> Variables(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  RUNNEL_TRY(name, NameArg(f, 0));
  const bj::value* v = cx->Variable(name);
  if (!v) {
    return f.Fail(errc::kContext, "the variable '" + std::string(name) +
                                      "' does not exist; declare it with an InitializeVariable "
                                      "action at the top level of the flow");
  }
  return Value::Borrow(*v);
}

Result<Value> Parameters(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  RUNNEL_TRY(name, NameArg(f, 0));
  const bj::value* v = cx->Parameter(name);
  if (!v) {
    return f.Fail(errc::kContext, "the parameter '" + std::string(name) +
                                      "' is not declared in the definition's parameters");
  }
  return Value::Borrow(*v);
}

Result<Value> AppSetting(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  RUNNEL_TRY(name, NameArg(f, 0));
  const bj::value* v = cx->AppSetting(name);
  if (!v) {
    return f.Fail(errc::kContext, "the app setting '" + std::string(name) +
                                      "' is not set; give it in the server's app_settings (docs/configuration.md) "
                                      "or with `runnel run --settings FILE`");
  }
  return Value::Borrow(*v);
}

Result<Value> Item(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  const bj::value* v = cx->Item();
  if (!v) {
    return f.Fail(errc::kContext, "item() is only available inside a Foreach loop or the "
                                  "from/select/where of Query, Select and Table");
  }
  return Value::Borrow(*v);
}

Result<Value> Items(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  RUNNEL_TRY(name, NameArg(f, 0));
  const bj::value* v = cx->Items(name);
  if (!v) {
    return f.Fail(errc::kContext, "items('" + std::string(name) +
                                      "') must be used inside the Foreach loop of that name");
  }
  return Value::Borrow(*v);
}

Result<Value> IterationIndexes(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  RUNNEL_TRY(name, NameArg(f, 0));
  auto i = cx->IterationIndex(name);
  if (!i) {
    return f.Fail(errc::kContext, "iterationIndexes('" + std::string(name) +
                                      "') must be used inside the Until loop of that name");
  }
  return Value(*i);
}

Result<Value> ScopeResult(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  RUNNEL_TRY(name, NameArg(f, 0));
  const bj::value* v = cx->ScopeResult(name);
  if (!v) return Missing(f, "the Scope, Foreach or Until action", name);
  return Value::Borrow(*v);
}

Result<Value> Workflow(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  const bj::value* v = cx->Workflow();
  if (!v) return f.Fail(errc::kContext, "this run has no workflow metadata");
  return Value::Borrow(*v);
}

Result<Value> ListCallbackUrl(CallFrame& f) {
  RUNNEL_TRY(cx, Context(f));
  auto url = cx->CallbackUrl();
  if (!url) {
    return f.Fail(errc::kContext, "listCallbackUrl() is only available in HttpWebhook and "
                                  "ApiConnectionWebhook triggers and actions");
  }
  return Value(bj::string(*url));
}

// Form data and multipart, from the trigger's or an action's body.
Result<Value> BodyOf(const bj::value* record) {
  Value outputs = MemberOrNull(record, "outputs");
  return MemberOrNull(&outputs.json(), "body");
}

Result<Value> FormValue(CallFrame& f, const bj::value* record, size_t key_arg) {
  RUNNEL_TRY(key, f.String(key_arg));
  RUNNEL_TRY(body, BodyOf(record));
  auto values = FormValues(body.json(), key);
  if (!values) return f.Fail(values.error().code.c_str(), values.error().message);
  if (values.value().size() != 1) {
    return f.ValueError("expected exactly one value for the key '" + std::string(key) +
                        "', found " + std::to_string(values.value().size()) +
                        "; use formDataMultiValues() for repeated keys");
  }
  return Value(std::move(values.value()[0]));
}

Result<Value> FormMultiValues(CallFrame& f, const bj::value* record, size_t key_arg) {
  RUNNEL_TRY(key, f.String(key_arg));
  RUNNEL_TRY(body, BodyOf(record));
  auto values = FormValues(body.json(), key);
  if (!values) return f.Fail(values.error().code.c_str(), values.error().message);
  bj::array out;
  for (auto& v : values.value()) out.push_back(std::move(v));
  return Value(bj::value(std::move(out)));
}

Result<Value> MultipartBodyOf(CallFrame& f, const bj::value* record, size_t index_arg) {
  RUNNEL_TRY(index, f.Int(index_arg));
  RUNNEL_TRY(body, BodyOf(record));
  auto part = MultipartPart(body.json(), index);
  if (!part) return f.Fail(part.error().code.c_str(), part.error().message);
  return Value(std::move(part.value()));
}

Result<Value> TriggerFormDataValue(CallFrame& f) {
  RUNNEL_TRY(t, TriggerRecord(f));
  return FormValue(f, t, 0);
}
Result<Value> TriggerFormDataMultiValues(CallFrame& f) {
  RUNNEL_TRY(t, TriggerRecord(f));
  return FormMultiValues(f, t, 0);
}
Result<Value> TriggerMultipartBody(CallFrame& f) {
  RUNNEL_TRY(t, TriggerRecord(f));
  return MultipartBodyOf(f, t, 0);
}
Result<Value> FormDataValue(CallFrame& f) {
  RUNNEL_TRY(a, ActionRecord(f, 0));
  return FormValue(f, a, 1);
}
Result<Value> FormDataMultiValues(CallFrame& f) {
  RUNNEL_TRY(a, ActionRecord(f, 0));
  return FormMultiValues(f, a, 1);
}
Result<Value> MultipartBody(CallFrame& f) {
  RUNNEL_TRY(a, ActionRecord(f, 0));
  return MultipartBodyOf(f, a, 1);
}

constexpr uint32_t kCx = kNeedsContext;

constexpr FunctionDef kFunctions[] = {
    {"action", "workflow", 0, 0, kCx, &Action},
    {"actionBody", "workflow", 1, 1, kCx, &Body},
    {"actionOutputs", "workflow", 1, 1, kCx, &Outputs},
    {"actions", "workflow", 1, 1, kCx, &Actions},
    // Logic Apps Standard: an app setting of the host (not in the Consumption reference).
    {"appsetting", "workflow", 1, 1, kCx, &AppSetting},
    {"body", "workflow", 1, 1, kCx, &Body},
    {"formDataMultiValues", "workflow", 2, 2, kCx, &FormDataMultiValues},
    {"formDataValue", "workflow", 2, 2, kCx, &FormDataValue},
    {"item", "workflow", 0, 0, kCx, &Item},
    {"items", "workflow", 1, 1, kCx, &Items},
    {"iterationIndexes", "workflow", 1, 1, kCx, &IterationIndexes},
    {"listCallbackUrl", "workflow", 0, 0, kCx, &ListCallbackUrl},
    {"multipartBody", "workflow", 2, 2, kCx, &MultipartBody},
    {"outputs", "workflow", 1, 1, kCx, &Outputs},
    {"parameters", "workflow", 1, 1, kCx, &Parameters},
    {"result", "workflow", 1, 1, kCx, &ScopeResult},
    {"trigger", "workflow", 0, 0, kCx, &Trigger},
    // Not in the function reference, but the schema reference's trigger-condition example uses
    // it (wdl-digest §2.8); an alias of trigger().
    {"triggers", "workflow", 0, 0, kCx, &Trigger},
    {"triggerBody", "workflow", 0, 0, kCx, &TriggerBody},
    {"triggerFormDataMultiValues", "workflow", 1, 1, kCx, &TriggerFormDataMultiValues},
    {"triggerFormDataValue", "workflow", 1, 1, kCx, &TriggerFormDataValue},
    {"triggerMultipartBody", "workflow", 1, 1, kCx, &TriggerMultipartBody},
    {"triggerOutputs", "workflow", 0, 0, kCx, &TriggerOutputs},
    {"variables", "workflow", 1, 1, kCx, &Variables},
    {"workflow", "workflow", 0, 0, kCx, &Workflow},
};

}  // namespace

std::span<const FunctionDef> WorkflowFunctions() { return kFunctions; }

}  // namespace runnel::expr

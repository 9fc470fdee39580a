// Registration of the data operations and the helpers they share (data_ops.h).
#include "engine/actions/data_ops.h"

#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

void RegisterDataOperationHandlers(HandlerRegistry& registry) {
  using T = flow::ActionType;
  registry.Register(T::kParseJson, std::make_shared<ParseJsonHandler>());
  registry.Register(T::kQuery, std::make_shared<QueryHandler>());
  registry.Register(T::kSelect, std::make_shared<SelectHandler>());
  registry.Register(T::kJoin, std::make_shared<JoinHandler>());
  registry.Register(T::kTable, std::make_shared<TableHandler>());
  registry.Register(T::kExpression, std::make_shared<ExpressionOpHandler>());
}

namespace data_ops {

Error Annotate(const flow::Action& a, Error e, std::string_view context) {
  std::string prefix = std::string(flow::ActionTypeName(a.type)) + ": ";
  if (!context.empty()) prefix += std::string(context) + ": ";
  e.message = prefix + e.message;
  return e;
}

Error Fail(const flow::Action& a, const char* code, std::string_view message) {
  return Error(code, std::string(flow::ActionTypeName(a.type)) + ": " + std::string(message));
}

Result<const bj::value*> RawInput(const flow::Action& a, std::string_view name, const char* code) {
  const bj::value* inputs = a.json && a.json->is_object() ? a.json->get_object().if_contains("inputs") : nullptr;
  if (!inputs || !inputs->is_object()) {
    return Fail(a, code, "the action's \"inputs\" must be an object (not a single expression), with a \"" +
                             std::string(name) + "\" member");
  }
  return json::FindMember(inputs->get_object(), name);
}

Result<const bj::value*> RequiredRawInput(const flow::Action& a, std::string_view name, const char* code,
                                         std::string_view what) {
  RUNNEL_TRY(raw, RawInput(a, name, code));
  if (!raw) return Fail(a, code, "the inputs need \"" + std::string(name) + "\": " + std::string(what));
  return raw;
}

Result<bj::value> EvaluateRaw(ActionCall& call, const bj::value& raw, const bj::value* item) {
  auto compiled = expr::CompiledValue::Compile(raw);
  if (!compiled) return Annotate(call.action(), compiled.error());
  return call.Evaluate(compiled.value(), item);
}

Result<bj::array> EvaluateFrom(ActionCall& call, const char* code) {
  const flow::Action& a = call.action();
  RUNNEL_TRY(raw, RequiredRawInput(a, "from", code, "the array to work on"));
  auto from = EvaluateRaw(call, *raw);
  if (!from) return Annotate(a, from.error(), "evaluating 'from'");
  if (!from.value().is_array()) {
    return Fail(a, code, std::string("'from' must be an array, got ") + expr::TypeName(from.value()));
  }
  return std::move(from.value().get_array());
}

size_t MinJsonChars(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null: return 4;
    case bj::kind::bool_: return v.get_bool() ? 4 : 5;
    case bj::kind::int64:
    case bj::kind::uint64:
    case bj::kind::double_: return 1;
    case bj::kind::string: return v.get_string().size() + 2;
    case bj::kind::array: {
      const auto& arr = v.get_array();
      size_t n = 2 + (arr.empty() ? 0 : arr.size() - 1);
      for (const auto& e : arr) n += MinJsonChars(e);
      return n;
    }
    case bj::kind::object: {
      const auto& obj = v.get_object();
      size_t n = 2 + (obj.empty() ? 0 : obj.size() - 1);
      for (const auto& kv : obj) n += kv.key().size() + 3 + MinJsonChars(kv.value());
      return n;
    }
  }
  return 0;
}

Error OutputTooLarge(const flow::Action& a, size_t limit) {
  return Fail(a, "OutputTooLarge",
              "the result would be longer than " + std::to_string(limit) +
                  " characters, the limit for one action's output; split the input into smaller batches");
}

void CompleteWithBody(ActionCall& call, Result<bj::value> body) {
  if (!body) {
    call.Complete(ActionResult::Failed(std::move(body).error()));
    return;
  }
  call.Complete(ActionResult::Succeeded(bj::object{{"body", std::move(body).value()}}));
}

}  // namespace data_ops
}  // namespace runnel::engine

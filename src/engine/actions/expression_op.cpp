// Power Automate's built-in operations of type "Expression" — the "Date Time" and "Text
// Functions" actions of the designer. Each kind is one expression function applied to named
// inputs, so each row below maps the kind to the function and its inputs to the arguments, in
// order; CallFunction runs it through the function table so the action and the expression give
// the same text for the same formats, time zones and units. Outputs {"body": <result>}.
//
// Kinds and input names are those of the public flows in our corpus (AddToTime, SubtractFromTime,
// ConvertTimeZone, CurrentTime, GetFutureTime, GetPastTime, IndexOf); Substring (text,
// startingPosition, length) follows the designer's field names and is not in the corpus.
#include <charconv>
#include <vector>

#include "engine/actions/builtin.h"
#include "engine/actions/data_ops.h"
#include "engine/call_function.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr char kInvalidInput[] = "InvalidExpressionInput";

struct Param {
  std::string_view input;
  bool required;
  // Integer parameters also accept integer text: interval often comes from an ARM template
  // parameter or a string variable ("[parameters('days')]", "@variables('days')").
  bool integer;
};

struct Operation {
  std::string_view kind;
  std::string_view function;
  Param params[4];  // in argument order; unused rows have an empty input name
};

const Operation kOperations[] = {
    {"AddToTime", "addToTime",
     {{"baseTime", true, false}, {"interval", true, true}, {"timeUnit", true, false}, {"formatString", false, false}}},
    {"SubtractFromTime", "subtractFromTime",
     {{"baseTime", true, false}, {"interval", true, true}, {"timeUnit", true, false}, {"formatString", false, false}}},
    {"ConvertTimeZone", "convertTimeZone",
     {{"baseTime", true, false},
      {"sourceTimeZone", true, false},
      {"destinationTimeZone", true, false},
      {"formatString", false, false}}},
    {"CurrentTime", "utcNow", {}},
    {"GetFutureTime", "getFutureTime",
     {{"interval", true, true}, {"timeUnit", true, false}, {"formatString", false, false}}},
    {"GetPastTime", "getPastTime", {{"interval", true, true}, {"timeUnit", true, false}, {"formatString", false, false}}},
    {"IndexOf", "indexOf", {{"text", true, false}, {"searchText", true, false}}},
    {"Substring", "substring", {{"text", true, false}, {"startingPosition", true, true}, {"length", false, true}}},
};

const Operation* FindOperation(std::string_view kind) {
  for (const Operation& op : kOperations) {
    if (json::EqualsIgnoreCase(op.kind, kind)) return &op;
  }
  return nullptr;
}

std::string KindList() {
  std::string out;
  for (const Operation& op : kOperations) out += (out.empty() ? "" : ", ") + std::string(op.kind);
  return out;
}

// "12" -> 12 for integer parameters; anything else is passed on for the function to judge.
bj::value AsArgument(const bj::value& v, const Param& p) {
  if (!p.integer || !v.is_string()) return v;
  std::string_view s = v.get_string();
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return v;
  return n;
}

// An optional input left empty in the designer is absent, not an empty format string.
bool IsAbsent(const bj::value* v) {
  return !v || v->is_null() || (v->is_string() && v->get_string().empty());
}

Result<bj::value> Apply(ActionCall& call, const Operation& op, const bj::value& inputs) {
  const flow::Action& a = call.action();
  std::vector<bj::value> args;
  for (const Param& p : op.params) {
    if (p.input.empty()) break;
    const bj::value* v = Input(inputs, p.input);
    if (IsAbsent(v)) {
      if (!p.required) break;  // optional parameters are trailing: the rest is absent too
      return data_ops::Fail(a, kInvalidInput,
                            std::string(op.kind) + " needs inputs." + std::string(p.input));
    }
    args.push_back(AsArgument(*v, p));
  }
  auto result = CallFunction(op.function, args, call.scheduler().clock());
  if (!result) return data_ops::Annotate(a, result.error(), op.kind);
  return result;
}

}  // namespace

void ExpressionOpHandler::Execute(std::shared_ptr<ActionCall> call) {
  const flow::Action& a = call->action();
  const Operation* op = FindOperation(a.kind);
  if (!op) {
    return call->Complete(ActionResult::Failed(data_ops::Fail(
        a, kInvalidInput, "unknown kind '" + a.kind + "'; Runnel runs the kinds " + KindList())));
  }
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(data_ops::Annotate(a, inputs.error())));
  data_ops::CompleteWithBody(*call, Apply(*call, *op, inputs.value()));
}

}  // namespace runnel::engine

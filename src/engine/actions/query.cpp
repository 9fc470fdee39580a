// Query ("Filter array", wdl-digest §5.10): the elements of inputs.from for which the boolean
// expression inputs.where is true, item() bound to each element in turn. Order is kept; no match
// gives an empty array. Comparisons are the expression functions', so strings compare
// case-sensitively as the documentation says of Filter array.
#include "engine/actions/data_ops.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr char kInvalidInput[] = "InvalidQueryInput";

Result<bj::value> Filter(ActionCall& call, bj::array& from, const bj::value& where) {
  const flow::Action& a = call.action();
  auto compiled = expr::CompiledValue::Compile(where);
  if (!compiled) return data_ops::Annotate(a, compiled.error(), "the 'where' expression");
  bj::array matches;
  for (size_t i = 0; i < from.size(); ++i) {
    auto keep = call.Evaluate(compiled.value(), &from[i]);
    if (!keep) {
      return data_ops::Annotate(a, keep.error(), "the 'where' expression failed on element " + std::to_string(i));
    }
    // Only a real boolean decides: "true" (a template's string) or 1 would hide a mistake in
    // the expression that a filter silently applied would never reveal.
    if (!keep.value().is_bool()) {
      return data_ops::Fail(a, "InvalidQueryCondition",
                            "the 'where' expression gave " + std::string(expr::TypeName(keep.value())) +
                                " for element " + std::to_string(i) +
                                ", not a boolean; write it as one expression, e.g. \"@equals(item()?['status'], "
                                "'open')\"");
    }
    if (keep.value().get_bool()) matches.push_back(from[i]);
  }
  return bj::value(std::move(matches));
}

}  // namespace

void QueryHandler::Execute(std::shared_ptr<ActionCall> call) {
  const flow::Action& a = call->action();
  auto where = data_ops::RequiredRawInput(a, "where", kInvalidInput, "a boolean expression using item()");
  if (!where) return call->Complete(ActionResult::Failed(where.error()));
  auto from = data_ops::EvaluateFrom(*call, kInvalidInput);
  if (!from) return call->Complete(ActionResult::Failed(from.error()));
  auto body = Filter(*call, from.value(), *where.value());
  call->SetRecordedInputs(bj::object{{"from", std::move(from.value())}, {"where", *where.value()}});
  data_ops::CompleteWithBody(*call, std::move(body));
}

}  // namespace runnel::engine

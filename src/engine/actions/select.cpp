// Select (wdl-digest §5.10): one output element per element of inputs.from, built by evaluating
// inputs.select with item() bound to it. `select` is usually an object map (key -> expression)
// but any value works, including a single expression ("@item()?['id']") that yields a flat array.
// Keys are literal text, as the designer writes them; only values are evaluated.
#include "engine/actions/data_ops.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr char kInvalidInput[] = "InvalidSelectInput";

Result<bj::value> Map(ActionCall& call, const bj::array& from, const bj::value& select) {
  const flow::Action& a = call.action();
  auto compiled = expr::CompiledValue::Compile(select);
  if (!compiled) return data_ops::Annotate(a, compiled.error(), "the 'select' map");
  const size_t limit = expr::Limits().max_result_chars;
  size_t chars = 2;  // "[]"
  bj::array out;
  out.reserve(from.size());
  for (size_t i = 0; i < from.size(); ++i) {
    auto element = call.Evaluate(compiled.value(), &from[i]);
    if (!element) {
      return data_ops::Annotate(a, element.error(), "the 'select' map failed on element " + std::to_string(i));
    }
    // Each element is bounded by the expression limits, but their number is not: stop as soon
    // as the array is certainly too long rather than finishing it.
    chars += data_ops::MinJsonChars(element.value()) + (i > 0);
    if (chars > limit) return data_ops::OutputTooLarge(a, limit);
    out.push_back(std::move(element.value()));
  }
  return bj::value(std::move(out));
}

}  // namespace

void SelectHandler::Execute(std::shared_ptr<ActionCall> call) {
  const flow::Action& a = call->action();
  auto select = data_ops::RequiredRawInput(a, "select", kInvalidInput,
                                           "the object (or expression) to build for each element");
  if (!select) return call->Complete(ActionResult::Failed(select.error()));
  auto from = data_ops::EvaluateFrom(*call, kInvalidInput);
  if (!from) return call->Complete(ActionResult::Failed(from.error()));
  auto body = Map(*call, from.value(), *select.value());
  call->SetRecordedInputs(bj::object{{"from", std::move(from.value())}, {"select", *select.value()}});
  data_ops::CompleteWithBody(*call, std::move(body));
}

}  // namespace runnel::engine

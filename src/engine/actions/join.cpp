// Join (wdl-digest §5.10): the elements of inputs.from as text (json::ToText, the conversion
// string() and @{...} use), separated by inputs.joinWith. The schema allows one character for
// joinWith; longer separators work in the hosted product and here.
#include "engine/actions/builtin.h"
#include "engine/actions/data_ops.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr char kInvalidInput[] = "InvalidJoinInput";

Result<bj::value> JoinElements(const flow::Action& a, const bj::value& inputs) {
  const bj::value* from = Input(inputs, "from");
  if (!from) return data_ops::Fail(a, kInvalidInput, "the inputs need \"from\": the array to join");
  if (!from->is_array()) {
    return data_ops::Fail(a, kInvalidInput, std::string("'from' must be an array, got ") + expr::TypeName(*from));
  }
  const bj::value* with = Input(inputs, "joinWith");
  if (!with) return data_ops::Fail(a, kInvalidInput, "the inputs need \"joinWith\": the separator text");
  if (!with->is_string()) {
    return data_ops::Fail(a, kInvalidInput,
                          std::string("'joinWith' must be a string, got ") + expr::TypeName(*with));
  }
  std::string_view separator = with->get_string();
  const bj::array& elements = from->get_array();
  const size_t limit = expr::Limits().max_result_chars;
  // Refuse before allocating when the strings and separators alone pass the limit; other
  // elements count with their shortest possible text, and the loop below catches the rest.
  size_t at_least = elements.empty() ? 0 : separator.size() * (elements.size() - 1);
  for (const auto& e : elements) at_least += e.is_string() ? e.get_string().size() : e.is_null() ? 0 : 1;
  if (at_least > limit) return data_ops::OutputTooLarge(a, limit);
  bj::string out;
  out.reserve(at_least);
  std::string piece;
  for (size_t i = 0; i < elements.size(); ++i) {
    piece.clear();
    json::AppendText(elements[i], piece);
    if (out.size() + piece.size() + (i > 0 ? separator.size() : 0) > limit) return data_ops::OutputTooLarge(a, limit);
    if (i > 0) out.append(separator);
    out.append(piece);
  }
  return bj::value(std::move(out));
}

}  // namespace

void JoinHandler::Execute(std::shared_ptr<ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(data_ops::Annotate(call->action(), inputs.error())));
  data_ops::CompleteWithBody(*call, JoinElements(call->action(), inputs.value()));
}

}  // namespace runnel::engine

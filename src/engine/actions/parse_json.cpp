// ParseJson (wdl-digest §5.10): inputs.content parsed as JSON when it is a string (used as it is
// otherwise), then checked against inputs.schema (json_schema.h), as the hosted engine does
// although the documentation does not say so (§18.12). Outputs {"body": <parsed>}.
//
// The text is read as json() reads it — comments and trailing commas allowed, as Json.NET does,
// nesting up to 128 levels — but a syntax error names its line and column. A binary content
// envelope ({"$content-type", "$content"}, what an HTTP action returns for a non-JSON media type)
// is decoded by json() itself. A schema violation fails the action with SchemaValidationFailed
// and outputs {"errors": [{"path", "errorType", "message"}, ...]}, one per violation.
#include <boost/json/stream_parser.hpp>

#include "engine/actions/builtin.h"
#include "engine/actions/data_ops.h"
#include "engine/actions/json_schema.h"
#include "engine/call_function.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr char kInvalidInput[] = "InvalidParseJsonInput";
constexpr int kMaxJsonDepth = 128;            // json()'s limit, so both read the same texts
constexpr size_t kViolationsInMessage = 10;   // the rest are in outputs.errors
constexpr size_t kExcerptChars = 40;

std::string LineColumn(std::string_view text, size_t offset) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, line_start = i + 1;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

Result<bj::value> ParseText(const flow::Action& a, std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return data_ops::Fail(a, "InvalidJSON", "'content' is an empty string, not JSON");
  }
  bj::parse_options options;
  options.max_depth = kMaxJsonDepth;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  bj::stream_parser parser({}, options);
  boost::system::error_code ec;
  // On failure write() has consumed exactly the characters before the offending one (all of
  // them for a truncated text, which finish() then reports).
  size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (!ec) return parser.release();
  if (ec == bj::error::too_deep) {
    return data_ops::Fail(a, "InvalidJSON",
                          "'content' nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  size_t at = std::min(consumed, text.size());
  std::string excerpt(text.substr(at, kExcerptChars));
  excerpt = excerpt.substr(0, excerpt.find_first_of("\r\n"));
  std::string near = at >= text.size() ? "at the end of the text" : "near '" + excerpt + "'";
  return data_ops::Fail(a, "InvalidJSON",
                        "'content' is not valid JSON: " + ec.message() + " at " + LineColumn(text, at) +
                            " (offset " + std::to_string(at) + "), " + near);
}

bool IsContentEnvelope(const bj::value& v) {
  return v.is_object() && v.get_object().contains("$content");
}

Result<bj::value> ReadContent(ActionCall& call, const bj::value& content) {
  const flow::Action& a = call.action();
  if (content.is_string()) return ParseText(a, content.get_string());
  if (IsContentEnvelope(content)) {
    auto parsed = CallFunction("json", std::span<const bj::value>(&content, 1), call.scheduler().clock());
    if (!parsed) return data_ops::Fail(a, "InvalidJSON", "'content' is not valid JSON: " + parsed.error().message);
    return parsed;
  }
  return content;
}

ActionResult SchemaFailure(const flow::Action& a, const SchemaValidation& validation) {
  bj::array errors;
  std::string message = "the content does not match the schema: ";
  for (size_t i = 0; i < validation.violations.size(); ++i) {
    const SchemaViolation& v = validation.violations[i];
    errors.push_back(bj::object{{"path", v.path}, {"errorType", v.keyword}, {"message", v.message}});
    if (i < kViolationsInMessage) message += (i ? "; " : "") + v.path + ": " + v.message;
  }
  size_t listed = std::min(validation.violations.size(), kViolationsInMessage);
  if (validation.violations.size() > listed || validation.truncated) {
    message += "; and " + std::string(validation.truncated ? "more than " : "") +
               std::to_string(validation.violations.size() - listed) + " more (see outputs.errors)";
  }
  return ActionResult::Failed(data_ops::Fail(a, "SchemaValidationFailed", message),
                              bj::object{{"errors", std::move(errors)}});
}

}  // namespace

void ParseJsonHandler::Execute(std::shared_ptr<ActionCall> call) {
  const flow::Action& a = call->action();
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(data_ops::Annotate(a, inputs.error())));
  const bj::value* content = Input(inputs.value(), "content");
  if (!content) {
    return call->Complete(ActionResult::Failed(
        data_ops::Fail(a, kInvalidInput, "the inputs need \"content\": the JSON text or value to parse")));
  }
  auto parsed = ReadContent(*call, *content);
  if (!parsed) return call->Complete(ActionResult::Failed(parsed.error()));
  const bj::value* schema = Input(inputs.value(), "schema");
  if (schema && !schema->is_null()) {
    auto validation = ValidateJsonSchema(parsed.value(), *schema);
    if (!validation) return call->Complete(ActionResult::Failed(data_ops::Annotate(a, validation.error())));
    if (!validation.value().violations.empty()) return call->Complete(SchemaFailure(a, validation.value()));
  }
  data_ops::CompleteWithBody(*call, std::move(parsed));
}

}  // namespace runnel::engine

// Table ("Create CSV table" / "Create HTML table", wdl-digest §5.10): inputs.from rendered as
// CSV or HTML text.
//
// Columns are either given — inputs.columns = [{"header": text, "value": expression using
// item()}] — or, when absent, the union of the elements' first-level property names in order of
// first appearance (every element must then be an object). A cell is its value as text
// (json::ToText: strings as-is, null empty, objects and arrays as compact JSON). Given columns
// with the same non-empty header share one column, in the first one's place, holding the last
// one's value, as a row built header -> value would; empty headers never merge.
//
// CSV follows RFC 4180: a field containing a comma, a quote, CR or LF is quoted with inner quotes
// doubled, and every line — the header line first — ends with CRLF, as the hosted product's
// output does (splitting it on CRLF leaves one empty last piece). HTML is one line,
// <table><thead><tr><th>..</th></tr></thead><tbody><tr><td>..</td></tr>..</tbody></table>, text
// HTML-escaped.
#include <map>
#include <optional>
#include <set>

#include "engine/actions/builtin.h"
#include "engine/actions/data_ops.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr char kInvalidInput[] = "InvalidTableInput";

struct Column {
  std::string header;
  std::string property;                    // default columns: the member shown
  std::optional<expr::CompiledValue> value;  // given columns: evaluated per element
};

Result<std::vector<Column>> GivenColumns(ActionCall& call, const bj::value& raw) {
  const flow::Action& a = call.action();
  if (!raw.is_array()) {
    return data_ops::Fail(a, kInvalidInput, "'columns' must be an array of {\"header\", \"value\"} objects");
  }
  std::vector<Column> columns;
  std::map<std::string, size_t, std::less<>> by_header;
  for (size_t i = 0; i < raw.get_array().size(); ++i) {
    const bj::value& c = raw.get_array()[i];
    const bj::value* value = Input(c, "value");
    if (!value) {
      return data_ops::Fail(a, kInvalidInput, "column " + std::to_string(i) +
                                                  " needs a \"value\", e.g. \"@item()?['name']\"");
    }
    Column column;
    if (const bj::value* header = Input(c, "header")) {
      auto text = data_ops::EvaluateRaw(call, *header);
      if (!text) return data_ops::Annotate(a, text.error(), "the header of column " + std::to_string(i));
      column.header = json::ToText(text.value());
    }
    auto compiled = expr::CompiledValue::Compile(*value);
    if (!compiled) return data_ops::Annotate(a, compiled.error(), "the value of column " + std::to_string(i));
    column.value = std::move(compiled.value());
    if (!column.header.empty()) {
      auto [it, inserted] = by_header.emplace(column.header, columns.size());
      if (!inserted) {
        columns[it->second].value = std::move(column.value);
        continue;
      }
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

Result<std::vector<Column>> DefaultColumns(const flow::Action& a, const bj::array& from) {
  std::vector<Column> columns;
  std::set<std::string_view> seen;
  for (size_t i = 0; i < from.size(); ++i) {
    if (!from[i].is_object()) {
      return data_ops::Fail(a, kInvalidInput,
                            "element " + std::to_string(i) + " of 'from' is " + expr::TypeName(from[i]) +
                                "; without 'columns' every element must be an object. Give columns "
                                "[{\"header\": ..., \"value\": \"@item()\"}] to tabulate other values");
    }
    for (const auto& kv : from[i].get_object()) {
      if (seen.insert(kv.key()).second) columns.push_back({std::string(kv.key()), std::string(kv.key()), {}});
    }
  }
  return columns;
}

void AppendCsvField(std::string_view text, std::string& out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendHtmlText(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

// Accumulates the text row by row, refusing to grow past the output limit.
class Writer {
 public:
  Writer(bool html, size_t limit) : html_(html), limit_(limit) {}

  void BeginRow(bool header) {
    if (html_) out_ += header ? "<thead><tr>" : "<tr>";
    first_ = true;
    header_ = header;
  }
  // False when the cell would take the text past the limit.
  bool Cell(std::string_view text) {
    if (out_.size() + text.size() > limit_) return false;
    if (html_) {
      out_ += header_ ? "<th>" : "<td>";
      AppendHtmlText(text, out_);
      out_ += header_ ? "</th>" : "</td>";
    } else {
      if (!first_) out_ += ',';
      AppendCsvField(text, out_);
    }
    first_ = false;
    return out_.size() <= limit_;
  }
  void EndRow() {
    if (html_) {
      out_ += header_ ? "</tr></thead><tbody>" : "</tr>";
    } else {
      out_ += "\r\n";
    }
  }
  std::string Finish() {
    if (!html_) return std::move(out_);
    return "<table>" + out_ + "</tbody></table>";
  }

 private:
  bool html_;
  size_t limit_;
  std::string out_;
  bool first_ = true;
  bool header_ = false;
};

Result<bj::value> Render(ActionCall& call, bool html, const bj::array& from, const std::vector<Column>& columns) {
  const flow::Action& a = call.action();
  const size_t limit = expr::Limits().max_result_chars;
  Writer writer(html, limit);
  // No columns (an empty 'from', or only empty objects) gives no text at all for CSV and an
  // empty table for HTML, not rows of empty lines.
  if (columns.empty()) return bj::value(html ? "<table><thead><tr></tr></thead><tbody></tbody></table>" : "");
  writer.BeginRow(true);
  for (const Column& c : columns) {
    if (!writer.Cell(c.header)) return data_ops::OutputTooLarge(a, limit);
  }
  writer.EndRow();
  std::string text;
  for (size_t i = 0; i < from.size(); ++i) {
    writer.BeginRow(false);
    for (const Column& c : columns) {
      text.clear();
      if (c.value) {
        auto v = call.Evaluate(*c.value, &from[i]);
        if (!v) {
          return data_ops::Annotate(a, v.error(),
                                    "the value of column '" + c.header + "' failed on element " + std::to_string(i));
        }
        json::AppendText(v.value(), text);
      } else if (const bj::value* member = from[i].get_object().if_contains(c.property)) {
        json::AppendText(*member, text);
      }
      if (!writer.Cell(text)) return data_ops::OutputTooLarge(a, limit);
    }
    writer.EndRow();
  }
  return bj::value(bj::string(writer.Finish()));
}

// Whether 'format' is HTML (else CSV); `evaluated` receives the value for the run record.
Result<bool> IsHtml(ActionCall& call, bj::value& evaluated) {
  const flow::Action& a = call.action();
  RUNNEL_TRY(raw, data_ops::RequiredRawInput(a, "format", kInvalidInput, "\"CSV\" or \"HTML\""));
  auto format = data_ops::EvaluateRaw(call, *raw);
  if (!format) return data_ops::Annotate(a, format.error(), "evaluating 'format'");
  evaluated = format.value();
  if (format.value().is_string()) {
    std::string_view f = format.value().get_string();
    if (json::EqualsIgnoreCase(f, "HTML")) return true;
    if (json::EqualsIgnoreCase(f, "CSV")) return false;
  }
  return data_ops::Fail(a, kInvalidInput, "'format' must be \"CSV\" or \"HTML\", got " + json::Serialize(format.value()));
}

Result<bj::value> Tabulate(ActionCall& call, const bj::array& from, const bj::value* raw_columns,
                           bj::value& format) {
  RUNNEL_TRY(html, IsHtml(call, format));
  std::vector<Column> columns;
  if (raw_columns && !raw_columns->is_null()) {
    RUNNEL_TRY(given, GivenColumns(call, *raw_columns));
    columns = std::move(given);
  } else {
    RUNNEL_TRY(found, DefaultColumns(call.action(), from));
    columns = std::move(found);
  }
  return Render(call, html, from, columns);
}

}  // namespace

void TableHandler::Execute(std::shared_ptr<ActionCall> call) {
  const flow::Action& a = call->action();
  auto columns = data_ops::RawInput(a, "columns", kInvalidInput);
  if (!columns) return call->Complete(ActionResult::Failed(columns.error()));
  auto from = data_ops::EvaluateFrom(*call, kInvalidInput);
  if (!from) return call->Complete(ActionResult::Failed(from.error()));
  bj::value format;
  auto body = Tabulate(*call, from.value(), columns.value(), format);
  bj::object recorded{{"from", std::move(from.value())}};
  if (!format.is_null()) recorded["format"] = std::move(format);
  if (columns.value()) recorded["columns"] = *columns.value();
  call->SetRecordedInputs(std::move(recorded));
  data_ops::CompleteWithBody(*call, std::move(body));
}

}  // namespace runnel::engine

#include "flow/build_context.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "flow/errors.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

BuildContext::BuildContext(const FlowFile& file, const BuildOptions& options,
                           std::vector<Diagnostic>& out)
    : file_(file), options_(options), out_(out) {}

void BuildContext::Error(std::string_view pointer, const char* code, std::string message,
                         std::string subject) {
  Add(Diagnostic::Severity::kError, file_.definition_pointer + std::string(pointer), code,
      std::move(message), std::move(subject));
}

void BuildContext::Warning(std::string_view pointer, const char* code, std::string message,
                           std::string subject) {
  Add(Diagnostic::Severity::kWarning, file_.definition_pointer + std::string(pointer), code,
      std::move(message), std::move(subject));
}

void BuildContext::ErrorInFile(std::string_view file_pointer, const char* code,
                               std::string message) {
  Add(Diagnostic::Severity::kError, std::string(file_pointer), code, std::move(message), {});
}

void BuildContext::Add(Diagnostic::Severity severity, std::string file_pointer, const char* code,
                       std::string message, std::string subject) {
  Diagnostic d;
  d.severity = severity;
  d.code = code;
  d.message = std::move(message);
  if (file_.source_map) {
    SourceLocation at = file_.source_map->Find(file_pointer);
    d.line = at.line;
    d.column = at.column;
  }
  d.pointer = std::move(file_pointer);
  d.subject = std::move(subject);
  if (severity == Diagnostic::Severity::kError) ++errors_;
  out_.push_back(std::move(d));
}

void BuildContext::NoteDeployTimeExpression(std::string_view pointer, std::string_view text) {
  if (deploy_time_expressions_++ == 0) {
    first_deploy_time_pointer_ = std::string(pointer);
    constexpr size_t kShown = 60;
    first_deploy_time_text_ =
        std::string(text.substr(0, kShown)) + (text.size() > kShown ? "…" : "");
  }
}

void BuildContext::ReportDeployTimeExpressions() {
  if (deploy_time_expressions_ == 0) return;
  Warning(first_deploy_time_pointer_, errc::kDeployTimeExpression,
          "the definition holds " + std::to_string(deploy_time_expressions_) +
              " ARM template expression" + (deploy_time_expressions_ == 1 ? "" : "s") +
              " such as \"" + first_deploy_time_text_ +
              "\"; they are evaluated when an ARM template is deployed, not by the flow, so "
              "substitute their values before running it");
}

bool NameMatches(std::string_view name, std::string_view ref) {
  if (json::EqualsIgnoreCase(name, ref)) return true;
  if (ref.find(' ') == std::string_view::npos) return false;
  std::string underscored(ref);
  std::replace(underscored.begin(), underscored.end(), ' ', '_');
  return json::EqualsIgnoreCase(name, underscored);
}

namespace {

// Levenshtein distance ignoring ASCII case; small inputs only (names, type names).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::string x = json::LowerAscii(a), y = json::LowerAscii(b);
  std::vector<size_t> row(y.size() + 1);
  for (size_t j = 0; j <= y.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= x.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= y.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[y.size()];
}

}  // namespace

std::string DidYouMean(std::string_view name, const std::vector<std::string_view>& candidates) {
  constexpr size_t kMaxNameForSuggestion = 200;  // keeps the quadratic distance cheap
  if (name.empty() || name.size() > kMaxNameForSuggestion) return {};
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view c : candidates) {
    if (c.size() > kMaxNameForSuggestion) continue;
    size_t d = EditDistance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Close means a typo, not a different word: a third of the name, at least 2 edits.
  size_t allowed = std::max<size_t>(2, name.size() / 3);
  if (best.empty() || best_distance > allowed) return {};
  return "; did you mean '" + std::string(best) + "'?";
}

size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string DescribeKind(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::object:
      return "an object";
    case bj::kind::array:
      return "an array";
    case bj::kind::string:
      return "a string";
    case bj::kind::bool_:
      return "a boolean";
    case bj::kind::null:
      return "null";
    default:
      return "a number";
  }
}

bool IsWdlExpression(std::string_view s) {
  return (s.size() >= 2 && s[0] == '@' && s[1] != '@') || s.find("@{") != std::string_view::npos;
}

bool IsWdlExpression(const bj::value& v) {
  return v.is_string() && IsWdlExpression(std::string_view(v.get_string()));
}

bool IsDeployTimeExpression(std::string_view s) {
  if (s.size() < 4 || s.front() != '[' || s.back() != ']') return false;
  size_t i = 1;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
  return i > 1 && i < s.size() && s[i] == '(' && std::isalpha(static_cast<unsigned char>(s[1]));
}

bool IsComputed(const bj::value& v) {
  if (!v.is_string()) return false;
  std::string_view s = v.get_string();
  return IsWdlExpression(s) || IsDeployTimeExpression(s);
}

std::optional<int64_t> WholeNumber(const bj::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return std::nullopt;  // beyond any limit we check
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.get_string();
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

const bj::value& NullValue() {
  static const bj::value kNull;
  return kNull;
}

}  // namespace runnel::flow::build

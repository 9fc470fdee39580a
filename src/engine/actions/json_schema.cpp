// The ParseJson schema validator (json_schema.h). One recursive walk over instance and schema
// together; a type mismatch stops the walk below that node, because every other keyword would
// only restate it (a string has no "properties" to check).
#include "engine/actions/json_schema.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "json/compare.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

constexpr char kInvalidSchema[] = "InvalidSchema";
constexpr int kMaxDepth = 256;
// ICU counts a match's work in "steps", roughly a millisecond each: a catastrophic pattern
// (e.g. "(a+)+$" on a long string) fails that one value instead of hanging the run.
constexpr int32_t kPatternStepLimit = 2000;
constexpr size_t kEnumTextChars = 200;

// Name of an instance's JSON Schema type, for messages.
const char* InstanceType(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null: return "null";
    case bj::kind::bool_: return "boolean";
    case bj::kind::int64:
    case bj::kind::uint64: return "integer";
    case bj::kind::double_: return "number";
    case bj::kind::string: return "string";
    case bj::kind::array: return "array";
    case bj::kind::object: return "object";
  }
  return "value";
}

// "integer" accepts a number without a fraction (1.0 too: draft-06 made this explicit, and a
// value that went through a double must not flip type).
Result<bool> TypeMatches(std::string_view type, const bj::value& v) {
  if (type == "string") return v.is_string();
  if (type == "number") return json::IsNumber(v);
  if (type == "integer") {
    if (v.is_int64() || v.is_uint64()) return true;
    return v.is_double() && std::isfinite(v.get_double()) && std::trunc(v.get_double()) == v.get_double();
  }
  if (type == "boolean") return v.is_bool();
  if (type == "null") return v.is_null();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  if (type == "any") return true;
  return Error(kInvalidSchema, "unknown type '" + std::string(type) +
                                   "' in the schema; use string, number, integer, boolean, null, array or object");
}

// Deep equality for enum: unlike WDL's equals(), true is not 1 and "1" is not 1.
bool StrictEqual(const bj::value& a, const bj::value& b) {
  if (json::IsNumber(a) && json::IsNumber(b)) {
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    return json::ToDouble(a) == json::ToDouble(b);
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!StrictEqual(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      auto it = y.find(kv.key());
      if (it == y.end() || !StrictEqual(kv.value(), it->value())) return false;
    }
    return true;
  }
  return a == b;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

void AppendMember(std::string& path, std::string_view name) {
  if (IsIdentifier(name)) {
    path += '.';
    path += name;
    return;
  }
  path += "['";
  for (char c : name) {
    if (c == '\'' || c == '\\') path += '\\';
    path += c;
  }
  path += "']";
}

class Validator {
 public:
  explicit Validator(size_t max_violations) : max_(max_violations) {}

  Status Check(const bj::value& v, const bj::value& schema, std::string& path, int depth);
  SchemaValidation Take() { return std::move(out_); }

 private:
  void Add(const std::string& path, const char* keyword, std::string message) {
    if (out_.violations.size() >= max_) {
      out_.truncated = true;
      return;
    }
    out_.violations.push_back({path, keyword, std::move(message)});
  }
  Result<bool> CheckType(const bj::value& v, const bj::value& type, const std::string& path);
  Status CheckNumber(const bj::value& v, const bj::object& s, const std::string& path);
  Status CheckString(std::string_view v, const bj::object& s, const std::string& path);
  Status CheckArray(const bj::array& v, const bj::object& s, std::string& path, int depth);
  Status CheckObject(const bj::object& v, const bj::object& s, std::string& path, int depth);
  Result<icu::RegexPattern*> Pattern(std::string_view text);

  size_t max_;
  SchemaValidation out_;
  // Compiled once per validation: an array of 10,000 strings shares one pattern.
  std::map<std::string, std::unique_ptr<icu::RegexPattern>, std::less<>> patterns_;
};

// The value of keyword `name` when it is a number; nullopt when absent or null.
Result<std::optional<double>> NumberKeyword(const bj::object& s, std::string_view name) {
  auto it = s.find(name);
  if (it == s.end() || it->value().is_null()) return std::optional<double>();
  if (!json::IsNumber(it->value())) {
    return Error(kInvalidSchema, "the schema keyword '" + std::string(name) + "' must be a number, got " +
                                     InstanceType(it->value()));
  }
  return std::optional<double>(json::ToDouble(it->value()));
}

std::string NumberText(double d) { return json::ToText(bj::value(d)); }

Status Validator::Check(const bj::value& v, const bj::value& schema, std::string& path, int depth) {
  if (depth > kMaxDepth) {
    return Error(kInvalidSchema, "the schema nests deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  if (schema.is_bool()) {  // draft-06 boolean schemas: true allows anything, false nothing
    if (!schema.get_bool()) Add(path, "false", "no value is allowed here");
    return Ok();
  }
  if (!schema.is_object()) {
    return Error(kInvalidSchema, "a schema must be a JSON object, got " + std::string(InstanceType(schema)) +
                                     " at " + path);
  }
  const bj::object& s = schema.get_object();
  if (auto it = s.find("type"); it != s.end()) {
    RUNNEL_TRY(ok, CheckType(v, it->value(), path));
    if (!ok) return Ok();
  }
  if (auto it = s.find("enum"); it != s.end() && it->value().is_array()) {
    bool found = false;
    for (const auto& option : it->value().get_array()) found = found || StrictEqual(v, option);
    if (!found) {
      std::string options = json::Serialize(it->value());
      if (options.size() > kEnumTextChars) options = options.substr(0, kEnumTextChars) + "...";
      std::string got = json::Serialize(v);
      if (got.size() > kEnumTextChars) got = got.substr(0, kEnumTextChars) + "...";
      Add(path, "enum", "must be one of " + options + ", got " + got);
    }
  }
  if (json::IsNumber(v)) return CheckNumber(v, s, path);
  if (v.is_string()) return CheckString(v.get_string(), s, path);
  if (v.is_array()) return CheckArray(v.get_array(), s, path, depth);
  if (v.is_object()) return CheckObject(v.get_object(), s, path, depth);
  return Ok();
}

Result<bool> Validator::CheckType(const bj::value& v, const bj::value& type, const std::string& path) {
  std::vector<std::string_view> names;
  if (type.is_string()) {
    names.push_back(type.get_string());
  } else if (type.is_array()) {
    for (const auto& t : type.get_array()) {
      if (!t.is_string()) return Error(kInvalidSchema, "the schema's \"type\" array must hold type names");
      names.push_back(t.get_string());
    }
  } else {
    return Error(kInvalidSchema, "the schema keyword 'type' must be a type name or an array of them");
  }
  for (std::string_view name : names) {
    RUNNEL_TRY(ok, TypeMatches(name, v));
    if (ok) return true;
  }
  std::string expected;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) expected += i + 1 == names.size() ? " or " : ", ";
    expected += names[i];
  }
  Add(path, "type", "expected " + expected + ", got " + InstanceType(v));
  return false;
}

Status Validator::CheckNumber(const bj::value& v, const bj::object& s, const std::string& path) {
  double x = json::ToDouble(v);
  RUNNEL_TRY(minimum, NumberKeyword(s, "minimum"));
  RUNNEL_TRY(maximum, NumberKeyword(s, "maximum"));
  // Draft-04: exclusiveMinimum is a boolean modifying minimum; draft-06: a bound of its own.
  bool exclusive_min = false;
  bool exclusive_max = false;
  std::optional<double> min_bound = minimum;
  std::optional<double> max_bound = maximum;
  if (auto it = s.find("exclusiveMinimum"); it != s.end()) {
    if (it->value().is_bool()) {
      exclusive_min = it->value().get_bool();
    } else {
      RUNNEL_TRY(bound, NumberKeyword(s, "exclusiveMinimum"));
      if (bound && (!min_bound || *bound >= *min_bound)) min_bound = bound, exclusive_min = true;
    }
  }
  if (auto it = s.find("exclusiveMaximum"); it != s.end()) {
    if (it->value().is_bool()) {
      exclusive_max = it->value().get_bool();
    } else {
      RUNNEL_TRY(bound, NumberKeyword(s, "exclusiveMaximum"));
      if (bound && (!max_bound || *bound <= *max_bound)) max_bound = bound, exclusive_max = true;
    }
  }
  if (min_bound && (exclusive_min ? x <= *min_bound : x < *min_bound)) {
    Add(path, exclusive_min ? "exclusiveMinimum" : "minimum",
        std::string("must be ") + (exclusive_min ? "> " : ">= ") + NumberText(*min_bound) + ", got " +
            json::ToText(v));
  }
  if (max_bound && (exclusive_max ? x >= *max_bound : x > *max_bound)) {
    Add(path, exclusive_max ? "exclusiveMaximum" : "maximum",
        std::string("must be ") + (exclusive_max ? "< " : "<= ") + NumberText(*max_bound) + ", got " +
            json::ToText(v));
  }
  return Ok();
}

Result<icu::RegexPattern*> Validator::Pattern(std::string_view text) {
  if (auto it = patterns_.find(text); it != patterns_.end()) return it->second.get();
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::RegexPattern> pattern(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size())), 0,
                                 parse_error, status));
  if (U_FAILURE(status) || !pattern) {
    return Error(kInvalidSchema, "the schema's pattern '" + std::string(text) +
                                     "' is not a valid regular expression (" + u_errorName(status) + " at offset " +
                                     std::to_string(parse_error.offset) + ")");
  }
  icu::RegexPattern* raw = pattern.get();
  patterns_.emplace(std::string(text), std::move(pattern));
  return raw;
}

Status Validator::CheckString(std::string_view v, const bj::object& s, const std::string& path) {
  RUNNEL_TRY(min_length, NumberKeyword(s, "minLength"));
  RUNNEL_TRY(max_length, NumberKeyword(s, "maxLength"));
  if (min_length || max_length) {
    size_t n = CodePoints(v);
    if (min_length && static_cast<double>(n) < *min_length) {
      Add(path, "minLength", "must be at least " + NumberText(*min_length) + " characters long, got " +
                                 std::to_string(n));
    }
    if (max_length && static_cast<double>(n) > *max_length) {
      Add(path, "maxLength", "must be at most " + NumberText(*max_length) + " characters long, got " +
                                 std::to_string(n));
    }
  }
  auto it = s.find("pattern");
  if (it == s.end() || it->value().is_null()) return Ok();
  if (!it->value().is_string()) return Error(kInvalidSchema, "the schema keyword 'pattern' must be a string");
  std::string_view text = it->value().get_string();
  RUNNEL_TRY(pattern, Pattern(text));
  icu::UnicodeString subject = icu::UnicodeString::fromUTF8(icu::StringPiece(v.data(), v.size()));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> matcher(pattern->matcher(subject, status));
  if (U_SUCCESS(status)) matcher->setTimeLimit(kPatternStepLimit, status);
  bool found = U_SUCCESS(status) && matcher->find(status);
  if (status == U_REGEX_TIME_OUT) {
    Add(path, "pattern", "matching the pattern '" + std::string(text) + "' took too long");
  } else if (U_FAILURE(status)) {
    return Error(kInvalidSchema, "the schema's pattern '" + std::string(text) + "' failed: " + u_errorName(status));
  } else if (!found) {
    Add(path, "pattern", "does not match the pattern '" + std::string(text) + "'");
  }
  return Ok();
}

Status Validator::CheckArray(const bj::array& v, const bj::object& s, std::string& path, int depth) {
  RUNNEL_TRY(min_items, NumberKeyword(s, "minItems"));
  RUNNEL_TRY(max_items, NumberKeyword(s, "maxItems"));
  if (min_items && static_cast<double>(v.size()) < *min_items) {
    Add(path, "minItems", "must have at least " + NumberText(*min_items) + " items, got " + std::to_string(v.size()));
  }
  if (max_items && static_cast<double>(v.size()) > *max_items) {
    Add(path, "maxItems", "must have at most " + NumberText(*max_items) + " items, got " + std::to_string(v.size()));
  }
  auto it = s.find("items");
  if (it == s.end() || it->value().is_null()) return Ok();
  const bj::value& items = it->value();
  // items as an array validates positionally; extra elements are allowed (additionalItems is
  // not in the subset).
  const bj::array* tuple = items.is_array() ? &items.get_array() : nullptr;
  size_t count = tuple ? std::min(tuple->size(), v.size()) : v.size();
  for (size_t i = 0; i < count; ++i) {
    size_t mark = path.size();
    path += '[' + std::to_string(i) + ']';
    Status st = Check(v[i], tuple ? (*tuple)[i] : items, path, depth + 1);
    path.resize(mark);
    if (!st) return st;
  }
  return Ok();
}

Status Validator::CheckObject(const bj::object& v, const bj::object& s, std::string& path, int depth) {
  const bj::object* properties = nullptr;
  if (auto it = s.find("properties"); it != s.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return Error(kInvalidSchema, "the schema keyword 'properties' must be an object");
    properties = &it->value().get_object();
  }
  // required: draft-04's array form; draft-03's "required": true inside a property is ignored.
  if (auto it = s.find("required"); it != s.end() && it->value().is_array()) {
    for (const auto& name : it->value().get_array()) {
      if (!name.is_string() || v.contains(name.get_string())) continue;
      size_t mark = path.size();
      AppendMember(path, name.get_string());
      Add(path, "required", "required property is missing");
      path.resize(mark);
    }
  }
  const bj::value* additional = nullptr;
  if (auto it = s.find("additionalProperties"); it != s.end() && !it->value().is_null()) {
    if (!it->value().is_bool() && !it->value().is_object()) {
      return Error(kInvalidSchema, "the schema keyword 'additionalProperties' must be a boolean or a schema");
    }
    additional = &it->value();
  }
  for (const auto& kv : v) {
    const bj::value* sub = nullptr;
    if (properties) {
      if (auto p = properties->find(kv.key()); p != properties->end()) sub = &p->value();
    }
    bool extra = sub == nullptr;
    if (extra && !additional) continue;
    size_t mark = path.size();
    AppendMember(path, kv.key());
    Status st = Ok();
    if (!extra) {
      st = Check(kv.value(), *sub, path, depth + 1);
    } else if (additional->is_bool()) {
      if (!additional->get_bool()) Add(path, "additionalProperties", "property is not allowed by the schema");
    } else {
      st = Check(kv.value(), *additional, path, depth + 1);
    }
    path.resize(mark);
    if (!st) return st;
  }
  return Ok();
}

}  // namespace

Result<SchemaValidation> ValidateJsonSchema(const bj::value& instance, const bj::value& schema,
                                            size_t max_violations) {
  Validator validator(max_violations);
  std::string path = "$";
  if (Status st = validator.Check(instance, schema, path, 0); !st) return st.error();
  return validator.Take();
}

}  // namespace runnel::engine

#include "flow/yaml_to_json.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "flow/errors.h"
#include "flow/json_pointer.h"
#include "flow/load_limits.h"

namespace runnel::flow {
namespace bj = boost::json;

namespace {

SourceLocation ToLocation(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string Where(const YAML::Mark& mark) {
  SourceLocation at = ToLocation(mark);
  return std::to_string(at.line) + ":" + std::to_string(at.column);
}

Error YamlError(const YAML::Mark& mark, std::string message) {
  Error e(errc::kYamlSyntax, std::move(message));
  e.where = Where(mark);
  return e;
}

bool IsDigits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = base == 8    ? (c >= '0' && c <= '7')
              : base == 10 ? (c >= '0' && c <= '9')
                           : std::isxdigit(static_cast<unsigned char>(c)) != 0;
    if (!ok) return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsCoreFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// An integer in `digits` (no sign) of `base`, negated when asked; falls back to uint64 and then
// double for values beyond int64, as boost::json's own parser does.
std::optional<bj::value> ParseInteger(std::string_view digits, int base, bool negative) {
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (end != digits.data() + digits.size()) return std::nullopt;
  if (ec == std::errc()) {
    if (!negative) {
      if (magnitude <= static_cast<uint64_t>(INT64_MAX))
        return bj::value(static_cast<int64_t>(magnitude));
      return bj::value(magnitude);
    }
    if (magnitude <= static_cast<uint64_t>(INT64_MAX) + 1) {
      return bj::value(static_cast<int64_t>(0 - magnitude));
    }
  }
  if (base != 10) return std::nullopt;
  double d = 0;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), d);
  if (r.ec != std::errc()) return std::nullopt;
  return bj::value(negative ? -d : d);
}

std::optional<bj::value> ParseCoreInt(std::string_view s) {
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
    if (IsDigits(body, 10)) return ParseInteger(body, 10, negative);
    return std::nullopt;
  }
  if (body.size() > 2 && body[0] == '0' && body[1] == 'o' && IsDigits(body.substr(2), 8)) {
    return ParseInteger(body.substr(2), 8, false);
  }
  if (body.size() > 2 && body[0] == '0' && body[1] == 'x' && IsDigits(body.substr(2), 16)) {
    return ParseInteger(body.substr(2), 16, false);
  }
  if (IsDigits(body, 10)) return ParseInteger(body, 10, false);
  return std::nullopt;
}

std::optional<bj::value> ParseCoreFloat(std::string_view s) {
  if (!IsCoreFloat(s)) return std::nullopt;
  std::string_view body = s[0] == '+' ? s.substr(1) : s;
  double d = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), d);
  if (ec != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return bj::value(d);
}

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  for (std::string_view o : options) {
    if (s == o) return true;
  }
  return false;
}

class Converter {
 public:
  Converter(TableSourceMap& map, size_t max_values) : map_(map), max_values_(max_values) {}

  Result<bj::value> Convert(const YAML::Node& node, const std::string& pointer, int depth,
                            const YAML::Mark& fallback_mark) {
    if (++values_ > max_values_) {
      return Error(errc::kFileTooLarge, "the YAML document expands to more than " +
                                            std::to_string(max_values_) +
                                            " values (through aliases?)");
    }
    if (depth > kMaxDocumentDepth) {
      Error e(errc::kTooDeep,
              "the document nests deeper than " + std::to_string(kMaxDocumentDepth) + " levels");
      e.where = Where(node.Mark());
      return e;
    }
    // A member's location is its value's when that starts on the key's line, else the key's: a
    // block mapping or sequence starts on the next line, and people look for the key.
    YAML::Mark mark = node.Mark();
    if (mark.is_null() || node.IsNull() ||
        (!fallback_mark.is_null() && mark.line != fallback_mark.line)) {
      mark = fallback_mark;
    }
    map_.Add(pointer, ToLocation(mark));
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return bj::value();
      case YAML::NodeType::Scalar:
        return Scalar(node);
      case YAML::NodeType::Sequence: {
        bj::array out;
        size_t index = 0;
        for (const YAML::Node& item : node) {
          RUNNEL_TRY(v, Convert(item, PointerChild(pointer, index++), depth + 1, item.Mark()));
          out.push_back(std::move(v));
        }
        return bj::value(std::move(out));
      }
      case YAML::NodeType::Map: {
        bj::object out;
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) {
            return YamlError(kv.first.Mark(),
                             "mapping keys must be plain strings to have a JSON form");
          }
          const std::string& key = kv.first.Scalar();
          if (out.contains(key)) {
            return YamlError(kv.first.Mark(),
                             "duplicate key '" + key + "'; each key may appear once");
          }
          RUNNEL_TRY(v, Convert(kv.second, PointerChild(pointer, key), depth + 1, kv.first.Mark()));
          out.emplace(key, std::move(v));
        }
        return bj::value(std::move(out));
      }
    }
    return bj::value();
  }

 private:
  Result<bj::value> Scalar(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    constexpr std::string_view kCore = "tag:yaml.org,2002:";
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return bj::value(bj::string(text));
    if (tag == "?") return Plain(node, text);
    if (tag.starts_with(kCore)) {
      // An explicit !!int, !!float, !!bool or !!null: the text must fit the type.
      std::string_view type = std::string_view(tag).substr(kCore.size());
      auto plain = Plain(node, text);
      if (!plain) return plain;
      bool fits = (type == "int" && plain.value().is_number() && !plain.value().is_double()) ||
                  (type == "float" && plain.value().is_number()) ||
                  (type == "bool" && plain.value().is_bool()) ||
                  (type == "null" && plain.value().is_null());
      if (!fits)
        return YamlError(node.Mark(), "'" + text + "' is not a valid !!" + std::string(type));
      if (type == "float") return bj::value(plain.value().to_number<double>());
      return plain;
    }
    // A local tag (!foo) has no meaning here; keep the text.
    return bj::value(bj::string(text));
  }

  Result<bj::value> Plain(const YAML::Node& node, const std::string& text) {
    if (IsOneOf(text, {"", "~", "null", "Null", "NULL"})) return bj::value();
    if (IsOneOf(text, {"true", "True", "TRUE"})) return bj::value(true);
    if (IsOneOf(text, {"false", "False", "FALSE"})) return bj::value(false);
    if (auto v = ParseCoreInt(text)) return std::move(*v);
    if (auto v = ParseCoreFloat(text)) return std::move(*v);
    if (IsOneOf(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                       ".nan", ".NaN", ".NAN"})) {
      return YamlError(node.Mark(), "'" + text + "' has no JSON form; quote it to keep it as text");
    }
    return bj::value(bj::string(text));
  }

  TableSourceMap& map_;
  const size_t max_values_;
  size_t values_ = 0;
};

}  // namespace

Result<YamlDocument> YamlToJson(std::string_view text) {
  YAML::Node root;
  // yaml-cpp reports every problem by throwing; this is the call site that knows their meaning.
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return YamlError(e.mark, e.msg);
  } catch (const std::exception& e) {
    return Error(errc::kYamlSyntax, std::string("the YAML cannot be read: ") + e.what());
  }
  YamlDocument doc;
  doc.source_map = std::make_shared<TableSourceMap>();
  Converter converter(*doc.source_map,
                      std::min(kMaxYamlValues, kYamlValuesBase + kYamlValuesPerByte * text.size()));
  try {
    RUNNEL_TRY(value, converter.Convert(root, "", 0, root.Mark()));
    doc.value = std::move(value);
  } catch (const YAML::Exception& e) {
    return YamlError(e.mark, e.msg);
  } catch (const std::exception& e) {
    return Error(errc::kYamlSyntax, std::string("the YAML cannot be converted: ") + e.what());
  }
  return doc;
}

}  // namespace runnel::flow

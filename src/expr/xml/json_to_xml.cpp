#include "expr/xml/json_to_xml.h"

#include <boost/json/value.hpp>
#include <cstdio>
#include <string_view>
#include <vector>

#include "expr/errors.h"
#include "expr/xml/xml_document.h"
#include "expr/xml/xml_writer.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

// The code point at s[i] and its length in bytes; U+FFFD and 1 for a byte that does not start
// a valid sequence.
uint32_t DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  *len = 1;
  if (c < 0x80) return c;
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0xFFFD;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  *len = n;
  return cp;
}

bool IsNameStartChar(uint32_t c) {
  return c == ':' || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
         (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) ||
         (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
         (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
         (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD);
}

bool IsNameChar(uint32_t c) {
  return IsNameStartChar(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 ||
         (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Whether name[i..] reads "_xHHHH_" or "_xHHHHHHHH_", which EncodeName must not leave as is
// (DecodeName would turn it into a character).
bool LooksLikeEscape(std::string_view name, size_t i) {
  if (name.substr(i, 2) != "_x" && name.substr(i, 2) != "_X") return false;
  size_t k = i + 2, hex = 0;
  while (k < name.size() && hex < 8 && IsHex(name[k])) ++k, ++hex;
  return (hex == 4 || hex == 8) && k < name.size() && name[k] == '_';
}

// XmlConvert.EncodeName: characters not allowed in an XML name become _xHHHH_.
std::string EncodeName(std::string_view name) {
  std::string out;
  char buf[16];
  size_t len = 0;
  for (size_t i = 0; i < name.size(); i += len) {
    uint32_t cp = DecodeUtf8(name, i, &len);
    bool first = i == 0;
    bool valid = cp <= 0xFFFF && (first ? IsNameStartChar(cp) : IsNameChar(cp));
    if (cp == '_' && LooksLikeEscape(name, i)) valid = false;
    if (valid) {
      out.append(name.substr(i, len));
    } else {
      int n = std::snprintf(buf, sizeof buf, cp > 0xFFFF ? "_x%08X_" : "_x%04X_", cp);
      out.append(buf, static_cast<size_t>(n));
    }
  }
  return out;
}

bool IsAttribute(std::string_view key) { return !key.empty() && key[0] == '@'; }
bool IsText(std::string_view key) {
  return key == "#text" || key == "#cdata-section" || key == "#whitespace" ||
         key == "#significant-whitespace";
}
bool IsInstruction(std::string_view key) { return !key.empty() && key[0] == '?'; }

// How many nodes a member's value becomes (arrays repeat, empty arrays vanish). Arrays nested
// past kMaxXmlDepth count as one node, so that Members() is reached and refuses them.
size_t NodeCount(const bj::value& v, int nesting = 0) {
  if (!v.is_array()) return 1;
  if (nesting > kMaxXmlDepth) return 1;
  size_t n = 0;
  for (const auto& item : v.get_array()) n += NodeCount(item, nesting + 1);
  return n;
}

class XmlBuilder {
 public:
  explicit XmlBuilder(size_t max_chars) : max_chars_(max_chars) {}

  Result<std::string> Build(const bj::value& v) {
    if (!v.is_object()) {
      return Error(errc::kValue, std::string("a JSON value converts to XML only when it is an "
                                             "object with one root property, not ") +
                                     KindName(v));
    }
    const bj::object& o = v.get_object();
    const bj::key_value_pair* root = nullptr;
    size_t roots = 0;
    for (const auto& kv : o) {
      if (IsInstruction(kv.key())) continue;
      ++roots;
      root = &kv;
    }
    if (roots != 1) {
      return Error(errc::kValue, "the JSON object has " + std::to_string(roots) +
                                     " root properties; XML needs exactly one root element, "
                                     "e.g. {\"root\": {...}}");
    }
    std::string_view name = root->key();
    if (IsAttribute(name) || IsText(name)) {
      return Error(errc::kValue, "the root property '" + std::string(name) +
                                     "' would not be an element; XML needs a root element");
    }
    if (size_t n = NodeCount(root->value()); n != 1) {
      return Error(errc::kValue, "the root property '" + std::string(name) + "' is an array of " +
                                     std::to_string(n) + " items; XML allows one root element");
    }
    for (const auto& kv : o) {
      if (!IsInstruction(kv.key())) continue;
      if (auto s = Instruction(kv.key(), kv.value()); !s) return std::move(s).error();
    }
    if (auto s = Members(name, root->value(), 0, false); !s) return std::move(s).error();
    return std::move(out_);
  }

 private:
  static const char* KindName(const bj::value& v) {
    switch (v.kind()) {
      case bj::kind::null: return "null";
      case bj::kind::bool_: return "a boolean";
      case bj::kind::array: return "an array";
      case bj::kind::string: return "a string";
      case bj::kind::object: return "an object";
      default: return "a number";
    }
  }

  Status CheckSize() const {
    if (out_.size() <= max_chars_) return Ok();
    return Error(errc::kLimit,
                 "the XML text would exceed " + std::to_string(max_chars_) + " characters");
  }

  // The text of a primitive: strings as they are, numbers as .NET's XmlConvert writes them.
  Result<std::string> Primitive(const bj::value& v, std::string_view where) {
    switch (v.kind()) {
      case bj::kind::null: return std::string();
      case bj::kind::bool_: return std::string(v.get_bool() ? "true" : "false");
      case bj::kind::int64: return std::to_string(v.get_int64());
      case bj::kind::uint64: return std::to_string(v.get_uint64());
      case bj::kind::double_: return json::DotNetDouble(v.get_double());
      case bj::kind::string: {
        std::string_view s = v.get_string();
        for (size_t i = 0, len = 0; i < s.size(); i += len) {
          uint32_t cp = DecodeUtf8(s, i, &len);
          if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
              cp == 0xFFFF) {
            return Error(errc::kValue, "the value of '" + std::string(where) +
                                           "' holds the control character " + std::to_string(cp) +
                                           ", which XML cannot carry");
          }
        }
        return std::string(s);
      }
      default:
        return Error(errc::kValue, "'" + std::string(where) + "' is " + KindName(v) +
                                       "; it must be a string, number, boolean or null here");
    }
  }

  void Indent(int depth) {
    if (!out_.empty()) out_ += '\n';
    out_.append(static_cast<size_t>(depth) * 2, ' ');
  }

  // Text content with XmlWriter's newline handling ("\r\n" and "\r" become "\n").
  void Text(std::string_view s) {
    std::string normalized;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\r') {
        normalized += '\n';
        if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      } else {
        normalized += s[i];
      }
    }
    AppendXmlText(normalized, out_);
  }

  Status Instruction(std::string_view key, const bj::value& v) {
    if (key == "?xml") {
      if (!out_.empty() || !v.is_object()) {
        return Error(errc::kValue,
                     "'?xml' must be the first member of the root object and an "
                     "object of @version, @encoding and @standalone");
      }
      out_ += "<?xml";
      for (const char* attr : {"@version", "@encoding", "@standalone"}) {
        auto it = v.get_object().find(attr);
        if (it == v.get_object().end()) continue;
        RUNNEL_TRY(text, Primitive(it->value(), attr));
        out_ += ' ';
        out_ += attr + 1;
        out_ += "=\"";
        AppendXmlAttributeValue(text, out_);
        out_ += '"';
      }
      out_ += "?>";
      return Ok();
    }
    RUNNEL_TRY(text, Primitive(v, key));
    out_ += "<?";
    out_ += EncodeName(key.substr(1));
    if (!text.empty()) {
      out_ += ' ';
      out_ += text;
    }
    out_ += "?>";
    return Ok();
  }

  // The elements member `name` with value `v` becomes: one, or one per array item.
  Status Members(std::string_view name, const bj::value& v, int depth, bool inline_content,
                 int nesting = 0) {
    if (!v.is_array()) return Element(name, v, depth, inline_content);
    if (nesting > kMaxXmlDepth) {
      return Error(errc::kLimit, "the JSON nests arrays more than " + std::to_string(kMaxXmlDepth) +
                                     " levels deep");
    }
    for (const auto& item : v.get_array()) {
      if (auto s = Members(name, item, depth, inline_content, nesting + 1); !s) return s;
    }
    return Ok();
  }

  Status Element(std::string_view name, const bj::value& v, int depth, bool inline_content) {
    if (depth >= kMaxXmlDepth) {
      return Error(errc::kLimit, "the JSON nests more than " + std::to_string(kMaxXmlDepth) +
                                     " levels deep for XML");
    }
    std::string tag = EncodeName(name);
    if (tag.empty()) return Error(errc::kValue, "an empty property name cannot be an XML element");
    if (!inline_content) Indent(depth);
    out_ += '<';
    out_ += tag;
    if (v.is_null()) {
      out_ += " />";
      return CheckSize();
    }
    if (!v.is_object()) {
      RUNNEL_TRY(text, Primitive(v, name));
      out_ += '>';
      Text(text);
      out_ += "</" + tag + ">";
      return CheckSize();
    }
    const bj::object& o = v.get_object();
    size_t nodes = 0;
    bool mixed = inline_content;
    for (const auto& kv : o) {
      std::string_view key = kv.key();
      if (IsAttribute(key)) {
        RUNNEL_TRY(text, Primitive(kv.value(), key));
        out_ += ' ';
        out_ += EncodeName(key.substr(1));
        out_ += "=\"";
        AppendXmlAttributeValue(text, out_);
        out_ += '"';
        continue;
      }
      if (IsText(key)) mixed = true;
      nodes += NodeCount(kv.value());
    }
    if (nodes == 0) {
      out_ += " />";
      return CheckSize();
    }
    out_ += '>';
    for (const auto& kv : o) {
      std::string_view key = kv.key();
      if (IsAttribute(key)) continue;
      if (auto s = Child(key, kv.value(), depth + 1, mixed); !s) return s;
    }
    if (!mixed) Indent(depth);
    out_ += "</" + tag + ">";
    return CheckSize();
  }

  Status Child(std::string_view key, const bj::value& v, int depth, bool mixed) {
    if (IsText(key)) {
      if (v.is_null()) return Ok();
      RUNNEL_TRY(text, Primitive(v, key));
      if (key == "#cdata-section") {
        // "]]>" cannot appear in a CDATA section; XmlWriter splits it across two.
        std::string escaped;
        for (size_t i = 0; i < text.size(); ++i) {
          if (text.compare(i, 3, "]]>") == 0) {
            escaped += "]]]]><![CDATA[>";
            i += 2;
          } else {
            escaped += text[i];
          }
        }
        out_ += "<![CDATA[" + escaped + "]]>";
      } else {
        Text(text);
      }
      return CheckSize();
    }
    if (IsInstruction(key)) {
      if (key == "?xml") return Error(errc::kValue, "'?xml' is allowed only in the root object");
      if (!mixed) Indent(depth);
      return Instruction(key, v);
    }
    return Members(key, v, depth, mixed);
  }

  size_t max_chars_;
  std::string out_;
};

}  // namespace

Result<std::string> JsonToXml(const bj::value& v, size_t max_chars) {
  return XmlBuilder(max_chars).Build(v);
}

}  // namespace runnel::expr

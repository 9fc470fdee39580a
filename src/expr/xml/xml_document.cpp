#include "expr/xml/xml_document.h"

#include <unordered_set>
#include <utility>
#include <vector>

#include "expr/errors.h"

namespace runnel::expr {

namespace {

Error Malformed(std::string_view what, size_t offset) {
  return Error(errc::kValue, "the text is not well-formed XML: " + std::string(what) +
                                 " at character " + std::to_string(offset + 1));
}

bool StartsWith(std::string_view s, size_t at, std::string_view prefix) {
  return s.substr(at < s.size() ? at : s.size()).substr(0, prefix.size()) == prefix;
}

// Whether code point `c` may appear in an XML 1.0 document.
bool IsXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// Checks what pugixml lets through: control characters, and '&' that does not start one of the
// five predefined entities or a character reference to an allowed character. Comments, CDATA
// sections and processing instructions are skipped, since '&' is literal there.
Status CheckCharacters(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return Malformed("control character " + std::to_string(c) + " is not allowed in XML", i);
    }
    if (c == '<') {
      std::string_view close;
      if (StartsWith(s, i, "<!--"))
        close = "-->";
      else if (StartsWith(s, i, "<![CDATA["))
        close = "]]>";
      else if (StartsWith(s, i, "<?"))
        close = "?>";
      if (!close.empty()) {
        size_t end = s.find(close, i + 2);
        if (end == std::string_view::npos) return Malformed("unterminated markup", i);
        for (size_t k = i; k < end; ++k) {
          unsigned char d = static_cast<unsigned char>(s[k]);
          if (d < 0x20 && d != '\t' && d != '\n' && d != '\r') {
            return Malformed("control character " + std::to_string(d) + " is not allowed in XML",
                             k);
          }
        }
        i = end + close.size();
        continue;
      }
    }
    if (c == '&') {
      size_t semi = s.find(';', i);
      if (semi == std::string_view::npos || semi - i > 12)
        return Malformed("'&' must be written &amp;", i);
      std::string_view ref = s.substr(i + 1, semi - i - 1);
      bool ok = ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot" || ref == "apos";
      if (!ok && ref.size() >= 2 && ref[0] == '#') {
        bool hex = ref[1] == 'x';
        std::string_view digits = ref.substr(hex ? 2 : 1);
        uint32_t v = 0;
        ok = !digits.empty();
        for (char d : digits) {
          int x = (d >= '0' && d <= '9')          ? d - '0'
                  : hex && (d >= 'a' && d <= 'f') ? d - 'a' + 10
                  : hex && (d >= 'A' && d <= 'F') ? d - 'A' + 10
                                                  : -1;
          if (x < 0 || v > 0x10FFFF) {
            ok = false;
            break;
          }
          v = v * (hex ? 16 : 10) + static_cast<uint32_t>(x);
        }
        ok = ok && IsXmlChar(v);
      }
      if (!ok)
        return Malformed("'&" + std::string(ref) + ";' is not a known entity or character", i);
      i = semi + 1;
      continue;
    }
    ++i;
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<XmlDocument>> XmlDocument::Parse(std::string_view text) {
  if (StartsWith(text, 0, "\xEF\xBB\xBF")) text.remove_prefix(3);
  if (auto s = CheckCharacters(text); !s) return std::move(s).error();

  std::unique_ptr<XmlDocument> doc(new XmlDocument());
  doc->source_.assign(text);
  // parse_fragment keeps stray top-level text and extra roots visible, so that
  // CheckStructure can refuse them instead of pugixml silently dropping them.
  unsigned flags = pugi::parse_default | pugi::parse_declaration | pugi::parse_doctype |
                   pugi::parse_comments | pugi::parse_pi | pugi::parse_fragment;
  pugi::xml_parse_result r =
      doc->doc_.load_buffer(doc->source_.data(), doc->source_.size(), flags, pugi::encoding_utf8);
  if (!r) return Malformed(r.description(), static_cast<size_t>(r.offset));
  if (auto s = doc->CheckStructure(); !s) return std::move(s).error();
  return doc;
}

Status XmlDocument::CheckStructure() const {
  int elements = 0;
  for (pugi::xml_node n : doc_.children()) elements += n.type() == pugi::node_element;
  if (elements != 1) {
    return Error(errc::kValue, elements == 0 ? "the text is not XML: it has no root element"
                                             : "the text is not well-formed XML: it has " +
                                                   std::to_string(elements) +
                                                   " root elements; XML allows exactly one");
  }
  bool first = true;
  for (pugi::xml_node n : doc_.children()) {
    switch (n.type()) {
      case pugi::node_declaration:
        if (!first || !StartsWith(source_, 0, "<?xml")) {
          return Error(errc::kValue,
                       "the text is not well-formed XML: the XML declaration "
                       "must come first, with nothing before it");
        }
        break;
      case pugi::node_doctype:
        return Error(errc::kValue,
                     "XML with a document type declaration (<!DOCTYPE ...>) is "
                     "not supported; remove the DTD");
      case pugi::node_pcdata:
      case pugi::node_cdata:
        return Error(errc::kValue,
                     "the text is not well-formed XML: there is text outside the "
                     "root element");
      default: break;
    }
    first = false;
  }

  // Depth and repeated attributes, iteratively (the tree may be deep).
  std::vector<std::pair<pugi::xml_node, int>> stack = {{root(), 1}};
  std::unordered_set<std::string_view> names;
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (depth > kMaxXmlDepth) {
      return Error(errc::kLimit, "the XML nests elements more than " +
                                     std::to_string(kMaxXmlDepth) + " levels deep");
    }
    names.clear();
    for (pugi::xml_attribute a : node.attributes()) {
      if (!names.insert(a.name()).second) {
        return Error(errc::kValue, "the text is not well-formed XML: the element <" +
                                       std::string(node.name()) + "> repeats the attribute '" +
                                       a.name() + "'");
      }
    }
    for (pugi::xml_node child : node.children()) {
      if (child.type() == pugi::node_element) stack.emplace_back(child, depth + 1);
    }
  }
  return Ok();
}

bool XmlDocument::IsEmptyTag(pugi::xml_node e) const {
  ptrdiff_t offset = e.offset_debug();
  if (offset < 0 || static_cast<size_t>(offset) >= source_.size()) return false;
  // From the element name to the end of its start tag, stepping over quoted attribute values
  // (which may contain '>').
  char quote = 0;
  for (size_t i = static_cast<size_t>(offset); i < source_.size(); ++i) {
    char c = source_[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i > 0 && source_[i - 1] == '/';
    }
  }
  return false;
}

}  // namespace runnel::expr

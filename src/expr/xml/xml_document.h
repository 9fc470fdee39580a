// XmlDocument: XML text checked for well-formedness and parsed with pugixml, for xml(), json()
// and xpath().
//
// pugixml is a fast, forgiving parser: it accepts several root elements, text outside the root,
// unknown entity references and repeated attributes. .NET's XmlDocument, which the hosted engine
// uses, rejects all of those, so Parse() checks them itself and fails with InvalidArgumentValue
// naming the problem. DTDs are refused (as .NET's default DtdProcessing.Prohibit does), which
// also rules out entity expansion attacks. Whitespace-only text between elements is dropped, as
// XmlDocument does without PreserveWhitespace.
//
// Nesting is limited to kMaxXmlDepth so that the recursive converters stay within the stack.
// Thread safety: a parsed document is immutable and may be read from several threads.
#pragma once

#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace runnel::expr {

inline constexpr int kMaxXmlDepth = 256;

class XmlDocument {
 public:
  // Parses `text` (UTF-8; a leading byte order mark is skipped). Fails with InvalidArgumentValue
  // when the text is not one well-formed XML document with exactly one root element.
  static Result<std::unique_ptr<XmlDocument>> Parse(std::string_view text);

  XmlDocument(const XmlDocument&) = delete;
  XmlDocument& operator=(const XmlDocument&) = delete;

  const pugi::xml_document& document() const { return doc_; }
  pugi::xml_node root() const { return doc_.document_element(); }

  // Whether element `e` was written as an empty-element tag (<a/>) rather than a start and end
  // tag (<a></a>). Json.NET turns the first into null and the second into "". REQUIRES: e is
  // an element of this document.
  bool IsEmptyTag(pugi::xml_node e) const;

 private:
  XmlDocument() = default;
  Status CheckStructure() const;

  std::string source_;  // the text pugixml parsed; node offsets index into it
  pugi::xml_document doc_;
};

}  // namespace runnel::expr

// Writing XML text the way .NET's XmlWriter does, for xml() and xpath() results.
//
// Escaping follows XmlWriter's defaults: in text '&', '<', '>' become entities; in attribute
// values also '"', tab, CR and LF (as &#x9; &#xD; &#xA;). Empty elements are written "<a />".
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace runnel::expr {

class XmlDocument;

void AppendXmlText(std::string_view text, std::string& out);
void AppendXmlAttributeValue(std::string_view value, std::string& out);

// A node's XmlNode.OuterXml: compact markup for elements (an element keeps <a/> or <a></a> as it
// was written), the document's children for the document node, the markup of a comment, CDATA
// section or processing instruction, and the escaped value of a text node. An element written on
// its own also declares the namespace prefixes it uses that an ancestor declared, as .NET
// does: <location xmlns="https://contoso.com">Paris</location>.
// Fails with LimitExceeded once the output passes max_chars.
Status AppendOuterXml(const XmlDocument& doc, pugi::xml_node node, size_t max_chars,
                      std::string& out);

}  // namespace runnel::expr

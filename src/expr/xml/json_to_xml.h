// xml(<JSON object>): JSON to XML text with Json.NET's DeserializeXmlNode rules, written the way
// the function reference prints results (.NET XmlWriter, indented by two spaces, "\n" lines).
//
//   - The object must have exactly one property besides "?xml" (the XML declaration, an object
//     of "@version"/"@encoding"/"@standalone") and "?target" processing instructions: XML has
//     one root element.
//   - A string, number or boolean is an element with that text (numbers as .NET writes them,
//     booleans "true"/"false"); null is an empty element <a />; an object's "@name" members are
//     attributes, "#text" and "#cdata-section" are text, the rest child elements; an array
//     repeats the element once per item (nested arrays flatten; an empty array writes nothing).
//   - Names that are not valid XML names are escaped as XmlConvert.EncodeName does
//     ("first name" -> first_x0020_name).
//   - Elements holding text are written on one line; elements holding only elements put each
//     child on its own indented line.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>

#include "base/result.h"

namespace runnel::expr {

// Fails with InvalidArgumentValue when `v` is not an object of one root property, when an
// attribute value is an object or array, or when a string holds a character XML cannot carry;
// with LimitExceeded when nesting passes kMaxXmlDepth or the text passes max_chars.
Result<std::string> JsonToXml(const boost::json::value& v, size_t max_chars);

}  // namespace runnel::expr

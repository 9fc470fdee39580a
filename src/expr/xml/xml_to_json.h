// json(xml(...)): XML to JSON with Json.NET's XmlNodeConverter rules
// (JsonConvert.SerializeXmlNode), which is what the hosted engine uses.
//
//   - The document becomes an object of its children; the XML declaration is the member "?xml"
//     holding "@version", "@encoding", "@standalone"; a processing instruction is "?target".
//   - An element with no attributes and a single text child is that text; an element with no
//     attributes and no children is null when written <a/> and "" when written <a></a>.
//   - Otherwise an element is an object: attributes as "@name" (namespace declarations too),
//     then child nodes grouped by name in order of first appearance; a name that occurs once
//     is a member, a name that repeats is an array. Text is "#text", CDATA "#cdata-section".
//   - Names are the qualified names as written, with XmlConvert's _xHHHH_ escapes decoded.
//   - Comments are dropped (Json.NET writes them as JSON comments, which JSON values cannot hold).
#pragma once

#include <boost/json/value.hpp>

namespace runnel::expr {

class XmlDocument;

boost::json::value XmlToJson(const XmlDocument& doc);

}  // namespace runnel::expr

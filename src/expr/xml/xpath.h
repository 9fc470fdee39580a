// xpath(): XPath 1.0 over a parsed XmlDocument (pugixml's engine).
//
// Result shapes (the function reference is inconsistent about single matches; we always give a
// node-set as an array, so callers need not guess):
//   - a node-set is an array in document order: elements (and comments, processing
//     instructions, the document) as their XML markup (XmlNode.OuterXml, with the namespace
//     declarations they inherit: <location xmlns="https://contoso.com">Paris</location>), text
//     nodes and attributes as their string value;
//   - a number is an integer when it is integral and exactly representable, else a float; NaN
//     and infinities (which JSON cannot hold) are the strings "NaN", "Infinity", "-Infinity";
//   - a string or boolean is that value.
//
// Known difference from .NET: pugixml matches element names as written, so '/file' finds
// <file xmlns="urn:x"> where .NET finds nothing without a namespace manager. Queries that work
// on the hosted engine (name(), local-name(), namespace-uri() predicates) work the same here.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "base/result.h"

namespace runnel::expr {

class XmlDocument;
struct Limits;

// Fails with InvalidArgumentValue when `query` is not a valid XPath 1.0 expression, and with
// LimitExceeded when the result would have more items or characters than `limits` allow.
Result<boost::json::value> EvaluateXPath(const XmlDocument& doc, std::string_view query,
                                         const Limits& limits);

}  // namespace runnel::expr

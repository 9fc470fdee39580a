#include "expr/xml/xpath.h"

#include <cmath>
#include <exception>
#include <new>
#include <string>

#include "expr/errors.h"
#include "expr/limits.h"
#include "expr/xml/content_envelope.h"
#include "expr/xml/xml_document.h"
#include "expr/xml/xml_writer.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

// Integers up to 2^53 are exact in a double, so an XPath number in that range with no fraction
// is shown as the integer the function reference prints (sum(...) = 30).
constexpr double kMaxExactInteger = 9007199254740992.0;

bj::value NumberValue(double d) {
  if (std::isnan(d)) return bj::string("NaN");
  if (std::isinf(d)) return bj::string(d > 0 ? "Infinity" : "-Infinity");
  if (std::trunc(d) == d && std::fabs(d) <= kMaxExactInteger) {
    return bj::value(static_cast<int64_t>(d));
  }
  return bj::value(d);
}

Error TooLarge(const Limits& limits) {
  return Error(errc::kLimit, "the result would exceed " + std::to_string(limits.max_result_chars) +
                                 " characters");
}

Result<bj::value> NodeSetValue(const XmlDocument& doc, pugi::xpath_node_set nodes,
                               const Limits& limits) {
  if (nodes.size() > limits.max_result_items) {
    return Error(errc::kLimit, "the query selects " + std::to_string(nodes.size()) +
                                   " nodes; the limit is " +
                                   std::to_string(limits.max_result_items));
  }
  nodes.sort();  // document order, whatever order the query produced
  bj::array out;
  out.reserve(nodes.size());
  size_t total = 0;
  for (const pugi::xpath_node& n : nodes) {
    std::string text;
    if (n.attribute()) {
      text = n.attribute().value();
    } else {
      pugi::xml_node node = n.node();
      if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
        text = node.value();
      } else if (auto s = AppendOuterXml(doc, node, limits.max_result_chars - total, text); !s) {
        return std::move(s).error();
      }
    }
    total += text.size();
    if (total > limits.max_result_chars) return TooLarge(limits);
    out.emplace_back(bj::string(text));
  }
  return bj::value(std::move(out));
}

}  // namespace

Result<bj::value> EvaluateXPath(const XmlDocument& doc, std::string_view query,
                                const Limits& limits) {
  if (query.find('\0') != std::string_view::npos) {
    return Error(errc::kValue, "the XPath expression contains a NUL character");
  }
  std::string q(query);
  // pugixml reports a bad query, and running out of memory, by throwing; both stop here.
  try {
    pugi::xpath_query compiled(q.c_str());
    const pugi::xml_node context = doc.document();
    switch (compiled.return_type()) {
      case pugi::xpath_type_node_set:
        return NodeSetValue(doc, compiled.evaluate_node_set(context), limits);
      case pugi::xpath_type_number: return NumberValue(compiled.evaluate_number(context));
      case pugi::xpath_type_boolean: return bj::value(compiled.evaluate_boolean(context));
      case pugi::xpath_type_string: {
        std::string s = compiled.evaluate_string(context);
        if (s.size() > limits.max_result_chars) return TooLarge(limits);
        return bj::value(bj::string(s));
      }
      case pugi::xpath_type_none: break;
    }
    return Error(errc::kValue, "the XPath expression " + Excerpt(q, 100) + " has no result type");
  } catch (const pugi::xpath_exception& e) {
    return Error(errc::kValue,
                 Excerpt(q, 100) + " is not a valid XPath 1.0 expression: " + e.what());
  } catch (const std::bad_alloc&) {
    return Error(errc::kLimit, "evaluating the XPath expression ran out of memory");
  }
}

}  // namespace runnel::expr

// Manipulation functions: addProperty, setProperty, removeProperty, coalesce, xpath.
//
// Property names match exactly (ordinal, case-sensitive), as Json.NET's JObject.Add, indexer
// and Remove do: addProperty fails when the name exists, setProperty replaces or appends,
// removeProperty of a missing name returns the object unchanged. A new property goes last.
// The functions return a new object; the input (often borrowed from a run) is never changed.
//
// coalesce evaluates its arguments lazily, left to right, and stops at the first that is not
// null: "", [] and {} count as values (functions reference).

#include <boost/json/value.hpp>

#include "expr/errors.h"
#include "expr/limits.h"
#include "expr/registry.h"
#include "expr/xml/content_envelope.h"
#include "expr/xml/xml_document.h"
#include "expr/xml/xpath.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

// Argument 0 as an object we may change: moved out when owned, copied when borrowed.
Result<bj::object> TakeObject(CallFrame& f) {
  if (!f.arg(0).is_object()) return f.TypeError(0, "an object");
  bj::value v = std::move(f.arg(0)).Take();
  return std::move(v.get_object());
}

Result<Value> AddProperty(CallFrame& f) {
  RUNNEL_TRY(name, f.String(1));
  if (!f.arg(0).is_object()) return f.TypeError(0, "an object");
  if (f.arg(0).json().get_object().contains(name)) {
    return f.ValueError("the object already has the property " + Excerpt(name) +
                        "; use setProperty() to replace its value");
  }
  std::string key(name);  // `name` may point into argument 0, which TakeObject moves
  RUNNEL_TRY(object, TakeObject(f));
  object.emplace(key, std::move(f.arg(2)).Take());
  return Value(std::move(object));
}

Result<Value> SetProperty(CallFrame& f) {
  RUNNEL_TRY(name, f.String(1));
  std::string key(name);
  RUNNEL_TRY(object, TakeObject(f));
  object[key] = std::move(f.arg(2)).Take();
  return Value(std::move(object));
}

Result<Value> RemoveProperty(CallFrame& f) {
  RUNNEL_TRY(name, f.String(1));
  std::string key(name);
  RUNNEL_TRY(object, TakeObject(f));
  object.erase(key);
  return Value(std::move(object));
}

Result<Value> Coalesce(CallFrame& f) {
  for (size_t i = 0; i < f.size(); ++i) {
    RUNNEL_TRY(v, f.Eval(i));
    if (!v.is_null()) return v;
  }
  return Value();
}

// xpath(xml, query): the XML comes as an xml() result (or any envelope holding XML) or as XML
// text.
Result<Value> XPath(CallFrame& f) {
  RUNNEL_TRY(query, f.String(1));
  std::string text;
  const bj::value& v = f.arg(0).json();
  if (auto c = ReadContentEnvelope(v)) {
    text = BytesToText(c->bytes);
  } else if (v.is_string()) {
    text = std::string(v.get_string());
  } else {
    return f.TypeError(0, "XML (an xml() result or XML text)");
  }
  auto doc = XmlDocument::Parse(text);
  if (!doc) return f.Fail(doc.error().code.c_str(), doc.error().message);
  auto result = EvaluateXPath(*doc.value(), query, f.limits());
  if (!result) return f.Fail(result.error().code.c_str(), result.error().message);
  return Value(std::move(result).value());
}

constexpr FunctionDef kFunctions[] = {
    {"addProperty", "manipulation", 3, 3, kPure, &AddProperty},
    {"setProperty", "manipulation", 3, 3, kPure, &SetProperty},
    {"removeProperty", "manipulation", 2, 2, kPure, &RemoveProperty},
    {"coalesce", "manipulation", 1, kVariadic, kLazy, &Coalesce},
    {"xpath", "manipulation", 2, 2, kPure, &XPath},
};

}  // namespace

std::span<const FunctionDef> ManipulationFunctions() { return kFunctions; }

}  // namespace runnel::expr

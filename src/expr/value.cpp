#include "expr/value.h"

#include "expr/decimal.h"

namespace runnel::expr {

Value Value::FromDecimal(const Decimal& d) {
  Value out(boost::json::value(d.ToDouble()));
  out.decimal_ = std::make_shared<const Decimal>(d);
  return out;
}

const char* TypeName(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "integer";
    case boost::json::kind::double_: return "float";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
  }
  return "unknown";
}

const char* TypeName(const Value& v) { return v.decimal() ? "decimal" : TypeName(v.json()); }

}  // namespace runnel::expr

// Logical comparison functions: and, or, not, if, equals, greater, greaterOrEquals, less,
// lessOrEquals.
//
// WDL rule (functions reference, "logical comparison functions"): null operands are compared as
// the empty string. and/or/if evaluate lazily, left to right, so an untaken branch cannot fail
// the expression (flows rely on `if(empty(x), 0, first(x))`).

#include <boost/json/value.hpp>

#include "expr/decimal.h"
#include "expr/errors.h"
#include "expr/registry.h"
#include "json/compare.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

Result<bool> EvalBool(CallFrame& f, size_t i) {
  RUNNEL_TRY(v, f.Eval(i));
  if (!v.is_bool()) {
    return Error(errc::kType, std::string(f.def().name) + "() expects a boolean as argument " +
                                  std::to_string(i + 1) + ", got " + TypeName(v),
                 f.position());
  }
  return v.json().get_bool();
}

Result<Value> And(CallFrame& f) {
  for (size_t i = 0; i < f.size(); ++i) {
    RUNNEL_TRY(b, EvalBool(f, i));
    if (!b) return Value(false);
  }
  return Value(true);
}

Result<Value> Or(CallFrame& f) {
  for (size_t i = 0; i < f.size(); ++i) {
    RUNNEL_TRY(b, EvalBool(f, i));
    if (b) return Value(true);
  }
  return Value(false);
}

Result<Value> Not(CallFrame& f) {
  RUNNEL_TRY(b, f.Bool(0));
  return Value(!b);
}

Result<Value> If(CallFrame& f) {
  RUNNEL_TRY(b, EvalBool(f, 0));
  return f.Eval(b ? 1 : 2);
}

const bj::value& NullAsEmpty(const Value& v) {
  static const bj::value kEmpty = bj::string();
  return v.is_null() ? kEmpty : v.json();
}

Result<Value> Equals(CallFrame& f) {
  const Decimal* a = f.arg(0).decimal();
  const Decimal* b = f.arg(1).decimal();
  if (a || b) {
    if (f.arg(0).is_number() && f.arg(1).is_number()) {
      Decimal x = a ? *a : Decimal::FromDouble(json::ToDouble(f.arg(0).json()));
      Decimal y = b ? *b : Decimal::FromDouble(json::ToDouble(f.arg(1).json()));
      return Value(x.Compare(y) == 0);
    }
  }
  return Value(json::Equal(NullAsEmpty(f.arg(0)), NullAsEmpty(f.arg(1))));
}

// Orders two values of the same kind: numbers (any mix of integer, float, decimal) or strings
// (ordinal, i.e. by UTF-8 bytes). Anything else is a type error.
Result<int> Compare(CallFrame& f) {
  const Value& a = f.arg(0);
  const Value& b = f.arg(1);
  if (a.is_number() && b.is_number()) {
    if (a.decimal() || b.decimal()) {
      Decimal x = a.decimal() ? *a.decimal() : Decimal::FromDouble(json::ToDouble(a.json()));
      Decimal y = b.decimal() ? *b.decimal() : Decimal::FromDouble(json::ToDouble(b.json()));
      return x.Compare(y);
    }
    if (a.json().is_int64() && b.json().is_int64()) {
      int64_t x = a.json().get_int64(), y = b.json().get_int64();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    double x = json::ToDouble(a.json()), y = json::ToDouble(b.json());
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const bj::value& x = NullAsEmpty(a);
  const bj::value& y = NullAsEmpty(b);
  if (x.is_string() && y.is_string()) {
    int c = std::string_view(x.get_string()).compare(std::string_view(y.get_string()));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  size_t bad = (a.is_number() || x.is_string()) ? 1 : 0;
  return f.TypeError(bad, "two numbers or two strings");
}

Result<Value> Greater(CallFrame& f) {
  RUNNEL_TRY(c, Compare(f));
  return Value(c > 0);
}
Result<Value> GreaterOrEquals(CallFrame& f) {
  RUNNEL_TRY(c, Compare(f));
  return Value(c >= 0);
}
Result<Value> Less(CallFrame& f) {
  RUNNEL_TRY(c, Compare(f));
  return Value(c < 0);
}
Result<Value> LessOrEquals(CallFrame& f) {
  RUNNEL_TRY(c, Compare(f));
  return Value(c <= 0);
}

constexpr FunctionDef kFunctions[] = {
    {"and", "logical comparison", 1, kVariadic, kLazy, &And},
    {"or", "logical comparison", 1, kVariadic, kLazy, &Or},
    {"not", "logical comparison", 1, 1, kPure, &Not},
    {"if", "logical comparison", 3, 3, kLazy, &If},
    {"equals", "logical comparison", 2, 2, kPure, &Equals},
    {"greater", "logical comparison", 2, 2, kPure, &Greater},
    {"greaterOrEquals", "logical comparison", 2, 2, kPure, &GreaterOrEquals},
    {"less", "logical comparison", 2, 2, kPure, &Less},
    {"lessOrEquals", "logical comparison", 2, 2, kPure, &LessOrEquals},
};

}  // namespace

std::span<const FunctionDef> LogicalFunctions() { return kFunctions; }

}  // namespace runnel::expr

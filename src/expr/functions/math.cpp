// Math functions: add, sub, mul, div, mod, min, max, rand, range; and formatNumber (category
// "string", kept here because it shares the number handling; the formatting itself lives in
// number/format_*.h).
//
// Number rules (function reference, and .NET as the hosted engine computes):
//   - integer op integer stays an integer (64-bit); div truncates toward zero (div(11,5) = 2)
//     and mod takes the dividend's sign (mod(-5,2) = -1), as C#'s / and % do;
//   - an integer result that does not fit 64 bits becomes a float (the parser already turns
//     integer literals beyond 64 bits into floats), instead of wrapping around;
//   - any float operand makes a float result; any decimal() operand makes the operation exact
//     decimal arithmetic (28-29 digits) with a decimal result;
//   - dividing by zero is a DivideByZero error for floats too (JSON has no Infinity or NaN), and
//     a float result that overflows to infinity is an InvalidArgumentValue error;
//   - strings are never converted: add('1', 2) is an InvalidArgumentType error.

#include <boost/json/value.hpp>
#include <chrono>
#include <climits>
#include <cmath>
#include <optional>
#include <random>

#include "expr/decimal.h"
#include "expr/errors.h"
#include "expr/limits.h"
#include "expr/number/format_culture.h"
#include "expr/number/format_number.h"
#include "expr/registry.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

struct Number {
  enum class Kind { kInt, kFloat, kDecimal };
  Kind kind = Kind::kInt;
  int64_t i = 0;
  double d = 0;                   // kFloat; for kDecimal its nearest double
  const Decimal* dec = nullptr;   // kDecimal
};

// A JSON number or decimal() result; an unsigned integer beyond int64 counts as a float, as
// such literals do.
std::optional<Number> AsNumber(const Value& v) {
  Number n;
  if (v.decimal()) {
    n.kind = Number::Kind::kDecimal;
    n.dec = v.decimal();
    n.d = v.decimal()->ToDouble();
    return n;
  }
  const bj::value& j = v.json();
  switch (j.kind()) {
    case bj::kind::int64:
      n.i = j.get_int64();
      return n;
    case bj::kind::uint64:
      n.kind = Number::Kind::kFloat;
      n.d = static_cast<double>(j.get_uint64());
      return n;
    case bj::kind::double_:
      n.kind = Number::Kind::kFloat;
      n.d = j.get_double();
      return n;
    default:
      return std::nullopt;
  }
}

Result<Number> ReadNumber(CallFrame& f, size_t i) {
  auto n = AsNumber(f.arg(i));
  if (!n) return f.TypeError(i, "a number");
  return *n;
}

const Decimal& DecimalMax() {
  static const Decimal max = *Decimal::Parse("79228162514264337593543950335");
  return max;
}

bool InDecimalRange(const Decimal& d) {
  static const Decimal min = Decimal::FromInt(0).Sub(DecimalMax());
  return d.Compare(DecimalMax()) <= 0 && d.Compare(min) >= 0;
}

Result<Decimal> ToDecimal(CallFrame& f, const Number& n) {
  switch (n.kind) {
    case Number::Kind::kDecimal: return *n.dec;
    case Number::Kind::kInt: return Decimal::FromInt(n.i);
    case Number::Kind::kFloat: break;
  }
  if (!std::isfinite(n.d) || std::fabs(n.d) > 7.9228162514264337593543950335e28) {
    return f.ValueError("the float " + json::DotNetDouble(n.d) +
                        " is outside the range of a decimal (about ±7.9E+28)");
  }
  return Decimal::FromDouble(n.d);
}

enum class Op { kAdd, kSub, kMul, kDiv, kMod };

Error DivideByZero(CallFrame& f) {
  return f.Fail(errc::kDivideByZero, "the divisor is zero");
}

Result<Value> DecimalOp(CallFrame& f, Op op, const Number& a, const Number& b) {
  RUNNEL_TRY(x, ToDecimal(f, a));
  RUNNEL_TRY(y, ToDecimal(f, b));
  if ((op == Op::kDiv || op == Op::kMod) && y.IsZero()) return DivideByZero(f);
  Decimal r = op == Op::kAdd ? x.Add(y)
            : op == Op::kSub ? x.Sub(y)
            : op == Op::kMul ? x.Mul(y)
            : op == Op::kDiv ? x.Div(y)
                             : x.Mod(y);
  if (!InDecimalRange(r)) {
    return f.ValueError("the result is outside the range of a decimal (about ±7.9E+28)");
  }
  return Value::FromDecimal(r);
}

Result<Value> IntegerOp(CallFrame& f, Op op, int64_t a, int64_t b) {
  int64_t r = 0;
  auto x = static_cast<double>(a), y = static_cast<double>(b);
  switch (op) {
    case Op::kAdd:
      if (__builtin_add_overflow(a, b, &r)) return Value(x + y);
      return Value(r);
    case Op::kSub:
      if (__builtin_sub_overflow(a, b, &r)) return Value(x - y);
      return Value(r);
    case Op::kMul:
      if (__builtin_mul_overflow(a, b, &r)) return Value(x * y);
      return Value(r);
    case Op::kDiv:
      if (b == 0) return DivideByZero(f);
      if (a == INT64_MIN && b == -1) return Value(-static_cast<double>(INT64_MIN));
      return Value(a / b);
    case Op::kMod:
      if (b == 0) return DivideByZero(f);
      if (b == -1) return Value(int64_t{0});  // INT64_MIN % -1 would trap
      return Value(a % b);
  }
  return Value();
}

Result<Value> FloatOp(CallFrame& f, Op op, double a, double b) {
  double r = 0;
  switch (op) {
    case Op::kAdd: r = a + b; break;
    case Op::kSub: r = a - b; break;
    case Op::kMul: r = a * b; break;
    case Op::kDiv:
      if (b == 0) return DivideByZero(f);
      r = a / b;
      break;
    case Op::kMod:
      if (b == 0) return DivideByZero(f);
      r = std::fmod(a, b);  // sign of the dividend, like C#'s %
      break;
  }
  if (!std::isfinite(r)) {
    return f.ValueError("the result is too large for a float (above about 1.8E+308)");
  }
  return Value(r);
}

Result<Value> Arithmetic(CallFrame& f, Op op) {
  RUNNEL_TRY(a, ReadNumber(f, 0));
  RUNNEL_TRY(b, ReadNumber(f, 1));
  if (a.kind == Number::Kind::kDecimal || b.kind == Number::Kind::kDecimal) {
    return DecimalOp(f, op, a, b);
  }
  if (a.kind == Number::Kind::kInt && b.kind == Number::Kind::kInt) {
    return IntegerOp(f, op, a.i, b.i);
  }
  double x = a.kind == Number::Kind::kInt ? static_cast<double>(a.i) : a.d;
  double y = b.kind == Number::Kind::kInt ? static_cast<double>(b.i) : b.d;
  return FloatOp(f, op, x, y);
}

Result<Value> Add(CallFrame& f) { return Arithmetic(f, Op::kAdd); }
Result<Value> Sub(CallFrame& f) { return Arithmetic(f, Op::kSub); }
Result<Value> Mul(CallFrame& f) { return Arithmetic(f, Op::kMul); }
Result<Value> Div(CallFrame& f) { return Arithmetic(f, Op::kDiv); }
Result<Value> Mod(CallFrame& f) { return Arithmetic(f, Op::kMod); }

// Exact order of an integer and a double (casting the integer could round it).
int CompareIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  double t = std::trunc(d);
  auto ti = static_cast<int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  return d > t ? -1 : (d < t ? 1 : 0);
}

int Compare(const Number& a, const Number& b) {
  using K = Number::Kind;
  if (a.kind == K::kDecimal || b.kind == K::kDecimal) {
    auto exact = [](const Number& n) -> std::optional<Decimal> {
      if (n.kind == K::kDecimal) return *n.dec;
      if (n.kind == K::kInt) return Decimal::FromInt(n.i);
      if (!std::isfinite(n.d) || std::fabs(n.d) > 7.9e28) return std::nullopt;
      return Decimal::FromDouble(n.d);
    };
    auto x = exact(a), y = exact(b);
    if (x && y) return x->Compare(*y);
    return a.d < b.d ? -1 : (a.d > b.d ? 1 : 0);
  }
  if (a.kind == K::kInt && b.kind == K::kInt) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  if (a.kind == K::kInt) return CompareIntDouble(a.i, b.d);
  if (b.kind == K::kInt) return -CompareIntDouble(b.i, a.d);
  return a.d < b.d ? -1 : (a.d > b.d ? 1 : 0);
}

// min() and max(): numbers as arguments, or one array of numbers. Returns the winning value
// itself (an integer stays an integer, a decimal a decimal); the first one wins ties.
Result<Value> Extreme(CallFrame& f, bool want_max) {
  int sign = want_max ? 1 : -1;
  if (f.size() == 1 && f.arg(0).is_array()) {
    const bj::array& items = f.arg(0).json().get_array();
    if (items.empty()) {
      return f.ValueError("the array is empty; pass at least one number");
    }
    size_t best = 0;
    Number best_n;
    for (size_t k = 0; k < items.size(); ++k) {
      auto n = AsNumber(Value::Borrow(items[k]));
      if (!n) {
        return f.Fail(errc::kType, "expects an array of numbers, but the item at index " +
                                       std::to_string(k) + " is " +
                                       TypeName(items[k]));
      }
      if (k == 0 || sign * Compare(*n, best_n) > 0) best = k, best_n = *n;
    }
    return std::move(f.arg(0)).Sub(items[best]);
  }
  size_t best = 0;
  Number best_n;
  for (size_t k = 0; k < f.size(); ++k) {
    RUNNEL_TRY(n, ReadNumber(f, k));
    if (k == 0 || sign * Compare(n, best_n) > 0) best = k, best_n = n;
  }
  return std::move(f.arg(best));
}

Result<Value> Max(CallFrame& f) { return Extreme(f, true); }
Result<Value> Min(CallFrame& f) { return Extreme(f, false); }

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng = [] {
    std::seed_seq::result_type seed[8] = {};
    try {
      std::random_device device;
      for (auto& s : seed) s = device();
    } catch (...) {
      // No entropy source: fall back to the clock and an address, still distinct per thread.
      auto t = static_cast<uint64_t>(
          std::chrono::high_resolution_clock::now().time_since_epoch().count());
      seed[0] = static_cast<uint32_t>(t);
      seed[1] = static_cast<uint32_t>(t >> 32);
      seed[2] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&seed));
    }
    std::seed_seq seq(std::begin(seed), std::end(seed));
    return std::mt19937_64(seq);
  }();
  return rng;
}

// rand(min, max): an integer in [min, max).
Result<Value> Rand(CallFrame& f) {
  RUNNEL_TRY(lo, f.Int(0));
  RUNNEL_TRY(hi, f.Int(1));
  if (lo >= hi) {
    return f.ValueError("the minimum " + std::to_string(lo) + " must be less than the maximum " +
                        std::to_string(hi) + " (the maximum itself is never returned)");
  }
  std::uniform_int_distribution<int64_t> dist(lo, hi - 1);
  return Value(dist(Rng()));
}

// range(start, count): count consecutive integers from start. The reference limits count to
// 100,000 (Limits::max_range_count) and start + count to 2,147,483,647 (.NET's int32 range).
Result<Value> Range(CallFrame& f) {
  RUNNEL_TRY(start, f.Int(0));
  RUNNEL_TRY(count, f.Int(1));
  if (count < 0) {
    return f.ValueError("the count " + std::to_string(count) + " is negative");
  }
  int64_t limit = std::min<int64_t>(f.limits().max_range_count,
                                    static_cast<int64_t>(f.limits().max_result_items));
  if (count > limit) {
    return f.Fail(errc::kLimit, "the count " + std::to_string(count) +
                                    " is above the limit of " + std::to_string(limit));
  }
  if (start < INT32_MIN || start > INT32_MAX || start + count > INT32_MAX) {
    return f.ValueError("the start index " + std::to_string(start) + " plus the count " +
                        std::to_string(count) +
                        " must stay within -2147483648 to 2147483647");
  }
  bj::array out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) out.emplace_back(start + k);
  return Value(bj::value(std::move(out)));
}

size_t CountChars(const std::string& utf8) {
  size_t n = 0;
  for (char ch : utf8) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

// formatNumber(number, format, locale?): .NET's number.ToString(format, culture); the locale
// defaults to en-US, and null counts as not given.
Result<Value> FormatNumber(CallFrame& f) {
  const Value& v = f.arg(0);
  numfmt::FormatInput x;
  if (v.decimal()) {
    x = numfmt::FormatInput::Decimal(v.decimal()->ToString());
  } else if (v.json().is_int64()) {
    x = numfmt::FormatInput::Integer(v.json().get_int64());
  } else if (v.json().is_uint64()) {
    x = numfmt::FormatInput::Unsigned(v.json().get_uint64());
  } else if (v.json().is_double()) {
    x = numfmt::FormatInput::Float(v.json().get_double());
  } else {
    return f.TypeError(0, "a number");
  }
  RUNNEL_TRY(format, f.String(1));
  std::string_view locale = "en-US";
  if (f.size() > 2 && !f.arg(2).is_null()) {
    RUNNEL_TRY(name, f.String(2));
    locale = name;
  }
  auto culture = numfmt::FindNumberCulture(locale);
  if (!culture) return f.Fail(culture.error().code.c_str(), culture.error().message);
  auto text = numfmt::FormatNumber(x, format, *culture.value(), f.limits().max_result_chars);
  if (!text) return f.Fail(text.error().code.c_str(), text.error().message);
  if (auto st = f.CheckResultChars(CountChars(text.value())); !st) return st.error();
  return Value(bj::string(text.value()));
}

constexpr FunctionDef kFunctions[] = {
    {"add", "math", 2, 2, kPure, &Add},
    {"div", "math", 2, 2, kPure, &Div},
    {"max", "math", 1, kVariadic, kPure, &Max},
    {"min", "math", 1, kVariadic, kPure, &Min},
    {"mod", "math", 2, 2, kPure, &Mod},
    {"mul", "math", 2, 2, kPure, &Mul},
    {"rand", "math", 2, 2, kVolatile, &Rand},
    {"range", "math", 2, 2, kPure, &Range},
    {"sub", "math", 2, 2, kPure, &Sub},
    {"formatNumber", "string", 2, 3, kPure, &FormatNumber},
};

}  // namespace

std::span<const FunctionDef> MathFunctions() { return kFunctions; }

}  // namespace runnel::expr

// Math functions and formatNumber where case files cannot reach: decimal() operands (built here
// directly, independent of the conversion functions), rand()'s distribution, and the digit and
// rounding internals of number/format_*.

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "expr/decimal.h"
#include "expr/errors.h"
#include "expr/function.h"
#include "expr/limits.h"
#include "expr/number/format_culture.h"
#include "expr/number/format_digits.h"
#include "expr/number/format_number.h"
#include "expr/registry.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace {

Value Dec(std::string_view text) {
  auto d = Decimal::Parse(text);
  EXPECT_TRUE(d.has_value()) << text;
  return Value::FromDecimal(d ? *d : Decimal::FromInt(0));
}

// Calls function `name` with already evaluated arguments, as the evaluator does.
Result<Value> Call(std::string_view name, std::vector<Value> args) {
  const FunctionDef* def = FindFunction(name);
  if (!def) return Error("test", "no function " + std::string(name));
  Node call;
  call.kind = Node::Kind::kCall;
  call.function = def;
  for (size_t i = 0; i < args.size(); ++i) call.children.push_back(std::make_unique<Node>());
  static const Limits limits;
  EvalEnv env{nullptr, nullptr, &limits};
  CallFrame frame(*def, call, env, args);
  return def->impl(frame);
}

// A result as text: a decimal's digits, or WDL's text of the JSON value.
std::string Text(const Result<Value>& r) {
  if (!r) return "error " + r.error().code + " " + r.error().message;
  if (const Decimal* d = r.value().decimal()) return "decimal " + d->ToString();
  return json::Serialize(r.value().json());
}

std::vector<Value> Args(Value a, Value b) {
  std::vector<Value> v;
  v.push_back(std::move(a));
  v.push_back(std::move(b));
  return v;
}

TEST(MathDecimal, DocumentedAdditionKeepsAllDigits) {
  // decimal() reference: string(add(decimal('1.2345678912312131'), decimal(...))).
  EXPECT_EQ(Text(Call("add", Args(Dec("1.2345678912312131"), Dec("1.2345678912312131")))),
            "decimal 2.4691357824624262");
}

TEST(MathDecimal, AnyDecimalOperandMakesDecimalArithmetic) {
  EXPECT_EQ(Text(Call("add", Args(Dec("0.1"), Dec("0.2")))), "decimal 0.3");
  EXPECT_EQ(Text(Call("add", Args(Dec("0.1"), Value(0.2)))), "decimal 0.3");
  EXPECT_EQ(Text(Call("sub", Args(Dec("1"), Value(0.9)))), "decimal 0.1");
  EXPECT_EQ(Text(Call("mul", Args(Dec("1.5"), Value(int64_t{2})))), "decimal 3");
  EXPECT_EQ(Text(Call("div", Args(Value(int64_t{1}), Dec("4")))), "decimal 0.25");
  EXPECT_EQ(Text(Call("div", Args(Dec("10"), Value(int64_t{4})))), "decimal 2.5");
  EXPECT_EQ(Text(Call("mod", Args(Dec("-5.5"), Value(int64_t{2})))), "decimal -1.5");
  EXPECT_EQ(Text(Call("mod", Args(Dec("7"), Dec("-3")))), "decimal 1");
}

TEST(MathDecimal, JsonFormIsTheNearestDouble) {
  auto r = Call("add", Args(Dec("0.1"), Dec("0.2")));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r.value().json().is_double());
  EXPECT_EQ(r.value().json().get_double(), 0.3);
}

TEST(MathDecimal, Errors) {
  auto zero = Call("div", Args(Dec("1"), Dec("0")));
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().code, errc::kDivideByZero);
  auto mod_zero = Call("mod", Args(Dec("1"), Value(int64_t{0})));
  ASSERT_FALSE(mod_zero.has_value());
  EXPECT_EQ(mod_zero.error().code, errc::kDivideByZero);
  auto overflow = Call("add", Args(Dec("79228162514264337593543950335"), Value(int64_t{1})));
  ASSERT_FALSE(overflow.has_value());
  EXPECT_EQ(overflow.error().code, errc::kValue);
  EXPECT_NE(overflow.error().message.find("range of a decimal"), std::string::npos);
  auto too_big = Call("mul", Args(Dec("2"), Value(1e30)));
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error().code, errc::kValue);
  auto str = Call("add", Args(Dec("1"), Value(boost::json::string("1"))));
  ASSERT_FALSE(str.has_value());
  EXPECT_EQ(str.error().code, errc::kType);
}

TEST(MathDecimal, MinMaxReturnTheDecimalItself) {
  EXPECT_EQ(Text(Call("max", Args(Dec("1.5"), Value(int64_t{1})))), "decimal 1.5");
  EXPECT_EQ(Text(Call("min", Args(Dec("1.5"), Value(int64_t{1})))), "1");
  // Equal values: the first wins.
  EXPECT_EQ(Text(Call("min", Args(Dec("0.1"), Value(0.1)))), "decimal 0.1");
  EXPECT_EQ(Text(Call("max", Args(Value(0.1), Dec("0.1")))), "0.1");
  // 0.1 as a decimal is exactly 0.1; as a double it is read through its shortest text.
  EXPECT_EQ(Text(Call("max", Args(Dec("0.10000000000000000001"), Value(0.1)))),
            "decimal 0.10000000000000000001");
}

Result<Value> Format(Value v, std::string_view format, std::string_view locale = "en-US") {
  std::vector<Value> args;
  args.push_back(std::move(v));
  args.emplace_back(boost::json::string(format));
  args.emplace_back(boost::json::string(locale));
  return Call("formatNumber", std::move(args));
}

TEST(FormatNumberDecimal, RoundsHalfAwayFromZero) {
  // Decimals round on their exact digits, half away from zero (a double 2.5 'F0' gives "2").
  EXPECT_EQ(Text(Format(Dec("2.5"), "F0")), "\"3\"");
  EXPECT_EQ(Text(Format(Dec("-2.5"), "F0")), "\"-3\"");
  EXPECT_EQ(Text(Format(Dec("0.125"), "F2")), "\"0.13\"");
  EXPECT_EQ(Text(Format(Dec("1234.5"), "N2", "de-DE")), "\"1.234,50\"");
  EXPECT_EQ(Text(Format(Dec("17.35"), "C2", "is-IS")), "\"17,35 kr\"");
  EXPECT_EQ(Text(Format(Dec("0.5"), "P0")), "\"50%\"");
}

TEST(FormatNumberDecimal, GeneralFormatPrintsAllDigits) {
  EXPECT_EQ(Text(Format(Dec("1.2345678912312131"), "G")), "\"1.2345678912312131\"");
  EXPECT_EQ(Text(Format(Dec("0.00001"), "G")), "\"0.00001\"");  // never exponent notation
  EXPECT_EQ(Text(Format(Dec("0.00001"), "G0")), "\"1E-05\"");
  EXPECT_EQ(Text(Format(Dec("100"), "G0")), "\"100\"");
  EXPECT_EQ(Text(Format(Dec("-0"), "G")), "\"0\"");
  EXPECT_EQ(Text(Format(Dec("123456789012345678901234567.5"), "N0")),
            "\"123,456,789,012,345,678,901,234,568\"");
  EXPECT_EQ(Text(Format(Dec("1.5"), "0.0###")), "\"1.5\"");
}

TEST(FormatNumberDecimal, IntegerOnlyFormatsFail) {
  auto d = Format(Dec("1"), "D");
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, errc::kValue);
  EXPECT_NE(d.error().message.find("only to integers"), std::string::npos);
  EXPECT_FALSE(Format(Dec("1"), "X2").has_value());
}

TEST(MathRand, StaysInRangeAndReachesEveryValue) {
  std::set<int64_t> seen;
  for (int i = 0; i < 4000; ++i) {
    auto r = Call("rand", Args(Value(int64_t{1}), Value(int64_t{5})));
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r.value().json().is_int64());
    int64_t v = r.value().json().get_int64();
    ASSERT_GE(v, 1);
    ASSERT_LT(v, 5);  // the maximum is excluded
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(MathRand, FullInt64Range) {
  for (int i = 0; i < 100; ++i) {
    auto r = Call("rand", Args(Value(INT64_MIN), Value(INT64_MAX)));
    ASSERT_TRUE(r.has_value());
    EXPECT_LT(r.value().json().get_int64(), INT64_MAX);
  }
}

namespace nf = numfmt;

nf::DigitString Digits(std::string digits, int scale,
                       nf::NumberKind kind = nf::NumberKind::kFloat) {
  nf::DigitString n;
  n.digits = std::move(digits);
  n.scale = scale;
  n.kind = kind;
  return n;
}

TEST(NumberDigits, ExactDoubleDigits) {
  nf::DigitString n = nf::ExactDoubleDigits(0.1);
  EXPECT_EQ(n.digits, "1000000000000000055511151231257827021181583404541015625");
  EXPECT_EQ(n.scale, 0);
  n = nf::ExactDoubleDigits(-1234.5);
  EXPECT_EQ(n.digits, "12345");
  EXPECT_EQ(n.scale, 4);
  EXPECT_TRUE(n.negative);
  n = nf::ExactDoubleDigits(5e-324);  // the smallest subnormal: 751 significant digits
  EXPECT_EQ(n.scale, -323);
  EXPECT_EQ(n.digits.size(), 751u);
  EXPECT_EQ(n.digits.substr(0, 6), "494065");
  n = nf::ExactDoubleDigits(1e308);
  EXPECT_EQ(n.scale, 309);
  EXPECT_TRUE(nf::ExactDoubleDigits(-0.0).negative);
  EXPECT_TRUE(nf::ExactDoubleDigits(-0.0).IsZero());
}

TEST(NumberDigits, ShortestAndDecimalDigits) {
  nf::DigitString n = nf::ShortestDoubleDigits(0.1);
  EXPECT_EQ(n.digits, "1");
  EXPECT_EQ(n.scale, 0);
  n = nf::ShortestDoubleDigits(1e21);
  EXPECT_EQ(n.digits, "1");
  EXPECT_EQ(n.scale, 22);
  auto d = nf::DecimalDigits("-0.00120");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->digits, "12");
  EXPECT_EQ(d->scale, -2);
  EXPECT_TRUE(d->negative);
  d = nf::DecimalDigits("1200");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->digits, "12");
  EXPECT_EQ(d->scale, 4);
  EXPECT_EQ(d->raw_count, 4);
  d = nf::DecimalDigits("-0.000");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->IsZero());
  EXPECT_FALSE(d->negative);
  EXPECT_FALSE(nf::DecimalDigits("1e5").has_value());
  EXPECT_FALSE(nf::DecimalDigits("").has_value());
  EXPECT_FALSE(nf::DecimalDigits("-").has_value());
}

TEST(NumberDigits, RoundHalfEven) {
  nf::DigitString n = Digits("125", 0);
  nf::RoundHalfEven(n, 2);
  EXPECT_EQ(n.digits, "12");  // tie, 2 is even
  n = Digits("135", 0);
  nf::RoundHalfEven(n, 2);
  EXPECT_EQ(n.digits, "14");
  n = Digits("1251", 0);
  nf::RoundHalfEven(n, 2);
  EXPECT_EQ(n.digits, "13");  // above the tie
  n = Digits("999", 1);
  nf::RoundHalfEven(n, 2);
  EXPECT_EQ(n.digits, "1");
  EXPECT_EQ(n.scale, 2);
  n = Digits("5", 0);
  nf::RoundHalfEven(n, 0);  // 0.5 -> 0 (even)
  EXPECT_TRUE(n.IsZero());
  n = Digits("51", 0);
  nf::RoundHalfEven(n, 0);  // 0.51 -> 1
  EXPECT_EQ(n.digits, "1");
  EXPECT_EQ(n.scale, 1);
  n = Digits("9", -3);
  n.negative = true;
  nf::RoundHalfEven(n, -1);
  EXPECT_TRUE(n.IsZero());
  EXPECT_TRUE(n.negative);  // a float keeps its sign at zero
  EXPECT_EQ(n.scale, 0);
}

TEST(NumberDigits, RoundHalfUp) {
  nf::DigitString n = Digits("125", 0, nf::NumberKind::kDecimal);
  nf::RoundHalfUp(n, 2);
  EXPECT_EQ(n.digits, "13");
  n = Digits("1249", 0, nf::NumberKind::kInteger);
  nf::RoundHalfUp(n, 2);
  EXPECT_EQ(n.digits, "12");
  n = Digits("5", 0, nf::NumberKind::kInteger);
  nf::RoundHalfUp(n, 0);
  EXPECT_EQ(n.digits, "1");
  EXPECT_EQ(n.scale, 1);
  n = Digits("4", 0, nf::NumberKind::kDecimal);
  n.negative = true;
  nf::RoundHalfUp(n, 0);
  EXPECT_TRUE(n.IsZero());
  EXPECT_FALSE(n.negative);  // integers and decimals drop the sign of zero
  n = Digits("123", 0, nf::NumberKind::kInteger);
  nf::RoundHalfUp(n, 5);  // nothing to round
  EXPECT_EQ(n.digits, "123");
}

TEST(NumberFormat, NonFiniteDoublesPrintTheCultureSymbols) {
  auto culture = nf::FindNumberCulture("en-US");
  ASSERT_TRUE(culture.has_value());
  const nf::NumberCulture& c = *culture.value();
  EXPECT_EQ(nf::FormatNumber(nf::FormatInput::Float(NAN), "N2", c, 1000).value(), "NaN");
  EXPECT_EQ(nf::FormatNumber(nf::FormatInput::Float(INFINITY), "0.00", c, 1000).value(),
            "\xE2\x88\x9E");
  EXPECT_EQ(nf::FormatNumber(nf::FormatInput::Float(-INFINITY), "C", c, 1000).value(),
            "-\xE2\x88\x9E");
  auto invariant = nf::FindNumberCulture("");
  ASSERT_TRUE(invariant.has_value());
  EXPECT_EQ(nf::FormatNumber(nf::FormatInput::Float(INFINITY), "G", *invariant.value(), 1000)
                .value(),
            "Infinity");
}

TEST(NumberFormat, LimitsAndOddFormats) {
  const nf::NumberCulture& c = *nf::FindNumberCulture("en-US").value();
  auto big = nf::FormatNumber(nf::FormatInput::Integer(1), "D2000", c, 1000);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, errc::kLimit);
  EXPECT_EQ(nf::FormatNumber(nf::FormatInput::Integer(1), "D999", c, 1000).value().size(), 999u);
  // G's precision only rounds, so it is not held against the limit.
  EXPECT_EQ(nf::FormatNumber(nf::FormatInput::Float(0.5), "G999999999", c, 1000).value(), "0.5");
  // .NET stops reading a format at NUL.
  EXPECT_EQ(nf::FormatNumber(nf::FormatInput::Integer(5), std::string_view("00\0xyz", 6), c, 100)
                .value(),
            "05");
  std::string huge(70000, '0');
  auto long_format = nf::FormatNumber(nf::FormatInput::Integer(5), huge, c, 1000000);
  ASSERT_FALSE(long_format.has_value());
  EXPECT_EQ(long_format.error().code, errc::kValue);
  // Many '%' scale the number up; the output stays proportional to the format.
  std::string percents(1000, '%');
  auto scaled = nf::FormatNumber(nf::FormatInput::Integer(1), "0" + percents, c, 1000000);
  ASSERT_TRUE(scaled.has_value());
  EXPECT_EQ(scaled.value().size(), 2001u + 1000u);
  // Malformed UTF-8 in a format does not break anything.
  EXPECT_TRUE(nf::FormatNumber(nf::FormatInput::Integer(5), "0\xFF\xC3", c, 100).has_value());
}

TEST(NumberCulture, IcuDataAsDotNetMapsIt) {
  const nf::NumberCulture& is = *nf::FindNumberCulture("is-IS").value();
  EXPECT_EQ(is.currency_symbol, "kr");
  EXPECT_EQ(is.currency_positive_pattern, 3);  // "n $"
  EXPECT_EQ(is.currency_decimal_digits, 0);
  const nf::NumberCulture& de = *nf::FindNumberCulture("de-DE").value();
  EXPECT_EQ(de.decimal_separator, ",");
  EXPECT_EQ(de.group_separator, ".");
  EXPECT_EQ(de.percent_positive_pattern, 0);  // "n %"
  const nf::NumberCulture& us = *nf::FindNumberCulture("en-us").value();
  EXPECT_EQ(us.number_decimal_digits, 2);
  EXPECT_EQ(us.currency_negative_pattern, 1);  // "-$n"
  EXPECT_EQ(us.percent_positive_pattern, 1);   // "n%"
  const nf::NumberCulture& in = *nf::FindNumberCulture("hi-IN").value();
  EXPECT_EQ(in.group_sizes, (std::vector<int>{3, 2}));
  EXPECT_FALSE(nf::FindNumberCulture("qq-QQ").has_value());
  EXPECT_FALSE(nf::FindNumberCulture("en-US-").has_value());
  EXPECT_FALSE(nf::FindNumberCulture(std::string(100, 'a')).has_value());
}

}  // namespace
}  // namespace runnel::expr

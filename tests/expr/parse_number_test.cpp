// number::ParseNumber and its conversions: .NET's parsing rules where case files can't reach
// (digit limits, rounding ties, exponent clamping, culture symbols, trailing NULs).
#include "expr/number/parse_number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace runnel::expr::number {
namespace {

using namespace std::string_view_literals;

std::optional<ParsedNumber> Float(std::string_view s) {
  return ParseNumber(s, kStyleFloat, InvariantCulture());
}

std::optional<ParsedNumber> Integer(std::string_view s) {
  return ParseNumber(s, kStyleInteger, InvariantCulture());
}

TEST(ParseNumber, SplitsIntoDigitsAndExponent) {
  auto n = Float("  -0012.3400 ");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->negative);
  EXPECT_EQ(n->digits, "1234");
  EXPECT_EQ(n->exponent, 2);  // 0.1234e2
  n = Float("0.005");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->digits, "5");
  EXPECT_EQ(n->exponent, -2);
  n = Float("0000");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->digits, "");
  EXPECT_EQ(n->exponent, 0);
}

TEST(ParseNumber, AcceptsWhatDotNetAccepts) {
  for (std::string_view s : {"12,3,4,5678", "1234567,8+", "12345678.-", " 5 - ", "5 ", "-.5", "5.",
                             "1e+3", "1E-3", "+1", "1,,,2"}) {
    EXPECT_TRUE(Float(s)) << s;
  }
  // .NET ignores trailing NUL characters.
  EXPECT_TRUE(Float("5\0\0"sv));
}

TEST(ParseNumber, RejectsWhatDotNetRejects) {
  for (std::string_view s :
       {""sv, " "sv, "-"sv, "."sv, ",5"sv, "- 5"sv, "5 5"sv, "--5"sv, "+-5"sv, "-5-"sv, "5e"sv,
        "1.2.3"sv, "1.5,0"sv, "0x10"sv, "(5)"sv, "1e5.5"sv, "5\0x"sv}) {
    EXPECT_FALSE(Float(s)) << s;
  }
  for (std::string_view s : {"1.5", "1,5", "1e3", "5-"}) EXPECT_FALSE(Integer(s)) << s;
}

TEST(ParseNumber, UsesTheCulturesSymbols) {
  numfmt::NumberCulture german;
  german.decimal_separator = ",";
  german.group_separator = ".";
  auto n = ParseNumber("1.234,5", kStyleFloat, german);
  ASSERT_TRUE(n);
  EXPECT_EQ(ToDouble(*n), 1234.5);
  numfmt::NumberCulture french;
  french.decimal_separator = ",";
  french.group_separator = "\xE2\x80\xAF";  // narrow no-break space
  n = ParseNumber(
      "1\xE2\x80\xAF"
      "234,5",
      kStyleFloat, french);
  ASSERT_TRUE(n);
  EXPECT_EQ(ToDouble(*n), 1234.5);
  n = ParseNumber("1 234,5", kStyleFloat, french);  // a plain space matches it too
  ASSERT_TRUE(n);
  EXPECT_EQ(ToDouble(*n), 1234.5);
  numfmt::NumberCulture swedish;
  swedish.negative_sign = "\xE2\x88\x92";  // U+2212 MINUS SIGN; '-' is accepted as well
  n = ParseNumber(
      "\xE2\x88\x92"
      "2",
      kStyleFloat, swedish);
  ASSERT_TRUE(n);
  EXPECT_EQ(ToDouble(*n), -2);
  n = ParseNumber("-2", kStyleFloat, swedish);
  ASSERT_TRUE(n);
  EXPECT_EQ(ToDouble(*n), -2);
}

TEST(ToDouble, RoundsCorrectly) {
  EXPECT_EQ(ToDouble(*Float("0.1")), 0.1);
  EXPECT_EQ(ToDouble(*Float("1.7976931348623157e308")), std::numeric_limits<double>::max());
  EXPECT_TRUE(std::isinf(ToDouble(*Float("1.8e308"))));
  EXPECT_TRUE(std::isinf(ToDouble(*Float("1e2000000000000"))));
  EXPECT_EQ(ToDouble(*Float("1e-2000000000000")), 0.0);
  EXPECT_EQ(ToDouble(*Float("4.9406564584124654e-324")), std::numeric_limits<double>::denorm_min());
  EXPECT_TRUE(std::signbit(ToDouble(*Float("-0"))));
  // 2^53 + 1 is a tie between 2^53 and 2^53 + 2; a non-zero digit past the kept ones breaks it.
  std::string tie = "9007199254740993";
  EXPECT_EQ(ToDouble(*Float(tie)), 9007199254740992.0);
  std::string beyond = tie + "." + std::string(kMaxDigits, '0') + "1";
  auto n = Float(beyond);
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->nonzero_tail);
  EXPECT_EQ(ToDouble(*n), 9007199254740994.0);
}

TEST(ToInt64, ExactAndRounded) {
  EXPECT_EQ(ToInt64Exact(*Integer("9223372036854775807")), INT64_MAX);
  EXPECT_EQ(ToInt64Exact(*Integer("-9223372036854775808")), INT64_MIN);
  EXPECT_FALSE(ToInt64Exact(*Integer("9223372036854775808")));
  EXPECT_FALSE(ToInt64Exact(*Integer("-9223372036854775809")));
  EXPECT_FALSE(ToInt64Exact(*Float("1.5")));
  EXPECT_EQ(ToInt64Exact(*Float("1.5e1")), 15);
  EXPECT_EQ(ToInt64Exact(*Integer("-0")), 0);

  EXPECT_EQ(ToInt64Rounded(*Float("2.5")), 2);
  EXPECT_EQ(ToInt64Rounded(*Float("3.5")), 4);
  EXPECT_EQ(ToInt64Rounded(*Float("2.5000001")), 3);
  EXPECT_EQ(ToInt64Rounded(*Float("-2.5")), -2);
  EXPECT_EQ(ToInt64Rounded(*Float("-2.51")), -3);
  EXPECT_EQ(ToInt64Rounded(*Float("0.5")), 0);
  EXPECT_EQ(ToInt64Rounded(*Float("0.51")), 1);
  EXPECT_EQ(ToInt64Rounded(*Float("0.05")), 0);
  EXPECT_EQ(ToInt64Rounded(*Float("9223372036854775807.4")), INT64_MAX);
  EXPECT_FALSE(ToInt64Rounded(*Float("9223372036854775807.5")));
  EXPECT_EQ(ToInt64Rounded(*Float("-9223372036854775808.5")), INT64_MIN);
  EXPECT_FALSE(ToInt64Rounded(*Float("1e30")));
}

TEST(ToDecimalText, BoundsTheExponent) {
  EXPECT_EQ(ToDecimalText(*Float("-12.5")), "-0.125e2");
  EXPECT_EQ(ToDecimalText(*Float("0")), "0");
  EXPECT_EQ(ToDecimalText(*Float("1e-100")), "0");
  EXPECT_FALSE(ToDecimalText(*Float("1e31")));
  std::string long_digits = "0." + std::string(100, '7');
  auto text = ToDecimalText(*Float(long_digits));
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "0." + std::string(40, '7') + "e0");
}

}  // namespace
}  // namespace runnel::expr::number

// Parsing number text the way .NET's Int64/Double/Decimal.Parse do (System.Number.TryParseNumber),
// for int(), float(), decimal(), isInt() and isFloat().
//
// WDL's conversion functions run on .NET, so their leniency is .NET's: thousands separators are
// accepted anywhere after the first digit and before the decimal point ("12,3,4,5678"), a sign
// may trail the number ("12345678.-"), and a culture decides which characters are the decimal
// and group separators. The function reference lists those "unexpectedly valid" inputs; this
// parser reproduces them by following .NET's state machine, not a grammar of our own.
//
// Parsing only splits text into sign, digits and exponent (ParsedNumber); the To* functions turn
// that into a double, an int64 or decimal text. Nothing here allocates more than the input's
// length, throws, or loops more than once over the input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "expr/number/format_culture.h"

namespace runnel::expr::number {

// System.Globalization.NumberStyles bits this parser implements (same values as .NET).
enum NumberStyle : uint32_t {
  kAllowLeadingWhite = 0x1,
  kAllowTrailingWhite = 0x2,
  kAllowLeadingSign = 0x4,
  kAllowTrailingSign = 0x8,
  kAllowDecimalPoint = 0x20,
  kAllowThousands = 0x40,
  kAllowExponent = 0x80,
};

// NumberStyles.Integer: what Int64.Parse accepts (int(), isInt()).
inline constexpr uint32_t kStyleInteger =
    kAllowLeadingWhite | kAllowTrailingWhite | kAllowLeadingSign;
// NumberStyles.Number | AllowExponent: what float(), isFloat() and decimal() accept. The
// documented "unexpectedly valid" inputs need AllowThousands and AllowTrailingSign; .NET's
// default double style (Float | AllowThousands) would reject '1234567,8+'.
inline constexpr uint32_t kStyleFloat =
    kStyleInteger | kAllowTrailingSign | kAllowDecimalPoint | kAllowThousands | kAllowExponent;

// A parsed number: value = (negative ? -1 : 1) * 0.d1d2d3... * 10^exponent.
struct ParsedNumber {
  bool negative = false;
  std::string digits;         // significant digits, no leading or trailing zeros; empty for zero
  int64_t exponent = 0;       // clamped to +-2e9, far outside every target type's range
  bool nonzero_tail = false;  // non-zero digits were dropped past kMaxDigits
  bool had_decimal_point = false;
};

// Digits kept; .NET keeps 768 for doubles and remembers whether any dropped digit was non-zero,
// which is all correct rounding needs.
inline constexpr size_t kMaxDigits = 800;

// Parses all of `text` with the given NumberStyle bits and the culture's decimal separator,
// group separator and signs. nullopt when .NET would throw FormatException. Besides the
// culture's negative sign an ASCII '-' is always accepted, as .NET does for cultures whose minus
// is U+2212; a culture group separator that is a no-break space also matches a plain space.
std::optional<ParsedNumber> ParseNumber(std::string_view text, uint32_t styles,
                                        const numfmt::NumberCulture& culture);

// The invariant culture (".", ",", "-", "+").
const numfmt::NumberCulture& InvariantCulture();

// The nearest double, ties to even (.NET Core 3.0+ parses correctly rounded); +-infinity when
// the value is beyond double's range, +-0 when below it.
double ToDouble(const ParsedNumber& n);

// The value as an int64 when it is an integer in range (Int64.Parse); nullopt otherwise.
std::optional<int64_t> ToInt64Exact(const ParsedNumber& n);

// The value rounded half to even (Convert.ToInt64(double or decimal)); nullopt outside int64.
std::optional<int64_t> ToInt64Rounded(const ParsedNumber& n);

// Text Decimal::Parse accepts ("-0.12345e3"), at most 40 significant digits. nullopt when the
// magnitude is at least 1e30, certainly outside System.Decimal's range.
std::optional<std::string> ToDecimalText(const ParsedNumber& n);

}  // namespace runnel::expr::number

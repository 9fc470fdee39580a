// .NET numeric formatting: what number.ToString(format, culture) returns for a long, a double
// or a decimal, which is what the WDL formatNumber() function does.
//
// Standard formats: a letter and an optional precision of up to 9 digits — C (currency), D
// (integers only), E (exponent), F (fixed), G (general), N (number, grouped), P (percent), R
// (round-trip), X (hexadecimal, integers only), in either case. Anything else is a custom format
// ('#,##0.00', '0.###', '00000', '#.##%', '0.0E+0', 'pos;neg;zero' sections, quoted and
// backslash-escaped literals). The digits and rounding follow .NET Core 3.0+ (see
// format_digits.h); the culture data comes from format_culture.h.
//
// Errors (never exceptions): InvalidArgumentValue for an unknown standard format letter, a
// precision above 999,999,999 or D/X applied to a non-integer; LimitExceeded when the result
// would exceed max_chars.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "expr/number/format_culture.h"
#include "expr/number/format_digits.h"

namespace runnel::expr::numfmt {

// The number to format, as the type .NET would hold it.
struct FormatInput {
  NumberKind kind = NumberKind::kInteger;
  bool negative = false;   // kInteger: sign
  uint64_t magnitude = 0;  // kInteger: absolute value (above INT64_MAX for big JSON integers)
  double value = 0;        // kFloat
  std::string decimal;     // kDecimal: plain decimal text, as Decimal::ToString writes it

  static FormatInput Integer(int64_t v);
  static FormatInput Unsigned(uint64_t v);
  static FormatInput Float(double v);
  static FormatInput Decimal(std::string text);
};

Result<std::string> FormatNumber(const FormatInput& x, std::string_view format,
                                 const NumberCulture& culture, size_t max_chars);

}  // namespace runnel::expr::numfmt

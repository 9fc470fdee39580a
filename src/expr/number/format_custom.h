// .NET custom numeric format strings, a port of the behaviour of
// System.Number.NumberToStringFormat:
//   0  digit or zero           #  digit if significant      .  decimal separator (first only)
//   ,  group separator between digit placeholders, or (right before the decimal point) divide
//      by 1000 per comma      %  multiply by 100 and print the percent symbol     ‰  by 1000
//   E0 E+0 E-0 e0 e+0 e-0  exponent notation with at least as many exponent digits as zeros
//   'text' "text"  literal      \c  the character c      ;  sections: positive;negative;zero
// Every other character is copied. A value that rounds to zero is formatted with the zero
// section when there is one.
#pragma once

#include <string>
#include <string_view>

#include "expr/number/format_culture.h"
#include "expr/number/format_digits.h"

namespace runnel::expr::numfmt {

// Formats n with the custom format `format` (UTF-32, cut at the first NUL as .NET does). A
// float's digits must already be rounded to 15 significant digits, as .NET's are.
std::string FormatCustom(DigitString n, std::u32string_view format, const NumberCulture& c);

}  // namespace runnel::expr::numfmt

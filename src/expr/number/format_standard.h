// The standard numeric formats of .NET (C, D, E, F, G, N, P, R, X), a port of the behaviour of
// System.Number.NumberToString and the integer fast paths. Used by format_number.cpp, which
// parses the specifier; AppendExponent is shared with the custom formats.
#pragma once

#include <string>

#include "base/result.h"
#include "expr/number/format_culture.h"
#include "expr/number/format_number.h"

namespace runnel::expr::numfmt {

// Formats x with standard format letter `spec` (either case) and `precision` (-1 when none was
// given). Fails with InvalidArgumentValue for an unknown letter or D/X on a non-integer.
// REQUIRES: a float x is finite; precision <= 999,999,999 and small enough for the caller's
// result limit.
Result<std::string> FormatStandard(const FormatInput& x, char spec, int precision,
                                   const NumberCulture& c);

// Appends "E+005"-style exponents: exp_char, the culture's sign (the positive one only when
// positive_sign), then at least min_digits digits.
void AppendExponent(std::string& out, const NumberCulture& c, int value, char exp_char,
                    int min_digits, bool positive_sign);

}  // namespace runnel::expr::numfmt

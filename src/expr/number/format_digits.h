// DigitString: a number as .NET's formatter holds it (System.Number.NumberBuffer) — its decimal
// digits, the position of the decimal point and the sign — and the two ways .NET rounds it.
//
// .NET formats integers and decimals from their exact digits and rounds them half away from
// zero on the first dropped digit. Doubles are different: for standard formats .NET generates
// exactly the digits it needs from the binary value, correctly rounded with ties to even
// (Number.Dragon4), so 0.125 'F2' is "0.12" while 0.135 'F2' (really 0.13500000000000000888)
// is "0.14"; for custom formats it first takes 15 significant digits and then rounds those half
// up, so 0.125 '0.00' is "0.13". ExactDoubleDigits + RoundHalfEven reproduce the first,
// RoundHalfEven(15) + RoundHalfUp the second.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::expr::numfmt {

enum class NumberKind { kInteger, kFloat, kDecimal };

struct DigitString {
  // Significant digits '0'..'9' without leading or trailing zeros; empty for zero.
  std::string digits;
  // Power of ten of the decimal point: value = 0.DIGITS x 10^scale. 0 for zero.
  int scale = 0;
  // A float keeps its sign at zero (.NET Core 3.0+ prints -0.0 and rounded-away negatives as
  // "-0"); integers and decimals drop it.
  bool negative = false;
  NumberKind kind = NumberKind::kInteger;
  // How many digits .NET's buffer holds for an integer or decimal before trailing zeros are
  // dropped ("100" has 3). The 'G0' format of a decimal depends on it.
  int raw_count = 0;

  bool IsZero() const { return digits.empty(); }
};

// The digits of an integer given as sign and magnitude.
DigitString IntegerDigits(bool negative, uint64_t magnitude);

// Every digit of the exact binary value of d (at most 767 significant digits).
// REQUIRES: d is finite.
DigitString ExactDoubleDigits(double d);

// The shortest digits that read back as d (.NET's "R" and default "G").
// REQUIRES: d is finite.
DigitString ShortestDoubleDigits(double d);

// The digits of a decimal in plain notation ("-12.5", as Decimal::ToString writes it), or
// nullopt when text is not such a number.
std::optional<DigitString> DecimalDigits(std::string_view text);

// Keeps the first `keep` digits (keep <= 0 keeps none: the value rounds to 0 or to one unit at
// 10^scale) and rounds by the exact value of the rest, ties to an even last digit.
void RoundHalfEven(DigitString& n, int keep);

// .NET's Number.RoundNumber: keeps the first `keep` digits, rounding up when the first dropped
// digit is 5 or more. keep < 0 gives zero.
void RoundHalfUp(DigitString& n, int keep);

}  // namespace runnel::expr::numfmt

#include "expr/number/format_digits.h"

#include <boost/multiprecision/cpp_int.hpp>
#include <charconv>
#include <cmath>

namespace runnel::expr::numfmt {

namespace mp = boost::multiprecision;

namespace {

// Drops leading and trailing zeros; callers set the scale from the untrimmed digits, in which a
// leading zero never occurs except in DecimalDigits, which accounts for it.
void Trim(DigitString& n) {
  size_t first = n.digits.find_first_not_of('0');
  if (first == std::string::npos) {
    n.digits.clear();
  } else {
    size_t last = n.digits.find_last_not_of('0');
    n.digits = n.digits.substr(first, last - first + 1);
  }
}

// A rounding that left no digits: zero has scale 0, and only a float keeps a sign on it.
void NormalizeZero(DigitString& n) {
  if (!n.IsZero()) return;
  n.scale = 0;
  if (n.kind != NumberKind::kFloat) n.negative = false;
}

// Truncates to `keep` digits and adds one unit in the last kept place.
void TruncateAndIncrement(DigitString& n, int keep) {
  n.digits.resize(static_cast<size_t>(keep));
  int i = keep;
  while (i > 0 && n.digits[static_cast<size_t>(i - 1)] == '9') --i;
  if (i == 0) {
    n.digits = "1";
    ++n.scale;
    return;
  }
  n.digits.resize(static_cast<size_t>(i));
  ++n.digits.back();
}

void Truncate(DigitString& n, int keep) {
  n.digits.resize(static_cast<size_t>(keep));
  while (!n.digits.empty() && n.digits.back() == '0') n.digits.pop_back();
}

}  // namespace

DigitString IntegerDigits(bool negative, uint64_t magnitude) {
  DigitString n;
  n.kind = NumberKind::kInteger;
  if (magnitude == 0) return n;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, magnitude);
  n.digits.assign(buf, r.ptr);
  n.scale = static_cast<int>(n.digits.size());
  n.raw_count = n.scale;
  n.negative = negative;
  Trim(n);
  return n;
}

DigitString ExactDoubleDigits(double d) {
  DigitString n;
  n.kind = NumberKind::kFloat;
  n.negative = std::signbit(d);
  if (d == 0 || !std::isfinite(d)) return n;
  int exp2 = 0;
  double frac = std::frexp(std::fabs(d), &exp2);  // |d| = frac * 2^exp2, frac in [0.5, 1)
  auto mantissa = static_cast<uint64_t>(std::ldexp(frac, 53));
  int e = exp2 - 53;  // |d| = mantissa * 2^e exactly
  mp::cpp_int v = mantissa;
  if (e >= 0) {
    v <<= static_cast<unsigned>(e);
    n.digits = v.str();
    n.scale = static_cast<int>(n.digits.size());
  } else {
    // mantissa / 2^-e = mantissa * 5^-e / 10^-e.
    v *= mp::pow(mp::cpp_int(5), static_cast<unsigned>(-e));
    n.digits = v.str();
    n.scale = static_cast<int>(n.digits.size()) + e;
  }
  Trim(n);
  return n;
}

DigitString ShortestDoubleDigits(double d) {
  DigitString n;
  n.kind = NumberKind::kFloat;
  n.negative = std::signbit(d);
  if (d == 0 || !std::isfinite(d)) return n;
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  const char* p = buf;
  for (; p < r.ptr && *p != 'e'; ++p) {
    if (*p >= '0' && *p <= '9') n.digits += *p;
  }
  int exp10 = 0;
  if (p < r.ptr) {
    ++p;
    if (p < r.ptr && *p == '+') ++p;
    std::from_chars(p, r.ptr, exp10);
  }
  n.scale = exp10 + 1;
  Trim(n);
  return n;
}

std::optional<DigitString> DecimalDigits(std::string_view text) {
  DigitString n;
  n.kind = NumberKind::kDecimal;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) n.negative = text[i++] == '-';
  std::string int_part, frac_part;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') int_part += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') frac_part += text[i++];
  }
  if (i != text.size() || (int_part.empty() && frac_part.empty())) return std::nullopt;
  size_t lead = int_part.find_first_not_of('0');
  int_part = lead == std::string::npos ? "" : int_part.substr(lead);
  n.digits = int_part + frac_part;
  n.scale = static_cast<int>(int_part.size());
  if (int_part.empty()) {
    size_t nz = frac_part.find_first_not_of('0');
    if (nz != std::string::npos) n.scale = -static_cast<int>(nz);
  }
  Trim(n);
  n.raw_count = std::max(static_cast<int>(n.digits.size()), n.scale);
  NormalizeZero(n);
  return n;
}

void RoundHalfEven(DigitString& n, int keep) {
  int size = static_cast<int>(n.digits.size());
  if (keep >= size) return;
  if (keep < 0) {
    n.digits.clear();
  } else {
    // Digits are trimmed, so "5" as the only dropped digit is an exact tie.
    char first = n.digits[static_cast<size_t>(keep)];
    bool more = keep + 1 < size;
    bool up = first > '5' || (first == '5' && more);
    if (first == '5' && !more) {
      up = keep > 0 && (n.digits[static_cast<size_t>(keep - 1)] - '0') % 2 == 1;
    }
    if (up) {
      TruncateAndIncrement(n, keep);
    } else {
      Truncate(n, keep);
    }
  }
  NormalizeZero(n);
}

void RoundHalfUp(DigitString& n, int keep) {
  int size = static_cast<int>(n.digits.size());
  if (keep >= size) return;
  if (keep < 0) {
    n.digits.clear();
  } else if (n.digits[static_cast<size_t>(keep)] >= '5') {
    TruncateAndIncrement(n, keep);
  } else {
    Truncate(n, keep);
  }
  NormalizeZero(n);
}

}  // namespace runnel::expr::numfmt

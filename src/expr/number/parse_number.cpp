#include "expr/number/parse_number.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace runnel::expr::number {

namespace {

constexpr int64_t kExponentClamp = 2000000000;

// .NET's Number.IsWhite: space and \t \n \v \f \r.
bool IsWhite(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Scanner {
 public:
  Scanner(std::string_view text, const numfmt::NumberCulture& culture)
      : text_(text), culture_(culture) {}

  char ch() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_end() const { return pos_ >= text_.size(); }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  void Advance(size_t n = 1) { pos_ += n; }

  // Length of `pattern` matched at the current position, or 0. A pattern that is one no-break
  // space (U+00A0, U+202F: French and other group separators) also matches an ASCII space, as
  // .NET's MatchChars allows.
  size_t Match(std::string_view pattern) const {
    if (pattern.empty()) return 0;
    std::string_view rest = text_.substr(pos_ < text_.size() ? pos_ : text_.size());
    if (rest.substr(0, pattern.size()) == pattern) return pattern.size();
    if ((pattern == "\xC2\xA0" || pattern == "\xE2\x80\xAF") && ch() == ' ') return 1;
    return 0;
  }

  size_t MatchNegative() const {
    if (size_t n = Match(culture_.negative_sign)) return n;
    return ch() == '-' ? 1 : 0;
  }

  // Consumes a sign if one is here; sets *negative for a minus.
  bool TakeSign(bool* negative) {
    if (size_t n = Match(culture_.positive_sign)) {
      Advance(n);
      return true;
    }
    if (size_t n = MatchNegative()) {
      *negative = true;
      Advance(n);
      return true;
    }
    return false;
  }

 private:
  std::string_view text_;
  const numfmt::NumberCulture& culture_;
  size_t pos_ = 0;
};

}  // namespace

const numfmt::NumberCulture& InvariantCulture() {
  static const numfmt::NumberCulture kInvariant;
  return kInvariant;
}

std::optional<ParsedNumber> ParseNumber(std::string_view text, uint32_t styles,
                                        const numfmt::NumberCulture& culture) {
  Scanner s(text, culture);
  ParsedNumber out;
  bool has_sign = false;

  // Leading white space and sign; white space may not follow the sign ("- 5" is invalid).
  while (!s.at_end()) {
    if (IsWhite(s.ch()) && (styles & kAllowLeadingWhite) && !has_sign) {
      s.Advance();
    } else if ((styles & kAllowLeadingSign) && !has_sign && s.TakeSign(&out.negative)) {
      has_sign = true;
    } else {
      break;
    }
  }

  // Digits, at most one decimal separator, and group separators once a digit has been seen and
  // until the decimal separator. `scale` counts the digits before the decimal point.
  bool any_digit = false, nonzero = false;
  int64_t scale = 0;
  while (!s.at_end()) {
    char c = s.ch();
    if (IsDigit(c)) {
      any_digit = true;
      if (c != '0' || nonzero) {
        if (out.digits.size() < kMaxDigits) {
          out.digits += c;
        } else if (c != '0') {
          out.nonzero_tail = true;
        }
        if (!out.had_decimal_point) ++scale;
        nonzero = true;
      } else if (out.had_decimal_point) {
        --scale;
      }
      s.Advance();
      continue;
    }
    if ((styles & kAllowDecimalPoint) && !out.had_decimal_point) {
      if (size_t n = s.Match(culture.decimal_separator)) {
        out.had_decimal_point = true;
        s.Advance(n);
        continue;
      }
    }
    if ((styles & kAllowThousands) && any_digit && !out.had_decimal_point) {
      if (size_t n = s.Match(culture.group_separator)) {
        s.Advance(n);
        continue;
      }
    }
    break;
  }
  if (!any_digit) return std::nullopt;

  // Exponent: 'e' not followed by digits is left for the trailing checks (which then fail).
  if ((styles & kAllowExponent) && (s.ch() == 'e' || s.ch() == 'E')) {
    size_t save = s.pos();
    s.Advance();
    bool negative_exponent = false;
    s.TakeSign(&negative_exponent);
    if (IsDigit(s.ch())) {
      int64_t e = 0;
      while (IsDigit(s.ch())) {
        if (e < kExponentClamp) e = e * 10 + (s.ch() - '0');
        s.Advance();
      }
      scale += negative_exponent ? -e : e;
    } else {
      s.set_pos(save);
    }
  }

  // Trailing white space and sign, in any order, the sign only if none led.
  while (!s.at_end()) {
    if (IsWhite(s.ch()) && (styles & kAllowTrailingWhite)) {
      s.Advance();
    } else if ((styles & kAllowTrailingSign) && !has_sign && s.TakeSign(&out.negative)) {
      has_sign = true;
    } else {
      break;
    }
  }
  // .NET ignores trailing NUL characters.
  while (!s.at_end() && s.ch() == '\0') s.Advance();
  if (!s.at_end()) return std::nullopt;

  while (!out.digits.empty() && out.digits.back() == '0') out.digits.pop_back();
  if (scale > kExponentClamp) scale = kExponentClamp;
  if (scale < -kExponentClamp) scale = -kExponentClamp;
  out.exponent = out.digits.empty() ? 0 : scale;
  return out;
}

double ToDouble(const ParsedNumber& n) {
  double sign = n.negative ? -1.0 : 1.0;
  if (n.digits.empty()) return sign * 0.0;
  // 0.d1d2... x 10^e: beyond these bounds no double is near.
  if (n.exponent > 400) return sign * std::numeric_limits<double>::infinity();
  if (n.exponent < -400) return sign * 0.0;
  std::string text = "0." + n.digits;
  if (n.nonzero_tail) text += '1';  // keeps a tie from rounding down to even
  text += 'e';
  text += std::to_string(n.exponent);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return n.exponent > 0 ? sign * std::numeric_limits<double>::infinity() : sign * 0.0;
  }
  if (ec != std::errc()) return sign * 0.0;
  return sign * value;
}

namespace {

// Integer part of |n| as uint64 if it fits in int64's magnitude for the sign; the remaining
// (fraction) digits start at digits[int_len] (with -exponent implied zeros when exponent < 0).
std::optional<uint64_t> IntegerPart(const ParsedNumber& n) {
  if (n.exponent > 19) return std::nullopt;
  uint64_t limit = n.negative ? 9223372036854775808ull : 9223372036854775807ull;
  uint64_t v = 0;
  for (int64_t i = 0; i < n.exponent; ++i) {
    unsigned d = i < static_cast<int64_t>(n.digits.size()) ? n.digits[i] - '0' : 0;
    if (v > (limit - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::optional<int64_t> Signed(uint64_t magnitude, bool negative) {
  if (negative) {
    if (magnitude == 9223372036854775808ull) return std::numeric_limits<int64_t>::min();
    return -static_cast<int64_t>(magnitude);
  }
  if (magnitude > 9223372036854775807ull) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

}  // namespace

std::optional<int64_t> ToInt64Exact(const ParsedNumber& n) {
  if (n.digits.empty()) return 0;
  if (n.nonzero_tail || n.exponent < static_cast<int64_t>(n.digits.size())) return std::nullopt;
  auto magnitude = IntegerPart(n);
  if (!magnitude) return std::nullopt;
  return Signed(*magnitude, n.negative);
}

std::optional<int64_t> ToInt64Rounded(const ParsedNumber& n) {
  if (n.digits.empty() || n.exponent < 0) return 0;  // |value| < 0.1
  auto magnitude = IntegerPart(n);
  if (!magnitude) return std::nullopt;
  size_t first_fraction = static_cast<size_t>(n.exponent);
  bool round_up = false;
  if (first_fraction < n.digits.size()) {
    char d = n.digits[first_fraction];
    // digits has no trailing zeros, so anything after a '5' is non-zero.
    bool more = first_fraction + 1 < n.digits.size() || n.nonzero_tail;
    round_up = d > '5' || (d == '5' && (more || (*magnitude & 1)));
  }
  if (round_up) {
    uint64_t limit = n.negative ? 9223372036854775808ull : 9223372036854775807ull;
    if (*magnitude == limit) return std::nullopt;
    ++*magnitude;
  }
  return Signed(*magnitude, n.negative);
}

std::optional<std::string> ToDecimalText(const ParsedNumber& n) {
  if (n.digits.empty()) return std::string("0");
  if (n.exponent > 30) return std::nullopt;
  // Far below System.Decimal's smallest step (1e-28): zero, as .NET rounds it.
  if (n.exponent < -60) return std::string("0");
  std::string out = n.negative ? "-0." : "0.";
  out.append(n.digits, 0, std::min<size_t>(n.digits.size(), 40));
  out += 'e';
  out += std::to_string(n.exponent);
  return out;
}

}  // namespace runnel::expr::number

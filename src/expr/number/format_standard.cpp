#include "expr/number/format_standard.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <vector>

#include "expr/errors.h"

namespace runnel::expr::numfmt {

namespace {

// .NET's pattern tables (Number.Formatting): '#' is the number, '$' the currency symbol, '%' the
// percent symbol, '-' the negative sign; other characters are copied.
constexpr const char* kPositiveCurrency[] = {"$#", "#$", "$ #", "# $"};
constexpr const char* kNegativeCurrency[] = {
    "($#)", "-$#", "$-#", "$#-", "(#$)", "-#$", "#-$", "#$-", "-# $",
    "-$ #", "# $-", "$ #-", "$ -#", "#- $", "($ #)", "(# $)", "$- #"};
constexpr const char* kPositivePercent[] = {"# %", "#%", "%#", "% #"};
constexpr const char* kNegativePercent[] = {"-# %", "-#%", "-%#", "%-#", "%#-", "#-%",
                                            "#%-", "-% #", "# %-", "% #-", "% -#", "#- %"};
constexpr const char* kNegativeNumber[] = {"(#)", "-#", "- #", "#-", "# -"};

// .NET prints default 'G' and 'R' doubles with at least this many digits before switching to
// exponent notation (Number.DoublePrecision).
constexpr int kDoublePrecision = 15;
constexpr int kDefaultExponentPrecision = 6;

template <size_t N>
const char* Pick(const char* const (&table)[N], int index) {
  return table[index >= 0 && static_cast<size_t>(index) < N ? index : 0];
}

// Digits of n read left to right, '0' once they run out.
class DigitReader {
 public:
  explicit DigitReader(const DigitString& n) : digits_(n.digits) {}
  char Next() { return pos_ < digits_.size() ? digits_[pos_++] : '0'; }
  bool HasMore() const { return pos_ < digits_.size(); }

 private:
  const std::string& digits_;
  size_t pos_ = 0;
};

// Rounds as NumberToString does at this point: a float's digits are exact, so rounding them
// correctly (ties to even) gives the digits .NET's Dragon4 would have produced; integers and
// decimals round half up on the first dropped digit.
void Round(DigitString& n, int keep) {
  if (n.kind == NumberKind::kFloat) {
    RoundHalfEven(n, keep);
  } else {
    RoundHalfUp(n, keep);
  }
}

// Number.FormatFixed: the integer digits (grouped when `groups` is given), then `decimals`
// fraction digits.
void AppendFixed(std::string& out, const DigitString& n, int decimals,
                 const std::vector<int>* groups, const std::string& decimal_sep,
                 const std::string& group_sep) {
  DigitReader reader(n);
  int int_digits = n.scale;
  if (int_digits > 0) {
    std::string digits;
    digits.reserve(static_cast<size_t>(int_digits));
    for (int i = 0; i < int_digits; ++i) digits += reader.Next();
    std::vector<bool> sep_before(digits.size(), false);
    if (groups && !groups->empty()) {
      size_t size_index = 0;
      int group = (*groups)[0];
      int count = 0;
      for (int i = int_digits - 1; i >= 0 && group > 0; --i) {
        if (++count == group && i != 0) {
          sep_before[static_cast<size_t>(i)] = true;
          if (size_index + 1 < groups->size()) group = (*groups)[++size_index];
          count = 0;
        }
      }
    }
    for (size_t i = 0; i < digits.size(); ++i) {
      if (sep_before[i]) out += group_sep;
      out += digits[i];
    }
  } else {
    out += '0';
  }
  if (decimals > 0) {
    out += decimal_sep;
    if (int_digits < 0) {
      int zeros = std::min(-int_digits, decimals);
      out.append(static_cast<size_t>(zeros), '0');
      decimals -= zeros;
    }
    for (; decimals > 0; --decimals) out += reader.Next();
  }
}

// Number.FormatScientific: d.ddd then E+ddd; `digits` counts all mantissa digits.
void AppendScientific(std::string& out, const DigitString& n, int digits, const NumberCulture& c,
                      char exp_char) {
  DigitReader reader(n);
  out += reader.Next();
  if (digits != 1) out += c.decimal_separator;
  while (--digits > 0) out += reader.Next();
  AppendExponent(out, c, n.IsZero() ? 0 : n.scale - 1, exp_char, 3, true);
}

// Number.FormatGeneral: plain digits, or d.dddE+dd when the exponent is above max_digits or
// below -4 (unless suppressed, as for decimals printed in full).
void AppendGeneral(std::string& out, const DigitString& n, int max_digits, const NumberCulture& c,
                   char exp_char, bool suppress_scientific) {
  int dig_pos = n.scale;
  bool scientific = false;
  if (!suppress_scientific && (dig_pos > max_digits || dig_pos < -3)) {
    dig_pos = 1;
    scientific = true;
  }
  DigitReader reader(n);
  if (dig_pos > 0) {
    for (; dig_pos > 0; --dig_pos) out += reader.Next();
  } else {
    out += '0';
  }
  if (reader.HasMore() || dig_pos < 0) {
    out += c.decimal_separator;
    for (; dig_pos < 0; ++dig_pos) out += '0';
    while (reader.HasMore()) out += reader.Next();
  }
  if (scientific) AppendExponent(out, c, n.scale - 1, exp_char, 2, true);
}

template <class AppendNumber>
void AppendPattern(std::string& out, const char* pattern, const NumberCulture& c,
                   const std::string& symbol, AppendNumber&& number) {
  for (const char* p = pattern; *p; ++p) {
    switch (*p) {
      case '#': number(); break;
      case '-': out += c.negative_sign; break;
      case '$':
      case '%': out += symbol; break;
      default: out += *p; break;
    }
  }
}

std::string PlainInteger(const FormatInput& x, int min_digits, const NumberCulture& c) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, x.magnitude);
  std::string digits(buf, r.ptr);
  std::string out = x.negative ? c.negative_sign : "";
  if (static_cast<int>(digits.size()) < min_digits) {
    out.append(static_cast<size_t>(min_digits) - digits.size(), '0');
  }
  return out + digits;
}

// Int64 'X' prints the two's complement of negative values; a value above Int64.MaxValue is a
// BigInteger in .NET, whose hex form starts with a 0 so it does not read as negative.
std::string Hex(const FormatInput& x, int min_digits, bool upper) {
  uint64_t bits = x.negative ? ~x.magnitude + 1 : x.magnitude;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, bits, 16);
  std::string digits(buf, r.ptr);
  if (!x.negative && x.magnitude > static_cast<uint64_t>(INT64_MAX)) digits.insert(0, "0");
  if (upper) {
    for (char& ch : digits) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  std::string out;
  if (static_cast<int>(digits.size()) < min_digits) {
    out.append(static_cast<size_t>(min_digits) - digits.size(), '0');
  }
  return out + digits;
}

const char* KindName(NumberKind k) {
  switch (k) {
    case NumberKind::kFloat: return "a float";
    case NumberKind::kDecimal: return "a decimal";
    case NumberKind::kInteger: break;
  }
  return "an integer";
}

}  // namespace

void AppendExponent(std::string& out, const NumberCulture& c, int value, char exp_char,
                    int min_digits, bool positive_sign) {
  out += exp_char;
  if (value < 0) {
    out += c.negative_sign;
  } else if (positive_sign) {
    out += c.positive_sign;
  }
  std::string digits = std::to_string(std::abs(value));
  if (static_cast<int>(digits.size()) < min_digits) {
    out.append(static_cast<size_t>(min_digits) - digits.size(), '0');
  }
  out += digits;
}

Result<std::string> FormatStandard(const FormatInput& x, char spec, int precision,
                                   const NumberCulture& c) {
  char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(spec)));
  if (upper == 'D' || upper == 'X') {
    if (x.kind != NumberKind::kInteger) {
      return Error(errc::kValue, std::string("the '") + spec +
                                     "' format applies only to integers, and the number is " +
                                     KindName(x.kind) + "; convert it with int() first" +
                                     (upper == 'D' ? ", or use 'F0' or 'N0'" : ""));
    }
    return upper == 'D' ? PlainInteger(x, precision, c) : Hex(x, precision, spec == 'X');
  }
  if (std::string_view("CEFGNPR").find(upper) == std::string_view::npos) {
    return Error(errc::kValue, std::string("'") + spec +
                                   "' is not a standard number format; use C, D, E, F, G, N, P, "
                                   "R or X with an optional precision (e.g. 'N2'), or a custom "
                                   "format such as '#,##0.00'");
  }
  if (x.kind == NumberKind::kInteger && upper == 'G' && precision < 1) {
    return PlainInteger(x, 0, c);
  }

  // General formats of a double without precision print the shortest round-trip digits; every
  // other format of a double starts from its exact digits.
  bool general = upper == 'G' || upper == 'R';
  bool shortest = x.kind == NumberKind::kFloat && general && (upper == 'R' || precision < 1);
  DigitString n;
  switch (x.kind) {
    case NumberKind::kInteger:
      n = IntegerDigits(x.negative, x.magnitude);
      break;
    case NumberKind::kFloat:
      n = shortest ? ShortestDoubleDigits(x.value) : ExactDoubleDigits(x.value);
      break;
    case NumberKind::kDecimal: {
      auto d = DecimalDigits(x.decimal);
      if (!d) return Error(errc::kValue, "the decimal '" + x.decimal + "' cannot be formatted");
      n = std::move(*d);
      break;
    }
  }

  std::string out;
  switch (upper) {
    case 'C': {
      int decimals = precision < 0 ? c.currency_decimal_digits : precision;
      Round(n, n.scale + decimals);
      const char* pattern = n.negative ? Pick(kNegativeCurrency, c.currency_negative_pattern)
                                       : Pick(kPositiveCurrency, c.currency_positive_pattern);
      AppendPattern(out, pattern, c, c.currency_symbol, [&] {
        AppendFixed(out, n, decimals, &c.currency_group_sizes, c.currency_decimal_separator,
                    c.currency_group_separator);
      });
      return out;
    }
    case 'F': {
      int decimals = precision < 0 ? c.number_decimal_digits : precision;
      Round(n, n.scale + decimals);
      if (n.negative) out += c.negative_sign;
      AppendFixed(out, n, decimals, nullptr, c.decimal_separator, "");
      return out;
    }
    case 'N': {
      int decimals = precision < 0 ? c.number_decimal_digits : precision;
      Round(n, n.scale + decimals);
      const char* pattern = n.negative ? Pick(kNegativeNumber, c.number_negative_pattern) : "#";
      AppendPattern(out, pattern, c, "", [&] {
        AppendFixed(out, n, decimals, &c.group_sizes, c.decimal_separator, c.group_separator);
      });
      return out;
    }
    case 'P': {
      int decimals = precision < 0 ? c.number_decimal_digits : precision;
      if (!n.IsZero()) n.scale += 2;
      Round(n, n.scale + decimals);
      const char* pattern = n.negative ? Pick(kNegativePercent, c.percent_negative_pattern)
                                       : Pick(kPositivePercent, c.percent_positive_pattern);
      AppendPattern(out, pattern, c, c.percent_symbol, [&] {
        AppendFixed(out, n, decimals, &c.group_sizes, c.decimal_separator, c.group_separator);
      });
      return out;
    }
    case 'E': {
      int digits = (precision < 0 ? kDefaultExponentPrecision : precision) + 1;
      Round(n, digits);
      if (n.negative) out += c.negative_sign;
      AppendScientific(out, n, digits, c, spec);
      return out;
    }
    default: break;  // G and R
  }

  char exp_char = (spec == 'g' || spec == 'r') ? 'e' : 'E';
  int max_digits = precision;
  if (shortest) {
    max_digits = std::max(static_cast<int>(n.digits.size()), kDoublePrecision);
  } else if (x.kind == NumberKind::kDecimal && precision < 0) {
    // A decimal prints all its digits and never switches to exponent notation; zero unsigned.
    if (n.negative && !n.IsZero()) out += c.negative_sign;
    AppendGeneral(out, n, 0, c, exp_char, true);
    return out;
  } else if (max_digits < 1) {
    max_digits = n.raw_count;  // an integer's 'R', a decimal's 'G0': all of its digits
  }
  Round(n, max_digits);
  if (n.negative) out += c.negative_sign;
  AppendGeneral(out, n, max_digits, c, exp_char, false);
  return out;
}

}  // namespace runnel::expr::numfmt

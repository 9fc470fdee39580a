#include "expr/number/format_number.h"

#include <cmath>

#include "expr/errors.h"
#include "expr/number/format_custom.h"
#include "expr/number/format_standard.h"

namespace runnel::expr::numfmt {

namespace {

// .NET formats a double for a custom format from its first 15 significant digits
// (Number.DoublePrecisionCustomFormat), then rounds those as the format asks.
constexpr int kDoubleCustomDigits = 15;
// .NET rejects precisions of more than 9 digits.
constexpr int kMaxPrecision = 999999999;
// Formats longer than this (in UTF-8 bytes) are refused, which bounds a custom format's output
// (each format character adds at most a few characters, or three digits of scale) without
// limiting real use.
constexpr size_t kMaxFormatChars = 65536;

struct Specifier {
  bool standard = false;
  char letter = 'G';
  int precision = -1;
};

// Number.ParseFormatSpecifier: "" is 'G'; an ASCII letter followed only by digits is a standard
// format; anything else is custom.
Result<Specifier> ParseSpecifier(std::string_view format) {
  Specifier spec;
  if (format.empty()) {
    spec.standard = true;
    return spec;
  }
  char c = format[0];
  if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return spec;
  int64_t n = 0;
  size_t i = 1;
  for (; i < format.size() && format[i] >= '0' && format[i] <= '9'; ++i) {
    n = n * 10 + (format[i] - '0');
    if (n > kMaxPrecision) {
      std::string shown(format.substr(0, 16));
      if (format.size() > 16) shown += "...";
      return Error(errc::kValue,
                   "the precision in the format '" + shown + "' is more than 999,999,999");
    }
  }
  if (i < format.size()) return spec;
  spec.standard = true;
  spec.letter = c;
  spec.precision = format.size() == 1 ? -1 : static_cast<int>(n);
  return spec;
}

// Lenient UTF-8 decoding: a malformed sequence becomes U+FFFD.
std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len > 0 && i + static_cast<size_t>(len) <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      auto cont = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      ok = (cont & 0xC0) == 0x80;
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (!ok) {
      out += U'\uFFFD';
      ++i;
      continue;
    }
    out += cp;
    i += static_cast<size_t>(len);
  }
  return out;
}

// The digits a custom format starts from.
Result<DigitString> CustomDigits(const FormatInput& x) {
  switch (x.kind) {
    case NumberKind::kInteger:
      return IntegerDigits(x.negative, x.magnitude);
    case NumberKind::kFloat: {
      DigitString n = ExactDoubleDigits(x.value);
      RoundHalfEven(n, kDoubleCustomDigits);
      return n;
    }
    case NumberKind::kDecimal: {
      auto d = DecimalDigits(x.decimal);
      if (!d) return Error(errc::kValue, "the decimal '" + x.decimal + "' cannot be formatted");
      return std::move(*d);
    }
  }
  return DigitString();
}

}  // namespace

FormatInput FormatInput::Integer(int64_t v) {
  FormatInput x;
  x.kind = NumberKind::kInteger;
  x.negative = v < 0;
  x.magnitude = v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
  return x;
}

FormatInput FormatInput::Unsigned(uint64_t v) {
  FormatInput x;
  x.kind = NumberKind::kInteger;
  x.magnitude = v;
  return x;
}

FormatInput FormatInput::Float(double v) {
  FormatInput x;
  x.kind = NumberKind::kFloat;
  x.value = v;
  return x;
}

FormatInput FormatInput::Decimal(std::string text) {
  FormatInput x;
  x.kind = NumberKind::kDecimal;
  x.decimal = std::move(text);
  return x;
}

Result<std::string> FormatNumber(const FormatInput& x, std::string_view format,
                                 const NumberCulture& culture, size_t max_chars) {
  // .NET stops reading a format at a NUL character.
  format = format.substr(0, format.find('\0'));
  if (format.size() > kMaxFormatChars) {
    return Error(errc::kValue, "the format is " + std::to_string(format.size()) +
                                   " bytes long; formats are limited to " +
                                   std::to_string(kMaxFormatChars) + " bytes");
  }
  // Whatever the format, a double that is not finite prints the culture's symbol.
  if (x.kind == NumberKind::kFloat && !std::isfinite(x.value)) {
    if (std::isnan(x.value)) return culture.nan_symbol;
    return x.value > 0 ? culture.positive_infinity : culture.negative_infinity;
  }
  RUNNEL_TRY(spec, ParseSpecifier(format));
  if (!spec.standard) {
    RUNNEL_TRY(digits, CustomDigits(x));
    return FormatCustom(std::move(digits), DecodeUtf8(format), culture);
  }
  // The precision of these formats is the number of digits printed (G and R only round).
  char upper = static_cast<char>(spec.letter & ~0x20);
  bool sized = upper != 'G' && upper != 'R';
  if (sized && static_cast<size_t>(spec.precision) > max_chars && spec.precision > 0) {
    return Error(errc::kLimit, "the format '" + std::string(format) + "' asks for " +
                                   std::to_string(spec.precision) +
                                   " digits; results are limited to " + std::to_string(max_chars) +
                                   " characters");
  }
  return FormatStandard(x, spec.letter, spec.precision, culture);
}

}  // namespace runnel::expr::numfmt

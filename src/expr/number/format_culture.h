// NumberCulture: the culture data .NET's number formatting reads (System.Globalization.
// NumberFormatInfo), built from ICU the way .NET 5+ builds it on ICU.
//
// formatNumber(number, format, locale) is number.ToString(format, new CultureInfo(locale)); the
// separators, group sizes, currency symbol and the currency and percent pattern numbers below
// are NumberFormatInfo's fields of the same names. Deviations from .NET-on-ICU, each chosen so
// the documented examples and Windows-era results hold (see format_culture.cpp):
//   - number_decimal_digits (the default precision of F, N and P) is 2, not ICU's pattern
//     maximum of 3;
//   - Icelandic's currency symbol is "kr" (ICU 72 says "kr."; the function reference documents
//     formatNumber(17.35, 'C2', 'is-IS') = "17,35 kr").
//
// Thread safety: FindNumberCulture may be called from any thread. The returned culture is
// immutable; it stays valid at least until the calling thread's next FindNumberCulture call
// (cultures are cached for the process, up to a bound).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace runnel::expr::numfmt {

struct NumberCulture {
  std::string name;  // as looked up, e.g. "en-US"; "" for the invariant culture

  std::string negative_sign = "-";
  std::string positive_sign = "+";
  std::string nan_symbol = "NaN";
  std::string positive_infinity = "Infinity";
  std::string negative_infinity = "-Infinity";

  // N, F, G, E, D and custom formats.
  std::string decimal_separator = ".";
  std::string group_separator = ",";
  std::vector<int> group_sizes = {3};  // from the right; the last size repeats; 0 = stop
  int number_decimal_digits = 2;
  int number_negative_pattern = 1;  // index into "(#)", "-#", "- #", "#-", "# -"

  // C.
  std::string currency_symbol = "\xC2\xA4";  // ¤
  std::string currency_decimal_separator = ".";
  std::string currency_group_separator = ",";
  std::vector<int> currency_group_sizes = {3};
  int currency_decimal_digits = 2;
  int currency_positive_pattern = 0;  // index into "$#", "#$", "$ #", "# $"
  int currency_negative_pattern = 0;  // index into .NET's 17 negative currency patterns

  // P and custom '%'/'‰'. The percent separators, group sizes and digits are the number ones.
  std::string percent_symbol = "%";
  std::string per_mille_symbol = "\xE2\x80\xB0";  // ‰
  int percent_positive_pattern = 0;  // index into "# %", "#%", "%#", "% #"
  int percent_negative_pattern = 0;  // index into .NET's 12 negative percent patterns
};

// The culture named `name`: a BCP 47 tag, case-insensitive, '_' accepted for '-' ("en-US",
// "is-is", "de", "zh-Hans-CN"); "" is the invariant culture. Fails with InvalidArgumentValue
// when ICU has no data for the language or the region is not a known region.
Result<const NumberCulture*> FindNumberCulture(std::string_view name);

}  // namespace runnel::expr::numfmt

// Culture: the locale data date formatting and parsing need, shaped like .NET's
// DateTimeFormatInfo (month and day names, AM/PM designators, separators, and the patterns
// behind the one-letter standard formats).
//
// Where the data comes from:
//   - the invariant culture ("") and en-US are written out here, because they must match what
//     the hosted engine (.NET on Windows) prints: utcNow('T') is "5:18:31 AM" with a plain space,
//     while CLDR 42 data puts U+202F before AM;
//   - every other culture is built from ICU (CLDR): names from icu::DateFormatSymbols, patterns
//     from ICU's short/full date and short/medium time formats converted to .NET syntax, the way
//     .NET itself builds cultures on Linux (including its "yy" -> "yyyy" fix of short dates).
//     So names match .NET; standard patterns of non-US cultures may differ from Windows NLS.
//
// Cultures are immutable once built and shared; FindCulture caches them. Thread-safe.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::expr::datetime {

// The order of day, month and year in a culture's short date pattern; decides how "01/02/2018"
// reads when parsing.
enum class DateOrder { kMonthDayYear, kDayMonthYear, kYearMonthDay };

// A name the lenient parser recognizes, case-folded (see FoldCase).
struct ParseName {
  enum Kind { kMonth, kAbbreviatedMonth, kDay, kAbbreviatedDay, kAm, kPm, kEra, kWord };
  std::u16string folded;
  Kind kind;
  int value;  // month 1..12, day of week 0..6, else 0
};

struct Culture {
  std::string name;  // "fr-FR", "en-US", "" for the invariant culture
  std::array<std::string, 12> month_names;           // stand-alone: "MMMM" without a day
  std::array<std::string, 12> genitive_month_names;  // "MMMM" next to a day ("d MMMM")
  std::array<std::string, 12> abbreviated_month_names;
  std::array<std::string, 12> abbreviated_genitive_month_names;  // parsing only
  std::array<std::string, 7> day_names;                           // Sunday first
  std::array<std::string, 7> abbreviated_day_names;
  std::string am_designator;
  std::string pm_designator;
  std::string era_name;  // 'g'
  std::string date_separator;  // what '/' in a pattern prints
  std::string time_separator;  // what ':' in a pattern prints
  // .NET patterns of the standard formats: d, D, t, T, M, Y (f, F, g, G, U combine them).
  std::string short_date;
  std::string long_date;
  std::string short_time;
  std::string long_time;
  std::string month_day;
  std::string year_month;
  DateOrder date_order = DateOrder::kMonthDayYear;
  // Every name above, folded, plus literal words of the patterns ("de" in Spanish dates).
  std::vector<ParseName> parse_names;
};

const Culture& InvariantCulture();
// en-US, the culture WDL functions format with when no locale is given.
const Culture& DefaultCulture();

// The culture for a .NET culture name ("fr-FR", "fr-fr", "de", "es-419", "zh-Hans-CN"; "" is the
// invariant culture), or nullptr when the name is malformed or names a language or region that
// does not exist. Case-insensitive.
std::shared_ptr<const Culture> FindCulture(std::string_view name);

// UTF-8 to UTF-16 (invalid sequences become U+FFFD).
std::u16string Utf8ToUtf16(std::string_view utf8);

std::string Utf16ToUtf8(std::u16string_view utf16);

// Case-folds UTF-16 text for comparisons: simple (one-to-one) Unicode folding, so the result has
// the same length and positions line up with the input; no-break spaces (U+00A0, U+202F) become
// ' ' so that "a. m." matches however it was typed.
std::u16string FoldCase(std::u16string_view text);
inline std::u16string FoldCase(std::string_view utf8) { return FoldCase(Utf8ToUtf16(utf8)); }

}  // namespace runnel::expr::datetime

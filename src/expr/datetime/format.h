// Formatting DateTimes as .NET's DateTime.ToString(format, culture) does.
//
// Standard formats (one character): d D f F g G M/m O/o R/r s t T u U Y/y, from the culture's
// patterns (O, R, s, u always invariant). Any other single character is an error, as in .NET.
// Custom formats: yyyy yy y (any count), M..MMMM, d..dddd, H HH h hh m mm s ss, f..fffffff and
// F..FFFFFFF (at most 7), t tt, K, z zz zzz, g (era), ':' and '/' (the culture's separators),
// '...' and "..." literals (with \ escapes inside), \x, and %x (a single custom character).
// Everything else is copied. MMMM next to a day field uses the genitive month name, as .NET does.
//
// The time zone fields follow .NET with the process time zone being UTC: K prints "Z" for UTC
// values and nothing for unspecified ones; z/zz/zzz print "+0", "+00", "+00:00" for both.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "expr/datetime/culture.h"
#include "expr/datetime/date_time.h"

namespace runnel::expr::datetime {

// The round-trip format of every WDL date function's default output:
// "2018-03-25T00:00:00.0000000Z" for UTC values, no suffix for unspecified ones.
inline constexpr std::string_view kRoundTripFormat = "o";

// Formats `value`. Fails with InvalidArgumentValue when the format is invalid (the message quotes
// it and says what is accepted) and with LimitExceeded when the text would pass `max_chars`
// bytes.
Result<std::string> FormatDateTime(const DateTime& value, std::string_view format,
                                   const Culture& culture, size_t max_chars);

// The custom pattern behind a one-character standard format, or empty when `ch` is none.
// *invariant is set when the format always uses the invariant culture (O, R, s, u).
std::string StandardFormatPattern(char ch, const Culture& culture, bool* invariant);

// Number of consecutive copies of pattern[pos] starting at pos. REQUIRES: pos < size.
size_t RepeatCount(std::string_view pattern, size_t pos);

// Reads the quoted literal that starts at pattern[pos] (a ' or "), resolving \ escapes, into
// *literal; returns the index after the closing quote, or npos when the quote is unterminated or
// a \ ends the pattern.
size_t ReadQuoted(std::string_view pattern, size_t pos, std::string* literal);

// The byte length of the UTF-8 sequence starting at s[pos] (1 for invalid bytes).
size_t Utf8Length(std::string_view s, size_t pos);

}  // namespace runnel::expr::datetime

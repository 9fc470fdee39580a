// What both timestamp parsers (parse.cpp, parse_exact.cpp) share: the fields they collect, how
// the fields become a DateTime (defaults, range checks, AM/PM, day-of-week check, offset), and
// case-insensitive name matching against a culture. Internal to datetime/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "expr/datetime/culture.h"
#include "expr/datetime/date_time.h"

namespace runnel::expr::datetime {

struct ParsedFields {
  int year = -1;  // -1: absent
  int month = -1;
  int day = -1;
  bool two_digit_year = false;  // year was written with one or two digits
  int hour = -1;
  int minute = -1;
  int second = -1;
  int64_t fraction = 0;  // ticks; may reach 10^7 after rounding (carried into the seconds)
  enum AmPm { kNone, kAm, kPm } am_pm = kNone;
  int day_of_week = -1;  // 0 = Sunday; checked against the date
  bool utc = false;      // 'Z' or "GMT"
  bool has_offset = false;
  int offset_minutes = 0;  // east of UTC
};

// The DateTime the fields describe, or InvalidArgumentValue with the reason.
Result<DateTime> AssembleDateTime(const ParsedFields& f);

Error ParseError(std::string reason);

// A bit set of ParseName::Kind values.
constexpr uint32_t KindBit(ParseName::Kind k) { return 1u << k; }

// The longest name of one of `kinds` that `folded` starts with, or nullptr; *length gets its
// length. Ties go to pattern words, then months, then days (see Priority in the .cpp).
const ParseName* MatchName(const Culture& culture, std::u16string_view folded, uint32_t kinds,
                           size_t* length);

// Reads between min and max ASCII digits at text[*pos]; false (and *pos unchanged) when fewer
// than min are there. At most 9 digits are read, so *value cannot overflow.
bool ReadDigits(std::u16string_view text, size_t* pos, size_t min, size_t max, int* value,
                size_t* count = nullptr);

// Fraction digits (any number) as ticks, rounded half to even at the 8th digit as .NET does.
int64_t FractionTicks(std::u16string_view digits);

bool IsDigit(char16_t ch);

}  // namespace runnel::expr::datetime

#include "expr/datetime/parse_fields.h"

#include "expr/errors.h"

namespace runnel::expr::datetime {

namespace {

constexpr const char* kDayNames[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
constexpr const char* kMonthNames[12] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
// .NET accepts offsets up to 14 hours.
constexpr int kMaxOffsetMinutes = 14 * 60;
// .NET's TwoDigitYearMax: two-digit years up to 49 are 20xx, from 50 on 19xx.
constexpr int kTwoDigitYearMax = 2049;

int FourDigitYear(int two_digit) {
  int century = kTwoDigitYearMax / 100 - (two_digit > kTwoDigitYearMax % 100 ? 1 : 0);
  return century * 100 + two_digit;
}

// Which of two names of equal length wins: literal words of the culture's patterns (Japanese
// "月" is also Monday's abbreviation), then months, then the rest in ParseName::Kind order.
int Priority(ParseName::Kind kind) { return kind == ParseName::kWord ? -1 : static_cast<int>(kind); }

}  // namespace

Error ParseError(std::string reason) { return Error(errc::kValue, std::move(reason)); }

bool IsDigit(char16_t ch) { return ch >= u'0' && ch <= u'9'; }

bool ReadDigits(std::u16string_view text, size_t* pos, size_t min, size_t max, int* value,
                size_t* count) {
  if (max > 9) max = 9;
  size_t p = *pos;
  int v = 0;
  while (p < text.size() && p - *pos < max && IsDigit(text[p])) v = v * 10 + (text[p++] - u'0');
  if (p - *pos < min) return false;
  if (count) *count = p - *pos;
  *pos = p;
  *value = v;
  return true;
}

int64_t FractionTicks(std::u16string_view digits) {
  int64_t ticks = 0;
  for (size_t i = 0; i < 7; ++i) ticks = ticks * 10 + (i < digits.size() ? digits[i] - u'0' : 0);
  if (digits.size() <= 7) return ticks;
  int next = digits[7] - u'0';
  bool rest_nonzero = false;
  for (size_t i = 8; i < digits.size(); ++i) rest_nonzero |= digits[i] != u'0';
  if (next > 5 || (next == 5 && (rest_nonzero || ticks % 2 == 1))) ++ticks;
  return ticks;
}

const ParseName* MatchName(const Culture& culture, std::u16string_view folded, uint32_t kinds,
                           size_t* length) {
  const ParseName* best = nullptr;
  for (const ParseName& n : culture.parse_names) {
    if (!(kinds & KindBit(n.kind)) || n.folded.empty() || n.folded.size() > folded.size()) continue;
    if (folded.compare(0, n.folded.size(), n.folded) != 0) continue;
    if (!best || n.folded.size() > best->folded.size() ||
        (n.folded.size() == best->folded.size() && Priority(n.kind) < Priority(best->kind))) {
      best = &n;
    }
  }
  if (best) *length = best->folded.size();
  return best;
}

Result<DateTime> AssembleDateTime(const ParsedFields& f) {
  if (f.year < 0) {
    if (f.month < 0 && f.day < 0) {
      return ParseError("it has no date");
    }
    return ParseError("it has no year");
  }
  CivilTime c;
  c.year = f.two_digit_year ? FourDigitYear(f.year) : f.year;
  c.month = f.month < 0 ? 1 : f.month;
  c.day = f.day < 0 ? 1 : f.day;
  if (c.year < 1 || c.year > 9999) return ParseError("year " + std::to_string(c.year) +
                                                     " is outside 1..9999");
  if (c.month < 1 || c.month > 12) {
    return ParseError("month " + std::to_string(c.month) + " does not exist");
  }
  if (c.day < 1 || c.day > DaysInMonth(c.year, c.month)) {
    return ParseError("day " + std::to_string(c.day) + " does not exist in " +
                      kMonthNames[c.month - 1] + " " + std::to_string(c.year));
  }
  c.hour = f.hour < 0 ? 0 : f.hour;
  if (f.am_pm != ParsedFields::kNone) {
    if (c.hour > 12) {
      return ParseError("hour " + std::to_string(c.hour) + " cannot be used with AM/PM");
    }
    if (f.am_pm == ParsedFields::kAm && c.hour == 12) c.hour = 0;
    if (f.am_pm == ParsedFields::kPm && c.hour < 12) c.hour += 12;
  }
  c.minute = f.minute < 0 ? 0 : f.minute;
  c.second = f.second < 0 ? 0 : f.second;
  if (c.hour > 23) return ParseError("hour " + std::to_string(c.hour) + " does not exist");
  if (c.minute > 59) return ParseError("minute " + std::to_string(c.minute) + " does not exist");
  if (c.second > 59) return ParseError("second " + std::to_string(c.second) + " does not exist");
  std::optional<DateTime> dt = DateTime::FromCivil(c, DateKind::kUnspecified);
  if (!dt) return ParseError("the date does not exist");
  if (f.day_of_week >= 0 && f.day_of_week != dt->DayOfWeek()) {
    return ParseError(std::string("it names the day ") + kDayNames[f.day_of_week] + " but " +
                      std::to_string(c.year) + "-" + std::to_string(c.month) + "-" +
                      std::to_string(c.day) + " is a " + kDayNames[dt->DayOfWeek()]);
  }
  dt = dt->AddTicks(f.fraction);
  if (!dt) return ParseError("it is after 9999-12-31T23:59:59.9999999");
  if (f.has_offset) {
    if (f.offset_minutes > kMaxOffsetMinutes || f.offset_minutes < -kMaxOffsetMinutes) {
      return ParseError("its UTC offset is beyond 14 hours");
    }
    dt = dt->AddTicks(-f.offset_minutes * kTicksPerMinute);
    if (!dt) return ParseError("converted to UTC it falls outside 0001-01-01..9999-12-31");
  }
  bool utc = f.utc || f.has_offset;
  return dt->WithKind(utc ? DateKind::kUtc : DateKind::kUnspecified);
}

}  // namespace runnel::expr::datetime

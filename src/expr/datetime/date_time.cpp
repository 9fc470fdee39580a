#include "expr/datetime/date_time.h"

#include <cstdio>

namespace runnel::expr::datetime {

namespace {

// Cumulative days before each month, as .NET's DaysToMonth365/366 tables.
constexpr int kDaysToMonth365[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
constexpr int kDaysToMonth366[13] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366};

constexpr int64_t kDaysPer400Years = 146097;
constexpr int64_t kDaysPer100Years = 36524;
constexpr int64_t kDaysPer4Years = 1461;
constexpr int64_t kDaysPerYear = 365;

// Days from 0001-01-01 to the first day of `year`.
int64_t DaysToYear(int year) {
  int64_t y = year - 1;
  return y * 365 + y / 4 - y / 100 + y / 400;
}

// .NET's GetDatePart: the calendar date of a day number (days since 0001-01-01).
void DateFromDays(int64_t n, int& year, int& month, int& day, int& day_of_year) {
  int64_t y400 = n / kDaysPer400Years;
  n -= y400 * kDaysPer400Years;
  int64_t y100 = n / kDaysPer100Years;
  if (y100 == 4) y100 = 3;
  n -= y100 * kDaysPer100Years;
  int64_t y4 = n / kDaysPer4Years;
  n -= y4 * kDaysPer4Years;
  int64_t y1 = n / kDaysPerYear;
  if (y1 == 4) y1 = 3;
  year = static_cast<int>(y400 * 400 + y100 * 100 + y4 * 4 + y1 + 1);
  n -= y1 * kDaysPerYear;
  day_of_year = static_cast<int>(n) + 1;
  const int* days = IsLeapYear(year) ? kDaysToMonth366 : kDaysToMonth365;
  int m = 1;
  while (m < 12 && n >= days[m]) ++m;
  month = m;
  day = static_cast<int>(n - days[m - 1]) + 1;
}

}  // namespace

bool IsLeapYear(int year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int year, int month) {
  if (month < 1 || month > 12) return 0;
  const int* days = IsLeapYear(year) ? kDaysToMonth366 : kDaysToMonth365;
  return days[month] - days[month - 1];
}

std::optional<DateTime> DateTime::FromTicks(int64_t ticks, DateKind kind) {
  if (ticks < 0 || ticks > kMaxTicks) return std::nullopt;
  return DateTime(ticks, kind);
}

std::optional<DateTime> DateTime::FromCivil(const CivilTime& c, DateKind kind) {
  if (c.year < 1 || c.year > 9999 || c.month < 1 || c.month > 12) return std::nullopt;
  if (c.day < 1 || c.day > DaysInMonth(c.year, c.month)) return std::nullopt;
  if (c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59 || c.second < 0 ||
      c.second > 59 || c.fraction < 0 || c.fraction >= kTicksPerSecond) {
    return std::nullopt;
  }
  const int* days = IsLeapYear(c.year) ? kDaysToMonth366 : kDaysToMonth365;
  int64_t day_number = DaysToYear(c.year) + days[c.month - 1] + c.day - 1;
  int64_t ticks = day_number * kTicksPerDay + c.hour * kTicksPerHour + c.minute * kTicksPerMinute +
                  c.second * kTicksPerSecond + c.fraction;
  return DateTime(ticks, kind);
}

CivilTime DateTime::Civil() const {
  CivilTime c;
  int day_of_year;
  DateFromDays(ticks_ / kTicksPerDay, c.year, c.month, c.day, day_of_year);
  int64_t in_day = ticks_ % kTicksPerDay;
  c.hour = static_cast<int>(in_day / kTicksPerHour);
  c.minute = static_cast<int>(in_day / kTicksPerMinute % 60);
  c.second = static_cast<int>(in_day / kTicksPerSecond % 60);
  c.fraction = static_cast<int>(in_day % kTicksPerSecond);
  return c;
}

// 0001-01-01 was a Monday.
int DateTime::DayOfWeek() const { return static_cast<int>((ticks_ / kTicksPerDay + 1) % 7); }

int DateTime::DayOfYear() const {
  int y, m, d, doy;
  DateFromDays(ticks_ / kTicksPerDay, y, m, d, doy);
  return doy;
}

std::optional<DateTime> DateTime::AddTicks(int64_t delta) const {
  // Both operands are bounded by kMaxTicks in magnitude only when delta is; check first so the
  // addition cannot overflow.
  if (delta > kMaxTicks - ticks_ || delta < -ticks_) return std::nullopt;
  return DateTime(ticks_ + delta, kind_);
}

std::optional<DateTime> DateTime::AddMonths(int64_t months) const {
  if (months < -120000 || months > 120000) return std::nullopt;
  CivilTime c = Civil();
  int64_t i = c.month - 1 + months;
  int64_t year;
  if (i >= 0) {
    c.month = static_cast<int>(i % 12 + 1);
    year = c.year + i / 12;
  } else {
    c.month = static_cast<int>(12 + (i + 1) % 12);
    year = c.year + (i - 11) / 12;
  }
  if (year < 1 || year > 9999) return std::nullopt;
  c.year = static_cast<int>(year);
  int days = DaysInMonth(c.year, c.month);
  if (c.day > days) c.day = days;
  return FromCivil(c, kind_);
}

std::optional<DateTime> DateTime::AddYears(int64_t years) const {
  if (years < -10000 || years > 10000) return std::nullopt;
  return AddMonths(years * 12);
}

std::string FormatTimeSpan(int64_t ticks) {
  std::string out;
  if (ticks < 0) {
    out += '-';
    ticks = -ticks;
  }
  int64_t days = ticks / kTicksPerDay;
  int64_t rest = ticks % kTicksPerDay;
  char buf[64];
  if (days != 0) {
    std::snprintf(buf, sizeof buf, "%lld.", static_cast<long long>(days));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(rest / kTicksPerHour),
                static_cast<int>(rest / kTicksPerMinute % 60),
                static_cast<int>(rest / kTicksPerSecond % 60));
  out += buf;
  if (int64_t fraction = rest % kTicksPerSecond; fraction != 0) {
    std::snprintf(buf, sizeof buf, ".%07lld", static_cast<long long>(fraction));
    out += buf;
  }
  return out;
}

}  // namespace runnel::expr::datetime

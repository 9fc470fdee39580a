// DateTime: the value every WDL date function works on, modelled on .NET's System.DateTime.
//
// A DateTime is a count of ticks (100 ns) since 0001-01-01T00:00:00 in the proleptic Gregorian
// calendar, plus a kind that says how to read it: kUnspecified (a wall-clock reading with no
// zone; formats without an offset) or kUtc (formats with 'Z'). The range is .NET's:
// 0001-01-01T00:00:00.0000000 .. 9999-12-31T23:59:59.9999999; no operation produces a value
// outside it (they fail instead, as .NET's throw ArgumentOutOfRangeException).
//
// There is no third "local" kind as in .NET: Runnel's process time zone is UTC by definition, so
// where .NET would read an unspecified value as machine-local (the 'z' format, ToUniversalTime),
// it is read as UTC. Timestamps with an offset are converted to UTC when parsed (see parse.h).
//
// Values are plain data, cheap to copy, safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace runnel::expr::datetime {

inline constexpr int64_t kTicksPerMillisecond = 10'000;
inline constexpr int64_t kTicksPerSecond = 10'000'000;
inline constexpr int64_t kTicksPerMinute = 60 * kTicksPerSecond;
inline constexpr int64_t kTicksPerHour = 60 * kTicksPerMinute;
inline constexpr int64_t kTicksPerDay = 24 * kTicksPerHour;
// DateTime.MaxValue.Ticks (9999-12-31T23:59:59.9999999).
inline constexpr int64_t kMaxTicks = 3'155'378'975'999'999'999;
// Ticks of 1970-01-01T00:00:00, the Unix epoch the clock counts from.
inline constexpr int64_t kUnixEpochTicks = 621'355'968'000'000'000;

enum class DateKind { kUnspecified, kUtc };

// The calendar fields of a DateTime. `fraction` is the sub-second part in ticks (0..9999999).
struct CivilTime {
  int year = 1;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int fraction = 0;
};

bool IsLeapYear(int year);
// Days in `month` (1..12) of `year`; 0 when month is out of range.
int DaysInMonth(int year, int month);

class DateTime {
 public:
  DateTime() = default;

  // nullopt when ticks is outside 0..kMaxTicks.
  static std::optional<DateTime> FromTicks(int64_t ticks, DateKind kind);
  // nullopt when any field is out of range (month 13, February 30, hour 24, year 0 ...).
  static std::optional<DateTime> FromCivil(const CivilTime& c, DateKind kind);

  int64_t ticks() const { return ticks_; }
  DateKind kind() const { return kind_; }
  DateTime WithKind(DateKind kind) const { return DateTime(ticks_, kind); }

  CivilTime Civil() const;
  int DayOfWeek() const;  // 0 = Sunday .. 6 = Saturday, as .NET's DayOfWeek
  int DayOfYear() const;  // 1..366

  // Arithmetic; nullopt when the result leaves the supported range. Kind is kept.
  std::optional<DateTime> AddTicks(int64_t delta) const;
  // .NET AddMonths: the day is clamped to the target month's length (Jan 31 + 1 month = Feb 28
  // or 29); months beyond +-120000 are out of range, as in .NET.
  std::optional<DateTime> AddMonths(int64_t months) const;
  // .NET AddYears: AddMonths(12 * years), so Feb 29 + 1 year = Feb 28.
  std::optional<DateTime> AddYears(int64_t years) const;

 private:
  DateTime(int64_t ticks, DateKind kind) : ticks_(ticks), kind_(kind) {}

  int64_t ticks_ = 0;
  DateKind kind_ = DateKind::kUnspecified;
};

// A duration in ticks as .NET's TimeSpan.ToString() ("c" format): [-][d.]hh:mm:ss[.fffffff],
// days only when non-zero, the fraction only when non-zero. "1268.00:00:00", "-00:30:00",
// "00:00:00.5000000". REQUIRES: |ticks| <= kMaxTicks (any difference of two DateTimes).
std::string FormatTimeSpan(int64_t ticks);

}  // namespace runnel::expr::datetime

// NextOccurrence (recurrence.h): the arithmetic of occurrences.
//
// Everything is computed in .NET ticks (100 ns since 0001-01-01), the unit of expr/datetime,
// and converted from and to Unix microseconds at the edges. "Local" values are wall-clock
// readings in the recurrence's zone (UTC when it has none); "utc" values are instants.
#include <algorithm>
#include <climits>

#include "triggers/recurrence.h"

namespace runnel::triggers {

using expr::datetime::CivilTime;
using expr::datetime::DateKind;
using expr::datetime::DateTime;
using expr::datetime::DaysInMonth;
using expr::datetime::kMaxTicks;
using expr::datetime::kTicksPerDay;
using expr::datetime::kTicksPerHour;
using expr::datetime::kTicksPerMinute;
using expr::datetime::kTicksPerSecond;
using expr::datetime::kUnixEpochTicks;
using expr::datetime::TimeZone;

namespace {

constexpr int64_t kTicksPerMicrosecond = 10;
constexpr int kDaysPerWeek = 7;
// Month lengths repeat every 400 Gregorian years; a Month schedule that finds no day within
// that many months never will.
constexpr int kMonthsPerGregorianCycle = 4800;

using Zone = std::optional<TimeZone>;

// The instant where the recurrence starts and its wall-clock reading.
struct Origin {
  int64_t utc;
  int64_t local;
};

int64_t ClampTicks(int64_t t) { return std::clamp<int64_t>(t, 0, kMaxTicks); }

int64_t ToLocal(const Zone& zone, int64_t utc) { return zone ? zone->UtcToLocal(utc) : utc; }

// The instant of a wall-clock reading, by the rules the documentation shows (§14 of the digest):
// a reading that occurs twice (fall-back) is its first instant, so a daily 01:30 runs once;
// a reading that does not exist (spring-forward) is read with the offset in force before the
// change, i.e. it runs as much later as the gap is long: 02:30 -> 03:30, the same UTC instant as
// the day before, exactly the documented example. (TimeZone::LocalToUtc follows .NET instead:
// standard time for repeated readings and an error for skipped ones.)
int64_t ToUtc(const Zone& zone, int64_t local) {
  if (!zone || zone->is_utc()) return local;
  auto offset_at = [&](int64_t utc) {
    int64_t at = ClampTicks(utc);
    return zone->UtcToLocal(at) - at;
  };
  // Every offset in force within a day of the reading; a zone changes at most once in that span.
  int64_t before = offset_at(local - kTicksPerDay);
  int64_t best = INT64_MAX;
  for (int64_t offset : {before, offset_at(local), offset_at(local + kTicksPerDay)}) {
    int64_t utc = local - offset;
    if (zone->UtcToLocal(utc) == local) best = std::min(best, utc);
  }
  return best != INT64_MAX ? best : local - before;
}

int64_t DayOf(int64_t local) { return local / kTicksPerDay; }
int WeekDayOf(int64_t day) { return static_cast<int>((day + 1) % kDaysPerWeek); }  // 0 = Sunday
// Weeks start on Monday (ISO 8601, and the documented order Monday..Sunday); day 0, 0001-01-01,
// was a Monday.
int64_t WeekOf(int64_t day) { return day / kDaysPerWeek; }
int64_t MonthIndexOf(const CivilTime& c) { return int64_t{c.year} * 12 + (c.month - 1); }

Origin MakeOrigin(const Recurrence& r, int64_t anchor) {
  if (!r.start_time) return {anchor, ToLocal(r.time_zone, anchor)};
  int64_t t = r.start_time->ticks();
  if (r.start_time->kind() == DateKind::kUtc) return {t, ToLocal(r.time_zone, t)};
  return {ToUtc(r.time_zone, t), t};
}

// Second, Minute, Hour: absolute steps, so a daylight-saving change moves the wall-clock time.
std::optional<int64_t> NextAbsolute(const Recurrence& r, const Origin& o, int64_t after) {
  int64_t unit = r.frequency == Frequency::kSecond   ? kTicksPerSecond
                 : r.frequency == Frequency::kMinute ? kTicksPerMinute
                                                     : kTicksPerHour;
  int64_t step = unit * r.interval;
  if (after < o.utc) return o.utc;
  int64_t steps = (after - o.utc) / step + 1;
  if (steps > (kMaxTicks - o.utc) / step) return std::nullopt;
  return o.utc + steps * step;
}

// Days between occurrences of a Day or Week recurrence without schedule.
int64_t DaysPerStep(const Recurrence& r) {
  return int64_t{r.interval} * (r.frequency == Frequency::kWeek ? kDaysPerWeek : 1);
}

// The k-th wall-clock occurrence of a recurrence without schedule (Day, Week, Month), counted
// from the origin rather than from the previous one, so Jan 31 + 1 month is Feb 28 and + 2
// months is Mar 31 (.NET AddMonths clamps the day to the month's length).
std::optional<int64_t> LocalStep(const Recurrence& r, const Origin& o, int64_t k) {
  DateTime start = *DateTime::FromTicks(o.local, DateKind::kUnspecified);
  if (r.frequency == Frequency::kMonth) {
    std::optional<DateTime> d = start.AddMonths(k * r.interval);
    return d ? std::optional<int64_t>(d->ticks()) : std::nullopt;
  }
  std::optional<DateTime> d = start.AddTicks(k * DaysPerStep(r) * kTicksPerDay);
  return d ? std::optional<int64_t>(d->ticks()) : std::nullopt;
}

std::optional<int64_t> NextCalendar(const Recurrence& r, const Origin& o, int64_t after) {
  if (after < o.utc) return o.utc;
  // Start one step before the estimate: a daylight-saving offset can shift it by hours.
  int64_t after_local = ToLocal(r.time_zone, after);
  int64_t k = 0;
  if (r.frequency == Frequency::kMonth) {
    int64_t months = MonthIndexOf(DateTime::FromTicks(after_local, DateKind::kUnspecified)->Civil()) -
                     MonthIndexOf(DateTime::FromTicks(o.local, DateKind::kUnspecified)->Civil());
    k = months / r.interval - 1;
  } else {
    k = (after_local - o.local) / (DaysPerStep(r) * kTicksPerDay) - 1;
  }
  for (k = std::max<int64_t>(k, 0);; ++k) {
    std::optional<int64_t> local = LocalStep(r, o, k);
    if (!local) return std::nullopt;
    int64_t utc = ToUtc(r.time_zone, *local);
    if (utc > after) return utc;
  }
}

// --- Schedules -----------------------------------------------------------------------------

// The smallest day >= `day` (a day number of local dates) on which the schedule may run:
// every interval-th day, week or month counted from the origin's, on the listed week or month
// days (the origin's own when none are listed: "one day per week or one day per month").
std::optional<int64_t> NextEligibleDay(const Recurrence& r, int64_t origin_day, int64_t day) {
  day = std::max(day, origin_day);
  if (day > DayOf(kMaxTicks)) return std::nullopt;
  const RecurrenceSchedule& s = r.schedule;
  switch (r.frequency) {
    case Frequency::kDay: {
      int64_t rest = (day - origin_day) % r.interval;
      return rest == 0 ? day : day + (r.interval - rest);
    }
    case Frequency::kWeek: {
      // Within interval + 1 weeks there is always one; plain scanning keeps this obvious.
      for (int64_t n = 0; n <= int64_t{kDaysPerWeek} * (r.interval + 1); ++n, ++day) {
        bool week_ok = (WeekOf(day) - WeekOf(origin_day)) % r.interval == 0;
        int wd = WeekDayOf(day);
        bool day_ok = s.week_days.empty() ? wd == WeekDayOf(origin_day)
                                          : std::binary_search(s.week_days.begin(),
                                                               s.week_days.end(), wd);
        if (week_ok && day_ok) return day;
      }
      return std::nullopt;
    }
    case Frequency::kMonth: {
      int64_t origin_month =
          MonthIndexOf(DateTime::FromTicks(origin_day * kTicksPerDay, DateKind::kUnspecified)->Civil());
      CivilTime c = DateTime::FromTicks(day * kTicksPerDay, DateKind::kUnspecified)->Civil();
      int64_t month = MonthIndexOf(c);
      int first_day = c.day;
      int origin_mday =
          DateTime::FromTicks(origin_day * kTicksPerDay, DateKind::kUnspecified)->Civil().day;
      for (int n = 0; n < kMonthsPerGregorianCycle; ++n, ++month, first_day = 1) {
        if ((month - origin_month) % r.interval != 0) continue;
        int year = static_cast<int>(month / 12), mon = static_cast<int>(month % 12) + 1;
        if (year > 9999) return std::nullopt;
        int length = DaysInMonth(year, mon);
        // A day the month lacks (31 in April, -31 in February) is skipped, not moved.
        int best = INT_MAX;
        auto consider = [&](int d) {
          int actual = d > 0 ? d : length + 1 + d;
          if (actual >= first_day && actual >= 1 && actual <= length) best = std::min(best, actual);
        };
        if (s.month_days.empty()) consider(origin_mday);
        for (int d : s.month_days) consider(d);
        if (best != INT_MAX) {
          CivilTime date{year, mon, best};
          return DayOf(DateTime::FromCivil(date, DateKind::kUnspecified)->ticks());
        }
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;  // Second/Minute/Hour never carry a schedule (ParseRecurrence)
  }
}

// The times of day (ticks since local midnight) of a schedule: hours x minutes, each list taken
// from the origin when not given ("the minute-mark from when you save"). Seconds are zero,
// unless neither list is given: then the origin's whole time of day is kept, so a weekly
// schedule of weekDays alone with startTime 17:00:00 runs at 17:00:00 and one saved at
// 10:23:47 runs at 10:23:47.
std::vector<int64_t> TimesOfDay(const RecurrenceSchedule& s, int64_t origin_local) {
  int64_t in_day = origin_local % kTicksPerDay;
  if (s.hours.empty() && s.minutes.empty()) return {in_day};
  std::vector<int> hours = s.hours, minutes = s.minutes;
  if (hours.empty()) hours = {static_cast<int>(in_day / kTicksPerHour)};
  if (minutes.empty()) minutes = {static_cast<int>(in_day / kTicksPerMinute % 60)};
  std::vector<int64_t> times;
  for (int h : hours) {
    for (int m : minutes) times.push_back(h * kTicksPerHour + m * kTicksPerMinute);
  }
  return times;
}

// The schedule's first instant >= `lower` (and never before the origin).
std::optional<int64_t> NextScheduled(const Recurrence& r, const Origin& o, int64_t lower) {
  lower = std::max(lower, o.utc);
  std::vector<int64_t> times = TimesOfDay(r.schedule, o.local);
  int64_t origin_day = DayOf(o.local);
  // From the day before lower's local date: a daylight-saving shift can move a slot over
  // midnight. For the same reason, once a day yields a slot the next day is still checked,
  // because the instants of skipped readings are not in wall-clock order.
  std::optional<int64_t> best;
  int64_t found_on = 0;
  for (int64_t day = DayOf(ToLocal(r.time_zone, lower)) - 1;;) {
    std::optional<int64_t> eligible = NextEligibleDay(r, origin_day, day);
    if (!eligible || *eligible > DayOf(kMaxTicks)) break;
    if (best && *eligible > found_on + 1) break;
    for (int64_t t : times) {
      int64_t utc = ToUtc(r.time_zone, *eligible * kTicksPerDay + t);
      if (utc < lower || (best && *best <= utc)) continue;
      if (!best) found_on = *eligible;
      best = utc;
    }
    day = *eligible + 1;
  }
  return best;
}

// Microseconds since the Unix epoch to ticks, or nullopt outside the DateTime range.
std::optional<int64_t> MicrosToTicks(int64_t micros) {
  constexpr int64_t kMin = -kUnixEpochTicks / kTicksPerMicrosecond;
  constexpr int64_t kMax = (kMaxTicks - kUnixEpochTicks) / kTicksPerMicrosecond;
  if (micros < kMin || micros > kMax) return std::nullopt;
  return kUnixEpochTicks + micros * kTicksPerMicrosecond;
}

}  // namespace

std::optional<int64_t> NextOccurrence(const Recurrence& r, int64_t anchor_micros,
                                      int64_t after_micros) {
  std::optional<int64_t> anchor = MicrosToTicks(anchor_micros);
  std::optional<int64_t> after = MicrosToTicks(after_micros);
  if (!anchor || !after) return std::nullopt;
  Origin origin = MakeOrigin(r, *anchor);
  std::optional<int64_t> next;
  if (r.frequency == Frequency::kSecond || r.frequency == Frequency::kMinute ||
      r.frequency == Frequency::kHour) {
    next = NextAbsolute(r, origin, *after);
  } else if (r.schedule.empty()) {
    next = NextCalendar(r, origin, *after);
  } else {
    next = NextScheduled(r, origin, *after + 1);
  }
  if (!next) return std::nullopt;
  if (r.end_time) {
    int64_t end = r.end_time->kind() == DateKind::kUtc ? r.end_time->ticks()
                                                        : ToUtc(r.time_zone, r.end_time->ticks());
    if (*next > end) return std::nullopt;
  }
  // Round up, so that a sub-microsecond startTime still yields a result after `after_micros`.
  int64_t since_epoch = *next - kUnixEpochTicks;
  int64_t micros = since_epoch / kTicksPerMicrosecond;
  if (since_epoch % kTicksPerMicrosecond > 0) ++micros;
  return micros;
}

}  // namespace runnel::triggers

// Recurrence: when a Recurrence trigger fires (wdl-digest §3.2 and §14; docs/triggers.md has the
// full semantics and every choice made where Microsoft's documentation is silent).
//
// A trigger's "recurrence" object is parsed once, when the flow is saved or enabled, into a
// Recurrence; the scheduler then asks NextOccurrence for each due time. Both are pure functions:
// nothing here reads the clock, so the caller passes "now" and the anchor (the instant the
// trigger was first enabled) and tests need no waiting.
//
// Summary of the rules (details in docs/triggers.md):
//   - Second/Minute/Hour step in absolute time from the origin (startTime, else the anchor);
//   - Day/Week/Month step in wall-clock time of the time zone, so 08:00 stays 08:00 across
//     daylight saving changes; a schedule (hours, minutes, weekDays, monthDays) picks the times
//     inside each eligible day/week/month, never earlier than the origin;
//   - missed occurrences are never replayed: the caller asks for the next one after now;
//   - a wall-clock time skipped by spring-forward runs as many minutes later as the gap is long
//     (02:30 -> 03:30, the documented behaviour); a repeated one runs once, at its first instant.
//
// Values are plain data, cheap to copy and safe to share between threads.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "expr/datetime/date_time.h"
#include "expr/datetime/time_zone.h"

namespace runnel::triggers {

enum class Frequency { kSecond, kMinute, kHour, kDay, kWeek, kMonth };

// "Second" ... "Month", as the documentation spells them.
std::string_view FrequencyName(Frequency frequency);

// The "schedule" member. An empty list means "not given"; each list is ascending, no duplicates.
struct RecurrenceSchedule {
  std::vector<int> hours;       // 0..23
  std::vector<int> minutes;     // 0..59
  std::vector<int> week_days;   // 0 = Sunday .. 6 = Saturday, as DateTime::DayOfWeek
  std::vector<int> month_days;  // 1..31, or -31..-1 counted from the month's end (-1 = last day)

  bool empty() const {
    return hours.empty() && minutes.empty() && week_days.empty() && month_days.empty();
  }
};

struct Recurrence {
  Frequency frequency = Frequency::kDay;
  int interval = 1;
  // Kind kUtc when the text ended in 'Z' or no timeZone applies; kUnspecified when it is a
  // wall-clock reading in `time_zone`. nullopt when absent.
  std::optional<expr::datetime::DateTime> start_time;
  // Same reading as start_time. Not in the Recurrence trigger's pages, but in Azure's API model
  // (WorkflowTriggerRecurrence.endTime); an occurrence exactly at endTime still fires.
  std::optional<expr::datetime::DateTime> end_time;
  // The zone of every wall-clock computation; nullopt means UTC.
  std::optional<expr::datetime::TimeZone> time_zone;
  // The timeZone the definition gave but that does not apply because startTime ends in 'Z'
  // (the documentation: "Logic Apps ignores the time zone value"); empty otherwise. Kept so that
  // validation can warn: it is almost always a mistake.
  std::string ignored_time_zone;
  RecurrenceSchedule schedule;
};

// Reads a WDL "recurrence" object whose expressions (if any) are already evaluated.
// Property names match case-insensitively, as everywhere in WDL; unknown members are ignored;
// numbers may also be given as numeric strings ("hours": ["6"]), as definitions in the wild do.
// On failure the Error has code errc::kInvalidRecurrence or errc::kUnsupportedRecurrence, a
// message naming the field, the problem and the fix, and `where` set to the JSON pointer of the
// field relative to the recurrence object ("/interval", "/schedule/weekDays/1"), which callers
// prefix with the trigger's own pointer.
[[nodiscard]] Result<Recurrence> ParseRecurrence(const boost::json::value& recurrence);

// The first occurrence strictly after `after_micros`, in microseconds since the Unix epoch
// (UTC). `anchor_micros` is the instant the trigger was first enabled (or last saved): it is the
// origin when the recurrence has no startTime and supplies the hours/minutes a schedule leaves
// out. It must stay the same for the life of the trigger, or the occurrences move.
//
// To fire on enabling, ask for the first occurrence at or after the anchor:
// NextOccurrence(r, anchor, anchor - 1) returns the anchor itself for a recurrence without
// startTime and schedule ("runs the first workload instantly"). After a downtime, ask for the
// next occurrence after now: missed ones are skipped, as the documentation requires.
//
// Returns nullopt when there is none: after endTime, beyond year 9999, a Month schedule whose
// days never occur (monthDays [31] every 12 months from April), or arguments outside
// 0001-01-01 .. 9999-12-31. Results are rounded up to whole microseconds.
[[nodiscard]] std::optional<int64_t> NextOccurrence(const Recurrence& recurrence,
                                                    int64_t anchor_micros, int64_t after_micros);

}  // namespace runnel::triggers

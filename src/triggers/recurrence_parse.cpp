// ParseRecurrence: the "recurrence" object of a trigger to a Recurrence (recurrence.h).
//
// Strict where the documentation is clear (frequency names, interval ranges, which schedule
// lists go with which frequency, no UTC offsets), liberal where it is silent or where
// definitions in the wild differ from it (numeric strings, single values for lists, empty
// lists, hours with frequency Month). docs/triggers.md lists each of these choices.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <string>

#include "json/lookup.h"
#include "triggers/errors.h"
#include "triggers/recurrence.h"
#include "triggers/timestamp.h"

namespace runnel::triggers {

namespace bj = boost::json;
using expr::datetime::DateKind;
using expr::datetime::DateTime;
using expr::datetime::TimeZone;

namespace {

constexpr std::array<std::string_view, 6> kFrequencyNames = {"Second", "Minute", "Hour",
                                                             "Day",    "Week",   "Month"};
// Documented interval ranges (connectors-native-recurrence.md), indexed by Frequency.
constexpr std::array<int, 6> kMaxInterval = {9'999'999, 72'000, 12'000, 500, 71, 16};
// Indexed by DateTime::DayOfWeek (0 = Sunday).
constexpr std::array<std::string_view, 7> kDayNames = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

Error Invalid(std::string where, std::string message) {
  Error e(errc::kInvalidRecurrence, std::move(message));
  e.where = std::move(where);
  return e;
}

// Text for a value in a message: strings quoted, everything else as JSON.
std::string Show(const bj::value& v) { return bj::serialize(v); }

// Expressions are evaluated when the flow is saved; one reaching us is the caller's bug or an
// unsupported place, and the plain "is not valid" would not say so.
std::string ExpressionHint(const bj::value& v) {
  if (!v.is_string()) return "";
  std::string_view s = v.get_string();
  if (s.starts_with("@"))
    return " (it is an expression: evaluate the recurrence's expressions before reading it)";
  if (s.starts_with("[") && s.ends_with("]"))
    return " (it is an ARM template expression: substitute the deployment parameters first)";
  return "";
}

// Integers, integral doubles (1.0) and numeric strings ("6"); nullopt otherwise.
std::optional<int64_t> WholeNumber(const bj::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= INT64_MAX) return static_cast<int64_t>(v.get_uint64());
  if (v.is_double()) {
    double d = v.get_double();
    if (d >= -1e15 && d <= 1e15 && d == static_cast<double>(static_cast<int64_t>(d)))
      return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  return std::nullopt;
}

// A list given as one value or an array of them (the docs: "Integer or integer array").
std::vector<const bj::value*> Items(const bj::value& v) {
  std::vector<const bj::value*> items;
  if (v.is_array()) {
    for (const bj::value& item : v.get_array()) items.push_back(&item);
  } else if (!v.is_null()) {
    items.push_back(&v);
  }
  return items;
}

void SortUnique(std::vector<int>& list) {
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
}

// hours, minutes, monthDays: whole numbers in lo..hi (0 excluded when `zero_ok` is false).
Result<std::vector<int>> NumberList(const bj::value& v, const std::string& where,
                                    std::string_view name, int lo, int hi, bool zero_ok,
                                    std::string_view range_text) {
  std::vector<int> list;
  std::vector<const bj::value*> items = Items(v);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string at = v.is_array() ? where + "/" + std::to_string(i) : where;
    std::optional<int64_t> n = WholeNumber(*items[i]);
    if (!n || *n < lo || *n > hi || (!zero_ok && *n == 0)) {
      return Invalid(at, "recurrence.schedule." + std::string(name) + " has " + Show(*items[i]) +
                             ExpressionHint(*items[i]) + "; each entry must be a whole number " +
                             std::string(range_text));
    }
    list.push_back(static_cast<int>(*n));
  }
  SortUnique(list);
  return list;
}

Result<std::vector<int>> WeekDayList(const bj::value& v, const std::string& where) {
  std::vector<int> list;
  std::vector<const bj::value*> items = Items(v);
  for (size_t i = 0; i < items.size(); ++i) {
    std::string at = v.is_array() ? where + "/" + std::to_string(i) : where;
    const bj::value& item = *items[i];
    auto it = std::find_if(kDayNames.begin(), kDayNames.end(), [&](std::string_view name) {
      return item.is_string() && json::EqualsIgnoreCase(name, item.get_string());
    });
    if (it == kDayNames.end()) {
      return Invalid(at, "recurrence.schedule.weekDays has " + Show(item) + ExpressionHint(item) +
                             "; use day names: Monday, Tuesday, Wednesday, Thursday, Friday, "
                             "Saturday, Sunday");
    }
    list.push_back(static_cast<int>(it - kDayNames.begin()));
  }
  SortUnique(list);
  return list;
}

Result<Frequency> ParseFrequency(const bj::object& o) {
  const bj::value* v = json::FindMember(o, "frequency");
  if (!v) {
    return Invalid("", "recurrence.frequency is missing; add one of Second, Minute, Hour, Day, "
                       "Week, Month, e.g. \"frequency\": \"Day\"");
  }
  for (size_t i = 0; i < kFrequencyNames.size(); ++i) {
    if (v->is_string() && json::EqualsIgnoreCase(kFrequencyNames[i], v->get_string()))
      return static_cast<Frequency>(i);
  }
  return Invalid("/frequency", "recurrence.frequency " + Show(*v) + ExpressionHint(*v) +
                                   " is not a Recurrence frequency; use one of Second, Minute, "
                                   "Hour, Day, Week, Month");
}

Result<int> ParseInterval(const bj::object& o, Frequency frequency) {
  const bj::value* v = json::FindMember(o, "interval");
  if (!v) {
    return Invalid("", "recurrence.interval is missing; add how many " +
                           std::string(FrequencyName(frequency)) +
                           " units lie between runs, e.g. \"interval\": 1");
  }
  int max = kMaxInterval[static_cast<size_t>(frequency)];
  std::optional<int64_t> n = WholeNumber(*v);
  if (!n || *n < 1 || *n > max) {
    return Invalid("/interval", "recurrence.interval " + Show(*v) + ExpressionHint(*v) +
                                    " is not valid with frequency " +
                                    std::string(FrequencyName(frequency)) +
                                    ": use a whole number from 1 to " + std::to_string(max) +
                                    " (the documented range)");
  }
  return static_cast<int>(*n);
}

// The schedule lists, and whether each goes with the frequency (connectors-native-recurrence.md:
// hours/minutes "if you select Day or Week", weekDays "if you select Week"; the example table of
// concepts-schedule-automated-recurring-tasks-workflows.md also uses hours with Month).
Result<RecurrenceSchedule> ParseSchedule(const bj::value& v, Frequency frequency) {
  RecurrenceSchedule s;
  if (v.is_null()) return s;
  if (!v.is_object()) {
    return Invalid("/schedule", "recurrence.schedule must be an object such as "
                                "{\"hours\": [8], \"minutes\": [30]}, not " + Show(v));
  }
  const bj::object& o = v.get_object();
  if (const bj::value* m = json::FindMember(o, "monthlyOccurrences"); m && !Items(*m).empty()) {
    Error e(errc::kUnsupportedRecurrence,
            "recurrence.schedule.monthlyOccurrences (\"the last Friday of the month\") is not "
            "supported; use monthDays with frequency Month, or frequency Week with weekDays");
    e.where = "/schedule/monthlyOccurrences";
    return e;
  }
  if (const bj::value* h = json::FindMember(o, "hours")) {
    RUNNEL_TRY(list, NumberList(*h, "/schedule/hours", "hours", 0, 23, true, "from 0 to 23"));
    s.hours = std::move(list);
  }
  if (const bj::value* m = json::FindMember(o, "minutes")) {
    RUNNEL_TRY(list, NumberList(*m, "/schedule/minutes", "minutes", 0, 59, true, "from 0 to 59"));
    s.minutes = std::move(list);
  }
  if (const bj::value* w = json::FindMember(o, "weekDays")) {
    RUNNEL_TRY(list, WeekDayList(*w, "/schedule/weekDays"));
    s.week_days = std::move(list);
  }
  if (const bj::value* d = json::FindMember(o, "monthDays")) {
    RUNNEL_TRY(list, NumberList(*d, "/schedule/monthDays", "monthDays", -31, 31, false,
                                "from 1 to 31, or from -1 (the last day) to -31"));
    s.month_days = std::move(list);
  }
  std::string f(FrequencyName(frequency));
  bool day_or_longer = frequency == Frequency::kDay || frequency == Frequency::kWeek ||
                       frequency == Frequency::kMonth;
  if (!day_or_longer && (!s.hours.empty() || !s.minutes.empty())) {
    std::string field = s.hours.empty() ? "minutes" : "hours";
    return Invalid("/schedule/" + field,
                   "recurrence.schedule." + field + " does not apply to frequency " + f +
                       ": use frequency Day (or Week) to run at set hours and minutes, or remove "
                       "the schedule and let startTime set the minute mark");
  }
  if (!s.week_days.empty() && frequency != Frequency::kWeek) {
    return Invalid("/schedule/weekDays", "recurrence.schedule.weekDays needs frequency Week, not " +
                                             f + ": set \"frequency\": \"Week\" or remove weekDays");
  }
  if (!s.month_days.empty() && frequency != Frequency::kMonth) {
    return Invalid("/schedule/monthDays", "recurrence.schedule.monthDays needs frequency Month, "
                                          "not " + f +
                                              ": set \"frequency\": \"Month\" or remove monthDays");
  }
  return s;
}

// startTime / endTime. `zone` is the timeZone that applies (nullopt if none); `ends_in_z`, when
// given, is set when the text ends in 'Z' (for startTime that switches the zone off).
Result<std::optional<DateTime>> ParseTime(const bj::object& o, std::string_view name,
                                          const std::optional<TimeZone>& zone, bool* ends_in_z) {
  const bj::value* v = json::FindMember(o, name);
  std::string where = "/" + std::string(name);
  std::string field = "recurrence." + std::string(name);
  if (!v || v->is_null() || (v->is_string() && v->get_string().empty())) return std::nullopt;
  if (!v->is_string()) {
    return Invalid(where, field + " must be a string such as \"2020-09-18T14:00:00Z\", not " +
                              Show(*v));
  }
  Result<Timestamp> parsed = ParseTimestamp(v->get_string());
  if (!parsed) {
    return Invalid(where, field + " " + Show(*v) + ExpressionHint(*v) + " is not valid: " +
                              parsed.error().message +
                              "; write YYYY-MM-DDThh:mm:ss, with a trailing Z for UTC");
  }
  if (parsed.value().suffix == Timestamp::Suffix::kOffset) {
    return Invalid(where, field + " " + Show(*v) +
                              " has a UTC offset, which the Recurrence trigger does not accept: "
                              "write the local time without offset and name its zone in "
                              "timeZone (\"2020-09-18T14:00:00\" with \"Pacific Standard Time\"), "
                              "or write a UTC time ending in Z (\"2020-09-18T21:00:00Z\")");
  }
  bool z = parsed.value().suffix == Timestamp::Suffix::kZ;
  if (ends_in_z) *ends_in_z = z;
  // Without an applicable zone the reading is UTC; the docs ask for a 'Z' there, we do not.
  DateKind kind = (zone && !z) ? DateKind::kUnspecified : DateKind::kUtc;
  return parsed.value().reading.WithKind(kind);
}

}  // namespace

std::string_view FrequencyName(Frequency frequency) {
  return kFrequencyNames[static_cast<size_t>(frequency)];
}

Result<Recurrence> ParseRecurrence(const bj::value& value) {
  if (!value.is_object()) {
    return Invalid("", "recurrence must be an object such as {\"frequency\": \"Hour\", "
                       "\"interval\": 1}, not " + Show(value));
  }
  const bj::object& o = value.get_object();
  Recurrence r;
  RUNNEL_TRY(frequency, ParseFrequency(o));
  r.frequency = frequency;
  RUNNEL_TRY(interval, ParseInterval(o, frequency));
  r.interval = interval;

  if (const bj::value* tz = json::FindMember(o, "timeZone");
      tz && !tz->is_null() && !(tz->is_string() && tz->get_string().empty())) {
    r.time_zone = tz->is_string() ? TimeZone::Find(tz->get_string()) : std::nullopt;
    if (!r.time_zone) {
      return Invalid("/timeZone", "recurrence.timeZone " + Show(*tz) + ExpressionHint(*tz) +
                                      " is not a known time zone; use a Windows id such as "
                                      "\"Pacific Standard Time\" or \"W. Europe Standard Time\", "
                                      "or an IANA id such as \"Europe/Berlin\"");
    }
  }
  bool start_in_utc = false;
  RUNNEL_TRY(start, ParseTime(o, "startTime", r.time_zone, &start_in_utc));
  r.start_time = start;
  if (start_in_utc && r.time_zone) {
    // Documented: with a 'Z' "Logic Apps ignores the time zone value".
    r.ignored_time_zone = r.time_zone->id();
    r.time_zone.reset();
  }
  RUNNEL_TRY(end, ParseTime(o, "endTime", r.time_zone, nullptr));
  r.end_time = end;

  if (const bj::value* s = json::FindMember(o, "schedule")) {
    RUNNEL_TRY(schedule, ParseSchedule(*s, frequency));
    r.schedule = std::move(schedule);
  }
  return r;
}

}  // namespace runnel::triggers

// Date and time functions: addDays, addHours, addMinutes, addSeconds, addToTime,
// subtractFromTime, getFutureTime, getPastTime, startOfDay, startOfHour, startOfMonth,
// dayOfMonth, dayOfWeek, dayOfYear, ticks, dateDifference, convertFromUtc, convertToUtc,
// convertTimeZone, formatDateTime, parseDateTime, utcNow.
//
// These are thin wrappers over datetime/ (DateTime, parsing, formatting, time zones), which
// follows .NET: timestamps parse as DateTime.Parse with AdjustToUniversal (a 'Z' or an offset
// gives a UTC value, nothing gives an unspecified one), results print with the round-trip format
// 'o' unless a format is given ('2018-03-25T00:00:00.0000000Z'; no 'Z' for unspecified values),
// in en-US unless formatDateTime/parseDateTime get a locale. A null or empty format means 'o'.

#include <boost/json/value.hpp>

#include "base/clock.h"
#include "expr/datetime/culture.h"
#include "expr/datetime/date_time.h"
#include "expr/datetime/format.h"
#include "expr/datetime/parse.h"
#include "expr/datetime/time_zone.h"
#include "expr/errors.h"
#include "expr/limits.h"
#include "expr/registry.h"

namespace runnel::expr {
namespace bj = boost::json;
namespace dt = datetime;

namespace {

constexpr size_t kQuoteLimit = 100;
constexpr std::string_view kAcceptedTimestamps =
    "use ISO 8601 such as '2018-03-15T13:27:36Z' or '2018-03-15', or forms such as "
    "'03/15/2018 13:27:36' or 'Thu, 15 Mar 2018 13:27:36 GMT'";
constexpr std::string_view kOutOfRange =
    "the result is outside the supported range 0001-01-01T00:00:00 to 9999-12-31T23:59:59.9999999";

std::string Quote(std::string_view s) {
  if (s.size() <= kQuoteLimit) return "'" + std::string(s) + "'";
  size_t n = kQuoteLimit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // whole UTF-8 chars
  return "'" + std::string(s.substr(0, n)) + "...'";
}

// Argument i as a string, or nullopt when it is absent or null.
Result<std::optional<std::string_view>> OptionalString(CallFrame& f, size_t i, const char* what) {
  if (i >= f.size() || f.arg(i).is_null()) return std::optional<std::string_view>();
  if (!f.arg(i).is_string()) return f.TypeError(i, what);
  return std::optional<std::string_view>(std::string_view(f.arg(i).json().get_string()));
}

Result<dt::DateTime> Timestamp(CallFrame& f, size_t i) {
  if (!f.arg(i).is_string()) return f.TypeError(i, "a timestamp string");
  std::string_view text = f.arg(i).json().get_string();
  auto parsed = dt::ParseDateTime(text, dt::InvariantCulture());
  if (!parsed) {
    return f.ValueError("the timestamp " + Quote(text) + " is not a valid date and time (" +
                        parsed.error().message + "); " + std::string(kAcceptedTimestamps));
  }
  return parsed.value();
}

size_t MaxResultChars(CallFrame& f) {
  return f.env().limits ? f.limits().max_result_chars : Limits().max_result_chars;
}

// `value` formatted with the optional format argument `format_index` (default 'o').
Result<Value> Formatted(CallFrame& f, const dt::DateTime& value, size_t format_index,
                        const dt::Culture& culture = dt::DefaultCulture()) {
  RUNNEL_TRY(format, OptionalString(f, format_index, "a format string"));
  std::string_view fmt = format && !format->empty() ? *format : dt::kRoundTripFormat;
  auto text = dt::FormatDateTime(value, fmt, culture, MaxResultChars(f));
  if (!text) return f.Fail(text.error().code.c_str(), text.error().message);
  return Value(bj::string(text.value()));
}

Result<std::shared_ptr<const dt::Culture>> Locale(CallFrame& f, size_t i) {
  RUNNEL_TRY(name, OptionalString(f, i, "a locale string"));
  if (!name) return std::shared_ptr<const dt::Culture>(&dt::DefaultCulture(), [](auto*) {});
  auto culture = dt::FindCulture(*name);
  if (!culture) {
    return f.ValueError("the locale " + Quote(*name) + " is not a known culture name; use a .NET "
                        "culture name such as 'en-US', 'en-GB', 'fr-FR', 'es-ES' or 'de-DE'");
  }
  return culture;
}

Result<dt::TimeZone> Zone(CallFrame& f, size_t i) {
  if (!f.arg(i).is_string()) return f.TypeError(i, "a time zone name");
  std::string_view id = f.arg(i).json().get_string();
  auto zone = dt::TimeZone::Find(id);
  if (!zone) {
    return f.ValueError("the time zone " + Quote(id) + " is not a Windows time zone id; use an "
                        "id such as 'Pacific Standard Time', 'W. Europe Standard Time', "
                        "'India Standard Time' or 'UTC' (as listed by `tzutil /l`)");
  }
  return *zone;
}

enum class Unit { kSecond, kMinute, kHour, kDay, kWeek, kMonth, kYear };

Result<Unit> UnitArg(CallFrame& f, size_t i) {
  if (!f.arg(i).is_string()) return f.TypeError(i, "a time unit string");
  std::string_view text = f.arg(i).json().get_string();
  static constexpr std::pair<std::string_view, Unit> kUnits[] = {
      {"second", Unit::kSecond}, {"minute", Unit::kMinute}, {"hour", Unit::kHour},
      {"day", Unit::kDay},       {"week", Unit::kWeek},     {"month", Unit::kMonth},
      {"year", Unit::kYear}};
  for (const auto& [name, unit] : kUnits) {
    if (text.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < text.size() && same; ++k) {
      same = (text[k] | 0x20) == name[k];
    }
    if (same) return unit;
  }
  return f.ValueError("the time unit " + Quote(text) + " is not valid; use Second, Minute, Hour, "
                      "Day, Week, Month or Year");
}

// value + n units, as .NET's AddSeconds/.../AddMonths/AddYears.
Result<dt::DateTime> AddUnits(CallFrame& f, const dt::DateTime& value, int64_t n, Unit unit) {
  std::optional<dt::DateTime> out;
  auto add_ticks = [&](int64_t per_unit) -> std::optional<dt::DateTime> {
    if (n > dt::kMaxTicks / per_unit || n < -dt::kMaxTicks / per_unit) return std::nullopt;
    return value.AddTicks(n * per_unit);
  };
  switch (unit) {
    case Unit::kSecond: out = add_ticks(dt::kTicksPerSecond); break;
    case Unit::kMinute: out = add_ticks(dt::kTicksPerMinute); break;
    case Unit::kHour: out = add_ticks(dt::kTicksPerHour); break;
    case Unit::kDay: out = add_ticks(dt::kTicksPerDay); break;
    case Unit::kWeek: out = add_ticks(7 * dt::kTicksPerDay); break;
    case Unit::kMonth: out = value.AddMonths(n); break;
    case Unit::kYear: out = value.AddYears(n); break;
  }
  if (!out) return f.ValueError(kOutOfRange);
  return *out;
}

// The interval argument, negated when `negate` (subtractFromTime, getPastTime).
Result<int64_t> Interval(CallFrame& f, size_t i, bool negate) {
  RUNNEL_TRY(n, f.Int(i));
  if (!negate) return n;
  if (n == INT64_MIN) return f.ValueError(kOutOfRange);
  return -n;
}

Result<dt::DateTime> Now(CallFrame& f) {
  const Clock& clock = f.env().clock ? *f.env().clock : SystemClock::Instance();
  int64_t micros = clock.NowMicros();
  constexpr int64_t kMaxMicros = (dt::kMaxTicks - dt::kUnixEpochTicks) / 10;
  constexpr int64_t kMinMicros = -dt::kUnixEpochTicks / 10;
  if (micros > kMaxMicros || micros < kMinMicros) {
    return f.ValueError("the clock reads a time outside 0001-01-01..9999-12-31");
  }
  return *dt::DateTime::FromTicks(dt::kUnixEpochTicks + micros * 10, dt::DateKind::kUtc);
}

template <Unit kUnit>
Result<Value> AddFixedUnit(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  RUNNEL_TRY(n, Interval(f, 1, false));
  RUNNEL_TRY(out, AddUnits(f, value, n, kUnit));
  return Formatted(f, out, 2);
}

template <bool kSubtract>
Result<Value> AddToTime(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  RUNNEL_TRY(n, Interval(f, 1, kSubtract));
  RUNNEL_TRY(unit, UnitArg(f, 2));
  RUNNEL_TRY(out, AddUnits(f, value, n, unit));
  return Formatted(f, out, 3);
}

template <bool kPast>
Result<Value> RelativeTime(CallFrame& f) {
  RUNNEL_TRY(n, Interval(f, 0, kPast));
  RUNNEL_TRY(unit, UnitArg(f, 1));
  RUNNEL_TRY(now, Now(f));
  RUNNEL_TRY(out, AddUnits(f, now, n, unit));
  return Formatted(f, out, 2);
}

Result<Value> UtcNow(CallFrame& f) {
  RUNNEL_TRY(now, Now(f));
  return Formatted(f, now, 0);
}

template <int64_t kTicksPerUnit>
Result<Value> StartOf(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  int64_t ticks = value.ticks() - value.ticks() % kTicksPerUnit;
  return Formatted(f, *dt::DateTime::FromTicks(ticks, value.kind()), 1);
}

Result<Value> StartOfMonth(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  dt::CivilTime c = value.Civil();
  dt::CivilTime first{c.year, c.month, 1, 0, 0, 0, 0};
  return Formatted(f, *dt::DateTime::FromCivil(first, value.kind()), 1);
}

Result<Value> DayOfMonth(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  return Value(static_cast<int64_t>(value.Civil().day));
}

Result<Value> DayOfWeek(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  return Value(static_cast<int64_t>(value.DayOfWeek()));
}

Result<Value> DayOfYear(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  return Value(static_cast<int64_t>(value.DayOfYear()));
}

Result<Value> Ticks(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  return Value(value.ticks());
}

Result<Value> DateDifference(CallFrame& f) {
  RUNNEL_TRY(start, Timestamp(f, 0));
  RUNNEL_TRY(end, Timestamp(f, 1));
  return Value(bj::string(dt::FormatTimeSpan(end.ticks() - start.ticks())));
}

Result<Value> Convert(CallFrame& f, const dt::DateTime& value, const dt::TimeZone& source,
                      const dt::TimeZone& destination, size_t format_index) {
  auto converted = dt::ConvertTime(value, source, destination);
  if (!converted) {
    std::string_view text = f.arg(0).json().get_string();  // Timestamp() checked it is a string
    return f.ValueError("cannot convert " + Quote(text) + ": " + converted.error().message);
  }
  return Formatted(f, converted.value(), format_index);
}

Result<Value> ConvertFromUtc(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  RUNNEL_TRY(destination, Zone(f, 1));
  return Convert(f, value, *dt::TimeZone::Find("UTC"), destination, 2);
}

Result<Value> ConvertToUtc(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  RUNNEL_TRY(source, Zone(f, 1));
  return Convert(f, value, source, *dt::TimeZone::Find("UTC"), 2);
}

Result<Value> ConvertTimeZone(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  RUNNEL_TRY(source, Zone(f, 1));
  RUNNEL_TRY(destination, Zone(f, 2));
  return Convert(f, value, source, destination, 3);
}

Result<Value> FormatDateTime(CallFrame& f) {
  RUNNEL_TRY(value, Timestamp(f, 0));
  RUNNEL_TRY(culture, Locale(f, 2));
  return Formatted(f, value, 1, *culture);
}

Result<Value> ParseDateTime(CallFrame& f) {
  if (!f.arg(0).is_string()) return f.TypeError(0, "a timestamp string");
  std::string_view text = f.arg(0).json().get_string();
  RUNNEL_TRY(culture, Locale(f, 1));
  RUNNEL_TRY(format, OptionalString(f, 2, "a format string"));
  bool exact = format && !format->empty();
  auto parsed = exact ? dt::ParseDateTimeExact(text, *format, *culture)
                      : dt::ParseDateTime(text, *culture);
  if (!parsed) {
    std::string against = exact ? "the format " + Quote(*format) : "the locale '" + culture->name + "'";
    return f.ValueError("the timestamp " + Quote(text) + " cannot be read with " + against + " (" +
                        parsed.error().message + ")");
  }
  auto text_out = dt::FormatDateTime(parsed.value(), dt::kRoundTripFormat, dt::DefaultCulture(),
                                     MaxResultChars(f));
  if (!text_out) return f.Fail(text_out.error().code.c_str(), text_out.error().message);
  return Value(bj::string(text_out.value()));
}

constexpr char kCategory[] = "date and time";

constexpr FunctionDef kFunctions[] = {
    {"addDays", kCategory, 2, 3, kPure, &AddFixedUnit<Unit::kDay>},
    {"addHours", kCategory, 2, 3, kPure, &AddFixedUnit<Unit::kHour>},
    {"addMinutes", kCategory, 2, 3, kPure, &AddFixedUnit<Unit::kMinute>},
    {"addSeconds", kCategory, 2, 3, kPure, &AddFixedUnit<Unit::kSecond>},
    {"addToTime", kCategory, 3, 4, kPure, &AddToTime<false>},
    {"convertFromUtc", kCategory, 2, 3, kPure, &ConvertFromUtc},
    {"convertTimeZone", kCategory, 3, 4, kPure, &ConvertTimeZone},
    {"convertToUtc", kCategory, 2, 3, kPure, &ConvertToUtc},
    {"dateDifference", kCategory, 2, 2, kPure, &DateDifference},
    {"dayOfMonth", kCategory, 1, 1, kPure, &DayOfMonth},
    {"dayOfWeek", kCategory, 1, 1, kPure, &DayOfWeek},
    {"dayOfYear", kCategory, 1, 1, kPure, &DayOfYear},
    {"formatDateTime", kCategory, 1, 3, kPure, &FormatDateTime},
    {"getFutureTime", kCategory, 2, 3, kVolatile, &RelativeTime<false>},
    {"getPastTime", kCategory, 2, 3, kVolatile, &RelativeTime<true>},
    {"parseDateTime", kCategory, 1, 3, kPure, &ParseDateTime},
    {"startOfDay", kCategory, 1, 2, kPure, &StartOf<dt::kTicksPerDay>},
    {"startOfHour", kCategory, 1, 2, kPure, &StartOf<dt::kTicksPerHour>},
    {"startOfMonth", kCategory, 1, 2, kPure, &StartOfMonth},
    {"subtractFromTime", kCategory, 3, 4, kPure, &AddToTime<true>},
    {"ticks", kCategory, 1, 1, kPure, &Ticks},
    {"utcNow", kCategory, 0, 1, kVolatile, &UtcNow},
};

}  // namespace

std::span<const FunctionDef> DateTimeFunctions() { return kFunctions; }

}  // namespace runnel::expr

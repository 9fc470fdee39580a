#include "connectors/http/retry_policy.h"

#include <boost/json/value.hpp>
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "engine/duration.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

constexpr char kInvalid[] = "InvalidRetryPolicy";
constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMinIntervalMicros = kMicrosPerSecond;             // PT1S (stateless floor)
constexpr int64_t kMaxIntervalMicros = 86'400 * kMicrosPerSecond;    // P1D

const bj::value* Member(const bj::object& o, std::string_view name) {
  const bj::value* v = json::FindMember(o, name);
  return v && !v->is_null() ? v : nullptr;
}

Result<int> ReadCount(const bj::value& v) {
  std::optional<int64_t> n;
  if (v.is_int64()) n = v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= 1000) n = static_cast<int64_t>(v.get_uint64());
  if (v.is_double() && std::floor(v.get_double()) == v.get_double() && std::abs(v.get_double()) <= 1000) {
    n = static_cast<int64_t>(v.get_double());
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    int64_t parsed = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) n = parsed;
  }
  if (!n || *n < 1 || *n > kMaxRetryCount) {
    return Error(kInvalid, "retryPolicy.count must be a whole number from 1 to " +
                               std::to_string(kMaxRetryCount));
  }
  return static_cast<int>(*n);
}

Result<int64_t> ReadDuration(const bj::value& v, std::string_view name) {
  std::optional<int64_t> micros;
  if (v.is_string()) micros = engine::ParseDurationMicros(v.get_string());
  if (!micros) {
    return Error(kInvalid, "retryPolicy." + std::string(name) +
                               " must be an ISO 8601 duration such as \"PT7S\" or \"PT1H\"");
  }
  return *micros;
}

// a·2^k, saturating at `cap` instead of overflowing.
int64_t ScaledInterval(int64_t interval, int k, int64_t cap) {
  if (k < 0) return 0;
  if (k >= 62 || interval > (cap >> k)) return cap;
  return std::min(cap, interval << k);
}

// Days since 1970-01-01 for a civil date, or nullopt when it does not exist.
std::optional<int64_t> DaysFromCivil(int year, int month, int day) {
  namespace ch = std::chrono;
  ch::year_month_day ymd{ch::year(year), ch::month(static_cast<unsigned>(month)),
                         ch::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return ch::sys_days(ymd).time_since_epoch().count();
}

int MonthIndex(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (json::EqualsIgnoreCase(kMonths[i], m)) return static_cast<int>(i) + 1;
  }
  return 0;
}

// RFC 9110 §5.6.7 HTTP-date in any of its three forms, as seconds since the epoch.
std::optional<int64_t> ParseHttpDate(std::string_view s) {
  char weekday[16] = {}, month[4] = {}, zone[4] = {};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  std::string text(s);
  const char* c = text.c_str();
  bool parsed = false;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (std::sscanf(c, "%15[A-Za-z], %d %3s %d %d:%d:%d %3s", weekday, &day, month, &year, &hour, &minute,
                  &second, zone) == 8) {
    parsed = true;
  } else if (std::sscanf(c, "%15[A-Za-z], %d-%3s-%d %d:%d:%d %3s", weekday, &day, month, &year, &hour,
                         &minute, &second, zone) == 8) {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years within 50 years (RFC 9110).
    if (year < 100) year += year < 70 ? 2000 : 1900;
    parsed = true;
  } else if (std::sscanf(c, "%15[A-Za-z] %3s %d %d:%d:%d %d", weekday, month, &day, &hour, &minute, &second,
                         &year) == 7) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    std::snprintf(zone, sizeof zone, "GMT");
    parsed = true;
  }
  if (!parsed || !json::EqualsIgnoreCase(zone, "GMT")) return std::nullopt;
  int m = MonthIndex(month);
  if (m == 0 || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 || second < 0) {
    return std::nullopt;
  }
  auto days = DaysFromCivil(year, m, day);
  if (!days) return std::nullopt;
  return *days * 86'400 + hour * 3'600 + minute * 60 + second;
}

}  // namespace

Result<RetryPolicy> ParseRetryPolicy(const bj::value* policy) {
  RetryPolicy p;
  if (!policy || policy->is_null()) return p;
  if (!policy->is_object()) {
    return Error(kInvalid, "retryPolicy must be an object such as {\"type\": \"fixed\", \"count\": 2, "
                           "\"interval\": \"PT30S\"}");
  }
  const bj::object& o = policy->get_object();
  const bj::value* type = Member(o, "type");
  std::string_view t = type && type->is_string() ? std::string_view(type->get_string()) : "";
  if (json::EqualsIgnoreCase(t, "default")) return p;
  if (json::EqualsIgnoreCase(t, "none")) {
    p.type = RetryType::kNone;
    p.count = 0;
    return p;
  }
  if (json::EqualsIgnoreCase(t, "fixed")) {
    p.type = RetryType::kFixed;
  } else if (json::EqualsIgnoreCase(t, "exponential")) {
    p.type = RetryType::kExponential;
  } else {
    return Error(kInvalid, "retryPolicy.type must be one of \"default\", \"none\", \"fixed\", "
                           "\"exponential\"" + (t.empty() ? std::string() : "; got \"" + std::string(t) + "\""));
  }
  if (const bj::value* v = Member(o, "count")) {
    RUNNEL_TRY(count, ReadCount(*v));
    p.count = count;
  }
  if (const bj::value* v = Member(o, "interval")) {
    RUNNEL_TRY(interval, ReadDuration(*v, "interval"));
    p.interval_micros = interval;
  }
  if (p.interval_micros < kMinIntervalMicros || p.interval_micros > kMaxIntervalMicros) {
    return Error(kInvalid, "retryPolicy.interval must be from PT1S to P1D");
  }
  if (p.type == RetryType::kExponential) {
    if (const bj::value* v = Member(o, "minimumInterval")) {
      RUNNEL_TRY(min, ReadDuration(*v, "minimumInterval"));
      p.minimum_interval_micros = min;
    }
    if (const bj::value* v = Member(o, "maximumInterval")) {
      RUNNEL_TRY(max, ReadDuration(*v, "maximumInterval"));
      p.maximum_interval_micros = max;
    }
    if (p.minimum_interval_micros > p.maximum_interval_micros) {
      return Error(kInvalid, "retryPolicy.minimumInterval must not exceed maximumInterval");
    }
  }
  return p;
}

WaitBounds RetryWaitBounds(const RetryPolicy& p, int retry) {
  if (p.type == RetryType::kFixed) return {p.interval_micros, p.interval_micros};
  const int64_t min = p.minimum_interval_micros;
  const int64_t max = p.maximum_interval_micros;
  int64_t lower = retry <= 1 ? std::max<int64_t>(0, min)
                             : std::max(ScaledInterval(p.interval_micros, retry - 2, max), min);
  int64_t upper = std::min(ScaledInterval(p.interval_micros, retry - 1, max), max);
  return {lower, std::max(lower, upper)};
}

int64_t RetryWaitMicros(const RetryPolicy& p, int retry, double unit) {
  WaitBounds b = RetryWaitBounds(p, retry);
  unit = std::clamp(unit, 0.0, 1.0);
  return b.lower_micros + static_cast<int64_t>(unit * static_cast<double>(b.upper_micros - b.lower_micros));
}

bool IsRetryableStatus(int status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now_micros) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t seconds = 0;
    auto r = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (r.ec != std::errc()) seconds = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;  // huge
    return std::min(seconds, std::numeric_limits<int64_t>::max() / kMicrosPerSecond) * kMicrosPerSecond;
  }
  auto at = ParseHttpDate(value);
  if (!at) return std::nullopt;
  return std::max<int64_t>(0, *at * kMicrosPerSecond - now_micros);
}

}  // namespace runnel::connectors

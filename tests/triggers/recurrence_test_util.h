// Helpers for the recurrence tests: instants written as ISO text, occurrences listed as text so
// that a failure shows the whole schedule at a glance.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "triggers/recurrence.h"
#include "triggers/timestamp.h"

namespace runnel::triggers::testing {

// "2017-09-08T13:00:00Z" to microseconds since the Unix epoch. REQUIRES: valid text.
inline int64_t Micros(std::string_view utc_text) {
  Result<Timestamp> t = ParseTimestamp(utc_text);
  EXPECT_TRUE(t) << utc_text;
  return (t.value().reading.ticks() - expr::datetime::kUnixEpochTicks) / 10;
}

// Microseconds since the Unix epoch to "YYYY-MM-DDThh:mm:ssZ" (sub-second parts are not used
// by these tests).
inline std::string Utc(int64_t micros) {
  auto t = expr::datetime::DateTime::FromTicks(expr::datetime::kUnixEpochTicks + micros * 10,
                                               expr::datetime::DateKind::kUtc);
  if (!t) return "out of range";
  expr::datetime::CivilTime c = t->Civil();
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day,
                c.hour, c.minute, c.second);
  return text;
}

// A recurrence from JSON text; fails the test when it does not parse.
inline Recurrence Parse(std::string_view json_text) {
  Result<Recurrence> r = ParseRecurrence(boost::json::parse(json_text));
  EXPECT_TRUE(r) << json_text << ": " << (r ? "" : r.error().ToString());
  return r ? r.value() : Recurrence{};
}

// The first `count` occurrences after `after` (UTC text), as UTC text; "none" ends the list.
inline std::vector<std::string> Next(const Recurrence& r, std::string_view anchor,
                                     std::string_view after, int count) {
  std::vector<std::string> out;
  int64_t a = Micros(anchor), t = Micros(after);
  for (int i = 0; i < count; ++i) {
    std::optional<int64_t> next = NextOccurrence(r, a, t);
    if (!next) {
      out.push_back("none");
      break;
    }
    EXPECT_GT(*next, t) << "occurrences must be strictly after the time asked about";
    out.push_back(Utc(*next));
    t = *next;
  }
  return out;
}

// The first `count` occurrences counting the anchor itself: what a trigger does when enabled.
inline std::vector<std::string> FromAnchor(const Recurrence& r, std::string_view anchor,
                                           int count) {
  std::vector<std::string> out;
  int64_t a = Micros(anchor), t = a - 1;
  for (int i = 0; i < count; ++i) {
    std::optional<int64_t> next = NextOccurrence(r, a, t);
    if (!next) {
      out.push_back("none");
      break;
    }
    out.push_back(Utc(*next));
    t = *next;
  }
  return out;
}

using Times = std::vector<std::string>;

}  // namespace runnel::triggers::testing

// Timestamp: the ISO 8601 date-times of a recurrence's startTime and endTime.
//
// Why not expr/datetime/parse.h: DateTime.Parse accepts any culture's forms ("3/15/2018") and
// folds an offset into a UTC value, but a recurrence must know whether the text said 'Z' (the
// time zone is then ignored) or gave an offset (not accepted), and should not guess at formats.
#pragma once

#include <string_view>

#include "base/result.h"
#include "expr/datetime/date_time.h"

namespace runnel::triggers {

struct Timestamp {
  enum class Suffix { kNone, kZ, kOffset };
  // The clock reading as written (the offset is not applied), kind kUnspecified.
  expr::datetime::DateTime reading;
  Suffix suffix = Suffix::kNone;
};

// YYYY-MM-DD, optionally followed by 'T' (or a space) and hh:mm[:ss[.fraction]], then optionally
// 'Z' or an offset (+hh, +hhmm, +hh:mm). Fraction digits beyond seven (100 ns) are dropped.
// Fails with a short reason ("month 13 does not exist"); callers add the field and the fix.
Result<Timestamp> ParseTimestamp(std::string_view text);

}  // namespace runnel::triggers

// Reading timestamps as .NET's DateTime.Parse / DateTime.ParseExact do, with
// DateTimeStyles.AdjustToUniversal: a value with 'Z', "GMT" or an offset becomes a UTC DateTime
// (converted by the offset); a value without any stays unspecified and keeps its clock reading.
//
// ParseDateTime (no format) accepts, in any culture:
//   - ISO 8601: 2018-03-15, 2018-03-15T13:27, 2018-03-15T13:27:36, 2018-03-15 13:27:36.1234567,
//     with any number of fraction digits (rounded to 7) and Z, +hh:mm, +hhmm or +hh;
//   - numeric dates in the culture's order (en-US and invariant: 03/15/2018, 3/15/18; fr-FR:
//     15/03/2018) with '/', '-' or '.', an optional time "13:27[:36[.fff]]" and AM/PM;
//     two-digit years are 1950..2049 (.NET's TwoDigitYearMax 2049);
//   - dates with month names and optional day names: 15 Jun 2009, June 15, 2009,
//     Mon, 15 Jun 2009 20:45:30 GMT (RFC 1123), "martes 20 octubre 2020" in es-ES; a day name
//     must match the date, as .NET checks;
//   - year and month only ("2018-03", "June 2009": the first of the month).
// Unlike .NET it rejects text with no date or no year ("13:27", "March 15"), which .NET
// completes from today's date: the date functions are pure and never read the clock.
//
// ParseDateTimeExact follows the format field by field (format.h lists the fields); standard
// one-letter formats expand to the culture's patterns. Names match case-insensitively, literal
// text exactly. A format without a year is rejected for the same reason as above; a year without
// month or day means January / the first, as in .NET.
//
// Both fail with InvalidArgumentValue and a short reason ("month 13 does not exist"); callers add
// the text and what is accepted.
#pragma once

#include <string_view>

#include "base/result.h"
#include "expr/datetime/culture.h"
#include "expr/datetime/date_time.h"

namespace runnel::expr::datetime {

Result<DateTime> ParseDateTime(std::string_view text, const Culture& culture);

Result<DateTime> ParseDateTimeExact(std::string_view text, std::string_view format,
                                    const Culture& culture);

}  // namespace runnel::expr::datetime

// TimeZone: a time zone named as WDL names them, converted with full daylight-saving history.
//
// WDL (like .NET on Windows) names zones by Windows id: 'Pacific Standard Time',
// 'W. Europe Standard Time', 'UTC'. Ids are matched case-insensitively against CLDR's
// windowsZones table as shipped in ICU, and mapped to the IANA zone CLDR gives for the
// "001" territory (Pacific Standard Time -> America/Los_Angeles); the offsets and DST rules come
// from ICU's tz data. As .NET 6+ does, IANA ids ('Europe/Berlin') are accepted too.
//
// Conversions follow .NET's TimeZoneInfo.ConvertTime:
//   - a local time that does not exist (skipped when clocks spring forward, e.g. 02:30 on
//     2018-03-11 in Pacific Standard Time) is an error, as .NET throws for it;
//   - a local time that occurs twice (when clocks fall back) is read as standard time, the
//     later of the two instants, as .NET does;
//   - results beyond 0001-01-01 / 9999-12-31 are clamped to that range, as .NET clamps;
//   - a UTC value ('Z' or offset) may only be converted from the 'UTC' zone; from any other
//     zone it is an error, as .NET's "Kind property" check;
//   - the result is a UTC value when the destination is 'UTC', unspecified otherwise.
// Historical rules: ICU knows every past rule change; Windows (and so the hosted engine) only
// knows those in its registry, so results for old dates can differ by an hour.
//
// TimeZone values are cheap to copy and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <unicode/uversion.h>

#include "base/result.h"
#include "expr/datetime/date_time.h"

U_NAMESPACE_BEGIN
class BasicTimeZone;
U_NAMESPACE_END

namespace runnel::expr::datetime {

class TimeZone {
 public:
  // The zone named `id`, or nullopt when there is none.
  static std::optional<TimeZone> Find(std::string_view id);

  const std::string& id() const { return id_; }  // canonical spelling
  bool is_utc() const { return is_utc_; }

  // The wall-clock reading at a UTC instant, clamped to the DateTime range.
  int64_t UtcToLocal(int64_t utc_ticks) const;
  // The UTC instant of a wall-clock reading (standard time when it is ambiguous), or nullopt when
  // the reading does not exist in this zone. Clamped to the DateTime range.
  std::optional<int64_t> LocalToUtc(int64_t local_ticks) const;

 private:
  int64_t OffsetAtUtc(int64_t utc_ticks) const;

  std::string id_;
  bool is_utc_ = false;
  std::shared_ptr<const icu::BasicTimeZone> zone_;
};

// .NET TimeZoneInfo.ConvertTime(value, source, destination) with the rules above; errors are
// InvalidArgumentValue with the reason.
Result<DateTime> ConvertTime(const DateTime& value, const TimeZone& source,
                             const TimeZone& destination);

}  // namespace runnel::expr::datetime

#include "expr/datetime/time_zone.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/ucal.h>
#include <unicode/ures.h>

#include <cstdio>
#include <map>
#include <mutex>

#include "expr/errors.h"
#include "json/lookup.h"

namespace runnel::expr::datetime {

namespace {

// Time zone ids are short; anything longer is not one and is rejected before any lookup.
constexpr size_t kMaxZoneIdChars = 64;

// Lower-cased Windows id -> its spelling in CLDR's windowsZones table (ICU's copy).
const std::map<std::string, std::string>& WindowsIds() {
  static const std::map<std::string, std::string>* ids = [] {
    auto* m = new std::map<std::string, std::string>();
    UErrorCode status = U_ZERO_ERROR;
    UResourceBundle* root = ures_openDirect(nullptr, "windowsZones", &status);
    UResourceBundle* map = ures_getByKey(root, "mapTimezones", nullptr, &status);
    if (U_SUCCESS(status)) {
      int32_t n = ures_getSize(map);
      for (int32_t i = 0; i < n; ++i) {
        UErrorCode s = U_ZERO_ERROR;
        UResourceBundle* entry = ures_getByIndex(map, i, nullptr, &s);
        if (U_SUCCESS(s)) {
          std::string key = ures_getKey(entry);
          m->emplace(json::LowerAscii(key), key);
        }
        ures_close(entry);
      }
    }
    ures_close(map);
    ures_close(root);
    return m;
  }();
  return *ids;
}

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

struct ZoneEntry {
  std::string id;
  bool is_utc;
  std::shared_ptr<const icu::BasicTimeZone> zone;
};

std::optional<ZoneEntry> Resolve(std::string_view id) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString iana;
  ZoneEntry entry;
  auto win = WindowsIds().find(json::LowerAscii(id));
  if (win != WindowsIds().end()) {
    entry.id = win->second;
    entry.is_utc = win->second == "UTC";
    icu::TimeZone::getIDForWindowsID(icu::UnicodeString::fromUTF8(win->second), nullptr, iana,
                                     status);
  } else if (id.find('/') != std::string_view::npos) {
    UBool is_system = false;
    icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(std::string(id)), iana, is_system,
                                  status);
    if (!is_system) return std::nullopt;
    entry.id = std::string(id);
    entry.is_utc = false;
  } else {
    return std::nullopt;
  }
  if (U_FAILURE(status) || iana.isEmpty()) return std::nullopt;
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(iana));
  auto* basic = dynamic_cast<icu::BasicTimeZone*>(tz.get());
  if (!basic || ToUtf8(iana) == UCAL_UNKNOWN_ZONE_ID) return std::nullopt;
  tz.release();
  entry.zone.reset(basic);
  return entry;
}

// Milliseconds since the Unix epoch (ICU's UDate) of a tick count, rounded down.
double ToUDate(int64_t ticks) {
  int64_t delta = ticks - kUnixEpochTicks;
  int64_t ms = delta / kTicksPerMillisecond;
  if (delta % kTicksPerMillisecond < 0) --ms;
  return static_cast<double>(ms);
}

int64_t Clamp(int64_t ticks) { return ticks < 0 ? 0 : (ticks > kMaxTicks ? kMaxTicks : ticks); }

std::string Describe(const DateTime& value) {
  CivilTime c = value.Civil();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

}  // namespace

std::optional<TimeZone> TimeZone::Find(std::string_view id) {
  if (id.empty() || id.size() > kMaxZoneIdChars) return std::nullopt;
  static std::mutex mu;
  static auto* cache = new std::map<std::string, ZoneEntry>();
  std::string key = json::LowerAscii(id);
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(key);
  if (it == cache->end()) {
    std::optional<ZoneEntry> entry = Resolve(id);
    if (!entry) return std::nullopt;
    it = cache->emplace(key, std::move(*entry)).first;
  }
  TimeZone tz;
  tz.id_ = it->second.id;
  tz.is_utc_ = it->second.is_utc;
  tz.zone_ = it->second.zone;
  return tz;
}

int64_t TimeZone::OffsetAtUtc(int64_t utc_ticks) const {
  UErrorCode status = U_ZERO_ERROR;
  int32_t raw = 0, dst = 0;
  zone_->getOffset(ToUDate(utc_ticks), false, raw, dst, status);
  if (U_FAILURE(status)) return 0;
  return static_cast<int64_t>(raw + dst) * kTicksPerMillisecond;
}

int64_t TimeZone::UtcToLocal(int64_t utc_ticks) const {
  return Clamp(utc_ticks + OffsetAtUtc(utc_ticks));
}

std::optional<int64_t> TimeZone::LocalToUtc(int64_t local_ticks) const {
  UErrorCode status = U_ZERO_ERROR;
  int32_t raw = 0, dst = 0;
  // Skipped readings are read with the offset before the change, which fails the round trip
  // below; repeated readings take standard time, as .NET does.
  zone_->getOffsetFromLocal(ToUDate(local_ticks), UCAL_TZ_LOCAL_FORMER,
                            UCAL_TZ_LOCAL_STANDARD_FORMER, raw, dst, status);
  if (U_FAILURE(status)) return std::nullopt;
  int64_t utc = local_ticks - static_cast<int64_t>(raw + dst) * kTicksPerMillisecond;
  if (utc + OffsetAtUtc(utc) != local_ticks) return std::nullopt;
  return Clamp(utc);
}

Result<DateTime> ConvertTime(const DateTime& value, const TimeZone& source,
                             const TimeZone& destination) {
  if (value.kind() == DateKind::kUtc && !source.is_utc()) {
    return Error(errc::kValue,
                 "the timestamp is a UTC time (it ends in 'Z' or has an offset) but the source "
                 "time zone is '" + source.id() + "'; use 'UTC' as the source time zone, or "
                 "remove the 'Z'/offset to read the time as local time of '" + source.id() + "'");
  }
  int64_t utc = value.ticks();
  if (!source.is_utc()) {
    std::optional<int64_t> converted = source.LocalToUtc(value.ticks());
    if (!converted) {
      return Error(errc::kValue, "the local time " + Describe(value) + " does not exist in '" +
                                     source.id() +
                                     "': the clocks skip it when daylight saving time starts");
    }
    utc = *converted;
  }
  if (destination.is_utc()) return *DateTime::FromTicks(utc, DateKind::kUtc);
  return *DateTime::FromTicks(destination.UtcToLocal(utc), DateKind::kUnspecified);
}

}  // namespace runnel::expr::datetime

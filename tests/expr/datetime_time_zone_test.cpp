// Windows time zone ids through ICU's CLDR data, and .NET's conversion rules around DST
// transitions (skipped local times fail, repeated ones read as standard time).
#include "expr/datetime/time_zone.h"

#include <gtest/gtest.h>

namespace runnel::expr::datetime {
namespace {

int64_t Ticks(int y, int mo, int d, int h, int mi) {
  return DateTime::FromCivil({y, mo, d, h, mi}, DateKind::kUnspecified)->ticks();
}

TEST(TimeZone, FindsWindowsIdsCaseInsensitively) {
  for (std::string_view id :
       {"Pacific Standard Time", "W. Europe Standard Time", "UTC", "India Standard Time",
        "Tokyo Standard Time", "AUS Eastern Standard Time", "Cen. Australia Standard Time",
        "E. South America Standard Time", "Nepal Standard Time", "UTC-11", "UTC+12",
        "GMT Standard Time", "Greenwich Standard Time", "Romance Standard Time"}) {
    auto tz = TimeZone::Find(id);
    ASSERT_TRUE(tz.has_value()) << id;
    EXPECT_EQ(tz->id(), id);
  }
  EXPECT_EQ(TimeZone::Find("pacific standard time")->id(), "Pacific Standard Time");
  EXPECT_TRUE(TimeZone::Find("utc")->is_utc());
  EXPECT_FALSE(TimeZone::Find("Greenwich Standard Time")->is_utc());
  EXPECT_TRUE(TimeZone::Find("America/Los_Angeles").has_value());
  for (std::string_view bad : {"", "PST", "EST", "Pacific", "Pacific Standard Time ",
                               "(UTC-08:00) Pacific Time (US & Canada)", "Mars/Olympus",
                               "Etc/Unknown", "GMT+5"}) {
    EXPECT_FALSE(TimeZone::Find(bad).has_value()) << bad;
  }
}

TEST(TimeZone, PacificSpringForwardAndFallBack) {
  TimeZone pst = *TimeZone::Find("Pacific Standard Time");
  // 2018-03-11: 02:00 PST jumps to 03:00 PDT.
  EXPECT_EQ(pst.LocalToUtc(Ticks(2018, 3, 11, 1, 59)), Ticks(2018, 3, 11, 9, 59));
  EXPECT_FALSE(pst.LocalToUtc(Ticks(2018, 3, 11, 2, 0)).has_value());
  EXPECT_FALSE(pst.LocalToUtc(Ticks(2018, 3, 11, 2, 59)).has_value());
  EXPECT_EQ(pst.LocalToUtc(Ticks(2018, 3, 11, 3, 0)), Ticks(2018, 3, 11, 10, 0));
  EXPECT_EQ(pst.UtcToLocal(Ticks(2018, 3, 11, 10, 0)), Ticks(2018, 3, 11, 3, 0));
  // 2018-11-04: 02:00 PDT falls back to 01:00 PST; 01:30 happens twice.
  EXPECT_EQ(pst.LocalToUtc(Ticks(2018, 11, 4, 1, 30)), Ticks(2018, 11, 4, 9, 30));  // standard
  EXPECT_EQ(pst.UtcToLocal(Ticks(2018, 11, 4, 8, 30)), Ticks(2018, 11, 4, 1, 30));
  EXPECT_EQ(pst.UtcToLocal(Ticks(2018, 11, 4, 9, 30)), Ticks(2018, 11, 4, 1, 30));
  EXPECT_EQ(pst.LocalToUtc(Ticks(2018, 11, 4, 0, 59)), Ticks(2018, 11, 4, 7, 59));
}

TEST(TimeZone, WesternEuropeSpringForwardAndFallBack) {
  TimeZone cet = *TimeZone::Find("W. Europe Standard Time");
  EXPECT_FALSE(cet.LocalToUtc(Ticks(2018, 3, 25, 2, 30)).has_value());
  EXPECT_EQ(cet.LocalToUtc(Ticks(2018, 3, 25, 3, 0)), Ticks(2018, 3, 25, 1, 0));
  EXPECT_EQ(cet.LocalToUtc(Ticks(2018, 10, 28, 2, 30)), Ticks(2018, 10, 28, 1, 30));
  EXPECT_EQ(cet.UtcToLocal(Ticks(2018, 10, 28, 0, 30)), Ticks(2018, 10, 28, 2, 30));
}

TEST(TimeZone, ConvertTimeFollowsDotNetKinds) {
  TimeZone utc = *TimeZone::Find("UTC");
  TimeZone pst = *TimeZone::Find("Pacific Standard Time");
  DateTime local = *DateTime::FromCivil({2018, 1, 1}, DateKind::kUnspecified);
  DateTime zulu = *DateTime::FromCivil({2018, 1, 1, 8}, DateKind::kUtc);
  auto to_utc = ConvertTime(local, pst, utc);
  ASSERT_TRUE(to_utc);
  EXPECT_EQ(to_utc.value().kind(), DateKind::kUtc);
  EXPECT_EQ(to_utc.value().ticks(), Ticks(2018, 1, 1, 8, 0));
  auto to_pst = ConvertTime(zulu, utc, pst);
  ASSERT_TRUE(to_pst);
  EXPECT_EQ(to_pst.value().kind(), DateKind::kUnspecified);
  EXPECT_EQ(to_pst.value().ticks(), Ticks(2018, 1, 1, 0, 0));
  EXPECT_FALSE(ConvertTime(zulu, pst, utc));  // a UTC value from a non-UTC zone
  // Clamped at the ends of the range, as .NET.
  DateTime first = *DateTime::FromTicks(0, DateKind::kUtc);
  EXPECT_EQ(ConvertTime(first, utc, pst).value().ticks(), 0);
  DateTime last = *DateTime::FromTicks(kMaxTicks, DateKind::kUnspecified);
  EXPECT_EQ(ConvertTime(last, pst, utc).value().ticks(), kMaxTicks);
}

}  // namespace
}  // namespace runnel::expr::datetime

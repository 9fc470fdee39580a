// DateTime arithmetic against .NET's: calendar fields, day of week, AddMonths clamping, the
// range limits and TimeSpan text.
#include "expr/datetime/date_time.h"

#include <gtest/gtest.h>

#include <random>

namespace runnel::expr::datetime {
namespace {

DateTime Make(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int frac = 0,
              DateKind kind = DateKind::kUnspecified) {
  auto v = DateTime::FromCivil({y, mo, d, h, mi, s, frac}, kind);
  EXPECT_TRUE(v.has_value()) << y << "-" << mo << "-" << d;
  return v.value_or(DateTime());
}

TEST(DateTime, TicksMatchDotNet) {
  // new DateTime(2018, 1, 1).Ticks and DateTime.MaxValue.Ticks.
  EXPECT_EQ(Make(2018, 1, 1).ticks(), 636503616000000000);
  EXPECT_EQ(Make(1970, 1, 1).ticks(), kUnixEpochTicks);
  EXPECT_EQ(Make(9999, 12, 31, 23, 59, 59, 9999999).ticks(), kMaxTicks);
  EXPECT_EQ(Make(1, 1, 1).ticks(), 0);
}

TEST(DateTime, CivilRoundTripsEveryKindOfTick) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> any(0, kMaxTicks);
  for (int i = 0; i < 20000; ++i) {
    int64_t ticks = any(rng);
    DateTime v = *DateTime::FromTicks(ticks, DateKind::kUtc);
    CivilTime c = v.Civil();
    auto back = DateTime::FromCivil(c, DateKind::kUtc);
    ASSERT_TRUE(back.has_value()) << ticks;
    EXPECT_EQ(back->ticks(), ticks);
    EXPECT_EQ(back->DayOfYear(), v.DayOfYear());
  }
}

TEST(DateTime, RejectsFieldsOutOfRange) {
  EXPECT_FALSE(DateTime::FromCivil({2019, 2, 29}, DateKind::kUtc));
  EXPECT_TRUE(DateTime::FromCivil({2020, 2, 29}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({1900, 2, 29}, DateKind::kUtc));
  EXPECT_TRUE(DateTime::FromCivil({2000, 2, 29}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({0, 1, 1}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({10000, 1, 1}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({2018, 13, 1}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({2018, 4, 31}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({2018, 1, 1, 24}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({2018, 1, 1, 0, 60}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromCivil({2018, 1, 1, 0, 0, 0, 10000000}, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromTicks(-1, DateKind::kUtc));
  EXPECT_FALSE(DateTime::FromTicks(kMaxTicks + 1, DateKind::kUtc));
}

TEST(DateTime, DayOfWeekAndYear) {
  EXPECT_EQ(Make(2018, 3, 15).DayOfWeek(), 4);  // Thursday
  EXPECT_EQ(Make(2016, 1, 31).DayOfWeek(), 0);  // Sunday
  EXPECT_EQ(Make(1, 1, 1).DayOfWeek(), 1);      // Monday
  EXPECT_EQ(Make(9999, 12, 31).DayOfWeek(), 5);  // Friday
  EXPECT_EQ(Make(2018, 3, 15).DayOfYear(), 74);
  EXPECT_EQ(Make(2020, 12, 31).DayOfYear(), 366);
  EXPECT_EQ(Make(2019, 12, 31).DayOfYear(), 365);
}

TEST(DateTime, AddMonthsClampsTheDayAsDotNet) {
  EXPECT_EQ(Make(2018, 1, 31).AddMonths(1)->ticks(), Make(2018, 2, 28).ticks());
  EXPECT_EQ(Make(2020, 1, 31).AddMonths(1)->ticks(), Make(2020, 2, 29).ticks());
  EXPECT_EQ(Make(2018, 3, 31).AddMonths(-1)->ticks(), Make(2018, 2, 28).ticks());
  EXPECT_EQ(Make(2018, 1, 15, 10, 30).AddMonths(-13)->ticks(), Make(2016, 12, 15, 10, 30).ticks());
  EXPECT_EQ(Make(2018, 12, 1).AddMonths(1)->ticks(), Make(2019, 1, 1).ticks());
  EXPECT_EQ(Make(2020, 2, 29).AddYears(1)->ticks(), Make(2021, 2, 28).ticks());
  EXPECT_EQ(Make(2020, 2, 29).AddYears(4)->ticks(), Make(2024, 2, 29).ticks());
  EXPECT_EQ(Make(2020, 2, 29).AddYears(-1)->ticks(), Make(2019, 2, 28).ticks());
  EXPECT_FALSE(Make(9999, 12, 1).AddMonths(1));
  EXPECT_FALSE(Make(1, 1, 1).AddMonths(-1));
  EXPECT_FALSE(Make(2018, 1, 1).AddMonths(120001));
  EXPECT_FALSE(Make(2018, 1, 1).AddYears(10001));
  EXPECT_FALSE(Make(2018, 1, 1).AddYears(INT64_MIN));
}

TEST(DateTime, AddTicksStaysInRangeAndKeepsKind) {
  DateTime utc = Make(2018, 1, 1, 0, 0, 0, 0, DateKind::kUtc);
  EXPECT_EQ(utc.AddTicks(kTicksPerDay)->kind(), DateKind::kUtc);
  EXPECT_FALSE(utc.AddTicks(kMaxTicks));
  EXPECT_FALSE(utc.AddTicks(INT64_MIN));
  EXPECT_FALSE(utc.AddTicks(INT64_MAX));
  EXPECT_EQ(Make(1, 1, 1).AddTicks(0)->ticks(), 0);
}

TEST(TimeSpan, FormatsAsDotNetConstantFormat) {
  EXPECT_EQ(FormatTimeSpan(1268 * kTicksPerDay), "1268.00:00:00");
  EXPECT_EQ(FormatTimeSpan(0), "00:00:00");
  EXPECT_EQ(FormatTimeSpan(30 * kTicksPerMinute), "00:30:00");
  EXPECT_EQ(FormatTimeSpan(-30 * kTicksPerMinute), "-00:30:00");
  EXPECT_EQ(FormatTimeSpan(-(kTicksPerDay + 2 * kTicksPerHour)), "-1.02:00:00");
  EXPECT_EQ(FormatTimeSpan(kTicksPerSecond / 2), "00:00:00.5000000");
  EXPECT_EQ(FormatTimeSpan(1), "00:00:00.0000001");
  EXPECT_EQ(FormatTimeSpan(kMaxTicks), "3652058.23:59:59.9999999");
  EXPECT_EQ(FormatTimeSpan(-kMaxTicks), "-3652058.23:59:59.9999999");
}

}  // namespace
}  // namespace runnel::expr::datetime

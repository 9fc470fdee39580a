// Recurrences across daylight saving changes, in the two zones flows use most.
//
// Pacific Standard Time (America/Los_Angeles), 2018: clocks jump 02:00 -> 03:00 on Sunday 03-11
// (UTC-8 -> UTC-7) and fall back 02:00 -> 01:00 on Sunday 11-04.
// W. Europe Standard Time (Europe/Berlin), 2018: 02:00 -> 03:00 on Sunday 03-25 (UTC+1 -> UTC+2)
// and 03:00 -> 02:00 on Sunday 10-28.
// Expected instants are UTC; the comments give the wall clock.
#include "recurrence_test_util.h"

namespace runnel::triggers::testing {
namespace {

constexpr char kSavedMarch[] = "2018-03-01T00:00:00Z";
constexpr char kSavedOctober[] = "2018-10-20T00:00:00Z";

TEST(RecurrenceDst, PacificDailyScheduleKeepsTheWallClock) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "Pacific Standard Time",
      "schedule": {"hours": [8], "minutes": [0]}})");
  // 08:00 PST, 08:00 PDT, 08:00 PDT.
  EXPECT_EQ(Next(r, kSavedMarch, "2018-03-10T00:00:00Z", 3),
            (Times{"2018-03-10T16:00:00Z", "2018-03-11T15:00:00Z", "2018-03-12T15:00:00Z"}));
  // 08:00 PDT, 08:00 PST.
  EXPECT_EQ(Next(r, kSavedOctober, "2018-11-03T00:00:00Z", 2),
            (Times{"2018-11-03T15:00:00Z", "2018-11-04T16:00:00Z"}));
}

TEST(RecurrenceDst, PacificSimpleDailyFromALocalStartTime) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2018-03-10T08:00:00",
      "timeZone": "Pacific Standard Time"})");
  EXPECT_EQ(Next(r, kSavedMarch, kSavedMarch, 2), (Times{"2018-03-10T16:00:00Z", "2018-03-11T15:00:00Z"}));
}

TEST(RecurrenceDst, PacificSkippedTimeRunsAsLateAsTheGapIsLong) {
  // The documented example: a 02:30 daily job ran at 03:30 on the spring-forward day, the same
  // UTC instant as the day before, and at 02:30 again the day after.
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "Pacific Standard Time",
      "schedule": {"hours": [2], "minutes": [30]}})");
  EXPECT_EQ(Next(r, kSavedMarch, "2018-03-10T00:00:00Z", 3),
            (Times{"2018-03-10T10:30:00Z", "2018-03-11T10:30:00Z", "2018-03-12T09:30:00Z"}));
}

TEST(RecurrenceDst, PacificSkippedAndNextSlotCollapseIntoOneRun) {
  // 02:30 moves to 03:30, where the 03:30 slot already is: one run, not two.
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "Pacific Standard Time",
      "schedule": {"hours": [2, 3], "minutes": [30]}})");
  EXPECT_EQ(Next(r, kSavedMarch, "2018-03-10T00:00:00Z", 5),
            (Times{"2018-03-10T10:30:00Z", "2018-03-10T11:30:00Z", "2018-03-11T10:30:00Z",
                   "2018-03-12T09:30:00Z", "2018-03-12T10:30:00Z"}));
}

TEST(RecurrenceDst, PacificEverySlotOfTheSkippedHourMovesAnHour) {
  // 02:15 and 02:45 do not exist on 03-11: they become 03:15 and 03:45 PDT, one run each.
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "Pacific Standard Time",
      "schedule": {"hours": [2, 3], "minutes": [15, 45]}})");
  EXPECT_EQ(Next(r, kSavedMarch, "2018-03-11T00:00:00Z", 4),
            (Times{"2018-03-11T10:15:00Z", "2018-03-11T10:45:00Z", "2018-03-12T09:15:00Z",
                   "2018-03-12T09:45:00Z"}));
}

TEST(RecurrenceDst, PacificRepeatedTimeRunsOnceAtItsFirstInstant) {
  // 01:30 happens twice on 11-04 (PDT, then PST): the run is at the first, and the second is
  // not another run.
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "Pacific Standard Time",
      "schedule": {"hours": [1], "minutes": [30]}})");
  EXPECT_EQ(Next(r, kSavedOctober, "2018-11-03T00:00:00Z", 3),
            (Times{"2018-11-03T08:30:00Z", "2018-11-04T08:30:00Z", "2018-11-05T09:30:00Z"}));
}

TEST(RecurrenceDst, PacificHourlyIsElapsedTime) {
  // Local 00:00, 01:00, then 03:00: Hour steps are absolute.
  Recurrence r = Parse(R"({"frequency": "Hour", "interval": 1, "startTime": "2018-03-11T00:00:00",
      "timeZone": "Pacific Standard Time"})");
  EXPECT_EQ(Next(r, kSavedMarch, kSavedMarch, 3),
            (Times{"2018-03-11T08:00:00Z", "2018-03-11T09:00:00Z", "2018-03-11T10:00:00Z"}));
}

TEST(RecurrenceDst, WithoutTimeZoneTheUtcTimeStaysPut) {
  // Documented: without a time zone the local run time shifts by an hour at DST changes.
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2018-03-10T16:00:00Z"})");
  EXPECT_EQ(Next(r, kSavedMarch, kSavedMarch, 2), (Times{"2018-03-10T16:00:00Z", "2018-03-11T16:00:00Z"}));
}

TEST(RecurrenceDst, StartTimeWithZIgnoresTheTimeZone) {
  // Documented: with a 'Z', "Logic Apps ignores the time zone value".
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2018-03-10T16:00:00Z",
      "timeZone": "Pacific Standard Time"})");
  EXPECT_EQ(r.ignored_time_zone, "Pacific Standard Time");
  EXPECT_FALSE(r.time_zone);
  EXPECT_EQ(Next(r, kSavedMarch, kSavedMarch, 2), (Times{"2018-03-10T16:00:00Z", "2018-03-11T16:00:00Z"}));
}

TEST(RecurrenceDst, BerlinSkippedTime) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "W. Europe Standard Time",
      "schedule": {"hours": [2], "minutes": [30]}})");
  // 02:30 CET, 03:30 CEST (02:30 does not exist), 02:30 CEST.
  EXPECT_EQ(Next(r, kSavedMarch, "2018-03-24T00:00:00Z", 3),
            (Times{"2018-03-24T01:30:00Z", "2018-03-25T01:30:00Z", "2018-03-26T00:30:00Z"}));
}

TEST(RecurrenceDst, BerlinRepeatedTime) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "W. Europe Standard Time",
      "schedule": {"hours": [2], "minutes": [30]}})");
  // 02:30 CEST, 02:30 CEST (the first of two), 02:30 CET.
  EXPECT_EQ(Next(r, kSavedOctober, "2018-10-27T00:00:00Z", 3),
            (Times{"2018-10-27T00:30:00Z", "2018-10-28T00:30:00Z", "2018-10-29T01:30:00Z"}));
}

TEST(RecurrenceDst, BerlinWeeklyMondayMorning) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1, "timeZone": "W. Europe Standard Time",
      "schedule": {"weekDays": ["Monday"], "hours": [9], "minutes": [0]}})");
  EXPECT_EQ(Next(r, kSavedMarch, "2018-03-18T00:00:00Z", 2),
            (Times{"2018-03-19T08:00:00Z", "2018-03-26T07:00:00Z"}));
}

TEST(RecurrenceDst, BerlinMonthlyFromThe31stAcrossDst) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2018-01-31T09:00:00",
      "timeZone": "W. Europe Standard Time"})");
  // 09:00 CET on 01-31 and 02-28, then 09:00 CEST on 03-31 and 04-30.
  EXPECT_EQ(Next(r, "2018-01-01T00:00:00Z", "2018-01-01T00:00:00Z", 4),
            (Times{"2018-01-31T08:00:00Z", "2018-02-28T08:00:00Z", "2018-03-31T07:00:00Z",
                   "2018-04-30T07:00:00Z"}));
}

TEST(RecurrenceDst, TimeZoneWithoutStartTimeAppliesToTheSchedule) {
  // The documentation ties timeZone to startTime; definitions in the wild give it alone with a
  // schedule and mean local hours, so Runnel applies it.
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "W. Europe Standard Time",
      "schedule": {"hours": ["6"]}})");
  // Saved 2018-03-01 00:00 UTC = 01:00 CET, so the minute mark is :00.
  EXPECT_EQ(FromAnchor(r, kSavedMarch, 2), (Times{"2018-03-01T05:00:00Z", "2018-03-02T05:00:00Z"}));
}

}  // namespace
}  // namespace runnel::triggers::testing

// NextOccurrence against every example of the documentation's tables
// (concepts-schedule-automated-recurring-tasks-workflows.md: "Patterns for start date and time"
// and "Example recurrences"; connectors-native-recurrence.md), then the cases the tables leave
// open: intervals above 1 with a schedule, month ends, endTime, downtime.
//
// Unless a test says otherwise the flow is saved (the anchor) on Thursday 2017-09-07 at 10:25 UTC,
// so "the minute-mark from when you save" is :25.
#include "recurrence_test_util.h"

namespace runnel::triggers::testing {
namespace {

constexpr char kSaved[] = "2017-09-07T10:25:00Z";

// --- "Patterns for start date and time" ----------------------------------------------------

TEST(RecurrenceStartTime, NoStartTimeRunsAtOnceThenEveryInterval) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-07T10:25:00Z", "2017-09-08T10:25:00Z", "2017-09-09T10:25:00Z"}));
}

TEST(RecurrenceStartTime, PastStartTimeDiscardsPastRunsWithoutBackfill) {
  // The documented example: now 2017-09-08 13:00, start 2017-09-07 14:00, every two days.
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 2, "startTime": "2017-09-07T14:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, "2017-09-08T13:00:00Z", 4),
            (Times{"2017-09-09T14:00:00Z", "2017-09-11T14:00:00Z", "2017-09-13T14:00:00Z",
                   "2017-09-15T14:00:00Z"}));
  // "No matter how far in the past you specify the start time": 09-01 gives the same runs.
  Recurrence earlier =
      Parse(R"({"frequency": "Day", "interval": 2, "startTime": "2017-09-01T14:00:00Z"})");
  EXPECT_EQ(Next(earlier, kSaved, "2017-09-08T13:00:00Z", 1), (Times{"2017-09-09T14:00:00Z"}));
}

TEST(RecurrenceStartTime, FutureStartTimeIsTheFirstRun) {
  Recurrence r = Parse(R"({"frequency": "Hour", "interval": 6, "startTime": "2017-09-20T09:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 2), (Times{"2017-09-20T09:00:00Z", "2017-09-20T15:00:00Z"}));
}

TEST(RecurrenceStartTime, FutureStartTimeWithScheduleRunsNoSoonerThanIt) {
  // connectors-native-recurrence.md: saved Friday 2020-09-04; start Friday 09-18 08:00 Pacific;
  // Mondays at 10:30, 12:30 and 14:30 -> first on Monday 09-21 at 10:30 (PDT, UTC-7).
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1,
      "startTime": "2020-09-18T08:00:00", "timeZone": "Pacific Standard Time",
      "schedule": {"hours": [10, 12, 14], "minutes": [30], "weekDays": ["Monday"]}})");
  EXPECT_EQ(Next(r, "2020-09-04T12:00:00Z", "2020-09-04T12:00:00Z", 4),
            (Times{"2020-09-21T17:30:00Z", "2020-09-21T19:30:00Z", "2020-09-21T21:30:00Z",
                   "2020-09-28T17:30:00Z"}));
}

TEST(RecurrenceStartTime, MissedOccurrencesAreNotReplayed) {
  // Down from 09-07 to 09-10 10:07: the next run is the next slot, not the missed ones.
  Recurrence r = Parse(R"({"frequency": "Minute", "interval": 15, "startTime": "2017-09-07T11:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, "2017-09-10T10:07:00Z", 1), (Times{"2017-09-10T10:15:00Z"}));
}

// --- "Example recurrences", row by row -----------------------------------------------------

TEST(RecurrenceExamples, Every15MinutesNoStart) {
  Recurrence r = Parse(R"({"frequency": "Minute", "interval": 15})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-07T10:25:00Z", "2017-09-07T10:40:00Z", "2017-09-07T10:55:00Z"}));
}

TEST(RecurrenceExamples, Every15MinutesWithStart) {
  Recurrence future = Parse(R"({"frequency": "Minute", "interval": 15, "startTime": "2017-09-08T10:00:00Z"})");
  EXPECT_EQ(Next(future, kSaved, kSaved, 2), (Times{"2017-09-08T10:00:00Z", "2017-09-08T10:15:00Z"}));
  // A past start keeps its minute marks (:07, :22, :37, :52).
  Recurrence past = Parse(R"({"frequency": "Minute", "interval": 15, "startTime": "2017-09-01T10:07:00Z"})");
  EXPECT_EQ(Next(past, kSaved, kSaved, 2), (Times{"2017-09-07T10:37:00Z", "2017-09-07T10:52:00Z"}));
}

TEST(RecurrenceExamples, EveryHourOnTheHourWithStart) {
  Recurrence r = Parse(R"({"frequency": "Hour", "interval": 1, "startTime": "2017-09-08T10:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 3),
            (Times{"2017-09-08T10:00:00Z", "2017-09-08T11:00:00Z", "2017-09-08T12:00:00Z"}));
  // "If the frequency is Week or Month, this schedule respectively runs only one day per week or
  // one day per month."
  Recurrence week = Parse(R"({"frequency": "Week", "interval": 1, "startTime": "2017-09-08T10:00:00Z"})");
  EXPECT_EQ(Next(week, kSaved, kSaved, 2), (Times{"2017-09-08T10:00:00Z", "2017-09-15T10:00:00Z"}));
  Recurrence month = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2017-09-08T10:00:00Z"})");
  EXPECT_EQ(Next(month, kSaved, kSaved, 2), (Times{"2017-09-08T10:00:00Z", "2017-10-08T10:00:00Z"}));
}

TEST(RecurrenceExamples, EveryHourNoStart) {
  Recurrence r = Parse(R"({"frequency": "Hour", "interval": 1})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-07T10:25:00Z", "2017-09-07T11:25:00Z", "2017-09-07T12:25:00Z"}));
}

TEST(RecurrenceExamples, EveryHourWithStart) {
  Recurrence r = Parse(R"({"frequency": "Hour", "interval": 1, "startTime": "2017-09-08T10:42:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 2), (Times{"2017-09-08T10:42:00Z", "2017-09-08T11:42:00Z"}));
}

TEST(RecurrenceExamples, Every15PastTheHourWithStart) {
  Recurrence r = Parse(R"({"frequency": "Hour", "interval": 1, "startTime": "2017-09-08T00:15:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 3),
            (Times{"2017-09-08T00:15:00Z", "2017-09-08T01:15:00Z", "2017-09-08T02:15:00Z"}));
}

TEST(RecurrenceExamples, Every15PastTheHourAsDaySchedule) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "schedule": {
      "hours": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23], "minutes": [15]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 2), (Times{"2017-09-07T11:15:00Z", "2017-09-07T12:15:00Z"}));
  // "Equivalent to a frequency of Hour and a start time with 15 minutes."
  Recurrence hourly = Parse(R"({"frequency": "Hour", "interval": 1, "startTime": "2017-09-07T00:15:00Z"})");
  EXPECT_EQ(FromAnchor(r, kSaved, 48), Next(hourly, kSaved, kSaved, 48));
}

TEST(RecurrenceExamples, Every15MinutesAtMinuteMarks) {
  // "Doesn't start until the next specified 15-minute mark."
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "schedule": {
      "hours": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23],
      "minutes": [0, 15, 30, 45]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-07T10:30:00Z", "2017-09-07T10:45:00Z", "2017-09-07T11:00:00Z"}));
}

TEST(RecurrenceExamples, DailyAt8PlusTheMinuteMarkOfSaving) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "schedule": {"hours": [8]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 2), (Times{"2017-09-08T08:25:00Z", "2017-09-09T08:25:00Z"}));
}

TEST(RecurrenceExamples, DailyAt8WithStart) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2017-09-08T08:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 2), (Times{"2017-09-08T08:00:00Z", "2017-09-09T08:00:00Z"}));
}

TEST(RecurrenceExamples, DailyAt830) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "schedule": {"hours": [8], "minutes": [30]}})");
  // A schedule without startTime does not run at once: the first run is the next slot.
  EXPECT_EQ(FromAnchor(r, kSaved, 2), (Times{"2017-09-08T08:30:00Z", "2017-09-09T08:30:00Z"}));
}

TEST(RecurrenceExamples, DailyAt830And1630) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "schedule": {"hours": [8, 16], "minutes": [30]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-07T16:30:00Z", "2017-09-08T08:30:00Z", "2017-09-08T16:30:00Z"}));
}

TEST(RecurrenceExamples, DailyHoursAndMinutesCrossProduct) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "schedule": {"hours": [8, 16], "minutes": [30, 45]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 5),
            (Times{"2017-09-07T16:30:00Z", "2017-09-07T16:45:00Z", "2017-09-08T08:30:00Z",
                   "2017-09-08T08:45:00Z", "2017-09-08T16:30:00Z"}));
}

TEST(RecurrenceExamples, EverySaturdayAt5PmNoStart) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1,
      "schedule": {"weekDays": ["Saturday"], "hours": [17], "minutes": [0]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-09T17:00:00Z", "2017-09-16T17:00:00Z", "2017-09-23T17:00:00Z"}));
}

TEST(RecurrenceExamples, EverySaturdayAt5PmWithStart) {
  // "In this case, September 9, 2017 at 5:00 PM": the hour comes from the start time.
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1, "startTime": "2017-09-09T17:00:00Z",
      "schedule": {"weekDays": ["Saturday"]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 2), (Times{"2017-09-09T17:00:00Z", "2017-09-16T17:00:00Z"}));
}

TEST(RecurrenceExamples, TuesdayThursdayAt5PmPlusTheMinuteMark) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1,
      "schedule": {"weekDays": ["Tuesday", "Thursday"], "hours": [17]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-07T17:25:00Z", "2017-09-12T17:25:00Z", "2017-09-14T17:25:00Z"}));
}

TEST(RecurrenceExamples, EveryHourDuringWorkingHours) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1, "schedule": {
      "weekDays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
      "hours": [8, 9, 10, 11, 12, 13, 14, 15, 16, 17], "minutes": [0]}})");
  Times runs = FromAnchor(r, kSaved, 18);
  // Thursday 11:00..17:00 (7 runs), Friday 08:00..17:00 (10), then Monday 08:00.
  EXPECT_EQ(runs.front(), "2017-09-07T11:00:00Z");
  EXPECT_EQ(runs[6], "2017-09-07T17:00:00Z");
  EXPECT_EQ(runs[16], "2017-09-08T17:00:00Z");
  EXPECT_EQ(runs[17], "2017-09-11T08:00:00Z");
}

TEST(RecurrenceExamples, OnceEveryDayOnWeekends) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1,
      "schedule": {"weekDays": ["Saturday", "Sunday"], "hours": [9], "minutes": [0]}})");
  EXPECT_EQ(FromAnchor(r, kSaved, 3),
            (Times{"2017-09-09T09:00:00Z", "2017-09-10T09:00:00Z", "2017-09-16T09:00:00Z"}));
}

TEST(RecurrenceExamples, Every15MinutesBiweeklyOnMondays) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 2, "schedule": {"weekDays": ["Monday"],
      "hours": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23],
      "minutes": [0, 15, 30, 45]}})");
  // Weeks count from the anchor's (Monday 09-04, already past); 09-11 is the odd week.
  Times runs = FromAnchor(r, kSaved, 97);
  EXPECT_EQ(runs[0], "2017-09-18T00:00:00Z");
  EXPECT_EQ(runs[1], "2017-09-18T00:15:00Z");
  EXPECT_EQ(runs[95], "2017-09-18T23:45:00Z");
  EXPECT_EQ(runs[96], "2017-10-02T00:00:00Z");
}

TEST(RecurrenceExamples, EveryMonth) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2017-09-08T08:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 3),
            (Times{"2017-09-08T08:00:00Z", "2017-10-08T08:00:00Z", "2017-11-08T08:00:00Z"}));
  // "If you don't specify a start date and time, this schedule uses the creation date and time."
  Recurrence no_start = Parse(R"({"frequency": "Month", "interval": 1})");
  EXPECT_EQ(FromAnchor(no_start, kSaved, 2), (Times{"2017-09-07T10:25:00Z", "2017-10-07T10:25:00Z"}));
}

TEST(RecurrenceExamples, EveryHourForOneDayPerMonth) {
  // "If the start time or creation time is 8:25 AM, this schedule runs at 8:25 AM, 9:25 AM...".
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "schedule": {
      "hours": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23]}})");
  Times runs = FromAnchor(r, "2017-09-07T08:25:00Z", 17);
  EXPECT_EQ(runs[0], "2017-09-07T08:25:00Z");
  EXPECT_EQ(runs[1], "2017-09-07T09:25:00Z");
  EXPECT_EQ(runs[15], "2017-09-07T23:25:00Z");
  EXPECT_EQ(runs[16], "2017-10-07T00:25:00Z");
}

// --- Beyond the tables -----------------------------------------------------------------------

TEST(RecurrenceSchedule, DayIntervalCountsDaysFromTheStart) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 3, "startTime": "2018-01-01T00:00:00Z",
      "schedule": {"hours": [6], "minutes": [0]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 3),
            (Times{"2018-01-01T06:00:00Z", "2018-01-04T06:00:00Z", "2018-01-07T06:00:00Z"}));
}

TEST(RecurrenceSchedule, WeekIntervalCountsWeeksFromTheStartWeek) {
  // Start on Wednesday 01-03: Monday 01-01 is in the first week but before the start.
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 2, "startTime": "2018-01-03T00:00:00Z",
      "schedule": {"weekDays": ["Monday", "Friday"], "hours": [9], "minutes": [0]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 4),
            (Times{"2018-01-05T09:00:00Z", "2018-01-15T09:00:00Z", "2018-01-19T09:00:00Z",
                   "2018-01-29T09:00:00Z"}));
}

TEST(RecurrenceSchedule, WeekDaysAloneKeepTheStartTimeOfDay) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 1, "startTime": "2017-09-07T06:45:30Z",
      "schedule": {"weekDays": ["Monday"]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 2), (Times{"2017-09-11T06:45:30Z", "2017-09-18T06:45:30Z"}));
}

TEST(RecurrenceMonthEnds, LastDayOfEachMonth) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2020-01-15T00:00:00Z",
      "schedule": {"monthDays": [-1], "hours": [12], "minutes": [0]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 4),
            (Times{"2020-01-31T12:00:00Z", "2020-02-29T12:00:00Z", "2020-03-31T12:00:00Z",
                   "2020-04-30T12:00:00Z"}));
}

TEST(RecurrenceMonthEnds, Day31SkipsShorterMonths) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2021-01-01T07:00:00Z",
      "schedule": {"monthDays": [31]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 4),
            (Times{"2021-01-31T07:00:00Z", "2021-03-31T07:00:00Z", "2021-05-31T07:00:00Z",
                   "2021-07-31T07:00:00Z"}));
}

TEST(RecurrenceMonthEnds, Day31AndLastDayRunOncePerMonth) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2021-01-01T07:00:00Z",
      "schedule": {"monthDays": [31, -1]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 3),
            (Times{"2021-01-31T07:00:00Z", "2021-02-28T07:00:00Z", "2021-03-31T07:00:00Z"}));
}

TEST(RecurrenceMonthEnds, NegativeDaysCountFromTheEnd) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2020-01-01T07:00:00Z",
      "schedule": {"monthDays": [-2]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 2), (Times{"2020-01-30T07:00:00Z", "2020-02-28T07:00:00Z"}));
}

TEST(RecurrenceMonthEnds, MonthIntervalAndFirstDays) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 3, "startTime": "2020-01-01T07:00:00Z",
      "schedule": {"monthDays": [1, 15]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 4),
            (Times{"2020-01-01T07:00:00Z", "2020-01-15T07:00:00Z", "2020-04-01T07:00:00Z",
                   "2020-04-15T07:00:00Z"}));
}

TEST(RecurrenceMonthEnds, DaysThatNeverOccurGiveNoOccurrence) {
  // Every 12 months from April: always April, which has no 31st.
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 12, "startTime": "2020-04-01T07:00:00Z",
      "schedule": {"monthDays": [31]}})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 1), (Times{"none"}));
}

TEST(RecurrenceMonthEnds, SimpleMonthlyFromThe31stClampsLikeAddMonths) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "startTime": "2021-01-31T07:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 4),
            (Times{"2021-01-31T07:00:00Z", "2021-02-28T07:00:00Z", "2021-03-31T07:00:00Z",
                   "2021-04-30T07:00:00Z"}));
}

TEST(RecurrenceEndTime, LastOccurrenceIsTheOneAtOrBeforeEndTime) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2018-01-01T08:00:00Z",
      "endTime": "2018-01-03T08:00:00Z"})");
  EXPECT_EQ(Next(r, kSaved, kSaved, 4),
            (Times{"2018-01-01T08:00:00Z", "2018-01-02T08:00:00Z", "2018-01-03T08:00:00Z", "none"}));
}

TEST(RecurrenceAnchor, StartTimeMakesTheAnchorIrrelevant) {
  Recurrence r = Parse(R"({"frequency": "Hour", "interval": 2, "startTime": "2017-09-01T01:10:00Z"})");
  EXPECT_EQ(Next(r, "2017-09-07T10:25:00Z", kSaved, 1), Next(r, "2000-01-01T00:00:00Z", kSaved, 1));
}

TEST(RecurrenceAnchor, ArgumentsOutsideTheDateRangeGiveNothing) {
  Recurrence r = Parse(R"({"frequency": "Second", "interval": 1})");
  EXPECT_FALSE(NextOccurrence(r, 0, INT64_MAX));
  EXPECT_FALSE(NextOccurrence(r, INT64_MIN, 0));
  // The last representable second has no successor.
  EXPECT_FALSE(NextOccurrence(r, 0, Micros("9999-12-31T23:59:59Z")));
}

}  // namespace
}  // namespace runnel::triggers::testing

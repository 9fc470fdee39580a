// ParseRecurrence: what it accepts (including the liberal forms seen in real definitions) and
// that every rejection names the field, the problem and the fix.
#include "recurrence_test_util.h"
#include "triggers/errors.h"

namespace runnel::triggers::testing {
namespace {

using expr::datetime::DateKind;

// The error of a recurrence that must not parse.
Error Rejected(std::string_view json_text) {
  Result<Recurrence> r = ParseRecurrence(boost::json::parse(json_text));
  EXPECT_FALSE(r) << json_text << " was accepted";
  return r ? Error() : r.error();
}

// Asserts code, location and fragments of the message.
void ExpectError(std::string_view json_text, std::string_view where,
                 std::vector<std::string_view> fragments,
                 std::string_view code = errc::kInvalidRecurrence) {
  Error e = Rejected(json_text);
  EXPECT_EQ(e.code, code) << json_text;
  EXPECT_EQ(e.where, where) << json_text;
  for (std::string_view f : fragments) {
    EXPECT_NE(e.message.find(f), std::string::npos) << "'" << f << "' not in: " << e.message;
  }
}

TEST(RecurrenceParse, ReadsEveryMember) {
  Recurrence r = Parse(R"({"frequency": "Week", "interval": 2, "startTime": "2017-09-07T14:00:00",
      "endTime": "2018-09-07T14:00:00", "timeZone": "Pacific Standard Time",
      "schedule": {"hours": [14, 10, 12, 10], "minutes": [30], "weekDays": ["Monday", "Friday"]}})");
  EXPECT_EQ(r.frequency, Frequency::kWeek);
  EXPECT_EQ(r.interval, 2);
  ASSERT_TRUE(r.start_time);
  EXPECT_EQ(r.start_time->kind(), DateKind::kUnspecified);  // a local reading in the zone
  EXPECT_EQ(r.start_time->Civil().hour, 14);
  ASSERT_TRUE(r.end_time);
  ASSERT_TRUE(r.time_zone);
  EXPECT_EQ(r.time_zone->id(), "Pacific Standard Time");
  EXPECT_TRUE(r.ignored_time_zone.empty());
  EXPECT_EQ(r.schedule.hours, (std::vector<int>{10, 12, 14}));  // sorted, duplicates dropped
  EXPECT_EQ(r.schedule.minutes, (std::vector<int>{30}));
  EXPECT_EQ(r.schedule.week_days, (std::vector<int>{1, 5}));
}

TEST(RecurrenceParse, AcceptsTheLiberalFormsOfRealDefinitions) {
  // Names in any case, numeric strings, single values for lists, fractions of seconds.
  Recurrence r = Parse(R"({"Frequency": "day", "INTERVAL": "1", "startTime": "2022-02-14T15:00:00.000Z",
      "schedule": {"hours": "6", "minutes": 0.0}})");
  EXPECT_EQ(r.frequency, Frequency::kDay);
  EXPECT_EQ(r.schedule.hours, (std::vector<int>{6}));
  EXPECT_EQ(r.schedule.minutes, (std::vector<int>{0}));
  EXPECT_EQ(r.start_time->kind(), DateKind::kUtc);
  Recurrence week = Parse(R"({"frequency": "WEEK", "interval": 1, "schedule": {"weekDays": "friday"}})");
  EXPECT_EQ(week.schedule.week_days, (std::vector<int>{5}));
  // Seven fraction digits, as .NET writes them, and a local time without seconds.
  Recurrence local = Parse(R"({"frequency": "Week", "interval": 1, "startTime": "2020-11-11T11:00:00.0000000",
      "timeZone": "India Standard Time", "schedule": {"hours": ["11"], "weekDays": ["Monday"]}})");
  EXPECT_EQ(local.start_time->kind(), DateKind::kUnspecified);
  EXPECT_TRUE(Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2020-11-11T11:00"})").start_time);
}

TEST(RecurrenceParse, EmptyValuesMeanAbsent) {
  // Designers write empty lists, empty strings and nulls; none of them is an error, even where
  // a non-empty value would not fit the frequency.
  Recurrence r = Parse(R"({"frequency": "Minute", "interval": 5, "startTime": "", "timeZone": null,
      "schedule": {"hours": [], "minutes": [], "weekDays": [], "monthDays": [], "monthlyOccurrences": []}})");
  EXPECT_FALSE(r.start_time);
  EXPECT_FALSE(r.time_zone);
  EXPECT_TRUE(r.schedule.empty());
}

TEST(RecurrenceParse, DateOnlyStartTimeIsMidnight) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2020-09-18"})");
  EXPECT_EQ(Next(r, "2020-09-01T00:00:00Z", "2020-09-01T00:00:00Z", 1), (Times{"2020-09-18T00:00:00Z"}));
}

TEST(RecurrenceParse, StartTimeWithoutZoneOrZIsUtc) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "startTime": "2020-09-18T14:00:00"})");
  EXPECT_EQ(r.start_time->kind(), DateKind::kUtc);
}

TEST(RecurrenceParse, IanaTimeZonesAreAccepted) {
  Recurrence r = Parse(R"({"frequency": "Day", "interval": 1, "timeZone": "Europe/Berlin"})");
  EXPECT_TRUE(r.time_zone);
}

TEST(RecurrenceParse, MonthAcceptsHoursAsTheExampleTableDoes) {
  Recurrence r = Parse(R"({"frequency": "Month", "interval": 1, "schedule": {"hours": [8], "monthDays": [-1, 15]}})");
  EXPECT_EQ(r.schedule.month_days, (std::vector<int>{-1, 15}));
}

// --- Rejections ----------------------------------------------------------------------------

TEST(RecurrenceParseErrors, NotAnObject) {
  ExpectError(R"("daily")", "", {"must be an object"});
}

TEST(RecurrenceParseErrors, MissingOrUnknownFrequency) {
  ExpectError(R"({"interval": 1})", "", {"frequency is missing", "Second, Minute, Hour, Day, Week, Month"});
  ExpectError(R"({"frequency": "Year", "interval": 1})", "/frequency",
              {"\"Year\"", "not a Recurrence frequency", "use one of Second"});
  ExpectError(R"({"frequency": 3, "interval": 1})", "/frequency", {"3"});
  ExpectError(R"j({"frequency": "@parameters('f')", "interval": 1})j", "/frequency", {"evaluate"});
}

TEST(RecurrenceParseErrors, IntervalOutOfRange) {
  ExpectError(R"({"frequency": "Day"})", "", {"interval is missing"});
  ExpectError(R"({"frequency": "Day", "interval": 0})", "/interval", {"from 1 to 500"});
  ExpectError(R"({"frequency": "Day", "interval": 501})", "/interval", {"501", "frequency Day", "from 1 to 500"});
  ExpectError(R"({"frequency": "Month", "interval": 17})", "/interval", {"from 1 to 16"});
  ExpectError(R"({"frequency": "Week", "interval": 72})", "/interval", {"from 1 to 71"});
  ExpectError(R"({"frequency": "Hour", "interval": 12001})", "/interval", {"from 1 to 12000"});
  ExpectError(R"({"frequency": "Minute", "interval": 72001})", "/interval", {"from 1 to 72000"});
  ExpectError(R"({"frequency": "Second", "interval": 10000000})", "/interval", {"from 1 to 9999999"});
  ExpectError(R"({"frequency": "Day", "interval": 1.5})", "/interval", {"1.5", "whole number"});
  ExpectError(R"({"frequency": "Day", "interval": "often"})", "/interval", {"\"often\""});
  ExpectError(R"j({"frequency": "Day", "interval": "[parameters('days')]"})j", "/interval",
              {"ARM template expression"});
}

TEST(RecurrenceParseErrors, ScheduleWithTheWrongFrequency) {
  ExpectError(R"({"frequency": "Hour", "interval": 1, "schedule": {"minutes": [15]}})",
              "/schedule/minutes", {"does not apply to frequency Hour", "use frequency Day"});
  ExpectError(R"({"frequency": "Minute", "interval": 1, "schedule": {"hours": [8]}})",
              "/schedule/hours", {"frequency Minute"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "schedule": {"weekDays": ["Monday"]}})",
              "/schedule/weekDays", {"needs frequency Week, not Day"});
  ExpectError(R"({"frequency": "Week", "interval": 1, "schedule": {"monthDays": [1]}})",
              "/schedule/monthDays", {"needs frequency Month, not Week"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "schedule": [8]})", "/schedule", {"must be an object"});
}

TEST(RecurrenceParseErrors, ScheduleValuesOutOfRange) {
  ExpectError(R"({"frequency": "Day", "interval": 1, "schedule": {"hours": [8, 24]}})",
              "/schedule/hours/1", {"24", "from 0 to 23"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "schedule": {"minutes": 60}})",
              "/schedule/minutes", {"from 0 to 59"});
  ExpectError(R"({"frequency": "Month", "interval": 1, "schedule": {"monthDays": [0]}})",
              "/schedule/monthDays/0", {"from 1 to 31", "-1 (the last day)"});
  ExpectError(R"({"frequency": "Month", "interval": 1, "schedule": {"monthDays": [32]}})",
              "/schedule/monthDays/0", {"32"});
  ExpectError(R"({"frequency": "Week", "interval": 1, "schedule": {"weekDays": ["Monday", "Funday"]}})",
              "/schedule/weekDays/1", {"\"Funday\"", "Monday, Tuesday"});
}

TEST(RecurrenceParseErrors, MonthlyOccurrencesAreUnsupported) {
  ExpectError(R"({"frequency": "Month", "interval": 1,
      "schedule": {"monthlyOccurrences": [{"day": "Friday", "occurrence": -1}]}})",
              "/schedule/monthlyOccurrences", {"not supported", "monthDays"},
              errc::kUnsupportedRecurrence);
}

TEST(RecurrenceParseErrors, UnknownTimeZone) {
  ExpectError(R"({"frequency": "Day", "interval": 1, "timeZone": "Mars Standard Time"})", "/timeZone",
              {"\"Mars Standard Time\"", "not a known time zone", "Pacific Standard Time"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "timeZone": -8})", "/timeZone", {"-8"});
}

TEST(RecurrenceParseErrors, StartTimeWithAnOffset) {
  // With a time zone, as the brief's example of a contradiction...
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": "2022-03-16T08:30:00-04:00",
      "timeZone": "Eastern Standard Time"})",
              "/startTime", {"UTC offset", "without offset", "timeZone", "ending in Z"});
  // ...and without: the documentation accepts no offsets at all.
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": "2022-03-16T08:30:00+0100"})",
              "/startTime", {"UTC offset"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "endTime": "2022-03-16T08:30:00+01"})",
              "/endTime", {"recurrence.endTime", "UTC offset"});
}

TEST(RecurrenceParseErrors, MalformedStartTime) {
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": "tomorrow"})", "/startTime",
              {"\"tomorrow\"", "YYYY-MM-DD"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": "2020-13-01T00:00:00Z"})",
              "/startTime", {"month 13 does not exist"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": "2021-02-29T00:00:00Z"})",
              "/startTime", {"day 29 does not exist"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": "2021-02-01T25:00:00Z"})",
              "/startTime", {"time of day"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": "2021-02-01T10:00:00Z junk"})",
              "/startTime", {"unexpected text"});
  ExpectError(R"({"frequency": "Day", "interval": 1, "startTime": 20210201})", "/startTime",
              {"must be a string"});
}

}  // namespace
}  // namespace runnel::triggers::testing

// Recurrence schedules on the manual clock: one run per tick, none twice across a restart, and
// a tick that finds the previous run still going (concurrency 1) is skipped and recorded.
#include <boost/json/serialize.hpp>
#include <set>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

class ScheduleTest : public ServerTest {
 protected:
  // The scheduled times of every run of `flow` (from each run's trigger record).
  std::multiset<std::string> ScheduledTimes(const std::string& flow) {
    std::multiset<std::string> times;
    for (const auto& run : ListRuns(flow)) {
      bj::value full = WaitForRunEnd(Str(run, {"id"}));
      times.insert(Str(full, {"record", "trigger", "scheduledTime"}));
    }
    return times;
  }
  size_t Outcomes(const std::string& flow, const std::string& outcome) { return OutcomeTimes(flow, outcome).size(); }
  // When each trigger event with `outcome` happened (the server's clock).
  std::multiset<std::string> OutcomeTimes(const std::string& flow, const std::string& outcome) {
    std::multiset<std::string> times;
    for (const auto& e : TriggerHistory(flow)) {
      if (Str(e, {"outcome"}) == outcome) times.insert(Str(e, {"time"}));
    }
    return times;
  }
};

// "2030-01-01T00:0M:00.0000000Z": minute M after the clock's start.
std::string Minute(int m) { return "2030-01-01T00:0" + std::to_string(m) + ":00.0000000Z"; }

TEST_F(ScheduleTest, OneRunPerTickAndNoneTwiceAcrossARestart) {
  WriteFlow("tick", Workflow(R"json({
    "triggers": {"every_minute": {"type": "Recurrence", "recurrence": {"frequency": "Minute", "interval": 1}}},
    "actions": {"Tick": {"type": "Compose", "runAfter": {}, "inputs": "@trigger()?['scheduledTime']"}}})json"));
  StartServer();
  // A new schedule without startTime fires at once.
  ASSERT_TRUE(Eventually([&] { return ListRuns("tick").size() == 1; }));
  for (size_t ticks = 2; ticks <= 4; ++ticks) {
    AdvanceClock(60);
    ASSERT_TRUE(Eventually([&] { return ListRuns("tick").size() >= ticks; })) << "tick " << ticks;
  }
  EXPECT_EQ(ScheduledTimes("tick"), (std::multiset<std::string>{Minute(0), Minute(1), Minute(2), Minute(3)}));
  EXPECT_EQ(Outcomes("tick", "Fired"), 4u);

  RestartServer(/*crash=*/false);
  EXPECT_EQ(Api("GET", "/management/flows/tick").Json().at("version"), 1);  // unchanged file: no redeploy
  EXPECT_EQ(ListRuns("tick").size(), 4u);
  AdvanceClock(60);
  // The minute-4 run is the barrier: a tick fired again at the restart would have been stored
  // before it (one schedule, one thread, one ordered store).
  ASSERT_TRUE(Eventually([&] { return ScheduledTimes("tick").count(Minute(4)) == 1; }));
  EXPECT_EQ(ScheduledTimes("tick"),
            (std::multiset<std::string>{Minute(0), Minute(1), Minute(2), Minute(3), Minute(4)}));
  EXPECT_EQ(Outcomes("tick", "Fired"), 5u);
  EXPECT_EQ(Outcomes("tick", "Rejected"), 0u);
}

// After downtime (here: the clock jumping three minutes at once) the schedule fires the due
// tick, not every missed one (docs/triggers.md: missed occurrences are not replayed).
TEST_F(ScheduleTest, MissedTicksAreNotReplayed) {
  WriteFlow("tick", Workflow(R"json({
    "triggers": {"every_minute": {"type": "Recurrence", "recurrence": {"frequency": "Minute", "interval": 1}}},
    "actions": {"Tick": {"type": "Compose", "runAfter": {}, "inputs": "tick"}}})json"));
  StartServer();
  ASSERT_TRUE(Eventually([&] { return ListRuns("tick").size() == 1; }));
  AdvanceClock(180);
  ASSERT_TRUE(Eventually([&] { return ListRuns("tick").size() >= 2; }));
  AdvanceClock(60);  // the minute-4 tick is the barrier for any replayed one before it
  ASSERT_TRUE(Eventually([&] { return ScheduledTimes("tick").count(Minute(4)) == 1; }));
  EXPECT_EQ(ScheduledTimes("tick"), (std::multiset<std::string>{Minute(0), Minute(3), Minute(4)}));
}

// Concurrency 1 and a run that waits 150 s: the ticks at minutes 1 and 2 find it going and are
// skipped; once it finished, the minute-3 tick fires again.
TEST_F(ScheduleTest, OverlappingTickIsSkippedAndRecorded) {
  WriteFlow("overlap", Workflow(R"json({
    "triggers": {"every_minute": {"type": "Recurrence", "recurrence": {"frequency": "Minute", "interval": 1},
                                  "runtimeConfiguration": {"concurrency": {"runs": 1}}}},
    "actions": {"Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 150, "unit": "Second"}}}}})json"));
  StartServer();
  ASSERT_TRUE(Eventually([&] { return ListRuns("overlap").size() == 1; }));
  // Regression: the run the deploy's first tick started used to be "resumed" by the same start
  // (and so run twice) when the tick won the race with the server's ResumeAll.
  EXPECT_EQ(server().log().find("resumed"), std::string::npos) << server().log();

  AdvanceClock(60);
  ASSERT_TRUE(Eventually([&] { return OutcomeTimes("overlap", "Skipped").count(Minute(1)) == 1; }));
  for (const auto& e : TriggerHistory("overlap")) {
    if (Str(e, {"outcome"}) != "Skipped") continue;
    EXPECT_EQ(Str(e, {"trigger"}), "every_minute");
    EXPECT_FALSE(Str(e, {"reason"}).empty());
    EXPECT_EQ(Str(e, {"runId"}), "");
  }
  AdvanceClock(60);
  ASSERT_TRUE(Eventually([&] { return OutcomeTimes("overlap", "Skipped").count(Minute(2)) == 1; }));
  EXPECT_EQ(ListRuns("overlap").size(), 1u);

  AdvanceClock(30);  // minute 2.5: the run's Wait is over
  ASSERT_TRUE(Eventually([&] { return ListRuns("overlap", "Succeeded").size() == 1; }));
  AdvanceClock(30);  // minute 3: nothing is going, the tick fires
  ASSERT_TRUE(Eventually([&] { return ListRuns("overlap").size() == 2; }));
  // Regression: two schedules of the flow armed at start both fired the first tick; the loser
  // recorded a Skipped at minute 0 for overlapping the winner's run.
  EXPECT_EQ(OutcomeTimes("overlap", "Skipped"), (std::multiset<std::string>{Minute(1), Minute(2)}));
  EXPECT_EQ(OutcomeTimes("overlap", "Fired"), (std::multiset<std::string>{Minute(0), Minute(3)}));
}

// A disabled flow fires no ticks; enabled again, it fires at the next occurrence, with no
// backfill of the ticks it missed.
TEST_F(ScheduleTest, DisabledFlowFiresNothingAndEnablingDoesNotBackfill) {
  WriteFlow("tick", Workflow(R"json({
    "triggers": {"every_minute": {"type": "Recurrence", "recurrence": {"frequency": "Minute", "interval": 1}}},
    "actions": {"Tick": {"type": "Compose", "runAfter": {}, "inputs": "tick"}}})json"));
  StartServer();
  ASSERT_TRUE(Eventually([&] { return ListRuns("tick").size() == 1; }));
  ASSERT_EQ(Api("POST", "/management/flows/tick/disable").status, 200);
  AdvanceClock(120);
  ASSERT_EQ(Api("POST", "/management/flows/tick/enable").status, 200);
  AdvanceClock(60);
  // The minute-3 run is the barrier for anything fired while the flow was disabled.
  ASSERT_TRUE(Eventually([&] { return ScheduledTimes("tick").count(Minute(3)) == 1; }));
  EXPECT_EQ(ScheduledTimes("tick"), (std::multiset<std::string>{Minute(0), Minute(3)}));
}

}  // namespace
}  // namespace runnel::testing

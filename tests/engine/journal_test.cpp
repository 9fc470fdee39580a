// Durable runs at the engine level (engine/journal.h): a run reports starts and completions to
// its journal and moves on only when a completion is acknowledged; a run resumed from the
// acknowledged records reuses them — nothing acknowledged runs again, variables come back as
// they were, a Wait keeps its due time — and finishes like an uninterrupted run.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

#include "base/clock.h"
#include "engine/local_loop.h"
#include "engine/run.h"
#include "flow/definition_builder.h"
#include "flow/loader.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace {
namespace bj = boost::json;

constexpr int64_t kStart = 1714564800000000;  // 2024-05-01T12:00:00Z

// guid() makes a Compose whose output differs on every execution: a replayed run must show
// the first run's value. The loop appends to a variable in parallel; the Wait is 1 hour.
constexpr std::string_view kFlow = R"j({
  "triggers": {"manual": {"type": "Request", "kind": "Http"}},
  "actions": {
    "Id": {"type": "Compose", "inputs": "@guid()"},
    "Init": {"type": "InitializeVariable", "runAfter": {"Id": ["Succeeded"]},
             "inputs": {"variables": [{"name": "seen", "type": "Array"}]}},
    "Loop": {"type": "Foreach", "foreach": "@range(0, 4)", "runAfter": {"Init": ["Succeeded"]},
             "actions": {"Add": {"type": "AppendToArrayVariable", "inputs": {"name": "seen", "value": "@items('Loop')"}}}},
    "Pause": {"type": "Wait", "runAfter": {"Loop": ["Succeeded"]},
              "inputs": {"interval": {"count": 1, "unit": "Hour"}}},
    "Done": {"type": "Compose", "runAfter": {"Pause": ["Succeeded"]},
             "inputs": {"id": "@outputs('Id')", "seen": "@length(variables('seen'))", "at": "@utcNow()"}}
  }
})j";

std::shared_ptr<const Plan> MakePlan(std::string_view text = kFlow) {
  auto files = flow::LoadFlowText(text, "journal.json");
  EXPECT_TRUE(files) << files.error().ToString();
  std::vector<flow::Diagnostic> diagnostics;
  auto def = flow::BuildDefinition(files.value().at(0), flow::BuildOptions(), diagnostics);
  EXPECT_TRUE(def) << def.error().ToString();
  return std::make_shared<const Plan>(std::shared_ptr<const flow::Definition>(std::move(def.value())));
}

// Records what the run reports. Acknowledges the first `ack_limit` completions; the rest are
// held forever, which is what a crash before their commit looks like to the run.
class RecordingJournal final : public RunJournal {
 public:
  explicit RecordingJournal(size_t ack_limit) : ack_limit_(ack_limit) {}

  void ActionStarted(const std::string& key, int64_t start_micros, bool timed) override {
    if (timed) started_.emplace(key, start_micros);  // as the server's journal keeps them
    ++starts_[key];
  }
  void ActionCompleted(const std::string& key, const bj::value& record, std::function<void()> durable) override {
    if (acknowledged_ >= ack_limit_) return;
    ++acknowledged_;
    log_.completed[key] = {record, static_cast<int64_t>(acknowledged_)};
    durable();
  }

  // What a restart reads back: the acknowledged completions, every start.
  std::shared_ptr<const ReplayLog> Replay() const {
    auto log = std::make_shared<ReplayLog>(log_);
    for (const auto& [key, micros] : started_) log->started_micros.emplace(key, micros);
    return log;
  }
  int starts(const std::string& key) const {
    auto it = starts_.find(key);
    return it == starts_.end() ? 0 : it->second;
  }

 private:
  size_t ack_limit_;
  size_t acknowledged_ = 0;
  ReplayLog log_;
  std::map<std::string, int64_t> started_;
  std::map<std::string, int> starts_;
};

struct Outcome {
  bool finished = false;
  RunResult result;
};

// Runs the flow on a virtual clock until it is idle (finished, or stuck on an unacknowledged
// completion).
Outcome RunWith(std::shared_ptr<const Plan> plan, ManualClock& clock, RunOptions options) {
  LocalLoop loop(clock, &clock);
  HandlerRegistry handlers;
  RegisterBuiltinHandlers(handlers);
  Outcome out;
  options.flow_name = "journal";
  options.run_id = "run-1";
  auto run = Run::Create(plan, handlers, loop, std::move(options));
  loop.Post([&] {
    run->Start(bj::object{{"name", "manual"}, {"outputs", bj::object{{"body", bj::object()}}}},
               [&](RunResult r) {
                 out.finished = true;
                 out.result = std::move(r);
               });
  });
  loop.Run(/*stop_when_idle=*/true);
  return out;
}

const bj::value& Action(const Outcome& o, std::string_view pointer) {
  static const bj::value kNull;
  boost::system::error_code ec;
  const bj::value* v = o.result.record.find_pointer(pointer, ec);
  return v ? *v : kNull;
}

TEST(Journal, UninterruptedRunLogsEveryHandlerAction) {
  auto plan = MakePlan();
  ManualClock clock(kStart);
  auto journal = std::make_shared<RecordingJournal>(1000);
  RunOptions options;
  options.journal = journal;
  Outcome out = RunWith(plan, clock, options);
  ASSERT_TRUE(out.finished);
  EXPECT_EQ(out.result.status, Status::kSucceeded) << json::Serialize(out.result.record);
  EXPECT_EQ(journal->starts("Id"), 1);
  EXPECT_EQ(journal->starts("Add#3"), 1);  // loop iterations are keyed by index
  EXPECT_EQ(journal->starts("Loop"), 0);   // containers are derived, not logged
  EXPECT_EQ(Action(out, "/actions/Done/outputs/seen"), bj::value(4));
}

// A completion the run must not act on before it is durable: one whose value a re-run would
// change (guid()) or one that reached outside the run (the Wait's timer).
TEST(Journal, RunWaitsForAcknowledgementOfVolatileAndTimedActions) {
  auto plan = MakePlan();
  ManualClock clock(kStart);
  auto journal = std::make_shared<RecordingJournal>(0);  // nothing is ever acknowledged
  RunOptions options;
  options.journal = journal;
  Outcome out = RunWith(plan, clock, options);
  EXPECT_FALSE(out.finished);
  EXPECT_EQ(journal->starts("Id"), 1);
  EXPECT_EQ(journal->starts("Init"), 0);  // Id's guid() was never durable

  ManualClock clock2(kStart);
  auto second = std::make_shared<RecordingJournal>(1);  // only "Id" is acknowledged
  RunOptions options2;
  options2.journal = second;
  Outcome out2 = RunWith(plan, clock2, options2);
  EXPECT_FALSE(out2.finished);
  EXPECT_EQ(second->starts("Add#3"), 1);  // deterministic, run-local actions go on at once
  EXPECT_EQ(second->starts("Pause"), 1);
  EXPECT_EQ(second->starts("Done"), 0);   // the Wait's completion was never durable
}

// A Response with deterministic inputs does not hold the run up (the server holds the answer
// back until the Response's record is durable); one whose answer a re-run would change does.
TEST(Journal, OnlyAVolatileResponseWaitsForAcknowledgement) {
  for (bool is_volatile : {false, true}) {
    std::string text = std::string(R"j({"triggers": {"manual": {"type": "Request", "kind": "Http"}},
      "actions": {"Answer": {"type": "Response", "inputs": {"statusCode": 200, "body": ")j") +
                       (is_volatile ? "@utcNow()" : "done") + R"j("}},
                  "After": {"type": "Compose", "runAfter": {"Answer": ["Succeeded"]}, "inputs": 1}}})j";
    ManualClock clock(kStart);
    auto journal = std::make_shared<RecordingJournal>(0);  // nothing is ever acknowledged
    RunOptions options;
    options.journal = journal;
    int answers = 0;
    options.on_response = [&](const bj::value&) { ++answers; };
    Outcome out = RunWith(MakePlan(text), clock, options);
    EXPECT_EQ(answers, 1) << is_volatile;
    EXPECT_EQ(out.finished, !is_volatile);
    EXPECT_EQ(journal->starts("After"), is_volatile ? 0 : 1);
  }
}

// Crash after the loop and while waiting: the resumed run reuses Id's value, keeps the loop's
// appends without running them again, and ends the Wait an hour after it first started.
TEST(Journal, ResumedRunReusesCompletionsAndKeepsTheWaitDueTime) {
  auto plan = MakePlan();
  ManualClock clock(kStart);
  auto first = std::make_shared<RecordingJournal>(6);  // Id, Init, 4 x Add
  RunOptions options;
  options.journal = first;
  Outcome crashed = RunWith(plan, clock, options);
  ASSERT_FALSE(crashed.finished);
  ASSERT_EQ(first->starts("Pause"), 1);  // the Wait had started: its timer fired, unacknowledged
  ASSERT_EQ(clock.NowMicros(), kStart + 3600LL * 1000000);

  // Restart 10 minutes into the Wait (the virtual clock was already moved to its end; rewind).
  ManualClock later(kStart + 600LL * 1000000);
  auto second = std::make_shared<RecordingJournal>(1000);
  RunOptions resumed;
  resumed.journal = second;
  resumed.replay = first->Replay();
  resumed.start_micros = kStart;
  Outcome out = RunWith(plan, later, resumed);
  ASSERT_TRUE(out.finished);
  EXPECT_EQ(out.result.status, Status::kSucceeded) << json::Serialize(out.result.record);
  EXPECT_EQ(second->starts("Id"), 0);
  EXPECT_EQ(second->starts("Add#2"), 0);
  EXPECT_EQ(second->starts("Pause"), 1);  // started, never completed: runs again
  EXPECT_EQ(later.NowMicros(), kStart + 3600LL * 1000000) << "the Wait's due time moved";
  EXPECT_EQ(Action(out, "/actions/Done/outputs/seen"), bj::value(4)) << "variables not restored";
  bj::value logged_id = first->Replay()->completed.at("Id").record.at("outputs");
  EXPECT_EQ(Action(out, "/actions/Done/outputs/id"), logged_id) << json::Serialize(out.result.record);
}

// A resumed action's limit.timeout counts from its original start, not from the restart.
TEST(Journal, ResumedActionKeepsItsTimeoutDeadline) {
  auto files = flow::LoadFlowText(R"j({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {"Pause": {"type": "Wait", "limit": {"timeout": "PT30M"},
                          "inputs": {"interval": {"count": 1, "unit": "Hour"}}}}})j", "timeout.json");
  ASSERT_TRUE(files) << files.error().ToString();
  std::vector<flow::Diagnostic> diagnostics;
  auto def = flow::BuildDefinition(files.value().at(0), flow::BuildOptions(), diagnostics);
  ASSERT_TRUE(def) << def.error().ToString();
  auto plan = std::make_shared<const Plan>(std::shared_ptr<const flow::Definition>(std::move(def.value())));

  ManualClock clock(kStart);
  auto first = std::make_shared<RecordingJournal>(0);
  RunOptions options;
  options.journal = first;
  Outcome crashed = RunWith(plan, clock, options);  // times out at 30 min, never acknowledged
  ASSERT_FALSE(crashed.finished);

  // Restart 20 minutes in: 10 minutes of the limit are left, not 30.
  ManualClock later(kStart + 1200LL * 1000000);
  RunOptions resumed;
  resumed.journal = std::make_shared<RecordingJournal>(1000);
  resumed.replay = first->Replay();
  resumed.start_micros = kStart;
  Outcome out = RunWith(plan, later, resumed);
  ASSERT_TRUE(out.finished);
  EXPECT_EQ(Action(out, "/actions/Pause/status"), bj::value("TimedOut")) << json::Serialize(out.result.record);
  EXPECT_EQ(later.NowMicros(), kStart + 1800LL * 1000000) << "the timeout did not keep its deadline";
}

}  // namespace
}  // namespace runnel::engine

#include "server/schedule_runner.h"

#include <functional>

#include "engine/run.h"
#include "engine/trigger_firing.h"
#include "json/lookup.h"
#include "triggers/recurrence.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

struct ScheduleRunner::Schedule {
  std::shared_ptr<const DeployedFlow> flow;
  const TriggerSettings* trigger = nullptr;
  triggers::Recurrence recurrence;
  IoThread* thread = nullptr;
  uint64_t timer = 0;
  bool stopped = false;  // touched on `thread`
};

ScheduleRunner::ScheduleRunner(store::Store& store, RunManager& runs, Metrics& metrics, std::vector<IoThread*> threads,
                               bool skip_overlapping)
    : store_(store), runs_(runs), metrics_(metrics), threads_(std::move(threads)), skip_overlapping_(skip_overlapping) {}

ScheduleRunner::~ScheduleRunner() { StopAll(); }

void ScheduleRunner::Refresh(const std::string& name, std::shared_ptr<const DeployedFlow> flow) {
  std::string key = Lower(name);
  std::vector<std::shared_ptr<Schedule>> old, armed;
  {
    std::lock_guard lock(mu_);
    auto range = schedules_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) old.push_back(it->second);
    schedules_.erase(key);
    if (flow && flow->enabled) {
      for (const auto& t : flow->triggers) {
        if (t.type != flow::TriggerType::kRecurrence || !t.trigger->recurrence) continue;
        auto parsed = triggers::ParseRecurrence(*t.trigger->recurrence);
        if (!parsed) {
          std::fprintf(stderr, "runnel: flow %s: trigger %s: %s\n", flow->name.c_str(), t.name.c_str(),
                       parsed.error().ToString().c_str());
          continue;
        }
        auto s = std::make_shared<Schedule>();
        s->flow = flow;
        s->trigger = &t;
        s->recurrence = std::move(parsed.value());
        s->thread = threads_[std::hash<std::string>()(key + "/" + t.name) % threads_.size()];
        schedules_.emplace(key, s);
        armed.push_back(s);
      }
    }
  }
  for (auto& s : old) {
    s->thread->Post([s] {
      s->stopped = true;
      if (s->timer) s->thread->CancelTimer(s->timer);
    });
  }
  for (auto& s : armed) {
    // Where this schedule stands: its last claimed tick (so a restart does not fire it again).
    store_.Read([this, s](store::ReadView& view) {
      auto last = view.LastTick(s->flow->name, s->trigger->name);
      int64_t last_tick = last ? last.value() : 0;
      s->thread->Post([this, s, last_tick] {
        int64_t now = s->thread->clock().NowMicros();
        int64_t anchor = s->flow->deployed_micros;
        // A new schedule without startTime fires at once ("runs the first workload instantly");
        // after that, and after any downtime, the next occurrence after now: no backfill.
        int64_t after = last_tick == 0 && now - anchor < 60'000'000 ? anchor - 1 : std::max(last_tick, now);
        Arm(s, after);
      });
    });
  }
}

void ScheduleRunner::Arm(const std::shared_ptr<Schedule>& s, int64_t after) {
  if (s->stopped) return;
  auto next = triggers::NextOccurrence(s->recurrence, s->flow->deployed_micros, after);
  if (!next) return;  // past endTime: nothing more to fire
  int64_t tick = *next;
  s->timer = s->thread->PostAt(tick, [this, s, tick] { Fire(s, tick); });
}

void ScheduleRunner::Fire(const std::shared_ptr<Schedule>& s, int64_t tick) {
  if (s->stopped) return;
  int64_t now = s->thread->clock().NowMicros();
  size_t shard = static_cast<size_t>(s->thread->index());
  metrics_.Observe(shard, Metrics::Summary("runnel_schedule_lateness_seconds", Series("", {{"flow", s->flow->name}})),
                   static_cast<double>(now - tick) / 1e6);
  Arm(s, tick);  // the next tick is armed whatever happens to this one

  bool single = s->trigger->max_runs == 1;
  if (single && runs_.Running(s->flow->name, s->trigger->name)) {
    metrics_.Increment(shard, Series("runnel_schedule_overruns_total", {{"flow", s->flow->name}}));
    if (skip_overlapping_) {
      Record(*s, "Skipped", "the previous run is still going (concurrency 1); tick " + engine::FormatTime(tick) + " skipped", "");
      return;
    }
  }
  bj::object outputs{{"headers", bj::object()}, {"body", nullptr}};
  auto firing = engine::FireTrigger(s->flow->plan->definition(), s->trigger->trigger, std::move(outputs), now, {});
  if (!firing) {
    Record(*s, "Rejected", firing.error().message, "");
    return;
  }
  if (!firing.value().fired) {
    Record(*s, "Skipped", firing.value().skip_reason, "");
    return;
  }
  for (auto& record : firing.value().records) {
    record.as_object()["scheduledTime"] = engine::FormatTime(tick);
    RunRequest request;
    request.flow = s->flow;
    request.trigger = s->trigger;
    request.trigger_record = std::move(record);
    request.thread = s->thread;
    std::string flow = s->flow->name, trigger = s->trigger->name;
    runs_.Start(
        std::move(request),
        [flow, trigger, tick](store::Transaction& tx, const std::string& run_id) -> Status {
          RUNNEL_TRY(claimed, tx.ClaimTick(flow, trigger, tick, run_id));
          if (!claimed) return Error("TickAlreadyFired", "this tick already started a run");
          return Ok();
        },
        [this, s, tick](Result<std::string> started) {
          if (started) {
            Record(*s, "Fired", "schedule tick " + engine::FormatTime(tick), started.value());
          } else if (started.error().code != "TickAlreadyFired") {
            Record(*s, "Rejected", started.error().message, "");
          }
        });
    break;  // one run per tick (splitOn does not apply to Recurrence)
  }
}

void ScheduleRunner::Record(const Schedule& s, const std::string& outcome, const std::string& reason,
                            const std::string& run_id) {
  metrics_.Increment(static_cast<size_t>(s.thread->index()),
                     Series("runnel_trigger_events_total",
                            {{"flow", s.flow->name}, {"trigger", s.trigger->name}, {"outcome", outcome}}));
  store::TriggerEvent e;
  e.flow = s.flow->name;
  e.trigger = s.trigger->name;
  e.time_micros = s.thread->clock().NowMicros();
  e.outcome = outcome;
  e.reason = reason;
  e.run_id = run_id;
  store_.Write([e](store::Transaction& tx) { return tx.AddTriggerEvent(e); }, nullptr);
}

void ScheduleRunner::StopAll() {
  std::vector<std::shared_ptr<Schedule>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [k, s] : schedules_) all.push_back(s);
    schedules_.clear();
  }
  for (auto& s : all) {
    s->thread->Post([s] {
      s->stopped = true;
      if (s->timer) s->thread->CancelTimer(s->timer);
    });
  }
}

}  // namespace runnel::server

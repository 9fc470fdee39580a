#include "server/schedule_runner.h"

#include <algorithm>
#include <functional>
#include <random>

#include "connectors/http/http_request_builder.h"
#include "connectors/http/http_response_reader.h"
#include "connectors/http/retry_policy.h"
#include "engine/run.h"
#include "engine/trigger_firing.h"
#include "json/lookup.h"
#include "triggers/recurrence.h"

namespace runnel::server {
namespace bj = boost::json;

struct ScheduleRunner::Schedule {
  std::shared_ptr<const DeployedFlow> flow;
  const TriggerSettings* trigger = nullptr;
  triggers::Recurrence recurrence;
  IoThread* thread = nullptr;
  uint64_t timer = 0;
  bool stopped = false;  // touched on `thread`
  int64_t next_tick = 0;  // the occurrence the timer is armed for
  // Http polling (touched on `thread`): the endpoint's cursor (its last Location), the time
  // before which it asked not to be polled (Retry-After), the extra poll it asked for sooner
  // than the next occurrence, and how many of those this occurrence has made.
  std::string cursor;
  int64_t hold_until = 0;
  uint64_t repoll_timer = 0;
  int repolls = 0;
  int64_t last_key = 0;  // the latest tick key a run of this schedule claimed
};

namespace {

// Extra polls one occurrence may make on `Retry-After` answers sooner than the next occurrence:
// an endpoint that always says "more, at once" cannot keep a schedule polling in a loop.
constexpr int kMaxRepollsPerOccurrence = 100;

// Stops a schedule that is replaced or shut down (on its thread, where its timers live).
void Disarm(const std::shared_ptr<ScheduleRunner::Schedule>& s) {
  s->thread->Post([s] {
    s->stopped = true;
    if (s->timer) s->thread->CancelTimer(s->timer);
    if (s->repoll_timer) s->thread->CancelTimer(s->repoll_timer);
  });
}

double UnitDraw() {
  thread_local std::minstd_rand generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

ScheduleRunner::ScheduleRunner(store::Store& store, RunManager& runs, Metrics& metrics, std::vector<IoThread*> threads,
                               bool skip_overlapping, std::shared_ptr<connectors::HttpClient> http)
    : store_(store),
      runs_(runs),
      metrics_(metrics),
      threads_(std::move(threads)),
      skip_overlapping_(skip_overlapping),
      http_(std::move(http)) {}

ScheduleRunner::~ScheduleRunner() { StopAll(); }

void ScheduleRunner::Refresh(const std::string& name, std::shared_ptr<const DeployedFlow> flow) {
  std::string key = json::LowerAscii(name);
  std::vector<std::shared_ptr<Schedule>> old, armed;
  {
    std::lock_guard lock(mu_);
    auto range = schedules_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) old.push_back(it->second);
    schedules_.erase(key);
    if (flow && flow->enabled) {
      for (const auto& t : flow->triggers) {
        bool polled = t.type == flow::TriggerType::kRecurrence || t.type == flow::TriggerType::kHttp;
        if (!polled || !t.trigger->recurrence) continue;
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
    Disarm(s);
  }
  for (auto& s : armed) {
    // The schedule counts from now — the deploy, enable or start — not from when the read below
    // answers: a tick falling due in between fires (late) instead of being lost.
    int64_t now = s->thread->clock().NowMicros();
    // Where this schedule stands: its last claimed tick (so a restart does not fire it again)
    // and, for an Http trigger, the cursor the endpoint last gave this flow version.
    store_.Read([this, s, now](store::ReadView& view) {
      auto last = view.LastTick(s->flow->name, s->trigger->name);
      int64_t last_tick = last ? last.value() : 0;
      std::string cursor;
      if (s->trigger->type == flow::TriggerType::kHttp) {
        auto saved = view.GetTriggerCursor(s->flow->name, s->trigger->name, s->flow->version);
        if (saved) cursor = std::move(saved).value();
      }
      s->thread->Post([this, s, last_tick, now, cursor = std::move(cursor)] {
        s->cursor = cursor;
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
  s->next_tick = tick;
  s->timer = s->thread->PostAt(tick, [this, s, tick] { Fire(s, tick); });
}

void ScheduleRunner::Fire(const std::shared_ptr<Schedule>& s, int64_t tick) {
  if (s->stopped) return;
  int64_t now = s->thread->clock().NowMicros();
  size_t shard = static_cast<size_t>(s->thread->index());
  metrics_.Observe(shard, Metrics::Summary("runnel_schedule_lateness_seconds", Series("", {{"flow", s->flow->name}})),
                   static_cast<double>(now - tick) / 1e6);
  // A late timer (the host slept, the clock jumped) fires once, for the latest occurrence that is
  // due; the ones before it are missed and never replayed (docs/triggers.md). Arming after the
  // timer's own tick instead would fire every missed occurrence in a burst.
  while (auto next = triggers::NextOccurrence(s->recurrence, s->flow->deployed_micros, tick)) {
    if (*next > now) break;
    tick = *next;
  }
  Arm(s, tick);  // the next tick is armed whatever happens to this one

  bool single = s->trigger->max_runs == 1;
  if (single && runs_.Running(s->flow->name, s->trigger->name)) {
    metrics_.Increment(shard, Series("runnel_schedule_overruns_total", {{"flow", s->flow->name}}));
    if (skip_overlapping_) {
      Record(*s, "Skipped", "the previous run is still going (concurrency 1); tick " + engine::FormatTime(tick) + " skipped", "");
      return;
    }
  }
  if (s->trigger->type == flow::TriggerType::kHttp) {
    s->repolls = 0;
    if (s->repoll_timer) s->thread->CancelTimer(s->repoll_timer);
    s->repoll_timer = 0;
    if (now < s->hold_until) {
      Record(*s, "Skipped", "the endpoint asked not to be polled before " + engine::FormatTime(s->hold_until) +
                                " (Retry-After)", "");
      return;
    }
    return Poll(s, tick, 0);
  }
  StartRuns(s, tick, bj::object{{"headers", bj::object()}, {"body", nullptr}});
}

// One poll of an Http trigger (docs/triggers.md): the trigger's inputs evaluated now, sent to the
// endpoint's cursor when it gave one. `key` is the tick the runs it starts claim; `retry` counts
// the retries of this poll so far (the trigger's retryPolicy, as for the Http action).
void ScheduleRunner::Poll(const std::shared_ptr<Schedule>& s, int64_t key, int retry) {
  int64_t now = s->thread->clock().NowMicros();
  auto inputs = engine::EvaluateTriggerInputs(s->flow->plan->definition(), *s->trigger->trigger, now, {});
  auto request = inputs ? connectors::BuildHttpRequest(inputs.value(), {}) : Result<connectors::HttpRequest>(inputs.error());
  if (!request) {
    Record(*s, "Rejected", "the trigger's inputs are not a valid request: " + request.error().message, "");
    return;
  }
  const bj::value& evaluated = inputs.value();
  auto policy = connectors::ParseRetryPolicy(evaluated.is_object() ? json::FindMember(evaluated.get_object(), "retryPolicy")
                                                                   : nullptr);
  if (!policy) {
    Record(*s, "Rejected", policy.error().message, "");
    return;
  }
  if (!s->cursor.empty()) request.value().url = s->cursor;
  http_->Send(std::move(request.value()), [this, s, key, retry, now, policy = policy.value()](
                                              Result<connectors::HttpResponse> answer) {
    s->thread->Post([this, s, key, retry, now, policy, answer = std::move(answer)]() mutable {
      if (s->stopped) return;
      OnPollAnswer(s, key, retry, now, policy, std::move(answer));
    });
  });
}

void ScheduleRunner::OnPollAnswer(const std::shared_ptr<Schedule>& s, int64_t key, int retry, int64_t sent_micros,
                                  const connectors::RetryPolicy& policy, Result<connectors::HttpResponse> answer) {
  int64_t now = s->thread->clock().NowMicros();
  std::optional<int64_t> retry_after;
  if (answer) {
    if (const std::string* ra = connectors::FindHeader(answer.value().headers, "Retry-After")) {
      retry_after = connectors::ParseRetryAfter(*ra, now);
    }
  }
  bool failed = !answer ? connectors::IsRetryableTransportError(answer.error().code)
                        : connectors::IsRetryableStatus(answer.value().status);
  if (failed && policy.type != connectors::RetryType::kNone && retry < policy.count) {
    // Retry-After counts from the answer; the policy's interval from the failed attempt.
    int64_t due = retry_after ? now + *retry_after
                              : std::max(now, sent_micros + connectors::RetryWaitMicros(policy, retry + 1, UnitDraw()));
    s->repoll_timer = s->thread->PostAt(due, [this, s, key, retry] {
      s->repoll_timer = 0;
      if (!s->stopped) Poll(s, key, retry + 1);
    });
    return;
  }
  std::string after_retries =
      retry ? " (after " + std::to_string(retry) + (retry == 1 ? " retry)" : " retries)") : "";
  if (!answer) {
    Record(*s, "Rejected", "the poll failed" + after_retries + ": " + answer.error().message, "");
    return;
  }
  const connectors::HttpResponse& response = answer.value();
  if (response.status != 200 && response.status != 202) {
    Record(*s, "Rejected", "the endpoint answered " + std::to_string(response.status) + after_retries, "");
    return;
  }
  // The polling contract: Location is where to poll next (a cursor), Retry-After when. A new
  // cursor is saved with the runs of the answer that gave it, in their start's transaction, so
  // after a crash the next poll goes where the last started runs left off: no item twice.
  std::optional<std::string> moved;
  if (const std::string* location = connectors::FindHeader(response.headers, "Location");
      location && *location != s->cursor) {
    s->cursor = *location;
    moved = *location;
  }
  if (response.status == 200) {
    StartRuns(s, key, connectors::ReadResponse(response).outputs, std::move(moved));
  } else {
    if (moved) SaveCursor(*s);
    Record(*s, "Skipped", "the endpoint answered 202: nothing new", "");
  }
  if (!retry_after) return;
  int64_t due = now + *retry_after;
  if (due >= s->next_tick) {
    s->hold_until = due;  // occurrences before it are skipped
  } else if (s->repolls < kMaxRepollsPerOccurrence) {
    ++s->repolls;
    // An extra poll, sooner than the next occurrence; its runs claim its own time as their tick.
    s->repoll_timer = s->thread->PostAt(due, [this, s, due] {
      s->repoll_timer = 0;
      if (!s->stopped) Poll(s, std::max(due, s->last_key + 1), 0);
    });
  }
}

void ScheduleRunner::SaveCursor(const Schedule& s) {
  store_.Write([flow = s.flow->name, trigger = s.trigger->name, version = s.flow->version, cursor = s.cursor](
                   store::Transaction& tx) { return tx.SetTriggerCursor(flow, trigger, version, cursor); },
               nullptr);
}

void ScheduleRunner::StartRuns(const std::shared_ptr<Schedule>& s, int64_t tick, bj::value outputs,
                               std::optional<std::string> cursor) {
  int64_t now = s->thread->clock().NowMicros();
  auto firing = engine::FireTrigger(s->flow->plan->definition(), s->trigger->trigger, std::move(outputs), now, {});
  if (!firing || !firing.value().fired || firing.value().records.empty()) {
    if (cursor) SaveCursor(*s);
  }
  if (!firing) {
    Record(*s, "Rejected", firing.error().message, "");
    return;
  }
  if (!firing.value().fired) {
    Record(*s, "Skipped", firing.value().skip_reason, "");
    return;
  }
  auto& records = firing.value().records;
  if (!records.empty()) s->last_key = std::max(s->last_key, tick + static_cast<int64_t>(records.size()) - 1);
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].as_object()["scheduledTime"] = engine::FormatTime(tick);
    RunRequest request;
    request.flow = s->flow;
    request.trigger = s->trigger;
    request.trigger_record = std::move(records[i]);
    request.thread = s->thread;
    std::string flow = s->flow->name, trigger = s->trigger->name;
    // A tick is claimed once; with splitOn, each item's run claims the tick's next microsecond
    // keys, so a restart never starts any of them twice.
    int64_t key = tick + static_cast<int64_t>(i);
    std::optional<std::string> saved_cursor = i == 0 ? cursor : std::nullopt;
    runs_.Start(
        std::move(request),
        [flow, trigger, key, version = s->flow->version, saved_cursor](store::Transaction& tx,
                                                                       const std::string& run_id) -> Status {
          RUNNEL_TRY(claimed, tx.ClaimTick(flow, trigger, key, run_id));
          if (!claimed) return Error("TickAlreadyFired", "this tick already started a run");
          if (saved_cursor) RUNNEL_TRY_STATUS(tx.SetTriggerCursor(flow, trigger, version, *saved_cursor));
          return Ok();
        },
        [this, s, tick](Result<std::string> started) {
          if (started) {
            Record(*s, "Fired", "schedule tick " + engine::FormatTime(tick), started.value());
          } else if (started.error().code != "TickAlreadyFired") {
            Record(*s, "Rejected", started.error().message, "");
          }
        });
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
    Disarm(s);
  }
}

}  // namespace runnel::server

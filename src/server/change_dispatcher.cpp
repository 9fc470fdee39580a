#include "server/change_dispatcher.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>

#include "engine/run.h"
#include "engine/trigger_firing.h"
#include "json/lookup.h"
#include "server/change_dispatcher_watch.h"
#include "tables/change_feed.h"
#include "tables/table_query_schema.h"
#include "tables/trigger_cursor.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

constexpr char kClaimed[] = "ChangeAlreadyDispatched";
// splitOn may make several runs of one change, each claimed; this many at most.
constexpr int64_t kRunsPerChange = 1024;
constexpr int64_t kMinuteMicros = 60'000'000;

}  // namespace

ChangeDispatcher::ChangeDispatcher(store::Store& store, tables::TableStore& tables, FlowRegistry& flows,
                                   RunManager& runs, Metrics& metrics, std::vector<IoThread*> threads,
                                   ChangeDispatcherOptions options)
    : store_(store),
      tables_(tables),
      flows_(flows),
      runs_(runs),
      metrics_(metrics),
      threads_(std::move(threads)),
      thread_(threads_.front()),
      options_(options) {}

Status ChangeDispatcher::Start() {
  // Listen first: a change committed while the position is read (a resumed run's write) wakes
  // the dispatcher up instead of waiting for the next one.
  tables_.AddChangeListener([this](int64_t seq) { Wake(seq); });
  auto position = store_.ReadAndWait<Result<std::pair<std::optional<int64_t>, int64_t>>>(
      [](store::ReadView& view) -> Result<std::pair<std::optional<int64_t>, int64_t>> {
        RUNNEL_TRY(cursor, tables::ReadTriggerCursor(view.sql()));
        RUNNEL_TRY(bounds, view.GetChangeBounds());
        return std::make_pair(cursor, bounds.last);
      });
  if (!position) return position.error();
  // Plain variables, not a structured binding: clang 14 cannot capture those.
  std::optional<int64_t> cursor = position.value().first;
  int64_t last = position.value().second;
  if (!cursor) {
    // A store that never had a dispatcher: changes written before it are not replayed.
    store_.Write([last](store::Transaction& tx) { return tables::WriteTriggerCursor(tx.sql(), last); }, nullptr);
  }
  int64_t start = cursor.value_or(last);
  int64_t seen = latest_.load();
  while (seen < last && !latest_.compare_exchange_weak(seen, last)) {
  }
  thread_->Post([this, start] {
    cursor_ = start;
    saved_cursor_ = start;
    Pump();
  });
  return Ok();
}

void ChangeDispatcher::Stop() { stopped_.store(true); }

void ChangeDispatcher::Wake(int64_t last_seq) {
  int64_t seen = latest_.load();
  while (seen < last_seq && !latest_.compare_exchange_weak(seen, last_seq)) {
  }
  thread_->Post([this] {
    if (!busy_) Pump();
  });
}

void ChangeDispatcher::Pump() {
  if (busy_ || stopped_.load() || cursor_ >= latest_.load()) return;
  busy_ = true;
  int64_t after = cursor_;
  int limit = options_.batch_size;
  store_.Read([this, after, limit](store::ReadView& view) {
    auto changes = std::make_shared<Result<std::vector<tables::Change>>>(tables::ReadChanges(view, after, limit));
    thread_->Post([this, changes] {
      if (!changes->has_value()) {
        std::fprintf(stderr, "runnel: change dispatcher: cannot read the change feed: %s\n",
                     changes->error().ToString().c_str());
        busy_ = false;  // the next commit wakes it up again
        return;
      }
      Dispatch(std::move(changes->value()));
    });
  });
}

std::vector<std::shared_ptr<ChangeDispatcher::Watch>> ChangeDispatcher::Watches() {
  std::map<std::string, std::shared_ptr<Watch>> current;
  for (const auto& flow : flows_.All()) {
    if (!flow->enabled) continue;
    for (const auto& t : flow->triggers) {
      if (!t.trigger || !triggers::IsChangeTrigger(*t.trigger)) continue;
      std::string key = json::LowerAscii(flow->name) + "/" + std::to_string(flow->version) + "/" + t.name;
      if (auto it = watches_.find(key); it != watches_.end() && it->second->flow == flow) {
        current.emplace(key, it->second);
        continue;
      }
      auto w = std::make_shared<Watch>();
      w->flow = flow;
      w->trigger = &t;
      w->thread = threads_[std::hash<std::string>()(json::LowerAscii(flow->name)) % threads_.size()];
      auto inputs = engine::EvaluateTriggerInputs(flow->plan->definition(), *t.trigger, thread_->clock().NowMicros(), {});
      auto sub = inputs ? triggers::ParseChangeSubscription(inputs.value(), tables_.options().query)
                        : Result<triggers::ChangeSubscription>(inputs.error());
      if (sub) {
        w->subscription = std::move(sub).value();
      } else {
        w->invalid_reason = sub.error().message;
        std::fprintf(stderr, "runnel: flow %s: trigger %s: %s\n", flow->name.c_str(), t.name.c_str(),
                     sub.error().ToString().c_str());
        Record(*w, "Rejected", "the trigger cannot watch changes: " + w->invalid_reason, "", false);
      }
      current.emplace(key, std::move(w));
    }
  }
  // A trigger of a redeployed flow takes over what its previous version held back: the new
  // version decides those changes again (its filter, its Delay until), so none is lost.
  std::vector<std::pair<std::shared_ptr<Watch>, std::vector<tables::Change>>> carried;
  for (auto& [key, old] : watches_) {
    if (current.count(key)) continue;
    std::vector<tables::Change> held = TakeHeld(*old);
    if (held.empty()) continue;
    for (auto& [k, w] : current) {
      if (w->subscription && w->trigger->name == old->trigger->name &&
          json::EqualsIgnoreCase(w->flow->name, old->flow->name)) {
        carried.emplace_back(w, std::move(held));
        break;
      }
    }
  }
  watches_ = std::move(current);
  if (!carried.empty()) {
    auto catalog = tables_.catalog();
    for (auto& [w, held] : carried) {
      std::shared_ptr<Watch> watch = w;  // clang 14 cannot capture a structured binding
      for (const auto& change : held) {
        if (catalog->ByLogicalName(change.table)) Decide(watch, change, catalog);
      }
    }
  }
  std::vector<std::shared_ptr<Watch>> out;
  for (auto& [k, w] : watches_) {
    if (w->subscription) out.push_back(w);
  }
  return out;
}

std::vector<tables::Change> ChangeDispatcher::TakeHeld(Watch& w) {
  std::vector<tables::Change> held;
  for (auto& [seq, change] : w.postponed) held.push_back(std::move(change));
  for (auto& [row, window] : w.windows) held.push_back(std::move(window.latest));
  for (auto& change : w.waiting) held.push_back(std::move(change));
  w.postponed.clear();  // its timers find nothing now
  w.windows.clear();
  w.waiting.clear();
  std::sort(held.begin(), held.end(), [](const tables::Change& a, const tables::Change& b) { return a.seq < b.seq; });
  return held;
}

void ChangeDispatcher::Dispatch(std::vector<tables::Change> changes) {
  if (changes.empty()) {
    busy_ = false;
    return;
  }
  batch_end_ = changes.back().seq;
  batch_now_ = thread_->clock().NowMicros();
  auto watches = Watches();
  auto catalog = tables_.catalog();
  for (const auto& change : changes) {
    auto table = catalog->ByLogicalName(change.table);
    if (!table) continue;  // a table whose definition is gone: no trigger can watch it
    for (const auto& w : watches) {
      if (w->subscription->entity_name == change.table) Decide(w, change, catalog);
    }
  }
  for (const auto& w : watches) {
    if (!w->uncounted_skips) continue;
    metrics_.Add(static_cast<size_t>(thread_->index()), EventSeries(*w, "Skipped"),
                 static_cast<double>(w->uncounted_skips));
    w->uncounted_skips = 0;
  }
  // The batch is decided; runs may still be starting (a trigger with a concurrency limit
  // queues them), so the durable cursor stays before those (DurableCursor) while reading goes on:
  // one busy flow never holds up the others.
  Commit();
}

void ChangeDispatcher::Decide(const std::shared_ptr<Watch>& w, const tables::Change& change,
                              const std::shared_ptr<const tables::Catalog>& catalog) {
  const triggers::ChangeSubscription& sub = *w->subscription;
  if (sub.filter && w->bound_catalog != catalog) {
    tables::TableQuerySchema schema(catalog, catalog->ByLogicalName(change.table));  // present: Dispatch checked
    w->bound_filter = sub.filter->Bind(schema);
    w->bound_catalog = catalog;
  }
  triggers::LoopGuardOptions guard{options_.max_hops};
  bool explain = WillRecordSkip(*w, batch_now_);
  auto decision = triggers::DecideChange(sub, w->flow->name, change, w->bound_filter ? &*w->bound_filter : nullptr,
                                         guard, explain);
  using O = triggers::ChangeDecision::Outcome;
  size_t shard = static_cast<size_t>(thread_->index());
  if (decision.outcome == O::kLoopGuard) {
    metrics_.Increment(shard, Series("runnel_trigger_loop_guard_total", {{"flow", w->flow->name}}));
  } else if (decision.outcome == O::kSuppressed) {
    metrics_.Increment(shard, Series("runnel_trigger_suppressed_changes_total", {{"flow", w->flow->name}}));
  }
  if (!decision.fires() && !explain) {
    // Only counted: the common case of a busy table and many triggers, kept to two increments.
    ++w->left_out;
    ++w->uncounted_skips;
    return;
  }
  if (!decision.fires()) return Record(*w, "Skipped", decision.reason, "", true);
  if (!sub.postpone_until.empty()) {
    auto due = PostponedUntil(*w, change);
    if (!due) {
      return Record(*w, "Rejected", "change " + std::to_string(change.seq) + ": " + due.error().message, "", false);
    }
    if (due.value() > thread_->clock().NowMicros()) return Postpone(w, change, due.value());
  }
  Admit(w, change);
}

// The trigger's conditions, then one run per trigger record (splitOn).
void ChangeDispatcher::Fire(const std::shared_ptr<Watch>& w, const tables::Change& change) {
  int64_t now = thread_->clock().NowMicros();
  auto firing = engine::FireTrigger(w->flow->plan->definition(), w->trigger->trigger,
                                    triggers::ChangeTriggerOutputs(*w->subscription, change), now, {});
  if (!firing) return Record(*w, "Rejected", "change " + std::to_string(change.seq) + ": " + firing.error().message, "", true);
  if (!firing.value().fired) {
    return Record(*w, "Skipped", "change " + std::to_string(change.seq) + ": " + firing.value().skip_reason, "", true);
  }
  auto& records = firing.value().records;
  for (size_t i = 0; i < records.size() && i < static_cast<size_t>(kRunsPerChange); ++i) {
    StartRun(w, change, std::move(records[i]), static_cast<int>(i));
  }
  if (records.size() > static_cast<size_t>(kRunsPerChange)) {
    Record(*w, "Rejected", "change " + std::to_string(change.seq) + ": splitOn gave more than " +
                               std::to_string(kRunsPerChange) + " items; the rest started no run", "", false);
  }
}

void ChangeDispatcher::StartRun(const std::shared_ptr<Watch>& w, const tables::Change& change, bj::value record,
                                int index) {
  RunRequest request;
  request.flow = w->flow;
  request.trigger = w->trigger;
  request.trigger_record = std::move(record);
  request.thread = w->thread;
  request.event_micros = change.time_micros;
  std::string flow = w->flow->name, trigger = w->trigger->name;
  int64_t seq = change.seq;
  starting_.insert(seq);
  runs_.Start(
      std::move(request),
      [flow, trigger, seq, index](store::Transaction& tx, const std::string& run_id) -> Status {
        RUNNEL_TRY(claimed, tables::ClaimChangeRun(tx.sql(), flow, trigger, seq, index, run_id));
        if (!claimed) return Error(kClaimed, "this change already started its run");
        return Ok();
      },
      [this, w, seq](Result<std::string> started) {
        thread_->Post([this, w, seq, started = std::move(started)] {
          if (started) {
            Record(*w, "Fired", "change " + std::to_string(seq) + " (" + w->subscription->entity_name + ")",
                   started.value(), false);
          } else if (started.error().code != kClaimed) {
            Record(*w, "Rejected", "change " + std::to_string(seq) + ": " + started.error().message, "", false);
          }
          starting_.erase(starting_.find(seq));
          StartDone();
        });
      });
}

void ChangeDispatcher::StartDone() {
  if (!busy_) SaveCursor();  // else the batch's commit saves it
}

// The durable cursor: the read position, held back before the oldest change still waiting in
// a coalescing window, for a rate-limit token or for its run's start to commit — after a
// crash those changes are read again (their claims keep the runs that did start single).
int64_t ChangeDispatcher::DurableCursor(int64_t read_position) const {
  int64_t oldest = read_position + 1;
  if (!starting_.empty()) oldest = std::min(oldest, *starting_.begin());
  for (const auto& [key, w] : watches_) {
    for (const auto& [row, window] : w->windows) oldest = std::min(oldest, window.first_seq);
    if (!w->postponed.empty()) oldest = std::min(oldest, w->postponed.begin()->first);
    if (!w->waiting.empty()) oldest = std::min(oldest, w->waiting.front().seq);
  }
  return oldest - 1;
}

void ChangeDispatcher::SaveCursor() {
  int64_t durable = DurableCursor(cursor_);
  if (durable <= saved_cursor_) return;
  saved_cursor_ = durable;
  store_.Write([durable](store::Transaction& tx) { return tables::WriteTriggerCursor(tx.sql(), durable); }, nullptr);
}

void ChangeDispatcher::Commit() {
  int64_t end = batch_end_;
  int64_t durable = DurableCursor(end);
  store_.Write([durable](store::Transaction& tx) { return tables::WriteTriggerCursor(tx.sql(), durable); },
               [this, end, durable](Status s) {
                 thread_->Post([this, end, durable, ok = s.has_value()] {
                   if (ok) {
                     cursor_ = end;  // else the batch is dispatched again; claims keep runs single
                     saved_cursor_ = std::max(saved_cursor_, durable);
                   }
                   busy_ = false;
                   SaveCursor();  // starts that answered meanwhile may let it move on
                   Pump();
                 });
               });
}

const std::string& ChangeDispatcher::EventSeries(Watch& w, const std::string& outcome) {
  auto it = w.event_series.find(outcome);
  if (it == w.event_series.end()) {
    it = w.event_series
             .emplace(outcome, Series("runnel_trigger_events_total",
                                      {{"flow", w.flow->name}, {"trigger", w.trigger->name}, {"outcome", outcome}}))
             .first;
  }
  return it->second;
}

bool ChangeDispatcher::WillRecordSkip(Watch& w, int64_t now) {
  if (now - w.window_start >= kMinuteMicros) {
    w.window_start = now;
    w.recorded = 0;
  }
  return w.recorded < options_.skip_history_per_minute;
}

void ChangeDispatcher::Record(Watch& w, const std::string& outcome, std::string reason, const std::string& run_id,
                              bool bounded) {
  metrics_.Increment(static_cast<size_t>(thread_->index()), EventSeries(w, outcome));
  int64_t now = thread_->clock().NowMicros();
  if (bounded) {
    if (!WillRecordSkip(w, now)) {
      ++w.left_out;
      return;
    }
    ++w.recorded;
    if (w.left_out) {
      reason += " (" + std::to_string(w.left_out) + " earlier skipped changes were counted in /metrics, not recorded)";
      w.left_out = 0;
    }
  }
  store::TriggerEvent e;
  e.flow = w.flow->name;
  e.trigger = w.trigger->name;
  e.time_micros = now;
  e.outcome = outcome;
  e.reason = std::move(reason);
  e.run_id = run_id;
  store_.Write([e](store::Transaction& tx) { return tx.AddTriggerEvent(e); }, nullptr);
}

}  // namespace runnel::server

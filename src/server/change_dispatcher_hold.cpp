// The change dispatcher's hold-back options (change_dispatcher.h): "Delay until"
// (postponeuntil), coalescing windows per row (coalesceseconds) and the per-flow rate limit
// (maxrunsperminute).
#include <algorithm>

#include "engine/trigger_firing.h"
#include "expr/datetime/culture.h"
#include "expr/datetime/parse.h"
#include "json/lookup.h"
#include "server/change_dispatcher.h"
#include "server/change_dispatcher_watch.h"

namespace runnel::server {

// "Delay until" is evaluated as of the change's commit time (`utcNow()` in it is that time), so
// reading the change again after a restart postpones it to the same instant.
Result<int64_t> ChangeDispatcher::PostponedUntil(const Watch& w, const tables::Change& change) const {
  auto inputs = engine::EvaluateTriggerInputs(w.flow->plan->definition(), *w.trigger->trigger, change.time_micros, {});
  if (!inputs) return Error(inputs.error().code, "Delay until (postponeuntil): " + inputs.error().message);
  const boost::json::value* params =
      inputs.value().is_object() ? json::FindMember(inputs.value().get_object(), "parameters") : nullptr;
  const boost::json::value* v =
      params && params->is_object() ? json::FindMember(params->get_object(), "subscriptionRequest/postponeuntil") : nullptr;
  if (!v || v->is_null() || (v->is_string() && v->get_string().empty())) return change.time_micros;
  if (!v->is_string()) return Error("InvalidChangeSubscription", "Delay until (postponeuntil) must be a date-time");
  auto parsed = expr::datetime::ParseDateTime(v->get_string(), expr::datetime::InvariantCulture());
  if (!parsed) {
    return Error("InvalidChangeSubscription", "Delay until (postponeuntil) '" + std::string(v->get_string()) +
                                                  "' is not a date-time: " + parsed.error().message +
                                                  "; write an ISO 8601 time such as 2030-01-31T10:00:00Z");
  }
  return (parsed.value().ticks() - expr::datetime::kUnixEpochTicks) / 10;
}

void ChangeDispatcher::Postpone(const std::shared_ptr<Watch>& w, const tables::Change& change, int64_t due) {
  w->postponed.emplace(change.seq, change);
  int64_t seq = change.seq;
  thread_->PostAt(due, [this, w, seq] {
    auto it = w->postponed.find(seq);
    if (stopped_.load() || it == w->postponed.end()) return;
    tables::Change c = std::move(it->second);
    w->postponed.erase(it);
    Admit(w, c);
    if (!busy_) SaveCursor();
  }, /*keeps_alive=*/false);
}

// coalesceseconds: a matching change opens a window on its row, or replaces the latest change
// of the open one. Windows are judged by the changes' own times, so reading the same changes
// again after a restart groups them the same way.
void ChangeDispatcher::Admit(const std::shared_ptr<Watch>& w, const tables::Change& change) {
  int64_t window = int64_t{w->subscription->coalesce_seconds} * 1'000'000;
  if (window <= 0) return Release(w, change);
  auto it = w->windows.find(change.row_id);
  if (it != w->windows.end() && change.time_micros < it->second.due) {
    Record(*w, "Skipped", "change " + std::to_string(it->second.latest.seq) + " coalesced: change " +
                              std::to_string(change.seq) + " changed the same row within " +
                              std::to_string(w->subscription->coalesce_seconds) + " s (coalesceseconds)", "", true);
    it->second.latest = change;
    return;
  }
  if (it != w->windows.end()) {  // its window closed before this change: it goes first
    tables::Change closed = std::move(it->second.latest);
    w->windows.erase(it);
    Release(w, closed);
  }
  int64_t due = change.time_micros + window;
  w->windows[change.row_id] = Watch::Window{change, change.seq, due};
  std::string row = change.row_id;
  int64_t first = change.seq;
  thread_->PostAt(due, [this, w, row, first] {
    auto open = w->windows.find(row);
    if (stopped_.load() || open == w->windows.end() || open->second.first_seq != first) return;
    tables::Change latest = std::move(open->second.latest);
    w->windows.erase(open);
    Release(w, latest);
    if (!busy_) SaveCursor();
  }, /*keeps_alive=*/false);
}

// maxrunsperminute: a token bucket of that size, refilled evenly over the minute; a change
// without a token waits (in order) for the next one.
void ChangeDispatcher::Release(const std::shared_ptr<Watch>& w, const tables::Change& change) {
  int rate = w->subscription->max_runs_per_minute;
  if (rate <= 0) return Fire(w, change);
  Refill(*w);
  if (w->waiting.empty() && w->tokens >= 1) {
    w->tokens -= 1;
    return Fire(w, change);
  }
  w->waiting.push_back(change);
  metrics_.Increment(static_cast<size_t>(thread_->index()),
                     Series("runnel_trigger_rate_limited_total", {{"flow", w->flow->name}}));
  ArmDrain(w);
}

void ChangeDispatcher::Refill(Watch& w) {
  int rate = w.subscription->max_runs_per_minute;
  int64_t now = thread_->clock().NowMicros();
  if (w.tokens < 0) {
    w.tokens = rate;
  } else {
    w.tokens = std::min<double>(rate, w.tokens + static_cast<double>(now - w.refilled_at) * rate / 60e6);
  }
  w.refilled_at = now;
}

void ChangeDispatcher::ArmDrain(const std::shared_ptr<Watch>& w) {
  if (w->drain_armed) return;
  w->drain_armed = true;
  int rate = w->subscription->max_runs_per_minute;
  int64_t wait = static_cast<int64_t>((1.0 - std::min(w->tokens, 1.0)) * 60e6 / rate) + 1;
  thread_->PostAt(thread_->clock().NowMicros() + wait, [this, w] {
    w->drain_armed = false;
    if (stopped_.load()) return;
    Refill(*w);
    while (!w->waiting.empty() && w->tokens >= 1) {
      w->tokens -= 1;
      tables::Change next = std::move(w->waiting.front());
      w->waiting.pop_front();
      Fire(w, next);
    }
    if (!w->waiting.empty()) ArmDrain(w);
    if (!busy_) SaveCursor();
  }, /*keeps_alive=*/false);
}

}  // namespace runnel::server

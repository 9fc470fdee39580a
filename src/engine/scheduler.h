// Scheduler: where a run's work happens and how it waits.
//
// A run's state is touched only from its scheduler's thread (one logical strand per run), so
// the engine needs no locks around run state. Anything that finishes elsewhere — an HTTP call on
// an I/O thread, a child flow — posts its completion back with Post(). Waits (Wait actions,
// retry backoff, Until timeouts, polling intervals) use PostAt() against the scheduler's clock,
// which is injectable: tests and `runnel run --now` use a virtual clock that jumps to the next
// due time when nothing else is ready, so no test ever waits for wall time.
#pragma once

#include <cstdint>
#include <functional>

#include "base/clock.h"

namespace runnel::engine {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs fn on the scheduler's thread as soon as possible. Safe to call from any thread.
  virtual void Post(std::function<void()> fn) = 0;
  // Runs fn on the scheduler's thread once clock().NowMicros() >= due_micros. Any thread.
  // A timer that `keeps_alive` is work the scheduler must wait for; one that does not (a
  // limit.timeout guard whose action may finish first) never keeps an otherwise idle loop
  // running, and fires only if the loop is still running at its due time.
  // Returns an id for CancelTimer.
  virtual uint64_t PostAt(int64_t due_micros, std::function<void()> fn, bool keeps_alive) = 0;
  uint64_t PostAt(int64_t due_micros, std::function<void()> fn) { return PostAt(due_micros, std::move(fn), true); }
  // Drops a timer that has not fired yet (a Wait whose action was cancelled or timed out), so it
  // neither runs nor keeps the scheduler alive. No effect once it fired. Any thread.
  virtual void CancelTimer(uint64_t id) = 0;
  virtual const Clock& clock() const = 0;
};

}  // namespace runnel::engine

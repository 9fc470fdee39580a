// LocalLoop: a single-threaded Scheduler for running flows in-process (`runnel run`, tests).
//
// Run() executes posted work on the calling thread until Stop() is called or, with
// `stop_when_idle`, until nothing is queued, no timer that keeps it alive is pending and no
// outside work is in flight. With a real clock it sleeps until the next timer is due (woken early by Post from
// other threads); with a ManualClock it advances that clock straight to the next due time
// whenever the queue is empty and no outside work is in flight — virtual time.
//
// Outside work (e.g. an HTTP call on a worker thread) must be announced with BeginExternal()
// and ended with EndExternal() (typically by the completion it posts), so the loop knows to wait
// for it rather than jump the virtual clock or declare itself idle.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <queue>
#include <map>
#include <vector>

#include "engine/scheduler.h"

namespace runnel::engine {

class LocalLoop final : public Scheduler {
 public:
  // `clock` must outlive the loop. `virtual_clock` (may be null) is advanced when idle.
  explicit LocalLoop(const Clock& clock, ManualClock* virtual_clock = nullptr);

  void Post(std::function<void()> fn) override;
  using Scheduler::PostAt;
  uint64_t PostAt(int64_t due_micros, std::function<void()> fn, bool keeps_alive) override;
  void CancelTimer(uint64_t id) override;
  const Clock& clock() const override { return clock_; }

  void BeginExternal();
  void EndExternal();

  // Runs until Stop(), or until idle when stop_when_idle. Call from one thread only.
  void Run(bool stop_when_idle = true);
  void Stop();

 private:
  struct Timer {
    int64_t due;
    uint64_t seq;  // FIFO among equal due times
    std::function<void()> fn;
    bool keeps_alive;
    bool operator>(const Timer& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };

  const Clock& clock_;
  ManualClock* virtual_clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  uint64_t seq_ = 0;
  size_t live_timers_ = 0;  // timers that keep the loop alive and are not cancelled
  std::map<uint64_t, bool> pending_;  // timers not yet fired or cancelled: id -> keeps_alive
  int external_ = 0;
  bool stop_ = false;
};

}  // namespace runnel::engine

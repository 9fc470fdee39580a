#include "engine/local_loop.h"

#include <chrono>

namespace runnel::engine {

LocalLoop::LocalLoop(const Clock& clock, ManualClock* virtual_clock)
    : clock_(clock), virtual_clock_(virtual_clock) {}

void LocalLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ready_.push_back(std::move(fn));
  }
  cv_.notify_one();
}

uint64_t LocalLoop::PostAt(int64_t due_micros, std::function<void()> fn, bool keeps_alive) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = seq_++;
    timers_.push(Timer{due_micros, id, std::move(fn), keeps_alive});
    pending_.emplace(id, keeps_alive);
    if (keeps_alive) ++live_timers_;
  }
  cv_.notify_one();
  return id;
}

void LocalLoop::CancelTimer(uint64_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // fired or cancelled already
    // The heap entry stays and is dropped when it comes due.
    if (it->second) --live_timers_;
    pending_.erase(it);
  }
  cv_.notify_one();
}

void LocalLoop::BeginExternal() {
  std::lock_guard<std::mutex> lock(mu_);
  ++external_;
}

void LocalLoop::EndExternal() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --external_;
  }
  cv_.notify_one();
}

void LocalLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
}

void LocalLoop::Run(bool stop_when_idle) {
  std::unique_lock<std::mutex> lock(mu_);
  stop_ = false;
  while (!stop_) {
    // Move due timers to the ready queue.
    int64_t now = clock_.NowMicros();
    while (!timers_.empty() && timers_.top().due <= now) {
      const Timer& t = timers_.top();
      if (pending_.erase(t.seq)) {  // not cancelled
        if (t.keeps_alive) --live_timers_;
        ready_.push_back(std::move(const_cast<Timer&>(t).fn));
      }
      timers_.pop();
    }
    if (!ready_.empty()) {
      auto fn = std::move(ready_.front());
      ready_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
      continue;
    }
    if (external_ == 0) {
      if (live_timers_ == 0) {
        if (stop_when_idle) break;
      } else if (virtual_clock_) {
        virtual_clock_->Set(timers_.top().due);
        continue;
      }
    }
    if (!timers_.empty() && !virtual_clock_) {
      int64_t wait = timers_.top().due - clock_.NowMicros();
      cv_.wait_for(lock, std::chrono::microseconds(wait > 0 ? wait : 0));
    } else {
      cv_.wait(lock);
    }
  }
}

}  // namespace runnel::engine

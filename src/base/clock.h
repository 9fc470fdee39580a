// Clock: the source of "now" for everything that reads time (utcNow(), retries, schedules).
//
// Production code uses SystemClock; tests and `runnel eval --now` use ManualClock so that no test
// depends on wall time. Time is UTC, in microseconds since the Unix epoch. Implementations must be
// safe to call from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace runnel {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since 1970-01-01T00:00:00Z.
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
  // A process-wide instance; never destroyed.
  static const SystemClock& Instance();
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_micros = 0) : now_(now_micros) {}
  int64_t NowMicros() const override { return now_.load(std::memory_order_relaxed); }
  void Set(int64_t now_micros) { now_.store(now_micros, std::memory_order_relaxed); }
  void Advance(int64_t micros) { now_.fetch_add(micros, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace runnel

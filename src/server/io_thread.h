// IoThread: one thread running one Asio io_context, and the engine's Scheduler on it.
//
// The server runs N of these (DESIGN.md "hot path": one io_context per thread, a connection
// lives on one thread, no strand hops). A run started by a request runs on the thread that
// received it, so the request, the run and the response never change threads.
//
// Timers are kept in a heap against the server's Clock (engine/scheduler.h) with one Asio
// timer armed for the earliest; a manual clock (tests) is advanced with Recheck(), which fires
// what became due — no test waits for wall time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "engine/scheduler.h"

namespace boost::asio {
class io_context;
}

namespace runnel::server {

class IoThread final : public engine::Scheduler {
 public:
  IoThread(const Clock& clock, int index);
  ~IoThread() override;

  void Start();  // starts the thread
  void Stop();   // stops the io_context and joins

  boost::asio::io_context& context();
  int index() const { return index_; }
  bool InThisThread() const;

  // engine::Scheduler
  void Post(std::function<void()> fn) override;
  using engine::Scheduler::PostAt;
  uint64_t PostAt(int64_t due_micros, std::function<void()> fn, bool keeps_alive) override;
  void CancelTimer(uint64_t id) override;
  const Clock& clock() const override { return clock_; }

  // Fires timers that became due because the clock moved (a manual clock in tests). Any thread.
  void Recheck();

 private:
  struct Impl;
  const Clock& clock_;
  int index_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runnel::server

#include "server/io_thread.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <optional>
#include <pthread.h>

#include <string>
#include <thread>

namespace runnel::server {
namespace asio = boost::asio;

struct IoThread::Impl {
  asio::io_context context{1};  // one thread: Asio may skip its internal locking
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::thread::id thread_id;

  // Timers by (due, id): the heap the one Asio timer serves. Touched on the thread only.
  std::map<std::pair<int64_t, uint64_t>, std::function<void()>> timers;
  std::map<uint64_t, int64_t> due_of;  // id -> due, for CancelTimer
  asio::steady_timer wakeup{context};
  int64_t armed_for = INT64_MAX;
};

IoThread::IoThread(const Clock& clock, int index) : clock_(clock), index_(index), impl_(std::make_unique<Impl>()) {}

IoThread::~IoThread() { Stop(); }

void IoThread::Start() {
  impl_->work.emplace(impl_->context.get_executor());
  impl_->thread = std::thread([this] {
    impl_->thread_id = std::this_thread::get_id();
    std::string name = "runnel-io" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.c_str());  // for top -H, perf and gdb
    impl_->context.run();
  });
}

void IoThread::Stop() {
  if (!impl_->thread.joinable()) return;
  impl_->work.reset();
  impl_->context.stop();
  impl_->thread.join();
}

asio::io_context& IoThread::context() { return impl_->context; }

bool IoThread::InThisThread() const { return impl_->context.get_executor().running_in_this_thread(); }

void IoThread::Post(std::function<void()> fn) { asio::post(impl_->context, std::move(fn)); }

uint64_t IoThread::PostAt(int64_t due_micros, std::function<void()> fn, bool /*keeps_alive*/) {
  // Ids are handed out here (any thread) so the caller can cancel before the timer is queued.
  static std::atomic<uint64_t> next_id{1};
  uint64_t id = next_id.fetch_add(1, std::memory_order_relaxed);
  asio::post(impl_->context, [this, id, due_micros, fn = std::move(fn)]() mutable {
    impl_->timers.emplace(std::make_pair(due_micros, id), std::move(fn));
    impl_->due_of.emplace(id, due_micros);
    Recheck();
  });
  return id;
}

void IoThread::CancelTimer(uint64_t id) {
  asio::post(impl_->context, [this, id] {
    auto it = impl_->due_of.find(id);
    if (it == impl_->due_of.end()) return;
    impl_->timers.erase({it->second, id});
    impl_->due_of.erase(it);
  });
}

void IoThread::Recheck() {
  if (!InThisThread()) {
    asio::post(impl_->context, [this] { Recheck(); });
    return;
  }
  Impl& m = *impl_;
  int64_t now = clock_.NowMicros();
  while (!m.timers.empty() && m.timers.begin()->first.first <= now) {
    auto node = m.timers.extract(m.timers.begin());
    m.due_of.erase(node.key().second);
    node.mapped()();
  }
  if (m.timers.empty()) return;
  int64_t due = m.timers.begin()->first.first;
  if (due >= m.armed_for) return;  // the armed wakeup comes first
  m.armed_for = due;
  m.wakeup.expires_after(std::chrono::microseconds(due - now));
  m.wakeup.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or stopping
    impl_->armed_for = INT64_MAX;
    Recheck();
  });
}

}  // namespace runnel::server

// HttpServer (server/http_server.h) on its own, without the rest of the server: a handler that
// answers from another thread and keeps the connection until after it closed, so the
// connection's last reference goes on that thread while the server accepts new connections on
// its own. Under the sanitizers this is the test that catches a connection list touched from
// two threads.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.h"
#include "server/http_server.h"
#include "server/io_thread.h"

namespace runnel::server {
namespace {

// One request with "Connection: close"; returns everything the server sent before closing.
std::string Exchange(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = "GET /x HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) answer.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return answer;
}

// Answers each request from its own thread and keeps the responder; Release() then lets go
// of the oldest one on that thread — after its client saw the connection close.
class ForeignAnswerer {
 public:
  ~ForeignAnswerer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  void Take(std::shared_ptr<Responder> responder) {
    std::lock_guard lock(mu_);
    to_answer_.push_back(std::move(responder));
    cv_.notify_all();
  }
  void Release() {
    std::lock_guard lock(mu_);
    ++to_release_;
    cv_.notify_all();
  }
  // Waits until every responder was answered and let go (before the server goes away).
  bool AllReleased() {
    std::unique_lock lock(mu_);
    return done_.wait_for(lock, std::chrono::seconds(10),
                          [&] { return to_answer_.empty() && held_.empty() && to_release_ == 0; });
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !to_answer_.empty() || (to_release_ > 0 && !held_.empty()); });
      if (!to_answer_.empty()) {
        std::shared_ptr<Responder> r = std::move(to_answer_.front());
        to_answer_.pop_front();
        lock.unlock();
        r->Send(HttpResponse::Json(200, R"({"ok":true})"));
        lock.lock();
        held_.push_back(std::move(r));
      } else if (to_release_ > 0 && !held_.empty()) {
        std::shared_ptr<Responder> r = std::move(held_.front());
        held_.pop_front();
        --to_release_;
        lock.unlock();
        r.reset();  // the connection's last reference, on this thread
        lock.lock();
        done_.notify_all();
      } else {
        return;  // stopping; what is still held goes with the members
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_;
  std::deque<std::shared_ptr<Responder>> to_answer_;
  std::deque<std::shared_ptr<Responder>> held_;
  int to_release_ = 0;
  bool stop_ = false;
  std::thread worker_{[this] { Loop(); }};
};

TEST(HttpServer, AConnectionReleasedOnAnotherThreadLeavesTheServerServing) {
  IoThread io(SystemClock::Instance(), 0);
  io.Start();
  ForeignAnswerer answerer;
  {
    HttpServer server({&io}, HttpLimits{}, [&](HttpRequest&&, std::shared_ptr<Responder> r, IoThread&) {
      answerer.Take(std::move(r));
    });
    ASSERT_TRUE(server.Listen("127.0.0.1", 0));
    // Two clients at once: one connection is accepted while another is being released.
    std::atomic<int> answered{0};
    auto client = [&] {
      for (int i = 0; i < 100; ++i) {
        if (Exchange(server.port()).find("{\"ok\":true}") != std::string::npos) ++answered;
        answerer.Release();
      }
    };
    std::thread a(client), b(client);
    a.join();
    b.join();
    EXPECT_EQ(answered.load(), 200);
    EXPECT_TRUE(answerer.AllReleased());
    server.StopAccepting();
    server.CloseAll();
  }
  io.Stop();
}

}  // namespace
}  // namespace runnel::server

// TestHttpServer on Boost.Beast's synchronous API: simple to read, and the threads it needs are
// a test's concern, not production's. Shutdown wakes every blocking call on purpose: the accept
// loop by a connection to itself, connection threads by shutting their sockets down, delays by
// a condition variable.
#include "test_http_server.h"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace runnel::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string RecordedRequest::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

bool RecordedRequest::HasHeader(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

struct TestHttpServer::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  uint16_t port = 0;
  std::thread accept_thread;

  mutable std::mutex mu;
  mutable std::condition_variable cv;  // requests recorded, connections closed, stopping
  bool stopping = false;
  std::map<std::string, std::vector<TestResponse>> routes;
  std::map<std::string, size_t> hits;
  std::vector<RecordedRequest> requests;
  std::set<int> open_fds;
  std::vector<std::thread> connection_threads;

  void AcceptLoop();
  void Serve(tcp::socket socket);
  TestResponse Next(const std::string& path);
};

TestResponse TestHttpServer::State::Next(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = routes.find(path);
  if (it == routes.end() || it->second.empty()) return TestResponse{404, {}, "no route", {}};
  size_t n = hits[path]++;
  return it->second[std::min(n, it->second.size() - 1)];
}

void TestHttpServer::State::AcceptLoop() {
  for (;;) {
    tcp::socket socket(io);
    boost::system::error_code ec;
    acceptor.accept(socket, ec);
    std::lock_guard<std::mutex> lock(mu);
    if (stopping) return;
    if (ec) continue;
    open_fds.insert(socket.native_handle());
    connection_threads.emplace_back([this, s = std::move(socket)]() mutable { Serve(std::move(s)); });
  }
}

void TestHttpServer::State::Serve(tcp::socket socket) {
  int fd = socket.native_handle();
  boost::system::error_code ec;
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  http::read(socket, buffer, req, ec);
  if (!ec) {
    RecordedRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    size_t q = r.target.find('?');
    r.path = r.target.substr(0, q);
    r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
    for (const auto& field : req) r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    r.body = req.body();
    TestResponse script = Next(r.path);
    {
      std::unique_lock<std::mutex> lock(mu);
      requests.push_back(r);
      cv.notify_all();
      cv.wait_for(lock, script.delay, [this] { return stopping; });
    }
    http::response<http::string_body> res;
    res.version(11);
    res.result(static_cast<unsigned>(script.status));
    for (const auto& [name, value] : script.headers) res.insert(name, value);
    res.keep_alive(false);
    if (r.method == "HEAD") {
      res.content_length(script.body.size());
      http::response_serializer<http::string_body> sr{res};
      http::write_header(socket, sr, ec);
    } else {
      res.body() = script.body;
      res.prepare_payload();
      http::write(socket, res, ec);
    }
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
  std::lock_guard<std::mutex> lock(mu);
  open_fds.erase(fd);
  socket.close(ec);
  cv.notify_all();
}

TestHttpServer::TestHttpServer() : state_(std::make_shared<State>()) {
  boost::system::error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor.bind(endpoint, ec);
  if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "TestHttpServer: cannot listen on 127.0.0.1: %s\n", ec.message().c_str());
    std::abort();
  }
  state_->port = state_->acceptor.local_endpoint().port();
  state_->accept_thread = std::thread([s = state_.get()] { s->AcceptLoop(); });
}

TestHttpServer::~TestHttpServer() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
    for (int fd : state_->open_fds) ::shutdown(fd, SHUT_RDWR);
  }
  state_->cv.notify_all();
  {
    // Wake the blocking accept() with a connection of our own.
    asio::io_context io;
    tcp::socket wake(io);
    boost::system::error_code ec;
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), state_->port), ec);
  }
  state_->accept_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    threads.swap(state_->connection_threads);
  }
  for (auto& t : threads) t.join();
  boost::system::error_code ec;
  state_->acceptor.close(ec);
}

uint16_t TestHttpServer::port() const { return state_->port; }

std::string TestHttpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(state_->port) + path;
}

void TestHttpServer::Route(const std::string& path, std::vector<TestResponse> script) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->routes[path] = std::move(script);
  state_->hits[path] = 0;
}

std::vector<RecordedRequest> TestHttpServer::Requests() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->requests;
}

std::vector<RecordedRequest> TestHttpServer::RequestsTo(const std::string& path) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::vector<RecordedRequest> out;
  for (const auto& r : state_->requests) {
    if (r.path == path) out.push_back(r);
  }
  return out;
}

bool TestHttpServer::WaitForRequests(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->requests.size() >= count; });
}

bool TestHttpServer::WaitForIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->open_fds.empty(); });
}

uint16_t TestHttpServer::UnusedPort() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  uint16_t port = a.local_endpoint().port();
  a.close();
  return port;
}

}  // namespace runnel::testing

// TestHttpServer: a real HTTP/1.1 server on 127.0.0.1 for connector tests.
//
// Listens on an ephemeral port from the constructor until destruction; a background thread
// accepts connections and each connection is served on its own thread (so a slow route never
// holds up another request). Every response closes its connection.
//
// Routes are programmed per path (the query string is not part of the match) as a script of
// responses: the n-th request to the path gets the n-th response, and the last one repeats —
// so {500, 500, 200} is "fail twice then succeed" and {202, 202, 200} is an async operation.
// A path with no route answers 404 "no route". Every request is recorded.
//
// Beast stays inside test_http_server.cpp: this header is cheap to include.
//
// Thread rule: all methods are safe to call from any thread while the server runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace runnel::testing {

struct TestResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Wall time to wait before answering (interrupted when the server shuts down): slow
  // responses for timeout and cancellation tests.
  std::chrono::milliseconds delay{0};
};

struct RecordedRequest {
  std::string method;
  std::string target;  // as sent: path plus "?query"
  std::string path;    // percent-encoded, without the query
  std::string query;   // without the '?'; "" when absent
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;

  // The first value of header `name` (case-insensitive), or "" when absent.
  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const;
};

class TestHttpServer {
 public:
  TestHttpServer();   // starts listening; aborts the test binary if it cannot bind
  ~TestHttpServer();  // stops accepting, interrupts delays, joins every thread
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  uint16_t port() const;
  // "http://127.0.0.1:<port><path>".
  std::string Url(const std::string& path) const;

  // Programs `path` (replacing an earlier script for it).
  void Route(const std::string& path, std::vector<TestResponse> script);

  std::vector<RecordedRequest> Requests() const;
  std::vector<RecordedRequest> RequestsTo(const std::string& path) const;
  // Blocks until at least `count` requests arrived or `timeout` passed; true when they did.
  bool WaitForRequests(size_t count, std::chrono::milliseconds timeout) const;
  // Blocks until every connection that was accepted has been closed by either side.
  bool WaitForIdle(std::chrono::milliseconds timeout) const;

  // A TCP port on 127.0.0.1 nothing listens on (bound, then released): for refused connections.
  static uint16_t UnusedPort();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace runnel::testing

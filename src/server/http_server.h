// HttpServer: HTTP/1.1 on N IoThreads, built lean (DESIGN.md "The hot path").
//
// Each thread has its own acceptor on the same port (SO_REUSEPORT: the kernel spreads
// connections), and a connection never leaves the thread that accepted it. A connection reuses
// its read buffer, writes the response head it formats itself together with the body in one
// write, and has no timer of its own: one sweep per thread per second closes connections past
// their deadline (idle keep-alive, or a request that is taking too long to arrive).
//
// Limits answer before anything reaches a handler: a body over max_body_bytes gets 413, a head
// over max_header_bytes gets 431, an unparsable request 400 — each followed by closing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "server/http_types.h"
#include "server/io_thread.h"

namespace runnel::server {

struct HttpLimits {
  uint64_t max_body_bytes = 100ull << 20;   // 100 MiB, as the hosted Request trigger
  uint32_t max_header_bytes = 64u << 10;    // request line and headers together
  int idle_timeout_seconds = 120;           // keep-alive connection without a request
  int request_timeout_seconds = 60;         // from the first byte to the whole request
};

class HttpServer {
 public:
  // `threads` run the connections; `handler` is called on the connection's thread.
  HttpServer(std::vector<IoThread*> threads, HttpLimits limits, RequestHandler handler);
  ~HttpServer();

  // Binds host:port (port 0 picks a free one) on every thread and starts accepting.
  Status Listen(const std::string& host, uint16_t port);
  // Listen in two steps: Bind fixes the port (so URLs naming it can be made before requests
  // are served — connections wait in the backlog), StartAccepting then serves them.
  Status Bind(const std::string& host, uint16_t port);
  void StartAccepting();
  uint16_t port() const;
  // Stops accepting new connections; open ones finish their current exchange.
  void StopAccepting();
  // Closes every connection (after StopAccepting, when shutting down).
  void CloseAll();
  size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runnel::server

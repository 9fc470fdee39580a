// Server: `runnel serve` — the store, the deployed flows, the run manager, the schedules and
// the HTTP endpoints, started and stopped together.
//
// Start(): opens the store, loads the flows it holds, deploys the flows directory (a new
// version only when a file changed), resumes the runs that were in flight, arms the schedules,
// then listens. Stop(): stops accepting, then waits (at most a grace period) until stopping loses
// no work — stateless runs have finished and no stateful run is executing an action other than a
// Wait — and closes everything; stateful runs still in flight resume at the next start.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "server/config.h"

namespace runnel::server {

class Server {
 public:
  explicit Server(ServerConfig config);
  ~Server();

  Status Start();
  uint16_t port() const;
  // SIGINT and SIGTERM request a stop (RunUntilSignal acts on it); call before Start() so that a
  // signal arriving while the server starts is not fatal.
  static void CatchStopSignals();
  // Blocks until SIGINT/SIGTERM, then stops.
  void RunUntilSignal();
  void Stop(int grace_seconds = 10);

  const std::string& token() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace runnel::server

// ServerProcess: the real `runnel serve` binary as a child process, for integration tests.
//
// Start() runs `runnel serve --config FILE` in the config file's directory, with stdin closed
// and stdout and stderr captured through one pipe, and returns once the server printed its
// "runnel: listening on http://HOST:PORT" line (or failed: exited, or no line before the
// deadline). A background thread drains the pipe for the process's whole life, so a chatty
// server never blocks on a full pipe, and notices the end of the process (EOF) without polling.
//
// The same object can be started again after Stop() or Kill(): that is a restart on the same
// data directory (the config file is read again, so a test may rewrite it in between).
//
// Thread rule: one test thread drives an instance; log() and WaitForLog() may be called from
// any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>

namespace runnel::testing {

class ServerProcess {
 public:
  ServerProcess(std::string binary, std::filesystem::path config_file);
  ~ServerProcess();  // kills a running server (SIGKILL): tests never wait for a graceful stop here
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits for its "listening" line. On failure the process is gone and
  // the message carries what it printed.
  ::testing::AssertionResult Start(std::chrono::milliseconds deadline = std::chrono::seconds(10));

  // SIGTERM, then waits for the process to exit. Returns its exit status (128 + signal when a
  // signal ended it), or -1 when it did not exit before the deadline (it is then killed).
  int Stop(std::chrono::milliseconds deadline = std::chrono::seconds(15));

  // SIGKILL: a crash. Returns once the process is reaped.
  void Kill();

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT" of the current (or last) start.
  std::string base_url() const;

  // Everything the current (or last) start printed so far.
  std::string log() const;
  // Blocks until the output of the current start contains `text`; false at the deadline or
  // when the process exited without printing it.
  bool WaitForLog(std::string_view text, std::chrono::milliseconds deadline) const;

 private:
  void ReadOutput(int fd);
  int Reap();

  std::string binary_;
  std::filesystem::path config_file_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string host_;
  std::thread reader_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::string output_;  // guarded by mu_
  bool eof_ = false;    // guarded by mu_: the process closed its end of the pipe
};

}  // namespace runnel::testing

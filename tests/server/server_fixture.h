// ServerTest: a GoogleTest fixture that runs the real `runnel serve` in a fresh directory.
//
// Each test gets its own directory (under the system's temp directory, removed after a passing
// test, kept and named after a failing one) holding `runnel.yaml`, `flows/` and `data/`. The
// server listens on a free loopback port, uses the token kToken and a manual clock that starts at
// kStartMicros and moves only through AdvanceClock(). Nothing here sleeps to synchronize:
// Eventually() polls a condition until a deadline.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http_client.h"
#include "server_process.h"

namespace runnel::testing {

inline constexpr char kToken[] = "test-token";
inline constexpr int64_t kStartMicros = 1893456000000000;  // 2030-01-01T00:00:00Z
inline constexpr std::chrono::milliseconds kDeadline{10000};

// A definition whose Request trigger (POST) is answered with the request's body.
inline constexpr char kEchoFlow[] = R"json({
  "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
  "actions": {
    "Response": {"type": "Response", "kind": "Http", "runAfter": {},
      "inputs": {"statusCode": 200, "body": "@triggerBody()"}}}})json";

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::filesystem::path& dir() const { return dir_; }
  ServerProcess& server() { return *server_; }
  std::string Url(const std::string& path) const { return server_->base_url() + path; }

  // Writes flows/<name>.json, deployed when the server starts.
  void WriteFlow(const std::string& name, const std::string& document);
  // Writes runnel.yaml and starts the server. `limits` are entries of the `limits:` mapping
  // ("sync_response_seconds: 1, max_body_bytes: 1024"); the clock starts at `clock_micros()`.
  void StartServer(const std::string& limits = "");
  // Top-level settings appended to the configuration file as written (e.g. app_settings).
  void AddConfig(const std::string& yaml) { extra_config_ += yaml; }
  // kill -9 (crash = true) or SIGTERM, then a start on the same data directory with the clock
  // where it was plus `downtime_seconds` (the manual clock lives in the process, so the config
  // carries it over).
  void RestartServer(bool crash, int64_t downtime_seconds = 0);

  // The management API with the bearer token.
  HttpAnswer Api(const std::string& method, const std::string& path, const std::string& body = "");
  // A table Web API call (/api/data/v9.2/PATH) with the token and the usual OData headers.
  // PUT /management/tables/{name} with a JSON definition; fails the test unless it answers 201.
  void DefineTable(const std::string& name, const std::string& definition);
  HttpAnswer Data(const std::string& method, const std::string& path, const std::string& body = "",
                  std::vector<std::string> headers = {});
  // The trigger's signed URL from listCallbackUrl (`key_type` "" or "Secondary").
  std::string CallbackUrl(const std::string& flow, const std::string& trigger = "manual",
                          const std::string& key_type = "");
  // Moves the server's manual clock; fails the test if the server refuses.
  void AdvanceClock(int64_t seconds);
  int64_t clock_micros() const { return clock_micros_; }

  // Polls `condition` (every few milliseconds) until it holds or the deadline passes.
  static bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds deadline = kDeadline);

  // GET /management/runs/{id} until its status is not Running; returns the last answer's body.
  boost::json::value WaitForRunEnd(const std::string& run_id);
  // Every run of `flow` (all pages), newest first.
  std::vector<boost::json::value> ListRuns(const std::string& flow, const std::string& status = "");
  // The trigger history of `flow`.
  std::vector<boost::json::value> TriggerHistory(const std::string& flow);
  // The value of one series of GET /metrics (`series` as printed, labels included), or -1 when
  // the server does not print it.
  double Metric(const std::string& series);

 private:
  void WriteConfig();

  std::filesystem::path dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string limits_;
  std::string extra_config_;
  int64_t clock_micros_ = kStartMicros;
};

// A Logic Apps Standard workflow.json: {"definition": ..., "kind": ...}.
std::string Workflow(const std::string& definition, const std::string& kind = "Stateful");
// An absolute URL for a Location header (the server may send a path).
std::string Absolute(const std::string& base_url, const std::string& location);

// Small JSON accessors for assertions: the member at a path of keys ("" for a missing one).
std::string Str(const boost::json::value& v, std::initializer_list<std::string_view> path);
const boost::json::value* At(const boost::json::value& v, std::initializer_list<std::string_view> path);

}  // namespace runnel::testing

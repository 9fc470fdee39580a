// ScheduleRunner: fires the Recurrence triggers, and polls the Http triggers, of enabled flows
// (docs/triggers.md).
//
// Each schedule has one timer on an IoThread, armed for its next occurrence (triggers/
// recurrence.h computes it; missed occurrences are never replayed). When it fires, the tick is
// claimed in the store in the same transaction that records the run's start — a tick is a unique
// key, so it fires once however often the server restarts (or however many nodes share the
// store). A trigger with concurrency 1 whose previous run is still going skips the tick (or, with
// `schedules.overlap: wait`, queues it); either way the trigger history says so.
//
// An Http (polling) trigger calls its endpoint at each occurrence of its recurrence: a 200
// answer starts a run (one per item with splitOn) with the response as the trigger outputs; any
// other answer starts none and is recorded (202: nothing new; 4xx/5xx or no answer: Rejected).
// The endpoint steers the polling: its Location is the next poll's URL (a cursor), its
// Retry-After the next poll's time; failed polls are retried by the trigger's retryPolicy.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>

#include "connectors/http/http_client.h"
#include "connectors/http/retry_policy.h"
#include "server/deployed_flow.h"
#include "server/metrics.h"
#include "server/run_manager.h"
#include "store/store.h"

namespace runnel::server {

class ScheduleRunner {
 public:
  ScheduleRunner(store::Store& store, RunManager& runs, Metrics& metrics, std::vector<IoThread*> threads,
                 bool skip_overlapping, std::shared_ptr<connectors::HttpClient> http);
  ~ScheduleRunner();

  // (Re)arms the flow's schedules for its current version and state; disarms a disabled or
  // deleted flow (pass nullptr with the name).
  void Refresh(const std::string& name, std::shared_ptr<const DeployedFlow> flow);
  // Stops every timer (shutdown).
  void StopAll();

 public:
  struct Schedule;  // one armed trigger; defined in the .cpp

 private:
  void Arm(const std::shared_ptr<Schedule>& s, int64_t after);
  void Fire(const std::shared_ptr<Schedule>& s, int64_t tick);
  void Poll(const std::shared_ptr<Schedule>& s, int64_t key, int retry);
  void OnPollAnswer(const std::shared_ptr<Schedule>& s, int64_t key, int retry, int64_t sent_micros,
                    const connectors::RetryPolicy& policy, Result<connectors::HttpResponse> answer);
  // `cursor` (when set) is the Http trigger's new cursor, saved with the first run's start.
  void StartRuns(const std::shared_ptr<Schedule>& s, int64_t tick, boost::json::value outputs,
                 std::optional<std::string> cursor = std::nullopt);
  // Saves the Http trigger's cursor on its own (an answer that starts no run).
  void SaveCursor(const Schedule& s);
  void Record(const Schedule& s, const std::string& outcome, const std::string& reason, const std::string& run_id);

  store::Store& store_;
  RunManager& runs_;
  Metrics& metrics_;
  std::vector<IoThread*> threads_;
  bool skip_overlapping_;
  std::shared_ptr<connectors::HttpClient> http_;
  std::mutex mu_;
  std::multimap<std::string, std::shared_ptr<Schedule>> schedules_;  // by lower-case flow name
};

}  // namespace runnel::server

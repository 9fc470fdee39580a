// RunManager: starts, tracks, answers for, cancels and resumes the server's runs.
//
// A run runs on the IoThread that started it (the one that received its request, or the
// scheduler's thread), so a request, its run and its response never change threads.
//
// Stateful runs are journaled (engine/journal.h) through the store: the run's row and trigger
// record first, then each action's start and completion; an action's completion is acted on
// once its batch committed, and a caller's answer waits for the record that makes it safe —
// the run's start for a 202, the Response action's completion for a synchronous answer. On
// start the server resumes every run the store still has in flight. Stateless runs keep
// nothing: their results stay in memory (a bounded list) for the 202 poll.
//
// Concurrency (runtimeConfiguration.concurrency): a trigger with `runs` set starts at most that
// many runs at once and queues up to `maximumWaitingRuns` more; beyond that it is refused, and
// so is any run beyond the server's `max_in_flight`.
#pragma once

#include <boost/json/value.hpp>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/action_handler.h"
#include "engine/child_flows.h"
#include "engine/run.h"
#include "server/deployed_flow.h"
#include "server/http_types.h"
#include "server/io_thread.h"
#include "server/journal_seal.h"
#include "server/metrics.h"
#include "server/run_write_batch.h"
#include "store/store.h"

namespace runnel::server {

struct RunManagerOptions {
  int sync_response_seconds = 120;  // how long a caller waits for a Response action
  size_t max_in_flight = 10000;     // runs started and not finished, server-wide
  size_t recent_stateless = 1000;   // finished stateless runs kept for polling
};

// How a run was asked for.
struct RunRequest {
  std::shared_ptr<const DeployedFlow> flow;
  const TriggerSettings* trigger = nullptr;
  boost::json::value trigger_record;  // {name, outputs, ...} from engine::FireTrigger
  IoThread* thread = nullptr;         // where the run runs
  int64_t event_micros = 0;           // when its event happened (a change's commit), if not now
};

class RunManager {
 public:
  // `seal` encrypts the journal entries of secure actions and triggers (journal_seal.h).
  RunManager(store::Store& store, const engine::HandlerRegistry& handlers, std::vector<IoThread*> threads,
             Metrics& metrics, RunManagerOptions options, std::shared_ptr<const JournalSeal> seal);
  ~RunManager();

  // Starts the runs of one request-trigger call and answers `responder`: the Response action's
  // answer, or 202 with a status URL, or an error (429 when over a concurrency limit).
  void StartFromRequest(RunRequest request, std::vector<boost::json::value> records,
                        std::shared_ptr<Responder> responder);

  // Starts one run (schedules, resubmit). `claim` (optional) is written in the same transaction
  // as the run's start — a schedule tick's unique key — and its failure means no run. `started`
  // gets the run id once the run is durable and launched, or why it was refused. Any thread.
  using ClaimFn = std::function<Status(store::Transaction&, const std::string& run_id)>;
  void Start(RunRequest request, ClaimFn claim, std::function<void(Result<std::string>)> started);

  // GET on a 202's Location: 202 while running, the result when finished.
  void Poll(const std::string& flow, const std::string& run_id, std::shared_ptr<Responder> responder);

  // The in-flight run's live record (the actions finished so far), given to `done` on the run's
  // thread — or nullopt if it finished meanwhile. False (and `done` is not called) when no such
  // run is in flight here.
  bool LiveStatus(const std::string& run_id, std::function<void(std::optional<boost::json::value>)> done);
  // Cancels an in-flight run. False when no such run is in flight here.
  bool Cancel(const std::string& run_id);
  // Whether the run is in flight here (started or queued, not finished).
  bool InFlight(const std::string& run_id);
  // Server-Sent Events of a run's progress; false when no such run is in flight.
  bool Subscribe(const std::string& run_id, std::shared_ptr<Responder> responder);

  // Starts a Workflow action's child run (engine::ChildCall) as a run of `flow` with the call's
  // id — or, when a run with that id exists (the parent was resumed after a restart and calls
  // again), follows it: in flight, it reports to the call when it answers and ends; finished,
  // from its saved record. Called on the parent's thread; returns how to cancel the child.
  std::function<void()> StartChild(std::shared_ptr<const DeployedFlow> flow, engine::ChildCall call);

  // Resumes every run the store has in flight (server start). Returns how many.
  Result<size_t> ResumeAll(FlowRegistry& flows);

  // The status URL path of a run (signed with the flow's primary key).
  static std::string StatusPath(const DeployedFlow& flow, const std::string& run_id);

  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // Is a run of this flow and trigger still going (schedules' overlap protection)?
  bool Running(const std::string& flow, const std::string& trigger);
  // Blocks until stopping loses no work, or the deadline (steady seconds from now) passes: no
  // stateless run is in flight and no stateful run is executing an action other than a Wait or
  // a Workflow call (a Wait resumes at the next start with its due time; a Workflow call finds
  // its child run again).
  bool WaitUntilSafeToStop(int seconds);
  // After the threads stopped: lets go of the runs still in flight (their state is in the
  // store). A run and its journal refer to each other until the run ends; this breaks that.
  void AbandonInFlight();

 private:
  struct Active;
  struct ChildCaller;
  struct Gate;
  class StoreJournal;

  void Launch(std::shared_ptr<Active> active, std::shared_ptr<const engine::ReplayLog> replay);
  void LaunchDequeued(const std::shared_ptr<Active>& active);
  void Finished(const std::shared_ptr<Active>& active, engine::RunResult result);
  void Release(const std::shared_ptr<Active>& active);
  void ReleaseSlot(const std::shared_ptr<Active>& active);
  // Answers the caller waiting for the Response action, if the answer is ready: `response`, or
  // the one the run keeps.
  void AnswerWaiter(const std::shared_ptr<Active>& active, const boost::json::value* response = nullptr);
  // Workflow actions waiting for this (child) run: its Response once durable, its end once saved.
  void TellCallers(const std::shared_ptr<Active>& active, const boost::json::value* response);
  // Follows the in-flight run `id` for `caller`; false when no such run is in flight.
  bool AttachChild(const std::string& id, const std::shared_ptr<ChildCaller>& caller);
  void StartNewChild(RunRequest request, std::string id, std::shared_ptr<ChildCaller> caller);
  enum class Admission { kNow, kQueued, kRefused };
  Admission Admit(const RunRequest& request, const std::shared_ptr<Active>& active,
                  std::function<void(bool queued)> start);
  static HttpResponse Accepted(const Active& active);
  std::shared_ptr<Active> NewActive(RunRequest request, std::string run_id);
  void Publish(Active& active, std::string event, boost::json::value data);
  // Writes made on `thread` during one burst of work, committed together when it is over
  // (RunWriteBatch); `done` gets the outcome on `thread`.
  void QueueWrite(IoThread& thread, store::Store::WriteFn fn, store::Store::DoneFn done);
  void QueueStart(IoThread& thread, store::RunRow row, boost::json::value trigger_record, store::Store::DoneFn done);
  void QueueJournal(IoThread& thread, std::string run_id, int64_t seq, std::string kind, boost::json::value body,
                    store::Store::DoneFn done);
  void QueueFinish(IoThread& thread, store::RunRow row, store::Store::DoneFn done);
  struct ThreadWrites;
  ThreadWrites& Burst(IoThread& thread, store::Store::DoneFn done);

  // The trigger record as journaled: sealed when the trigger's data is secure.
  boost::json::value JournaledTrigger(const Active& active) const;
  // A journaled body back in the clear (an error when it cannot be opened).
  Result<boost::json::value> Unsealed(boost::json::value body) const;

  store::Store& store_;
  std::shared_ptr<const JournalSeal> seal_;
  const engine::HandlerRegistry& handlers_;
  std::vector<IoThread*> threads_;
  Metrics& metrics_;
  RunManagerOptions options_;

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Active>, std::less<>> active_;
  std::map<std::string, std::shared_ptr<Gate>, std::less<>> gates_;  // by lower-case flow/trigger
  struct Recent {
    std::string flow;
    std::string status;
    boost::json::value summary;  // {runId, status, outputs, error}
    std::optional<boost::json::value> response;
    std::string tracking_id;
  };
  std::map<std::string, Recent, std::less<>> recent_;
  std::vector<std::string> recent_order_;
  size_t recent_next_ = 0;
  std::atomic<size_t> in_flight_{0};
  // Work a stop would interrupt: stateless runs in flight plus stateful actions executing (not Waits).
  std::atomic<int64_t> unsafe_to_stop_{0};
  struct ThreadWrites {  // touched only on its thread
    RunWriteBatch batch;
    std::shared_ptr<std::vector<store::Store::DoneFn>> dones;
    bool posted = false;
  };
  std::vector<std::unique_ptr<ThreadWrites>> writes_;  // by thread index
};

// Turns a Response action's {statusCode, headers, body} into an HTTP answer: JSON bodies
// serialized, strings as text, `$content` envelopes decoded.
HttpResponse ToHttpResponse(const boost::json::value& response);

}  // namespace runnel::server

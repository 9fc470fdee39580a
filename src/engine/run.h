// Run: one execution of a flow definition (wdl-digest §4–§11).
//
// A run is a tree of containers — the flow itself, each Scope, the taken If branch or Switch
// case, each Foreach/Until iteration — each holding an action graph ordered by runAfter. An
// action becomes ready when all its predecessors are terminal; it runs when each predecessor's
// status is one its runAfter accepts, and is Skipped otherwise (so skips cascade). Independent
// actions are started together; asynchronous ones (Http, Wait, child flows) overlap. A
// container's status follows the branch-tail rule (§7.3): each tail's status decides, a skipped
// tail defers to its predecessors.
//
// Threading: every method runs on the scheduler's thread (scheduler.h); the run is single-
// threaded and needs no locks. Create() and Start() may be called from that thread only.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/action_handler.h"
#include "engine/journal.h"
#include "engine/plan.h"
#include "engine/scheduler.h"
#include "engine/status.h"
#include "expr/limits.h"

namespace runnel::engine {

struct RunOptions {
  std::string run_id;              // generated (random, sortable) when empty
  std::string flow_name;
  std::string client_tracking_id;  // defaults to the run id
  boost::json::value workflow;     // what workflow() returns; built from the names when null
  expr::Limits limits;
  // Action results by action name, used instead of running the action (`runnel run --mock`):
  // {"status": "Succeeded"|"Failed"|..., "outputs": ..., "error": {"code", "message"}}.
  boost::json::object mocks;
  int foreach_concurrency = 20;  // default degree of parallelism (§9)
  int max_foreach_items = 100000;
  int call_depth = 0;  // Workflow-action nesting of this run (child flows get parent + 1)
  // How many trigger -> run -> write steps led to this run (the change trigger's loop guard
  // counts them); the runner sets it from the trigger, and a child flow inherits its parent's.
  int causal_hops = 0;
  // Called when a Response action runs. With a journal, the runner must not answer the caller
  // before the Response's record is durable (the run goes on without waiting for that).
  std::function<void(const boost::json::value& response)> on_response;
  // Stateful runs: where completions are made durable before the run acts on them (journal.h).
  std::shared_ptr<RunJournal> journal;
  // A resumed run: the completions its journal already holds, reused instead of re-running.
  std::shared_ptr<const ReplayLog> replay;
  // A resumed run keeps its original start time.
  int64_t start_micros = 0;
  // False: RunResult.record holds only the summary (runId, status, times, error, outputs; the
  // response is in RunResult::response) — for runs nobody will inspect action by action
  // (stateless flows on the server).
  bool full_record = true;
  // Called on the scheduler thread when an action (not a container) starts executing (not when a
  // resumed run reuses its journaled result), and when it finishes: for metrics and shutdown.
  std::function<void(const flow::Action& action)> on_action_started;
  std::function<void(const flow::Action& action, Status status, int64_t duration_micros)> on_action_finished;
};

struct RunResult {
  Status status = Status::kSucceeded;
  boost::json::value record;                // the run record (docs/run-record.md)
  std::optional<boost::json::value> response;  // {statusCode, headers, body} if a Response ran
};

// A new run id: they sort by start time (like Logic Apps' 0858… ids) — microseconds in hex,
// then random bits.
std::string NewRunId(int64_t now_micros);

// A time as run records show it: "2018-03-25T00:00:00.0000000Z".
std::string FormatTime(int64_t micros);

class Run {
 public:
  virtual ~Run() = default;

  // `plan` and `handlers` must outlive the run.
  static std::shared_ptr<Run> Create(std::shared_ptr<const Plan> plan, const HandlerRegistry& handlers,
                                     Scheduler& scheduler, RunOptions options);

  // Starts the run with the trigger's record ({name, outputs: {headers, body, ...}, ...}).
  // `done` is called once, on the scheduler thread, when the run has finished.
  virtual void Start(boost::json::value trigger_record, std::function<void(RunResult)> done) = 0;

  // Cancels the run: running actions are cancelled, pending ones skipped; status Cancelled.
  virtual void Cancel() = 0;

  // Lets go of an unfinished run without finishing it (a server stopping with a durable run
  // parked in a Wait): drops its frames and callbacks, which refer back to the run, so nothing
  // leaks. Nothing is reported or journaled; the run resumes from its journal elsewhere.
  // Only once the run's scheduler has stopped.
  virtual void Abandon() = 0;
};

}  // namespace runnel::engine

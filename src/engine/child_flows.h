// ChildFlows: how a Workflow action finds the flow it calls and starts its run (wdl-digest
// §5.6). `runnel run` resolves names to files in the parent's directory and runs the child in
// the same process; the server resolves deployed flows and starts the child as a run of its
// own, journaled like any other, so a restarted parent finds the child it already started.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/plan.h"
#include "engine/scheduler.h"
#include "engine/status.h"

namespace runnel::engine {

class HandlerRegistry;

// The trigger header that tells a child run how deep it is (RunOptions::call_depth), so a
// resumed child keeps the limit.
inline constexpr char kCallDepthHeader[] = "x-runnel-call-depth";

struct ChildFlow {
  std::shared_ptr<const Plan> plan;
  std::string name;
};

// One call of a child flow by a Workflow action.
struct ChildCall {
  ChildFlow child;
  boost::json::value trigger_record;  // the child's trigger record (engine::FireTrigger)
  // The call's identity: the same for a call made again by a resumed parent (ChildRunId).
  std::string run_id;
  int call_depth = 1;  // the child run's (RunOptions::call_depth)
  int causal_hops = 0;
  std::string client_tracking_id;
  const HandlerRegistry* handlers = nullptr;  // for a run in this process
  Scheduler* scheduler = nullptr;             // the parent's; both callbacks are called on it
  // The child's Response (once it is durable, for a journaled child).
  std::function<void(const boost::json::value& response)> on_response;
  // The child run ended (with no Response, or after it): its final status, and a message when
  // the child could not be run at all.
  std::function<void(Status status, std::string why)> on_ended;
};

// The id of the run a Workflow action starts: the parent's time prefix and a hash of the parent
// run id and the action's key (ActionCall::key, loop iterations included), so the same call
// always names the same child run.
std::string ChildRunId(std::string_view parent_run_id, std::string_view action_key);

class ChildFlows {
 public:
  virtual ~ChildFlows() = default;
  // The flow called `name` (the last segment of host.workflow.id / host.id). Called on the
  // scheduler thread.
  virtual Result<ChildFlow> Find(std::string_view name) = 0;
  // Starts the child run — or, when a run with the call's id exists already (the parent was
  // resumed after a restart), follows that one — and returns how to cancel it. The default
  // runs the child in this process on the parent's scheduler, without a journal.
  virtual std::function<void()> Launch(ChildCall call);
};

}  // namespace runnel::engine

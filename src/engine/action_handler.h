// ActionHandler: how the engine runs one action type, and ActionCall: what a handler gets.
//
// The engine itself runs the control-flow types (If, Switch, Foreach, Until, Scope); every other
// type is an ActionHandler registered by type in a HandlerRegistry. Built-in handlers live in
// engine/actions/; outbound ones (Http, Workflow) in connectors/, registered by whoever builds
// the registry — the engine never depends on a connector.
//
// Threading: Execute() is called on the run's scheduler thread. A handler may complete at once
// (call.Complete() inside Execute) or later; a later completion must be posted back to the
// scheduler thread (call.scheduler().Post). Complete() must be called exactly once, unless the
// call was cancelled or timed out first, in which case a late Complete() is ignored.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "engine/scheduler.h"
#include "engine/status.h"
#include "expr/compiled_value.h"
#include "flow/definition.h"

namespace runnel::engine {

struct ActionResult {
  Status status = Status::kSucceeded;
  boost::json::value outputs;  // null when the action has none
  std::optional<Error> error;  // for Failed/TimedOut/Cancelled: code and message
  std::string code;            // the record's "code" (e.g. "OK", "NotFound"); defaults by status
  int attempts = 1;
  // Called once the completion is recorded: at once for a run without a journal, otherwise when
  // the journal made the record durable (any thread). A webhook's callback is answered only then,
  // so a caller told "accepted" can never be lost in a crash. Not called when the completion is
  // dropped because the action was cancelled or timed out first.
  std::function<void()> on_recorded;

  static ActionResult Succeeded(boost::json::value outputs) {
    ActionResult r;
    r.outputs = std::move(outputs);
    return r;
  }
  static ActionResult Failed(Error e, boost::json::value outputs = nullptr) {
    ActionResult r;
    r.status = Status::kFailed;
    r.error = std::move(e);
    r.outputs = std::move(outputs);
    return r;
  }
};

// The run-level state handlers may read or change.
class RunServices {
 public:
  virtual ~RunServices() = default;
  // Variables (top-level, run-global). Find returns nullptr when not declared.
  virtual boost::json::value* FindVariable(std::string_view name) = 0;
  virtual runnel::Status DeclareVariable(const std::string& name, boost::json::value value) = 0;
  // The HTTP response of a Request-triggered run. Fails if one was already sent.
  virtual runnel::Status SetResponse(boost::json::value response) = 0;
  // Ends the run with `status` (Terminate): running actions are cancelled, the rest skipped.
  virtual void Terminate(Status status, std::optional<Error> error) = 0;
  virtual const std::string& run_id() const = 0;
  virtual const std::string& client_tracking_id() const = 0;
  virtual const std::string& flow_name() const = 0;
  // How many Workflow actions deep this run is (0 for a run started by a trigger).
  virtual int call_depth() const = 0;
  // How many trigger -> run -> write steps led to this run (RunOptions::causal_hops).
  virtual int causal_hops() const = 0;
};

class ActionCall {
 public:
  virtual ~ActionCall() = default;
  virtual const flow::Action& action() const = 0;
  virtual Scheduler& scheduler() = 0;
  virtual RunServices& run() = 0;
  // When the action started; for a resumed run, when it first started (a Wait's due time is
  // measured from here, so a restart does not lengthen it).
  virtual int64_t start_micros() const = 0;
  // The action's key in its run: its name, then the iteration of each enclosing loop
  // ("Wait_for_approval#3"). Stable across a resume, so it can name the action to the outside.
  virtual std::string key() const = 0;

  // Evaluates the action's whole "inputs" (and records them as the action's inputs).
  virtual Result<boost::json::value> EvaluateInputs() = 0;
  // Evaluates a compiled value in the action's context, with item() bound to `item` when given
  // (Query's where, Select's map, Table's columns) and action() to `current_action` (a webhook's
  // unsubscribe reads its subscribe response through it).
  virtual Result<boost::json::value> Evaluate(const expr::CompiledValue& value,
                                              const boost::json::value* item = nullptr,
                                              const boost::json::value* current_action = nullptr) = 0;
  // What listCallbackUrl() returns in this action's expressions from now on (webhook actions);
  // without it the function fails, as it does outside webhooks.
  virtual void SetCallbackUrl(std::string url) = 0;
  // Records what the run history should show as this action's inputs (when not EvaluateInputs).
  virtual void SetRecordedInputs(boost::json::value inputs) = 0;

  // Finishes the action. See the class comment for the threading rule.
  virtual void Complete(ActionResult result) = 0;
  // True once the action was cancelled (Terminate, run cancel) or timed out.
  virtual bool cancelled() const = 0;
  // Adds a hook called (on the scheduler thread) if the action is cancelled or times out while
  // running; hooks run in the order they were added. Parts of a handler (a request in flight,
  // a registered wait) each add their own.
  virtual void OnCancel(std::function<void()> fn) = 0;
};

class ActionHandler {
 public:
  virtual ~ActionHandler() = default;
  // Starts the action; the ActionCall stays valid until Complete() or cancellation.
  virtual void Execute(std::shared_ptr<ActionCall> call) = 0;
};

class HandlerRegistry {
 public:
  void Register(flow::ActionType type, std::shared_ptr<ActionHandler> handler) {
    handlers_[type] = std::move(handler);
  }
  ActionHandler* Find(flow::ActionType type) const {
    auto it = handlers_.find(type);
    return it == handlers_.end() ? nullptr : it->second.get();
  }

 private:
  std::map<flow::ActionType, std::shared_ptr<ActionHandler>> handlers_;
};

// Registers the engine's built-in handlers (Compose, variables, Terminate, Wait, Response,
// ParseJson, Query, Select, Join, Table, Expression, managed connectors).
void RegisterBuiltinHandlers(HandlerRegistry& registry);

// Applies a variable action (InitializeVariable, SetVariable, Increment/DecrementVariable,
// AppendToArray/StringVariable) with its evaluated inputs to the run's variables. The handlers
// use it, and a resumed run uses it to replay the variable changes in its journal.
Result<ActionResult> ApplyVariableAction(flow::ActionType type, const boost::json::value& inputs,
                                         RunServices& run);

}  // namespace runnel::engine

// The Run's internals, shared by run.cpp (graph and lifecycle), containers.cpp (If, Switch,
// Scope, Foreach, Until), run_context.cpp (what expressions read) and records.cpp (the run
// record). Not for use outside engine/.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/run.h"
#include "expr/context.h"

namespace runnel::engine {

class RunImpl;
class CallImpl;

// One action's state inside a running container.
struct Slot {
  Status status = Status::kPending;
  int waiting = 0;  // predecessors not yet terminal
  int64_t start_micros = 0;
  // The action's record as expressions read it (actions('X')): name, status, inputs, outputs,
  // error, times; for containers also the nested records. Shared with RunImpl::latest_.
  std::shared_ptr<boost::json::value> record;
  std::shared_ptr<CallImpl> call;  // while a handler runs
  bool replayed = false;           // its completion came from a resumed run's journal
};

// A running container: the flow, a Scope, a taken If/Switch branch, or one loop iteration.
struct Frame {
  const flow::Container* container = nullptr;
  const ContainerPlan* plan = nullptr;
  std::shared_ptr<Frame> parent;     // enclosing frame; null for the flow itself
  const flow::Action* owner = nullptr;  // the container action; null for the flow itself
  const boost::json::value* item = nullptr;  // the Foreach iteration's element
  std::shared_ptr<const boost::json::value> item_owner;  // keeps `item` alive
  int64_t iteration = -1;            // Foreach/Until iteration index, -1 elsewhere
  std::vector<Slot> slots;           // parallel to container->actions
  size_t unfinished = 0;
  std::function<void(std::shared_ptr<Frame>)> on_done;
};

// The WorkflowContext an expression evaluates in: the run, the frame of the action being
// evaluated, and optionally item() bound to a Query/Select element or the current action record.
class FrameContext final : public expr::WorkflowContext {
 public:
  FrameContext(RunImpl& run, const Frame* frame, const boost::json::value* item_override = nullptr,
               const boost::json::value* current_action = nullptr, const std::string* callback_url = nullptr)
      : run_(run),
        frame_(frame),
        item_override_(item_override),
        current_action_(current_action),
        callback_url_(callback_url) {}

  const boost::json::value* Trigger() const override;
  const boost::json::value* Action(std::string_view name) const override;
  const boost::json::value* CurrentAction() const override { return current_action_; }
  const boost::json::value* Variable(std::string_view name) const override;
  const boost::json::value* Parameter(std::string_view name) const override;
  const boost::json::value* Item() const override;
  const boost::json::value* Items(std::string_view loop) const override;
  std::optional<int64_t> IterationIndex(std::string_view loop) const override;
  const boost::json::value* ScopeResult(std::string_view scope) const override;
  const boost::json::value* Workflow() const override;
  std::optional<std::string> CallbackUrl() const override {
    return callback_url_ ? std::optional<std::string>(*callback_url_) : std::nullopt;
  }
  const boost::json::value* AppSetting(std::string_view name) const override;

 private:
  RunImpl& run_;
  const Frame* frame_;
  const boost::json::value* item_override_;
  const boost::json::value* current_action_;
  const std::string* callback_url_;
};

class RunImpl final : public Run, public RunServices, public std::enable_shared_from_this<RunImpl> {
 public:
  RunImpl(std::shared_ptr<const Plan> plan, const HandlerRegistry& handlers, Scheduler& scheduler,
          RunOptions options);

  // Run
  void Start(boost::json::value trigger_record, std::function<void(RunResult)> done) override;
  void Cancel() override;
  void Abandon() override;

  // RunServices
  boost::json::value* FindVariable(std::string_view name) override;
  runnel::Status DeclareVariable(const std::string& name, boost::json::value value) override;
  runnel::Status SetResponse(boost::json::value response) override;
  void Terminate(Status status, std::optional<Error> error) override;
  const std::string& run_id() const override { return options_.run_id; }
  const std::string& client_tracking_id() const override { return options_.client_tracking_id; }
  const std::string& flow_name() const override { return options_.flow_name; }
  int call_depth() const override { return options_.call_depth; }
  int causal_hops() const override { return options_.causal_hops; }

  // --- graph (run.cpp) ---
  std::shared_ptr<Frame> NewFrame(const flow::Container& c, std::shared_ptr<Frame> parent,
                                  const flow::Action* owner);
  // Starts a frame's entry actions; on_done runs (via the work queue) when all are terminal.
  void StartFrame(std::shared_ptr<Frame> f);
  void Finish(const std::shared_ptr<Frame>& f, size_t i, ActionResult result,
              boost::json::value inputs, boost::json::object extra = {});
  // Marks action i (and, for containers, everything inside) Skipped with `reason`.
  void Skip(const std::shared_ptr<Frame>& f, size_t i, Error reason);
  // The branch-tail status of a finished frame (§7.3).
  Status FrameStatus(const Frame& f) const;
  void Enqueue(std::function<void()> fn);
  void Pump();
  bool terminated() const { return terminated_; }
  int64_t Now() const { return scheduler_.clock().NowMicros(); }

  // --- containers (containers.cpp) ---
  void StartContainer(const std::shared_ptr<Frame>& f, size_t i);

  // --- records (records.cpp) ---
  // The record the run history shows for slot i of a finished frame (secure data redacted).
  boost::json::value PublicRecord(const flow::Action& a, const boost::json::value& record) const;
  // name -> PublicRecord for every action of a finished frame.
  boost::json::object PublicRecords(const Frame& f) const;
  // The records of a container that never ran: every action inside Skipped.
  boost::json::object SkippedRecords(const flow::Container& c, const Error& reason) const;
  boost::json::value BuildRunRecord() const;

  // --- state read by FrameContext ---
  const std::shared_ptr<const Plan>& plan() const { return plan_; }
  const flow::Definition& definition() const { return plan_->definition(); }
  const boost::json::value& trigger_record() const { return trigger_record_; }
  boost::json::value PublicTriggerRecord() const;
  const boost::json::object& variables() const { return variables_; }
  const boost::json::object& parameters() const { return parameters_; }
  const boost::json::value& workflow_value() const;
  const std::map<std::string, std::shared_ptr<boost::json::value>, std::less<>>& latest() const {
    return latest_;
  }
  const std::map<std::string, std::shared_ptr<boost::json::value>, std::less<>>& scope_results()
      const {
    return scope_results_;
  }
  void SetScopeResult(const std::string& name, boost::json::value result) {
    scope_results_[name] = std::make_shared<boost::json::value>(std::move(result));
  }
  const HandlerRegistry& handlers() const { return handlers_; }
  Scheduler& scheduler() { return scheduler_; }
  const RunOptions& options() const { return options_; }
  std::set<CallImpl*>& running_calls() { return running_calls_; }

  // Evaluation helpers: env bound to a frame (and optional item/current action).
  Result<boost::json::value> Evaluate(const expr::CompiledValue& v, const Frame* f,
                                      const boost::json::value* item = nullptr,
                                      const boost::json::value* current_action = nullptr,
                                      const std::string* callback_url = nullptr);
  Result<boost::json::value> Evaluate(const expr::CompiledString& s, const Frame* f,
                                      const boost::json::value* current_action = nullptr);
  // The key of action i in frame f (journal.h): its name, then the iteration of each loop.
  std::string ActionKey(const Frame& f, size_t i) const;

 private:
  void StartAction(const std::shared_ptr<Frame>& f, size_t i);
  void Ready(const std::shared_ptr<Frame>& f, size_t i);
  void RunHandler(const std::shared_ptr<Frame>& f, size_t i);
  bool ApplyMock(const std::shared_ptr<Frame>& f, size_t i);
  void ArmTimeout(const std::shared_ptr<Frame>& f, size_t i);
  // journal.h: replaying a logged completion, restoring the variables of a resumed run, and
  // moving on once a completion is durable.
  bool ApplyReplay(const std::shared_ptr<Frame>& f, size_t i, const std::string& key);
  void RestoreVariables();
  void Advance(const std::shared_ptr<Frame>& f, size_t i);
  void FinishRun();
  void InitParameters();

  std::shared_ptr<const Plan> plan_;
  const HandlerRegistry& handlers_;
  Scheduler& scheduler_;
  RunOptions options_;
  expr::Limits limits_;

  boost::json::value trigger_record_;
  boost::json::object parameters_;
  boost::json::object variables_;
  mutable boost::json::value workflow_;  // built on first use (workflow_value)
  std::map<std::string, std::shared_ptr<boost::json::value>, std::less<>> latest_;
  std::map<std::string, std::shared_ptr<boost::json::value>, std::less<>> scope_results_;
  std::set<CallImpl*> running_calls_;

  std::shared_ptr<Frame> root_;
  std::vector<std::weak_ptr<CallImpl>> calls_;  // handlers started (for Abandon)
  size_t calls_pruned_at_ = 0;
  std::deque<std::function<void()>> work_;
  bool pumping_ = false;
  int64_t start_micros_ = 0;
  int64_t end_micros_ = 0;

  bool terminated_ = false;
  Status terminate_status_ = Status::kSucceeded;
  std::optional<Error> terminate_error_;
  bool cancelled_ = false;
  std::optional<boost::json::value> response_;
  Status final_status_ = Status::kRunning;
  boost::json::value outputs_;
  std::optional<Error> outputs_error_;
  std::function<void(RunResult)> done_;
  bool finished_ = false;
};

// The ActionCall a handler gets; bound to one slot of one frame.
class CallImpl final : public ActionCall {
 public:
  CallImpl(std::shared_ptr<RunImpl> run, std::shared_ptr<Frame> frame, size_t index)
      : run_(std::move(run)), frame_(std::move(frame)), index_(index) {}
  // Abandon(): the frame lets go of this call, and the call of its frame.
  void Unlink() {
    if (frame_ && index_ < frame_->slots.size()) frame_->slots[index_].call.reset();
    if (frame_) frame_->on_done = nullptr;
  }

  const flow::Action& action() const override { return *frame_->container->actions[index_]; }
  Scheduler& scheduler() override { return run_->scheduler(); }
  RunServices& run() override { return *run_; }
  int64_t start_micros() const override { return frame_->slots[index_].start_micros; }
  std::string key() const override { return run_->ActionKey(*frame_, index_); }
  Result<boost::json::value> EvaluateInputs() override;
  Result<boost::json::value> Evaluate(const expr::CompiledValue& value, const boost::json::value* item = nullptr,
                                      const boost::json::value* current_action = nullptr) override;
  void SetCallbackUrl(std::string url) override { callback_url_ = std::move(url); }
  void SetRecordedInputs(boost::json::value inputs) override { inputs_ = std::move(inputs); }
  void Complete(ActionResult result) override;
  bool cancelled() const override { return done_; }
  // Ignored once the call is done: a hook kept after completion could only hold memory.
  void OnCancel(std::function<void()> fn) override {
    if (!done_) on_cancel_.push_back(std::move(fn));
  }

  // Ends the call with `status` (Cancelled on terminate/cancel, TimedOut on limit.timeout),
  // calling the handler's cancel hooks. No effect when already completed.
  void Abort(Status status, Error error);

 private:
  std::shared_ptr<RunImpl> run_;
  std::shared_ptr<Frame> frame_;
  size_t index_;
  boost::json::value inputs_;
  std::optional<std::string> callback_url_;
  bool done_ = false;
  std::vector<std::function<void()>> on_cancel_;
};


}  // namespace runnel::engine

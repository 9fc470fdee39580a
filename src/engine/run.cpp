#include <algorithm>
#include <chrono>
#include <boost/json/parse.hpp>
#include <openssl/rand.h>

#include "engine/duration.h"
#include "engine/run_impl.h"
#include "expr/timestamp.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

std::string FormatTime(int64_t micros) { return expr::FormatIsoTimestampMicros(micros); }

std::string NewRunId(int64_t now_micros) {
  // 48 bits per id from a per-thread generator seeded once from the OS: ids only need to be
  // unique (the time prefix orders them, URLs that carry them are signed), and asking OpenSSL
  // for fresh randomness on every run cost more than the rest of a small stateless run.
  struct Generator {
    uint64_t state = 0;
    Generator() {
      if (RAND_bytes(reinterpret_cast<unsigned char*>(&state), sizeof state) != 1) {
        state = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      }
    }
    uint64_t Next() {  // splitmix64: a bijection of the counter, so a thread never repeats
      uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      return z ^ (z >> 31);
    }
  };
  thread_local Generator generator;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(28, '0');
  auto time_bits = static_cast<uint64_t>(now_micros);
  for (int i = 15; i >= 0; --i, time_bits >>= 4) id[static_cast<size_t>(i)] = kHex[time_bits & 15];
  uint64_t random_bits = generator.Next();
  for (int i = 27; i >= 16; --i, random_bits >>= 4) id[static_cast<size_t>(i)] = kHex[random_bits & 15];
  return id;
}

namespace {

const char* DefaultCode(Status s) {
  switch (s) {
    case Status::kSucceeded: return "OK";
    case Status::kFailed: return "ActionFailed";
    case Status::kSkipped: return "ActionSkipped";
    case Status::kTimedOut: return "ActionTimedOut";
    case Status::kCancelled: return "Cancelled";
    default: return "";
  }
}

// Actions whose start time a resumed run needs (journal.h): all but the instantaneous built-ins.
bool IsTimed(flow::ActionType t) {
  using T = flow::ActionType;
  switch (t) {
    case T::kCompose: case T::kParseJson: case T::kQuery: case T::kSelect: case T::kJoin:
    case T::kTable: case T::kInitializeVariable: case T::kSetVariable: case T::kIncrementVariable:
    case T::kDecrementVariable: case T::kAppendToArrayVariable: case T::kAppendToStringVariable:
    case T::kTerminate: case T::kResponse: case T::kExpression:
      return false;
    default:
      return true;
  }
}

// Actions that give the same record when run again and touch nothing outside the run.
bool IsRepeatable(const flow::Action& a) {
  return !IsTimed(a.type) && a.type != flow::ActionType::kResponse &&
         a.type != flow::ActionType::kTerminate && !a.volatile_inputs;
}

// Actions the run may go on from before their record is committed: the repeatable ones, and a
// Response whose inputs are deterministic — its only effect outside the run, the answer to the
// caller, is held by the runner until the record is committed (RunOptions::on_response and
// the journal's durable callback), and run again after a crash it answers the same.
bool GoesOnBeforeCommit(const flow::Action& a) {
  return IsRepeatable(a) || (a.type == flow::ActionType::kResponse && !a.volatile_inputs);
}

bool IsContainer(flow::ActionType t) {
  using T = flow::ActionType;
  return t == T::kIf || t == T::kSwitch || t == T::kForeach || t == T::kUntil || t == T::kScope;
}

bool IsVariableAction(flow::ActionType t) {
  using T = flow::ActionType;
  return t == T::kInitializeVariable || t == T::kSetVariable || t == T::kIncrementVariable ||
         t == T::kDecrementVariable || t == T::kAppendToArrayVariable || t == T::kAppendToStringVariable;
}

}  // namespace

std::shared_ptr<Run> Run::Create(std::shared_ptr<const Plan> plan, const HandlerRegistry& handlers,
                                 Scheduler& scheduler, RunOptions options) {
  return std::make_shared<RunImpl>(std::move(plan), handlers, scheduler, std::move(options));
}

RunImpl::RunImpl(std::shared_ptr<const Plan> plan, const HandlerRegistry& handlers,
                 Scheduler& scheduler, RunOptions options)
    : plan_(std::move(plan)), handlers_(handlers), scheduler_(scheduler), options_(std::move(options)) {
  limits_ = options_.limits;
}

void RunImpl::InitParameters() {
  for (const auto& [name, p] : definition().parameters) {
    if (p.default_value) parameters_[name] = *p.default_value;
  }
}

void RunImpl::Start(bj::value trigger_record, std::function<void(RunResult)> done) {
  done_ = std::move(done);
  start_micros_ = options_.start_micros ? options_.start_micros : Now();
  if (options_.run_id.empty()) options_.run_id = NewRunId(start_micros_);
  if (options_.client_tracking_id.empty()) options_.client_tracking_id = options_.run_id;
  trigger_record_ = std::move(trigger_record);
  InitParameters();
  if (options_.replay) RestoreVariables();
  root_ = NewFrame(definition().actions, nullptr, nullptr);
  root_->on_done = [this](std::shared_ptr<Frame>) { FinishRun(); };
  StartFrame(root_);
  Pump();
}

void RunImpl::Cancel() {
  if (finished_ || terminated_) return;
  cancelled_ = true;
  Terminate(Status::kCancelled, Error("Cancelled", "the run was cancelled"));
  Pump();
}

std::shared_ptr<Frame> RunImpl::NewFrame(const flow::Container& c, std::shared_ptr<Frame> parent,
                                         const flow::Action* owner) {
  auto f = std::make_shared<Frame>();
  f->container = &c;
  f->plan = &plan_->For(c);
  f->parent = std::move(parent);
  f->owner = owner;
  f->slots.resize(c.actions.size());
  f->unfinished = c.actions.size();
  for (size_t i = 0; i < c.actions.size(); ++i) {
    f->slots[i].waiting = static_cast<int>(f->plan->actions[i].predecessors.size());
  }
  return f;
}

void RunImpl::StartFrame(std::shared_ptr<Frame> f) {
  if (f->unfinished == 0) {
    Enqueue([f] { f->on_done(f); });
    return;
  }
  for (size_t i = 0; i < f->slots.size(); ++i) {
    if (f->slots[i].waiting == 0) Enqueue([this, f, i] { Ready(f, i); });
  }
}

void RunImpl::Enqueue(std::function<void()> fn) { work_.push_back(std::move(fn)); }

// Drains the work queue. Re-entrant calls (a handler completing synchronously) only enqueue, so
// a long chain of actions never deepens the stack.
void RunImpl::Pump() {
  if (pumping_) return;
  pumping_ = true;
  auto self = shared_from_this();  // a completion may drop the last outside reference
  while (!work_.empty()) {
    auto fn = std::move(work_.front());
    work_.pop_front();
    fn();
  }
  pumping_ = false;
}

void RunImpl::Ready(const std::shared_ptr<Frame>& f, size_t i) {
  const flow::Action& a = *f->container->actions[i];
  if (terminated_) {
    Skip(f, i, Error("ActionSkipped", "the run was " + std::string(cancelled_ ? "cancelled" : "terminated") +
                                          " before this action started"));
    return;
  }
  for (const auto& edge : f->plan->actions[i].predecessors) {
    const flow::Action& pred = *f->container->actions[static_cast<size_t>(edge.index)];
    Status ps = f->slots[static_cast<size_t>(edge.index)].status;
    if (!(RunAfterBit(ps) & edge.statuses)) {
      std::string expected;
      for (auto [bit, name] : {std::pair{flow::kStatusSucceeded, "Succeeded"},
                               {flow::kStatusFailed, "Failed"},
                               {flow::kStatusSkipped, "Skipped"},
                               {flow::kStatusTimedOut, "TimedOut"}}) {
        if (edge.statuses & bit) expected += (expected.empty() ? "'" : ", '") + std::string(name) + "'";
      }
      Skip(f, i, Error("ActionConditionFailed",
                       "the runAfter condition for '" + pred.name + "' is not satisfied: expected " +
                           expected + ", but it ended " + std::string(StatusName(ps))));
      return;
    }
  }
  (void)a;
  StartAction(f, i);
}

void RunImpl::StartAction(const std::shared_ptr<Frame>& f, size_t i) {
  Slot& slot = f->slots[i];
  slot.status = Status::kRunning;
  slot.start_micros = Now();
  const flow::Action& a = *f->container->actions[i];
  if (IsContainer(a.type)) {
    if (!ApplyMock(f, i)) StartContainer(f, i);
    return;
  }
  if (options_.journal || options_.replay) {
    std::string key = ActionKey(*f, i);
    if (ApplyReplay(f, i, key)) return;
    if (options_.journal) options_.journal->ActionStarted(key, slot.start_micros, IsTimed(a.type));
  }
  if (options_.on_action_started) options_.on_action_started(a);
  if (ApplyMock(f, i)) return;
  RunHandler(f, i);
}

std::string RunImpl::ActionKey(const Frame& f, size_t i) const {
  std::vector<int64_t> iterations;
  for (const Frame* p = &f; p; p = p->parent.get()) {
    if (p->iteration >= 0) iterations.push_back(p->iteration);
  }
  std::string key = f.container->actions[i]->name;
  for (auto it = iterations.rbegin(); it != iterations.rend(); ++it) {
    key += it == iterations.rbegin() ? '#' : '.';
    key += std::to_string(*it);
  }
  return key;
}

bool RunImpl::ApplyReplay(const std::shared_ptr<Frame>& f, size_t i, const std::string& key) {
  if (!options_.replay) return false;
  Slot& slot = f->slots[i];
  if (auto started = options_.replay->started_micros.find(key);
      started != options_.replay->started_micros.end()) {
    slot.start_micros = started->second;  // a resumed Wait keeps its due time
  }
  auto done = options_.replay->completed.find(key);
  if (done == options_.replay->completed.end() || !done->second.record.is_object()) return false;
  const bj::object& rec = done->second.record.get_object();
  const bj::value* status = json::FindMember(rec, "status");
  slot.status = status && status->is_string() ? ParseStatus(status->get_string()).value_or(Status::kFailed)
                                              : Status::kFailed;
  slot.replayed = true;
  slot.record = std::make_shared<bj::value>(done->second.record);
  latest_[f->container->actions[i]->name] = slot.record;
  Advance(f, i);
  return true;
}

// The variables as they were when the run stopped: the logged variable actions applied in the
// order they completed (journal.h). Parallel branches may have interleaved them in any order;
// the log's order is the one that happened.
void RunImpl::RestoreVariables() {
  std::vector<std::pair<int64_t, const bj::object*>> changes;
  for (const auto& [key, done] : options_.replay->completed) {
    if (!done.record.is_object()) continue;
    const bj::object& rec = done.record.get_object();
    const bj::value* status = json::FindMember(rec, "status");
    if (!status || !status->is_string() || status->get_string() != "Succeeded") continue;
    changes.emplace_back(done.sequence, &rec);
  }
  std::sort(changes.begin(), changes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [seq, rec] : changes) {
    const bj::value* type = json::FindMember(*rec, "type");
    auto info = type && type->is_string() ? flow::FindActionType(type->get_string()) : std::nullopt;
    if (!info || !IsVariableAction(info->type)) continue;
    const bj::value* inputs = json::FindMember(*rec, "inputs");
    // A change that applied once applies again to the same state; it cannot fail here.
    (void)ApplyVariableAction(info->type, inputs ? *inputs : bj::value(), *this);
  }
}

// `--mock` results and enabled staticResults replace the action's execution (§1.3).
bool RunImpl::ApplyMock(const std::shared_ptr<Frame>& f, size_t i) {
  const flow::Action& a = *f->container->actions[i];
  const bj::value* mock = json::FindMember(options_.mocks, a.name);
  if (!mock && !a.static_result.empty() && definition().static_results &&
      definition().static_results->is_object()) {
    mock = json::FindMember(definition().static_results->get_object(), a.static_result);
  }
  if (!mock) return false;
  ActionResult r;
  if (mock->is_object()) {
    const bj::object& m = mock->get_object();
    if (const bj::value* s = json::FindMember(m, "status"); s && s->is_string()) {
      r.status = ParseStatus(s->get_string()).value_or(Status::kSucceeded);
    }
    if (const bj::value* o = json::FindMember(m, "outputs")) r.outputs = *o;
    if (const bj::value* e = json::FindMember(m, "error"); e && e->is_object()) {
      const bj::value* code = json::FindMember(e->get_object(), "code");
      const bj::value* msg = json::FindMember(e->get_object(), "message");
      r.error = Error(code && code->is_string() ? std::string(code->get_string()) : "MockedFailure",
                      msg && msg->is_string() ? std::string(msg->get_string()) : "mocked failure");
    } else if (r.status == Status::kFailed) {
      r.error = Error("MockedFailure", "the mock for '" + a.name + "' says it failed");
    }
    if (const bj::value* c = json::FindMember(m, "code"); c && c->is_string()) r.code = c->get_string();
  }
  Finish(f, i, std::move(r), nullptr, {{"mocked", true}});
  return true;
}

void RunImpl::RunHandler(const std::shared_ptr<Frame>& f, size_t i) {
  const flow::Action& a = *f->container->actions[i];
  ActionHandler* handler = handlers_.Find(a.type);
  if (!handler) {
    Finish(f, i, ActionResult::Failed(Error("UnsupportedActionType",
                                            "actions of type '" + a.type_name +
                                                "' cannot run in Runnel yet")),
           nullptr);
    return;
  }
  auto call = std::make_shared<CallImpl>(shared_from_this(), f, i);
  f->slots[i].call = call;
  // Abandon() needs the calls in flight; expired entries are dropped as the list grows.
  if (calls_.size() >= 2 * calls_pruned_at_ + 16) {
    std::erase_if(calls_, [](const std::weak_ptr<CallImpl>& c) { return c.expired(); });
    calls_pruned_at_ = calls_.size();
  }
  calls_.push_back(call);
  running_calls_.insert(call.get());
  ArmTimeout(f, i);
  handler->Execute(call);
}

void RunImpl::Abandon() {
  // A call in flight and its frame refer to each other (the frame's slot holds the call until it
  // finishes); unlink them, then drop the rest.
  for (const auto& weak : calls_) {
    if (auto call = weak.lock()) call->Unlink();
  }
  calls_.clear();
  root_.reset();
  work_.clear();
  done_ = nullptr;
  options_.journal.reset();
  options_.on_action_started = nullptr;
  options_.on_action_finished = nullptr;
}

void RunImpl::ArmTimeout(const std::shared_ptr<Frame>& f, size_t i) {
  const flow::Action& a = *f->container->actions[i];
  if (!a.limit || !a.limit->is_object() || a.type == flow::ActionType::kUntil) return;
  const bj::value* t = json::FindMember(a.limit->get_object(), "timeout");
  if (!t || !t->is_string()) return;
  auto micros = ParseDurationMicros(t->get_string());
  if (!micros) return;  // the validator reports malformed durations
  std::weak_ptr<CallImpl> weak = f->slots[i].call;
  std::string limit(t->get_string());
  // From the action's start: a resumed action keeps its original start (journal.h), so a crash
  // does not extend its deadline.
  scheduler_.PostAt(f->slots[i].start_micros + *micros, [this, self = shared_from_this(), weak, limit] {
    if (auto call = weak.lock()) {
      call->Abort(Status::kTimedOut, Error("ActionTimedOut", "the action did not finish within its "
                                                             "limit.timeout of " + limit));
      Pump();
    }
  }, /*keeps_alive=*/false);
}

void RunImpl::Finish(const std::shared_ptr<Frame>& f, size_t i, ActionResult r, bj::value inputs,
                     bj::object extra) {
  const flow::Action& a = *f->container->actions[i];
  Slot& slot = f->slots[i];
  if (IsTerminal(slot.status)) return;  // a late completion after a timeout or cancel
  std::function<void()> on_recorded = std::move(r.on_recorded);
  slot.status = r.status;
  slot.call.reset();
  int64_t end = Now();
  bj::object rec(12);  // room for every field below: no rehash while it is built
  rec["name"] = a.name;
  rec["type"] = a.type_name;
  rec["status"] = StatusName(r.status);
  rec["code"] = r.code.empty() ? DefaultCode(r.status) : r.code;
  rec["startTime"] = FormatTime(slot.start_micros ? slot.start_micros : end);
  rec["endTime"] = FormatTime(end);
  if (!inputs.is_null()) rec["inputs"] = std::move(inputs);
  if (!r.outputs.is_null()) rec["outputs"] = std::move(r.outputs);
  if (r.error) rec["error"] = bj::object{{"code", r.error->code}, {"message", r.error->message}};
  if (r.status != Status::kSkipped) rec["attempts"] = r.attempts;
  rec["clientTrackingId"] = options_.client_tracking_id;
  for (auto& kv : extra) rec[kv.key()] = std::move(kv.value());
  slot.record = std::make_shared<bj::value>(std::move(rec));
  latest_[a.name] = slot.record;
  if (options_.on_action_finished && !IsContainer(a.type) && r.status != Status::kSkipped) {
    options_.on_action_finished(a, r.status, end - (slot.start_micros ? slot.start_micros : end));
  }

  // A stateful run acts on a completion only once it is durable (journal.h). Skipped actions
  // and containers are not logged: a resumed run derives them again from the logged actions.
  // A deterministic action with no effect outside the run need not wait: if its record is lost
  // in a crash it simply runs again with the same result, and anything after it that does reach
  // out waits for its own record, which the journal writes after this one.
  if (options_.journal && r.status != Status::kSkipped && !IsContainer(a.type) && GoesOnBeforeCommit(a)) {
    options_.journal->ActionCompleted(ActionKey(*f, i), *slot.record, on_recorded ? on_recorded : [] {});
  } else if (options_.journal && r.status != Status::kSkipped && !IsContainer(a.type)) {
    options_.journal->ActionCompleted(ActionKey(*f, i), *slot.record,
                                      [self = shared_from_this(), f, i, on_recorded = std::move(on_recorded)] {
      if (on_recorded) on_recorded();
      self->scheduler_.Post([self, f, i] {
        self->Advance(f, i);
        self->Pump();
      });
    });
    return;
  }
  if (on_recorded) on_recorded();
  Advance(f, i);
}

void RunImpl::Advance(const std::shared_ptr<Frame>& f, size_t i) {
  const ActionPlan& ap = f->plan->actions[i];
  for (int s : ap.successors) {
    if (--f->slots[static_cast<size_t>(s)].waiting == 0) {
      size_t si = static_cast<size_t>(s);
      Enqueue([this, f, si] { Ready(f, si); });
    }
  }
  if (--f->unfinished == 0) Enqueue([f] { f->on_done(f); });
}

void RunImpl::Skip(const std::shared_ptr<Frame>& f, size_t i, Error reason) {
  const flow::Action& a = *f->container->actions[i];
  ActionResult r;
  r.status = Status::kSkipped;
  r.error = reason;
  bj::object extra;
  if (IsContainer(a.type)) {
    bj::object nested;
    for (const auto& b : a.branches) {
      for (auto& kv : SkippedRecords(b.body, reason)) nested[kv.key()] = std::move(kv.value());
    }
    extra["actions"] = std::move(nested);
  }
  Finish(f, i, std::move(r), nullptr, std::move(extra));
}

// §7.3: each tail decides; a Skipped tail defers to its predecessors, recursively.
Status RunImpl::FrameStatus(const Frame& f) const {
  std::vector<int> memo(f.slots.size(), -1);  // cached effective status
  std::function<Status(size_t)> effective = [&](size_t i) -> Status {
    if (memo[i] >= 0) return static_cast<Status>(memo[i]);
    Status s = f.slots[i].status;
    if (s == Status::kSkipped) {
      bool any_failed = false, any_timed_out = false, any_cancelled = false, any_ran = false;
      for (const auto& edge : f.plan->actions[i].predecessors) {
        Status p = effective(static_cast<size_t>(edge.index));
        any_failed |= p == Status::kFailed;
        any_timed_out |= p == Status::kTimedOut;
        any_cancelled |= p == Status::kCancelled;
        any_ran |= p == Status::kSucceeded;
      }
      if (any_failed) s = Status::kFailed;
      else if (any_timed_out) s = Status::kTimedOut;
      else if (any_cancelled) s = Status::kCancelled;
      else if (any_ran) s = Status::kSucceeded;
    }
    memo[i] = static_cast<int>(s);
    return s;
  };
  bool failed = false, cancelled = false;
  for (size_t i = 0; i < f.slots.size(); ++i) {
    if (!f.plan->actions[i].is_tail) continue;
    Status s = effective(i);
    failed |= s == Status::kFailed || s == Status::kTimedOut;
    cancelled |= s == Status::kCancelled;
  }
  if (failed) return Status::kFailed;
  if (cancelled) return Status::kCancelled;
  return Status::kSucceeded;
}

void RunImpl::FinishRun() {
  end_micros_ = Now();
  final_status_ = terminated_ ? terminate_status_ : FrameStatus(*root_);
  if (!definition().outputs.empty()) {
    bj::object outs;
    for (const auto& o : definition().outputs) {
      auto v = Evaluate(o.value, root_.get());
      if (!v) {
        outputs_error_ = v.error();
        break;
      }
      outs[o.name] = bj::object{{"type", o.type}, {"value", std::move(v.value())}};
    }
    outputs_ = std::move(outs);
  }
  finished_ = true;
  RunResult result;
  result.status = final_status_;
  result.record = BuildRunRecord();
  result.response = std::move(response_);  // the run is over: nothing reads it again
  // Release the frames (and their records) before handing over the result.
  root_.reset();
  if (done_) {
    auto done = std::move(done_);
    done(std::move(result));
  }
}

// Built on first use: most runs never call workflow().
const bj::value& RunImpl::workflow_value() const {
  if (workflow_.is_null()) {
    workflow_ = options_.workflow;
    if (workflow_.is_null()) {
      workflow_ = bj::object{{"name", options_.flow_name},
                             {"type", "Runnel.Flow"},
                             {"run", {{"name", options_.run_id}, {"type", "Runnel.Run"}}},
                             {"tags", bj::object()}};
    }
  }
  return workflow_;
}

boost::json::value* RunImpl::FindVariable(std::string_view name) {
  return json::FindMember(variables_, name);
}

runnel::Status RunImpl::DeclareVariable(const std::string& name, bj::value value) {
  if (json::FindMember(variables_, name)) {
    return Error("VariableAlreadyExists", "the variable '" + name + "' is already initialized");
  }
  variables_[name] = std::move(value);
  return Ok();
}

runnel::Status RunImpl::SetResponse(bj::value response) {
  if (response_) {
    return Error("ResponseAlreadySent", "a Response action already answered this run's request; "
                                        "a flow can respond only once");
  }
  response_ = std::move(response);
  if (options_.on_response) options_.on_response(*response_);
  return Ok();
}

void RunImpl::Terminate(Status status, std::optional<Error> error) {
  if (terminated_) return;
  terminated_ = true;
  terminate_status_ = status;
  terminate_error_ = std::move(error);
  // Cancel what is running; Ready() skips everything that has not started.
  std::vector<CallImpl*> running(running_calls_.begin(), running_calls_.end());
  for (CallImpl* c : running) {
    c->Abort(Status::kCancelled, Error("Cancelled", "the run was " +
                                                        std::string(cancelled_ ? "cancelled" : "terminated") +
                                                        " while this action was running"));
  }
}

Result<bj::value> RunImpl::Evaluate(const expr::CompiledValue& v, const Frame* f, const bj::value* item,
                                    const bj::value* current_action, const std::string* callback_url) {
  FrameContext cx(*this, f, item, current_action, callback_url);
  expr::EvalEnv env{&cx, &scheduler_.clock(), &limits_};
  RUNNEL_TRY(value, v.Evaluate(env));
  return std::move(value).Take();
}

Result<bj::value> RunImpl::Evaluate(const expr::CompiledString& s, const Frame* f,
                                    const bj::value* current_action) {
  FrameContext cx(*this, f, nullptr, current_action);
  expr::EvalEnv env{&cx, &scheduler_.clock(), &limits_};
  RUNNEL_TRY(value, s.Evaluate(env));
  return std::move(value).Take();
}

// --- CallImpl ---

Result<bj::value> CallImpl::EvaluateInputs() {
  auto v = run_->Evaluate(action().inputs, frame_.get(), nullptr, nullptr, callback_url_ ? &*callback_url_ : nullptr);
  if (v) inputs_ = v.value();
  return v;
}

Result<bj::value> CallImpl::Evaluate(const expr::CompiledValue& value, const bj::value* item,
                                     const bj::value* current_action) {
  return run_->Evaluate(value, frame_.get(), item, current_action, callback_url_ ? &*callback_url_ : nullptr);
}

void CallImpl::Complete(ActionResult result) {
  if (done_) return;
  done_ = true;
  // The cancel hook may hold what holds this call (a child run's response callback): drop it
  // so the two can be freed.
  on_cancel_.clear();
  run_->running_calls().erase(this);
  run_->Finish(frame_, index_, std::move(result), std::move(inputs_));
  run_->Pump();
}

void CallImpl::Abort(Status status, Error error) {
  if (done_) return;
  done_ = true;
  run_->running_calls().erase(this);
  auto hooks = std::move(on_cancel_);
  on_cancel_.clear();
  for (auto& hook : hooks) hook();
  ActionResult r;
  r.status = status;
  r.error = std::move(error);
  run_->Finish(frame_, index_, std::move(r), std::move(inputs_));
}

}  // namespace runnel::engine

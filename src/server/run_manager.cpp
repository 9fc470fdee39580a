#include "server/run_manager.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <deque>
#include <thread>

#include "engine/child_flows.h"
#include "engine/run.h"
#include "expr/codec.h"
#include "json/lookup.h"
#include "json/serialize.h"
#include "tables/change_feed.h"
#include "triggers/change_subscription.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

const bj::value* Path(const bj::value& v, std::initializer_list<std::string_view> keys) {
  const bj::value* cur = &v;
  for (auto k : keys) {
    if (!cur->is_object()) return nullptr;
    cur = json::FindMember(cur->get_object(), k);
    if (!cur) return nullptr;
  }
  return cur;
}

// Whether a stateful run executing `action` should hold up a graceful stop. A Wait resumes with
// its due time, and a Workflow action finds its child run again (StartChild), so neither loses
// work; anything else may be in the middle of a call out.
bool HoldsStop(const flow::Action& action) {
  return action.type != flow::ActionType::kWait && action.type != flow::ActionType::kWorkflow;
}

// How many Workflow actions deep a child run is, from the header its caller set (0 otherwise).
int CallDepth(const bj::value& trigger_record) {
  const bj::value* v = Path(trigger_record, {"outputs", "headers", engine::kCallDepthHeader});
  if (!v || !v->is_string()) return 0;
  // Anyone can send the header with a request: only a plain non-negative number counts, so it
  // can make the limit stricter, never looser.
  int depth = 0;
  std::string_view text = v->get_string();
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), depth);
  return ec == std::errc() && end == text.data() + text.size() && depth >= 0 ? depth : 0;
}

std::string Str(const bj::value* v) { return v && v->is_string() ? std::string(v->get_string()) : std::string(); }

}  // namespace

HttpResponse ToHttpResponse(const bj::value& response) {
  HttpResponse r;
  const bj::value* code = Path(response, {"statusCode"});
  r.status = code && code->is_int64() ? static_cast<int>(code->get_int64()) : 200;
  bool has_type = false;
  if (const bj::value* headers = Path(response, {"headers"}); headers && headers->is_object()) {
    for (const auto& kv : headers->get_object()) {
      std::string value = kv.value().is_string() ? std::string(kv.value().get_string()) : json::ToText(kv.value());
      if (json::EqualsIgnoreCase(kv.key(), "Content-Type")) {
        r.content_type = value;
        has_type = true;
      } else if (!json::EqualsIgnoreCase(kv.key(), "Content-Length") &&
                 !json::EqualsIgnoreCase(kv.key(), "Transfer-Encoding") &&
                 !json::EqualsIgnoreCase(kv.key(), "Connection")) {
        // Header values come from the flow: no CR/LF may reach the wire.
        if (value.find_first_of("\r\n") == std::string::npos && kv.key().find_first_of("\r\n: ") == bj::string::npos) {
          r.headers.emplace_back(std::string(kv.key()), std::move(value));
        }
      }
    }
  }
  const bj::value* body = Path(response, {"body"});
  if (!body || body->is_null()) {
    r.body.clear();
    if (!has_type) r.content_type.clear();
  } else if (body->is_string()) {
    r.body = std::string(body->get_string());
    if (!has_type) r.content_type = "text/plain; charset=utf-8";
  } else if (const bj::value* content = Path(*body, {"$content"}); content && content->is_string() &&
                                                                  Path(*body, {"$content-type"})) {
    r.body = expr::Base64Decode(content->get_string()).value_or(std::string());
    if (!has_type) r.content_type = Str(Path(*body, {"$content-type"}));
  } else {
    r.body = json::Serialize(*body);
  }
  return r;
}

// One run the manager knows about. Fields below `thread` are touched only on that thread.
struct RunManager::Active {
  std::string id;
  std::shared_ptr<const DeployedFlow> flow;
  std::string trigger;
  IoThread* thread = nullptr;
  bj::value trigger_record;
  int64_t start_micros = 0;
  int64_t event_micros = 0;  // the trigger lag counts from here
  std::string tracking_id;
  std::shared_ptr<Gate> gate;
  int64_t next_seq = 1;  // the journal's next sequence number (0 is the trigger record)

  std::shared_ptr<engine::Run> run;
  std::shared_ptr<Responder> waiter;  // a caller waiting for the Response action
  uint64_t window_timer = 0;
  std::optional<bj::value> response;
  bool response_durable = false;
  bool answered_with_response = false;  // the caller has the result: nobody will poll
  bool cancel_requested = false;        // Cancel() came while it waited in the trigger's queue
  bool launched = false;                // the engine run was started (not waiting in a queue)
  std::atomic<bool> abandoned{false};   // its start could not be saved: it never runs
  bool finished = false;
  std::string final_status;
  std::vector<std::shared_ptr<Responder>> subscribers;
  std::vector<std::shared_ptr<ChildCaller>> callers;  // Workflow actions waiting for this child run
  bool ended = false;  // finished, and for a stateful run its final record saved
  bj::object progress;  // action key -> status (stateful runs)
  bj::object finished_actions;  // action key -> record, as journaled (stateful runs)
};

// A Workflow action of another run (on `thread`) waiting for this child run's answer.
struct RunManager::ChildCaller {
  IoThread* thread = nullptr;
  std::function<void(const bj::value& response)> on_response;
  std::function<void(engine::Status, std::string why)> on_ended;
  bool told_response = false;  // touched on the child's thread only
};

struct RunManager::Gate {
  int running = 0;
  std::deque<std::function<void()>> waiting;
};

// The journal of one stateful run, written through the store (engine/journal.h).
class RunManager::StoreJournal final : public engine::RunJournal {
 public:
  StoreJournal(RunManager& manager, std::shared_ptr<Active> active, int64_t next_seq)
      : manager_(manager), active_(std::move(active)), seq_(next_seq) {}

  // Starts and completions go through the thread's write queue (QueueWrite): a start and the
  // completion of an action that finishes in the same burst of work share one store write.
  void ActionStarted(const std::string& key, int64_t start_micros, bool timed) override {
    if (timed) {
      manager_.QueueJournal(*active_->thread, active_->id, seq_++, "started",
                            bj::object{{"key", key}, {"start", start_micros}}, nullptr);
    }
    active_->progress[key] = "Running";
    if (!active_->subscribers.empty()) {
      manager_.Publish(*active_, "action", bj::object{{"action", key}, {"status", "Running"}});
    }
  }

  void ActionCompleted(const std::string& key, const bj::value& record, std::function<void()> durable) override {
    bool is_response = Str(Path(record, {"type"})) == "Response";
    std::string status = Str(Path(record, {"status"}));
    active_->finished_actions[key] = record;
    auto active = active_;
    RunManager* manager = &manager_;
    // A secure action's real inputs and outputs rest on disk only sealed (journal_seal.h).
    auto secure = active_->flow->secure_actions.find(std::string_view(key).substr(0, key.find('#')));
    bj::object body{{"key", key}};
    if (secure != active_->flow->secure_actions.end()) {
      body["sealed"] = manager_.seal_->Seal(json::Serialize(record));
    } else {
      body["record"] = record;
    }
    manager_.QueueJournal(
        *active_->thread, active_->id, seq_++, "completed", std::move(body),
        [manager, active, key, status, is_response, durable = std::move(durable)](Status st) {
          if (!st) {
            // The store refused (full disk, read-only): the run goes on in memory, but it could
            // not be resumed after a crash.
            std::fprintf(stderr, "runnel: run %s: journal write failed: %s\n", active->id.c_str(),
                         st.error().ToString().c_str());
          }
          durable();
          // On the run's thread (QueueWrite's outcomes come back there).
          active->progress[key] = status;
          if (!active->subscribers.empty()) {
            manager->Publish(*active, "action", bj::object{{"action", key}, {"status", status}});
          }
          if (is_response) {
            active->response_durable = true;
            manager->AnswerWaiter(active);
          }
        });
  }

 private:
  RunManager& manager_;
  std::shared_ptr<Active> active_;
  int64_t seq_;
};

// Writes made on one thread during one burst of work (a request, a completion) are handed to
// the store together, as one write, when the burst is over: a request's run start, its action's
// start and completion become one write and one commit instead of three — and a run that also
// finished in the burst, one row (RunWriteBatch). One failing part fails them all (they are
// rolled back together); on the hot path nothing fails but a full store.
RunManager::ThreadWrites& RunManager::Burst(IoThread& thread, store::Store::DoneFn done) {
  ThreadWrites& q = *writes_[static_cast<size_t>(thread.index())];
  if (done) q.dones->push_back(std::move(done));
  if (q.posted) return q;
  q.posted = true;
  thread.Post([this, &q, &thread] {
    q.posted = false;
    auto dones = std::move(q.dones);
    q.dones = std::make_shared<std::vector<store::Store::DoneFn>>();
    store_.Write(q.batch.Take(),
                 // The outcomes go back to the thread in one hop (not one per write): the store's
                 // thread only commits.
                 [dones, &thread](Status st) {
                   if (dones->empty()) return;
                   thread.Post([dones, st] {
                     for (const auto& done : *dones) done(st);
                   });
                 });
  });
  return q;
}

void RunManager::QueueWrite(IoThread& thread, store::Store::WriteFn fn, store::Store::DoneFn done) {
  Burst(thread, std::move(done)).batch.Add(std::move(fn));
}

void RunManager::QueueStart(IoThread& thread, store::RunRow row, bj::value trigger_record, store::Store::DoneFn done) {
  Burst(thread, std::move(done)).batch.StartRun(std::move(row), std::move(trigger_record));
}

void RunManager::QueueJournal(IoThread& thread, std::string run_id, int64_t seq, std::string kind, bj::value body,
                              store::Store::DoneFn done) {
  Burst(thread, std::move(done)).batch.AppendJournal(std::move(run_id), seq, std::move(kind), std::move(body));
}

void RunManager::QueueFinish(IoThread& thread, store::RunRow row, store::Store::DoneFn done) {
  Burst(thread, std::move(done)).batch.FinishRun(std::move(row));
}

RunManager::RunManager(store::Store& store, const engine::HandlerRegistry& handlers, std::vector<IoThread*> threads,
                       Metrics& metrics, RunManagerOptions options, std::shared_ptr<const JournalSeal> seal)
    : store_(store),
      seal_(std::move(seal)),
      handlers_(handlers),
      threads_(std::move(threads)),
      metrics_(metrics),
      options_(options) {
  recent_order_.resize(std::max<size_t>(options_.recent_stateless, 1));
  for (size_t i = 0; i < threads_.size(); ++i) {
    writes_.push_back(std::make_unique<ThreadWrites>());
    writes_.back()->dones = std::make_shared<std::vector<store::Store::DoneFn>>();
  }
}

RunManager::~RunManager() = default;

std::string RunManager::StatusPath(const DeployedFlow& flow, const std::string& run_id) {
  return "/api/" + flow.name + "/runs/" + run_id + "?sv=1.0&sig=" +
         flow.primary->Sign(flow.name + "/runs/" + run_id);
}

bj::value RunManager::JournaledTrigger(const Active& a) const {
  const TriggerSettings* t = a.flow->FindTrigger(a.trigger);
  bool secure = t && t->trigger && (t->trigger->secure_inputs || t->trigger->secure_outputs);
  if (!secure) return a.trigger_record;
  return bj::object{{"sealed", seal_->Seal(json::Serialize(a.trigger_record))}};
}

Result<bj::value> RunManager::Unsealed(bj::value body) const {
  const bj::value* sealed = Path(body, {"sealed"});
  if (!sealed) return body;
  RUNNEL_TRY(plain, seal_->Open(Str(sealed)));
  boost::system::error_code ec;
  bj::value value = bj::parse(plain, ec);
  if (ec) return Error("SealedJournalUnreadable", "a sealed journal entry holds no JSON");
  return value;
}

std::shared_ptr<RunManager::Active> RunManager::NewActive(RunRequest request, std::string run_id) {
  auto a = std::make_shared<Active>();
  a->flow = std::move(request.flow);
  a->trigger = request.trigger ? request.trigger->name : Str(Path(request.trigger_record, {"name"}));
  a->thread = request.thread;
  a->trigger_record = std::move(request.trigger_record);
  a->start_micros = a->thread->clock().NowMicros();
  a->event_micros = request.event_micros ? request.event_micros : a->start_micros;
  a->id = run_id.empty() ? engine::NewRunId(a->start_micros) : std::move(run_id);
  a->tracking_id = Str(Path(a->trigger_record, {"outputs", "headers", "x-ms-client-tracking-id"}));
  if (a->tracking_id.empty()) a->tracking_id = a->id;
  return a;
}

// Runs `start(false)` now if the trigger's concurrency and the server's in-flight limit allow;
// queues it — to run as `start(true)` when a run of the trigger ends — if the trigger's waiting
// list has room; else refuses. A queued run is registered at once, so polls and cancels find it.
RunManager::Admission RunManager::Admit(const RunRequest& request, const std::shared_ptr<Active>& active,
                                        std::function<void(bool queued)> start) {
  const TriggerSettings* t = request.trigger;
  if (in_flight_.load(std::memory_order_relaxed) >= options_.max_in_flight) return Admission::kRefused;
  if (!t || t->max_runs <= 0) {
    start(false);
    return Admission::kNow;
  }
  std::unique_lock lock(mu_);
  auto& gate = gates_[json::LowerAscii(request.flow->name) + "/" + json::LowerAscii(t->name)];
  if (!gate) gate = std::make_shared<Gate>();
  if (gate->running < t->max_runs) {
    ++gate->running;
    lock.unlock();
    start(false);
    return Admission::kNow;
  }
  if (static_cast<int>(gate->waiting.size()) < t->max_waiting) {
    gate->waiting.push_back([start = std::move(start)] { start(true); });
    active_[active->id] = active;
    return Admission::kQueued;
  }
  return Admission::kRefused;
}

HttpResponse RunManager::Accepted(const Active& a) {
  HttpResponse r = HttpResponse::Json(202, "");
  r.content_type.clear();
  r.headers = {{"Location", StatusPath(*a.flow, a.id)}, {"Retry-After", "1"}, {"x-ms-workflow-run-id", a.id},
               {"x-ms-client-tracking-id", a.tracking_id}};
  return r;
}

void RunManager::StartFromRequest(RunRequest request, std::vector<bj::value> records,
                                  std::shared_ptr<Responder> responder) {
  bool wait_for_response = records.size() == 1 && request.flow->has_response;
  std::vector<std::string> ids;
  for (auto& record : records) {
    RunRequest one = request;
    one.trigger_record = std::move(record);
    auto active = NewActive(std::move(one), "");
    ids.push_back(active->id);
    bool stateless = active->flow->stateless;
    // The caller learns of the run as soon as it is safe: at once for a stateless run, once its
    // row and trigger record are committed for a stateful one. A run that waits for its
    // Response answers later (AnswerWaiter); one queued behind the trigger's concurrency gets
    // its 202 now and runs later.
    auto accept = [this, active, responder, stateless](bool queued, bool answer) {
      if (stateless) {
        if (answer) responder->Send(Accepted(*active));
        return;
      }
      store::RunRow row{active->id, active->flow->name, active->flow->version, active->trigger,
                        queued ? "Waiting" : "Running",
                        active->start_micros, 0, active->tracking_id, "", ""};
      QueueStart(
          *active->thread, std::move(row), JournaledTrigger(*active),
          [this, active, responder, answer, queued](Status st) {
            if (!st) {
              // Not saved, so not accepted: the caller gets 503 and the run does not go on.
              active->abandoned.store(true);
              if (queued) {
                std::lock_guard lock(mu_);
                active_.erase(active->id);
              }
              active->thread->Post([active, responder, st] {
                if (active->run) active->run->Cancel();
                responder->Send(HttpResponse::Error(503, "StoreUnavailable",
                                                    "the run could not be saved: " + st.error().message));
              });
              return;
            }
            if (answer) responder->Send(Accepted(*active));
          });
    };
    auto start = [this, active, responder, wait_for_response, stateless, accept](bool queued) {
      // Dequeued: its caller already has a 202.
      if (queued) return LaunchDequeued(active);
      if (wait_for_response) active->waiter = responder;
      if (stateless) {
        // In flight (Launch) before the caller holds the 202, or its first poll could miss the run.
        Launch(active, nullptr);
        accept(false, !wait_for_response);
      } else {
        // The run's row is queued first: the run's journal entries are written after it.
        accept(false, !wait_for_response);
        Launch(active, nullptr);
      }
    };
    switch (Admit(request, active, start)) {
      case Admission::kNow:
        break;
      case Admission::kQueued:
        accept(true, records.size() == 1);
        break;
      case Admission::kRefused: {
        metrics_.Increment(request.thread->index(),
                           Series("runnel_trigger_events_total",
                                  {{"flow", request.flow->name}, {"trigger", request.trigger->name}, {"outcome", "Rejected"}}));
        HttpResponse r = HttpResponse::Error(
            429, "TooManyRuns",
            "the flow '" + request.flow->name + "' is running as many runs as its concurrency (or the server) "
            "allows and its waiting list is full; retry later");
        r.headers.emplace_back("Retry-After", "1");
        responder->Send(std::move(r));
        return;
      }
    }
  }
  if (records.size() > 1) {
    // splitOn: one run per item; the caller gets their ids.
    bj::array runs;
    for (auto& id : ids) runs.emplace_back(bj::string(id));
    HttpResponse r = HttpResponse::Json(202, json::Serialize(bj::object{{"runs", std::move(runs)}}));
    responder->Send(std::move(r));
  }
}

void RunManager::Start(RunRequest request, ClaimFn claim, std::function<void(Result<std::string>)> started) {
  auto active = NewActive(request, "");
  auto admitted = Admit(request, active, [this, active, claim = std::move(claim), started](bool) mutable {
    bool stateless = active->flow->stateless;
    std::optional<store::RunRow> row;
    std::optional<store::JournalEntry> trigger;
    if (!stateless) {
      row = store::RunRow{active->id, active->flow->name, active->flow->version, active->trigger, "Running",
                          active->start_micros, 0, active->tracking_id, "", ""};
      trigger = store::JournalEntry{active->id, 0, "trigger", json::Serialize(JournaledTrigger(*active))};
    }
    if (!claim && stateless) {
      Launch(active, nullptr);
      return started(active->id);
    }
    // Launch only once the claim (and, for a stateful flow, the run's start) committed.
    store_.Write(
        [id = active->id, claim = std::move(claim), row = std::move(row), trigger = std::move(trigger)](
            store::Transaction& tx) -> Status {
          if (claim) RUNNEL_TRY_STATUS(claim(tx, id));
          if (row) RUNNEL_TRY_STATUS(tx.InsertRun(*row));
          if (trigger) RUNNEL_TRY_STATUS(tx.AppendJournal(*trigger));
          return Ok();
        },
        [this, active, started](Status st) {
          if (!st) {
            ReleaseSlot(active);
            return started(st.error());
          }
          Launch(active, nullptr);
          started(active->id);
        });
  });
  if (admitted == Admission::kRefused) {
    started(Error("TooManyRuns", "the flow's concurrency limit and waiting list (or the server's) are full"));
  }
}

// A run that waited in its trigger's queue starts (called on whichever thread ended the run that
// freed the slot): on its own thread, its row marked Running first.
void RunManager::LaunchDequeued(const std::shared_ptr<Active>& active) {
  active->thread->Post([this, active] {
    if (active->abandoned.load()) return ReleaseSlot(active);
    if (!active->flow->stateless) {
      QueueWrite(*active->thread,
                 [id = active->id](store::Transaction& tx) { return tx.SetRunStatus(id, "Running"); }, nullptr);
    }
    Launch(active, nullptr);
  });
}

void RunManager::Launch(std::shared_ptr<Active> active, std::shared_ptr<const engine::ReplayLog> replay) {
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  if (active->flow->stateless) unsafe_to_stop_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    active_[active->id] = active;
  }
  const TriggerSettings* trigger = active->flow->FindTrigger(active->trigger);
  if (trigger && trigger->max_runs > 0) {
    // Only a trigger with a concurrency limit has a gate (Admit): the others skip the lookup.
    std::lock_guard lock(mu_);
    auto it = gates_.find(json::LowerAscii(active->flow->name) + "/" + json::LowerAscii(active->trigger));
    if (it != gates_.end()) active->gate = it->second;
  }
  if (const TriggerSettings* t = trigger) {
    size_t shard = static_cast<size_t>(active->thread->index());
    metrics_.Increment(shard, t->metric_started);
    // Trigger lag: from the event (a request or tick arriving, a change committing) to the run
    // starting: the dispatcher's delay and the concurrency queue.
    metrics_.Observe(shard, t->metric_lag,
                     static_cast<double>(active->thread->clock().NowMicros() - active->event_micros) / 1e6);
  }
  // Usually called on the run's own thread (a request's): start right away, no hop.
  auto start = [this, active, replay = std::move(replay)]() mutable {
    engine::RunOptions o;
    o.run_id = active->id;
    o.flow_name = active->flow->name;
    o.client_tracking_id = active->tracking_id;
    o.start_micros = active->start_micros;
    o.causal_hops = triggers::RunHopCount(active->trigger_record);
    o.call_depth = CallDepth(active->trigger_record);
    o.replay = std::move(replay);
    o.full_record = !active->flow->stateless;  // stateless runs keep no history
    bool stateful = !active->flow->stateless;
    o.on_action_finished = [this, stateful, flow = active->flow.get(),
                            shard = static_cast<size_t>(active->thread->index())](
                               const flow::Action& action, engine::Status, int64_t micros) {
      if (stateful && HoldsStop(action)) unsafe_to_stop_.fetch_sub(1, std::memory_order_relaxed);
      if (auto it = flow->metric_action_duration.find(action.type); it != flow->metric_action_duration.end()) {
        metrics_.Observe(shard, it->second, static_cast<double>(micros) / 1e6);
      }
    };
    if (stateful) {
      o.on_action_started = [this](const flow::Action& action) {
        if (HoldsStop(action)) unsafe_to_stop_.fetch_add(1, std::memory_order_relaxed);
      };
    }
    if (!active->flow->stateless) o.journal = std::make_shared<StoreJournal>(*this, active, active->next_seq);
    std::weak_ptr<Active> weak = active;
    o.on_response = [this, weak](const bj::value& response) {
      auto a = weak.lock();
      if (!a) return;
      if (a->flow->stateless && a->waiter) {
        // Answered at once: nobody will read the response again, so no copy is kept.
        a->response_durable = true;
        AnswerWaiter(a, &response);
        return;
      }
      a->response = response;
      if (a->flow->stateless) {
        a->response_durable = true;
        AnswerWaiter(a);
      }
    };
    active->run = engine::Run::Create(active->flow->plan, handlers_, *active->thread, std::move(o));
    active->launched = true;
    // The run holds the trigger record from here on; nothing reads the Active's copy after the
    // launch (a stateful run's was journaled when it was accepted), so it moves rather than copies.
    active->run->Start(std::move(active->trigger_record),
                       [this, active](engine::RunResult r) { Finished(active, std::move(r)); });
    // The caller's window starts now; most stateless flows have answered within Start() already,
    // and then no timer is needed at all.
    if (active->waiter) {
      active->window_timer = active->thread->PostAt(
          active->thread->clock().NowMicros() + int64_t{options_.sync_response_seconds} * 1000000, [this, weak] {
            auto a = weak.lock();
            if (!a || !a->waiter) return;
            a->waiter->Send(Accepted(*a));
            a->waiter.reset();
          });
    }
    if (active->cancel_requested && active->run) active->run->Cancel();
  };
  if (active->thread->InThisThread()) {
    start();
  } else {
    active->thread->Post(std::move(start));
  }
}

void RunManager::AnswerWaiter(const std::shared_ptr<Active>& a, const bj::value* response) {
  if (!response && a->response) response = &*a->response;
  if (!a->callers.empty()) TellCallers(a, response);
  if (!a->waiter) return;
  if (response && a->response_durable) {
    HttpResponse r = ToHttpResponse(*response);
    r.headers.emplace_back("x-ms-workflow-run-id", a->id);
    r.headers.emplace_back("x-ms-client-tracking-id", a->tracking_id);
    a->waiter->Send(std::move(r));
    a->answered_with_response = true;
  } else if (a->finished) {
    HttpResponse r = HttpResponse::Error(502, "NoResponse", "the run " + a->id + " finished (" + a->final_status +
                                                                ") without a Response action answering the request");
    r.headers.emplace_back("x-ms-workflow-run-id", a->id);
    r.headers.emplace_back("x-ms-client-tracking-id", a->tracking_id);
    a->waiter->Send(std::move(r));
  } else {
    return;
  }
  a->waiter.reset();
  if (a->window_timer) a->thread->CancelTimer(a->window_timer);
}

void RunManager::TellCallers(const std::shared_ptr<Active>& a, const bj::value* response) {
  if (response && a->response_durable) {
    for (auto& c : a->callers) {
      if (c->told_response) continue;
      c->told_response = true;
      c->thread->Post([c, r = *response] { c->on_response(r); });
    }
  }
  if (!a->ended) return;
  auto status = engine::ParseStatus(a->final_status).value_or(engine::Status::kFailed);
  for (auto& c : a->callers) c->thread->Post([c, status] { c->on_ended(status, ""); });
  a->callers.clear();
}

std::function<void()> RunManager::StartChild(std::shared_ptr<const DeployedFlow> flow, engine::ChildCall call) {
  auto caller = std::make_shared<ChildCaller>();
  caller->thread = threads_[0];
  for (IoThread* t : threads_) {
    if (static_cast<engine::Scheduler*>(t) == call.scheduler) caller->thread = t;
  }
  caller->on_response = std::move(call.on_response);
  caller->on_ended = std::move(call.on_ended);
  std::string id = call.run_id;
  auto cancelled = std::make_shared<bool>(false);  // on the parent's thread
  auto cancel = [this, id, cancelled] {
    *cancelled = true;
    Cancel(id);
  };
  if (call.causal_hops > 0 && call.trigger_record.is_object()) {
    // The loop guard's count travels with the child's trigger, so it survives a restart too.
    bj::value* outputs = call.trigger_record.get_object().if_contains("outputs");
    bj::value* headers = outputs && outputs->is_object() ? outputs->get_object().if_contains("headers") : nullptr;
    if (headers && headers->is_object()) {
      headers->get_object()[tables::kHopCountHeader] = std::to_string(call.causal_hops);
    }
  }
  RunRequest request;
  request.flow = std::move(flow);
  request.trigger = request.flow->FindTrigger(Str(Path(call.trigger_record, {"name"})));
  request.trigger_record = std::move(call.trigger_record);
  request.thread = caller->thread;
  if (AttachChild(id, caller)) return cancel;
  if (request.flow->stateless) {
    // A stateless child keeps nothing, so there is nothing to find after a restart.
    StartNewChild(std::move(request), std::move(id), caller);
    return cancel;
  }
  // A resumed parent calls again: the child may have finished before the restart.
  store_.Read([this, request = std::move(request), id, caller, cancelled](store::ReadView& view) mutable {
    auto row = view.GetRun(id);
    caller->thread->Post([this, request = std::move(request), id, caller, cancelled, row = std::move(row)]() mutable {
      if (*cancelled) return;
      if (!row) return caller->on_ended(engine::Status::kFailed, "the store cannot be read: " + row.error().message);
      if (!row.value()) return StartNewChild(std::move(request), std::move(id), caller);
      if (row.value()->end_micros == 0) {
        // Unfinished: it was resumed with the server (registered before any run went on).
        if (!AttachChild(id, caller)) {
          caller->on_ended(engine::Status::kFailed, "the child run " + id + " is unfinished but not running");
        }
        return;
      }
      boost::system::error_code ec;
      bj::value record = bj::parse(row.value()->record, ec);
      const bj::value* response = ec ? nullptr : Path(record, {"response"});
      if (response && !response->is_null()) caller->on_response(*response);
      caller->on_ended(engine::ParseStatus(row.value()->status).value_or(engine::Status::kFailed), "");
    });
  });
  return cancel;
}

bool RunManager::AttachChild(const std::string& id, const std::shared_ptr<ChildCaller>& caller) {
  std::shared_ptr<Active> a;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(id);
    if (it == active_.end()) return false;
    a = it->second;
  }
  a->thread->Post([this, a, caller] {
    a->callers.push_back(caller);
    TellCallers(a, a->response ? &*a->response : nullptr);
  });
  return true;
}

void RunManager::StartNewChild(RunRequest request, std::string id, std::shared_ptr<ChildCaller> caller) {
  auto active = NewActive(request, std::move(id));
  active->callers.push_back(caller);
  bool stateless = active->flow->stateless;
  // Like a request's run: a stateful child's row is queued before its journal entries; a child
  // queued behind its trigger's concurrency is saved as Waiting and started when a slot frees.
  auto save = [this, active, caller](bool queued) {
    store::RunRow row{active->id, active->flow->name, active->flow->version, active->trigger,
                      queued ? "Waiting" : "Running", active->start_micros, 0, active->tracking_id, "", ""};
    QueueStart(*active->thread, std::move(row), JournaledTrigger(*active), [this, active, caller, queued](Status st) {
      if (st) return;
      // Not saved, so not started: as for a request's run (StartFromRequest).
      active->abandoned.store(true);
      if (queued) {
        std::lock_guard lock(mu_);
        active_.erase(active->id);
      }
      if (active->run) active->run->Cancel();
      caller->thread->Post([caller, st] {
        caller->on_ended(engine::Status::kFailed, "the child run could not be saved: " + st.error().message);
      });
    });
  };
  auto start = [this, active, stateless, save](bool queued) {
    if (queued) return LaunchDequeued(active);
    if (!stateless) save(false);
    Launch(active, nullptr);
  };
  switch (Admit(request, active, start)) {
    case Admission::kNow:
      break;
    case Admission::kQueued:
      if (!stateless) save(true);
      break;
    case Admission::kRefused:
      caller->on_ended(engine::Status::kFailed, "the flow '" + active->flow->name +
                                                    "' is running as many runs as its concurrency (or the server) "
                                                    "allows and its waiting list is full");
      break;
  }
}

void RunManager::Finished(const std::shared_ptr<Active>& a, engine::RunResult result) {
  a->finished = true;
  a->final_status = std::string(engine::StatusName(result.status));
  int64_t end = a->thread->clock().NowMicros();
  size_t shard = static_cast<size_t>(a->thread->index());
  if (auto it = a->flow->metric_runs_total.find(a->final_status); it != a->flow->metric_runs_total.end()) {
    metrics_.Increment(shard, it->second);
  }
  metrics_.Observe(shard, a->flow->metric_duration, static_cast<double>(end - a->start_micros) / 1e6);

  if (a->flow->stateless) {
    if (!a->answered_with_response) {
      bj::object summary{{"runId", a->id}, {"status", a->final_status}};
      if (const bj::value* outputs = Path(result.record, {"outputs"})) summary["outputs"] = *outputs;
      if (const bj::value* error = Path(result.record, {"error"})) summary["error"] = *error;
      // Kept for the 202 Location poll (bounded: the oldest is dropped).
      std::lock_guard lock(mu_);
      std::string& slot = recent_order_[recent_next_];
      if (!slot.empty()) recent_.erase(slot);
      slot = a->id;
      recent_next_ = (recent_next_ + 1) % recent_order_.size();
      recent_[a->id] = Recent{a->flow->name, a->final_status, std::move(summary), result.response, a->tracking_id};
    }
    a->ended = true;
    Release(a);
    AnswerWaiter(a);
    if (!a->subscribers.empty()) Publish(*a, "run", bj::object{{"status", a->final_status}});
    for (auto& s : a->subscribers) s->End();
    a->subscribers.clear();
    return;
  }
  store::RunRow row{a->id, a->flow->name, a->flow->version, a->trigger, a->final_status, a->start_micros, end,
                    a->tracking_id, Str(Path(result.record, {"error", "code"})), json::Serialize(result.record)};
  QueueFinish(*a->thread, std::move(row),
             [this, a](Status st) {  // on the run's thread
               if (!st) {
                 std::fprintf(stderr, "runnel: run %s: could not save its final record: %s\n", a->id.c_str(),
                              st.error().ToString().c_str());
               }
               a->ended = true;
               Release(a);
               AnswerWaiter(a);
               if (!a->subscribers.empty()) Publish(*a, "run", bj::object{{"status", a->final_status}});
               for (auto& s : a->subscribers) s->End();
               a->subscribers.clear();
             });
}

// An admitted run that never launched (its start could not be saved) gives its slot back.
void RunManager::ReleaseSlot(const std::shared_ptr<Active>& a) {
  std::function<void()> next;
  {
    std::lock_guard lock(mu_);
    auto it = gates_.find(json::LowerAscii(a->flow->name) + "/" + json::LowerAscii(a->trigger));
    if (it == gates_.end()) return;
    --it->second->running;
    if (!it->second->waiting.empty()) {
      next = std::move(it->second->waiting.front());
      it->second->waiting.pop_front();
      ++it->second->running;
    }
  }
  if (next) next();
}

// The run no longer counts against limits; a waiting run of the same trigger may start.
void RunManager::Release(const std::shared_ptr<Active>& a) {
  std::function<void()> next;
  {
    std::lock_guard lock(mu_);
    if (active_.erase(a->id) == 0) return;
    if (a->gate) {
      --a->gate->running;
      if (!a->gate->waiting.empty()) {
        next = std::move(a->gate->waiting.front());
        a->gate->waiting.pop_front();
        ++a->gate->running;
      }
    }
  }
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  if (a->flow->stateless) unsafe_to_stop_.fetch_sub(1, std::memory_order_relaxed);
  a->run.reset();  // the engine's run is done; drop it (and the frames it holds)
  if (next) next();
}

void RunManager::Publish(Active& a, std::string event, bj::value data) {
  if (a.subscribers.empty()) return;
  data.as_object()["runId"] = a.id;
  data.as_object()["time"] = engine::FormatTime(a.thread->clock().NowMicros());
  std::string chunk = "event: " + event + "\ndata: " + json::Serialize(data) + "\n\n";
  for (auto& s : a.subscribers) s->Write(chunk);
}

bool RunManager::Subscribe(const std::string& run_id, std::shared_ptr<Responder> responder) {
  std::shared_ptr<Active> a;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(run_id);
    if (it == active_.end()) return false;
    a = it->second;
  }
  a->thread->Post([this, a, responder] {
    HttpResponse head;
    head.content_type = "text/event-stream";
    head.headers = {{"Cache-Control", "no-cache"}};
    responder->StartStream(std::move(head));
    a->subscribers.push_back(responder);
    // What happened before the subscriber came.
    for (const auto& kv : a->progress) {
      bj::object data{{"action", kv.key()}, {"status", kv.value()}, {"runId", a->id},
                      {"time", engine::FormatTime(a->thread->clock().NowMicros())}};
      responder->Write("event: action\ndata: " + json::Serialize(data) + "\n\n");
    }
    if (a->finished && !a->run) {
      Publish(*a, "run", bj::object{{"status", a->final_status}});
      responder->End();
    }
  });
  return true;
}

bool RunManager::LiveStatus(const std::string& run_id, std::function<void(std::optional<bj::value>)> done) {
  std::shared_ptr<Active> a;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(run_id);
    if (it == active_.end()) return false;
    a = it->second;
  }
  // The finished actions belong to the run's thread: read them there.
  a->thread->Post([a, done = std::move(done)] {
    if (a->finished) return done(std::nullopt);  // it ended meanwhile: the store has its record
    bj::object actions;
    for (const auto& kv : a->finished_actions) {
      bj::value record = kv.value();
      std::string_view key = kv.key();
      std::string name(key.substr(0, key.find('#')));
      if (auto secure = a->flow->secure_actions.find(name); secure != a->flow->secure_actions.end()) {
        constexpr char kRedacted[] = "Content not shown due to security configuration.";
        if (secure->second.first && record.as_object().contains("inputs")) record.as_object()["inputs"] = kRedacted;
        if (secure->second.second && record.as_object().contains("outputs")) record.as_object()["outputs"] = kRedacted;
      }
      actions[kv.key()] = std::move(record);
    }
    done(bj::object{{"id", a->id},
                    {"flow", a->flow->name},
                    {"version", a->flow->version},
                    {"trigger", a->trigger},
                    {"status", a->launched ? "Running" : "Waiting"},
                    {"startTime", engine::FormatTime(a->start_micros)},
                    {"clientTrackingId", a->tracking_id},
                    {"record", {{"status", a->launched ? "Running" : "Waiting"}, {"actions", std::move(actions)}}}});
  });
  return true;
}

bool RunManager::InFlight(const std::string& run_id) {
  std::lock_guard lock(mu_);
  return active_.contains(run_id);
}

bool RunManager::Cancel(const std::string& run_id) {
  std::shared_ptr<Active> a;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(run_id);
    if (it == active_.end()) return false;
    a = it->second;
  }
  a->thread->Post([a] {
    if (a->run) {
      a->run->Cancel();
    } else {
      a->cancel_requested = true;  // still queued: it is cancelled as it starts
    }
  });
  return true;
}

bool RunManager::Running(const std::string& flow, const std::string& trigger) {
  std::lock_guard lock(mu_);
  for (const auto& [id, a] : active_) {
    if (json::EqualsIgnoreCase(a->flow->name, flow) && json::EqualsIgnoreCase(a->trigger, trigger)) return true;
  }
  return false;
}

void RunManager::Poll(const std::string& flow, const std::string& run_id, std::shared_ptr<Responder> responder) {
  {
    std::lock_guard lock(mu_);
    if (auto it = active_.find(run_id); it != active_.end()) {
      HttpResponse r = HttpResponse::Json(202, json::Serialize(bj::object{{"runId", run_id}, {"status", "Running"}}));
      r.headers = {{"Retry-After", "1"}, {"x-ms-workflow-run-id", run_id},
                   {"x-ms-client-tracking-id", it->second->tracking_id}};
      responder->Send(std::move(r));
      return;
    }
    if (auto it = recent_.find(run_id); it != recent_.end() && json::EqualsIgnoreCase(it->second.flow, flow)) {
      HttpResponse r = it->second.response ? ToHttpResponse(*it->second.response)
                                           : HttpResponse::Json(200, json::Serialize(it->second.summary));
      r.headers.emplace_back("x-ms-workflow-run-id", run_id);
      r.headers.emplace_back("x-ms-client-tracking-id", it->second.tracking_id);
      responder->Send(std::move(r));
      return;
    }
  }
  store_.Read([run_id, flow, responder](store::ReadView& view) {
    auto row = view.GetRun(run_id);
    if (!row) return responder->Send(HttpResponse::Error(503, row.error().code, row.error().message));
    if (!row.value() || !json::EqualsIgnoreCase(row.value()->flow, flow)) {
      return responder->Send(HttpResponse::Error(404, "RunNotFound", "no run '" + run_id + "' of flow '" + flow + "'"));
    }
    const store::RunRow& run = *row.value();
    if (run.end_micros == 0) {
      // In the store but not in flight here: another node's, or about to be resumed.
      HttpResponse r = HttpResponse::Json(202, json::Serialize(bj::object{{"runId", run_id}, {"status", run.status}}));
      r.headers = {{"Retry-After", "1"}, {"x-ms-workflow-run-id", run_id}, {"x-ms-client-tracking-id", run.tracking_id}};
      return responder->Send(std::move(r));
    }
    boost::system::error_code ec;
    bj::value record = bj::parse(run.record, ec);
    const bj::value* response = ec ? nullptr : Path(record, {"response"});
    HttpResponse r;
    if (response && !response->is_null()) {
      r = ToHttpResponse(*response);
    } else {
      bj::object summary{{"runId", run_id}, {"status", run.status}};
      if (const bj::value* o = ec ? nullptr : Path(record, {"outputs"})) summary["outputs"] = *o;
      if (const bj::value* e = ec ? nullptr : Path(record, {"error"})) summary["error"] = *e;
      r = HttpResponse::Json(200, json::Serialize(summary));
    }
    r.headers.emplace_back("x-ms-workflow-run-id", run_id);
    r.headers.emplace_back("x-ms-client-tracking-id", run.tracking_id);
    responder->Send(std::move(r));
  });
}

Result<size_t> RunManager::ResumeAll(FlowRegistry& flows) {
  auto unfinished = store_.ReadAndWait<Result<std::vector<store::RunRow>>>(
      [](store::ReadView& v) { return v.UnfinishedRuns(); });
  if (!unfinished) return unfinished.error();
  size_t resumed = 0, next_thread = 0;
  std::vector<std::pair<RunRequest, std::shared_ptr<Active>>> waiting;
  std::vector<std::pair<std::shared_ptr<Active>, std::shared_ptr<const engine::ReplayLog>>> running;
  for (const store::RunRow& row : unfinished.value()) {
    auto journal = store_.ReadAndWait<Result<std::vector<store::JournalEntry>>>(
        [&](store::ReadView& v) { return v.ReadJournal(row.id); });
    auto version = store_.ReadAndWait<Result<std::optional<store::FlowVersion>>>(
        [&](store::ReadView& v) { return v.GetFlowVersion(row.flow, row.version); });
    auto current = flows.Find(row.flow);
    std::shared_ptr<const DeployedFlow> flow;
    if (current && version && version.value()) {
      if (current->version == row.version) {
        flow = current;
      } else {
        DeployInput in{current->name, version.value()->document, current->kind(), row.version, true,
                       current->primary_key, current->secondary_key, current->created_micros, version.value()->created_micros};
        auto built = BuildDeployedFlow(in, flows.build_options());
        if (auto* ok = std::get_if<std::shared_ptr<const DeployedFlow>>(&built)) flow = *ok;
      }
    }
    if (!flow || !journal || journal.value().empty()) {
      // The flow (or version) is gone, or nothing was journaled: the run cannot continue.
      store::RunRow failed = row;
      failed.status = "Failed";
      failed.end_micros = threads_[0]->clock().NowMicros();
      failed.error_code = "CannotResume";
      failed.record = json::Serialize(bj::object{
          {"runId", row.id}, {"flow", row.flow}, {"status", "Failed"},
          {"error", {{"code", "CannotResume"},
                     {"message", "the server restarted while this run was in flight and its flow version or "
                                 "journal is no longer available"}}}});
      (void)store_.WriteAndWait([failed](store::Transaction& tx) { return tx.FinishRun(failed); });
      continue;
    }
    auto replay = std::make_shared<engine::ReplayLog>();
    bj::value trigger_record;
    int64_t last_seq = 0;
    std::optional<Error> unreadable;
    for (const auto& e : journal.value()) {
      last_seq = std::max(last_seq, e.seq);
      boost::system::error_code ec;
      bj::value body = bj::parse(e.body, ec);
      if (ec) continue;
      if (e.kind == "trigger") {
        auto open = Unsealed(std::move(body));
        if (!open) unreadable = open.error();
        if (open) trigger_record = std::move(open).value();
      } else if (e.kind == "started") {
        const bj::value* start = Path(body, {"start"});
        replay->started_micros.emplace(Str(Path(body, {"key"})), start && start->is_int64() ? start->get_int64() : 0);
      } else if (e.kind == "completed") {
        std::string key = Str(Path(body, {"key"}));
        if (const bj::value* sealed = Path(body, {"sealed"})) {
          auto open = Unsealed(bj::object{{"sealed", *sealed}});
          if (!open) {
            unreadable = open.error();
            continue;
          }
          replay->completed[key] = {std::move(open).value(), e.seq};
        } else {
          const bj::value* record = Path(body, {"record"});
          replay->completed[key] = {record ? *record : bj::value(), e.seq};
        }
      }
    }
    if (unreadable) {
      // Resuming without the sealed values would re-run actions that already reached out.
      store::RunRow failed = row;
      failed.status = "Failed";
      failed.end_micros = threads_[0]->clock().NowMicros();
      failed.error_code = "CannotResume";
      failed.record = json::Serialize(bj::object{{"runId", row.id}, {"flow", row.flow}, {"status", "Failed"},
                                                 {"error", {{"code", "CannotResume"}, {"message", unreadable->message}}}});
      (void)store_.WriteAndWait([failed](store::Transaction& tx) { return tx.FinishRun(failed); });
      continue;
    }
    RunRequest request;
    request.flow = flow;
    request.trigger = flow->FindTrigger(row.trigger);
    request.trigger_record = std::move(trigger_record);
    request.thread = threads_[next_thread++ % threads_.size()];
    const TriggerSettings* trigger = request.trigger;
    auto active = NewActive(request, row.id);
    active->start_micros = row.start_micros;
    active->tracking_id = row.tracking_id;
    active->next_seq = last_seq + 1;
    ++resumed;
    if (row.status == "Waiting") {
      waiting.emplace_back(std::move(request), active);  // back in the queue, after the running ones
      continue;
    }
    if (trigger && trigger->max_runs > 0) {
      std::lock_guard lock(mu_);
      auto& gate = gates_[json::LowerAscii(flow->name) + "/" + json::LowerAscii(row.trigger)];
      if (!gate) gate = std::make_shared<Gate>();
      ++gate->running;  // runs that were going count against the limit; they are never queued
    }
    running.emplace_back(active, std::move(replay));
  }
  {
    // All of them are in flight before any goes on: a resumed parent's Workflow action that
    // calls again must find its child run here (StartChild), not start another.
    std::lock_guard lock(mu_);
    for (auto& entry : running) active_[entry.first->id] = entry.first;
    for (auto& entry : waiting) active_[entry.second->id] = entry.second;
  }
  for (auto& [active, replay] : running) Launch(active, std::move(replay));
  for (auto& [request, queued] : waiting) {
    std::shared_ptr<Active> active = queued;  // clang 14 cannot capture a structured binding
    auto start = [this, active](bool) { LaunchDequeued(active); };
    // Accepted before the restart, so never refused now: over the limit it starts anyway.
    if (Admit(request, active, start) == Admission::kRefused) start(true);
  }
  return resumed;
}

void RunManager::AbandonInFlight() {
  std::lock_guard lock(mu_);
  for (auto& [id, active] : active_) {
    if (active->run) active->run->Abandon();
    active->run.reset();
    active->callers.clear();  // they hold their parents' action calls
  }
  active_.clear();
}

bool RunManager::WaitUntilSafeToStop(int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (unsafe_to_stop_.load(std::memory_order_relaxed) > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace runnel::server

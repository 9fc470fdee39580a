// The control-flow actions, run by the engine itself: Scope, If, Switch, Foreach, Until
// (wdl-digest §6). Each starts child frames and finishes when they are done.

#include <algorithm>
#include <charconv>

#include "engine/condition.h"
#include "engine/duration.h"
#include "engine/run_impl.h"
#include "json/compare.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

bool InsideForeach(const Frame* f) {
  for (; f; f = f->parent.get()) {
    if (f->owner && f->owner->type == flow::ActionType::kForeach) return true;
  }
  return false;
}

// Switch matching: JSON equality, plus a string case matching a number's text (the designer
// stores case values as strings even when the expression yields a number).
bool CaseMatches(const bj::value& value, const bj::value& case_value) {
  if (json::Equal(value, case_value)) return true;
  if (case_value.is_string() && json::IsNumber(value)) return json::ToText(value) == case_value.get_string();
  if (value.is_string() && json::IsNumber(case_value)) return json::ToText(case_value) == value.get_string();
  return false;
}

int64_t LimitInt(const flow::Action& a, const char* key, int64_t fallback) {
  if (!a.limit || !a.limit->is_object()) return fallback;
  const bj::value* v = json::FindMember(a.limit->get_object(), key);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_string()) {
    int64_t n = 0;
    auto s = std::string_view(v->get_string());
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return n;
  }
  return fallback;
}

std::string LimitString(const flow::Action& a, const char* key, std::string fallback) {
  if (!a.limit || !a.limit->is_object()) return fallback;
  const bj::value* v = json::FindMember(a.limit->get_object(), key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}

// Loop state shared by the callbacks of one Foreach or Until execution.
struct LoopState {
  std::shared_ptr<Frame> frame;  // the frame holding the loop action
  size_t index = 0;              // the loop action's slot
  std::shared_ptr<const bj::value> items;  // Foreach: the evaluated array
  bj::value inputs;
  size_t next = 0;      // next iteration to start
  size_t running = 0;   // iterations in flight
  size_t limit = 1;     // Foreach degree of parallelism
  std::vector<bj::value> iteration_records;  // index -> {index, status, actions}
  std::vector<std::shared_ptr<Frame>> finished;  // for result()
  bool any_failed = false;
  Status last_status = Status::kSucceeded;
  int64_t started_micros = 0;
  bool stop = false;
};

// result('Loop'): per first-level action, its records across iterations (§7.4).
bj::array LoopResult(const flow::Action& loop, const std::vector<bj::value>& iterations) {
  bj::array out;
  for (const auto& child : loop.branches[0].body.actions) {
    bj::array per_iteration;
    bj::string_view last_status = "Skipped";
    for (const auto& it : iterations) {
      const bj::value* acts = it.as_object().if_contains("actions");
      if (!acts) continue;
      if (const bj::value* r = acts->as_object().if_contains(child->name)) {
        per_iteration.push_back(*r);
        if (const bj::value* s = r->as_object().if_contains("status")) last_status = s->as_string();
      }
    }
    out.push_back(bj::object{{"name", child->name}, {"status", last_status}, {"outputs", std::move(per_iteration)}});
  }
  return out;
}

}  // namespace

void RunImpl::StartContainer(const std::shared_ptr<Frame>& f, size_t i) {
  const flow::Action& a = *f->container->actions[i];
  auto self = shared_from_this();
  auto fail = [&](Error e, bj::value inputs = nullptr) {
    bj::object extra;
    bj::object nested;
    for (const auto& b : a.branches) {
      for (auto& kv : SkippedRecords(b.body, e)) nested[kv.key()] = std::move(kv.value());
    }
    extra["actions"] = std::move(nested);
    Finish(f, i, ActionResult::Failed(std::move(e)), std::move(inputs), std::move(extra));
  };

  // A branch frame that finishes the container action with the frame's tail status.
  auto run_branch = [this, self, f, i, &a](const flow::Branch& branch, bj::value inputs,
                                           bj::object skipped_records) {
    auto child = NewFrame(branch.body, f, &a);
    child->on_done = [this, self, f, i, &a, inputs = std::move(inputs),
                      skipped = std::move(skipped_records)](std::shared_ptr<Frame> done) mutable {
      Status s = FrameStatus(*done);
      bj::object nested = PublicRecords(*done);
      for (auto& kv : skipped) nested[kv.key()] = std::move(kv.value());
      bj::array result;
      for (const auto& act : done->container->actions) result.push_back(nested.at(act->name));
      SetScopeResult(a.name, std::move(result));
      ActionResult r;
      r.status = s == Status::kSucceeded ? Status::kSucceeded : s;
      if (s == Status::kFailed) {
        r.error = Error("ActionFailed", "an action inside '" + a.name + "' failed");
      }
      Finish(f, i, std::move(r), std::move(inputs), {{"actions", std::move(nested)}});
    };
    StartFrame(child);
  };

  switch (a.type) {
    case flow::ActionType::kScope:
      run_branch(a.branches.at(0), nullptr, {});
      return;

    case flow::ActionType::kIf: {
      auto cond = EvaluateCondition(*this, a, f.get());
      if (!cond) return fail(cond.error());
      size_t taken = cond.value() ? 0 : 1;
      bj::object skipped;
      for (size_t b = 0; b < a.branches.size(); ++b) {
        if (b == taken) continue;
        Error reason("ActionBranchingConditionNotSatisfied",
                     "the condition of '" + a.name + "' was " + (cond.value() ? "true" : "false"));
        for (auto& kv : SkippedRecords(a.branches[b].body, reason)) skipped[kv.key()] = std::move(kv.value());
      }
      bj::value inputs = bj::object{{"expressionResult", cond.value()}};
      if (taken >= a.branches.size()) {  // false with no else: nothing to run
        Finish(f, i, ActionResult::Succeeded(nullptr), std::move(inputs), {{"actions", std::move(skipped)}});
        return;
      }
      run_branch(a.branches[taken], std::move(inputs), std::move(skipped));
      return;
    }

    case flow::ActionType::kSwitch: {
      if (!a.expression) return fail(Error("InvalidSwitch", "the Switch has no expression"));
      auto value = Evaluate(*a.expression, f.get());
      if (!value) return fail(value.error());
      int chosen = -1, fallback = -1;
      for (size_t b = 0; b < a.branches.size(); ++b) {
        const flow::Branch& br = a.branches[b];
        if (!br.case_value) {
          fallback = static_cast<int>(b);
        } else if (chosen < 0 && CaseMatches(value.value(), *br.case_value)) {
          chosen = static_cast<int>(b);
        }
      }
      if (chosen < 0) chosen = fallback;
      bj::object skipped;
      for (size_t b = 0; b < a.branches.size(); ++b) {
        if (static_cast<int>(b) == chosen) continue;
        Error reason("ActionBranchingConditionNotSatisfied",
                     "the Switch value " + json::Serialize(value.value()) + " did not select this case");
        for (auto& kv : SkippedRecords(a.branches[b].body, reason)) skipped[kv.key()] = std::move(kv.value());
      }
      bj::value inputs = bj::object{{"expressionResult", value.value()}};
      if (chosen < 0) {
        Finish(f, i, ActionResult::Succeeded(nullptr), std::move(inputs), {{"actions", std::move(skipped)}});
        return;
      }
      run_branch(a.branches[static_cast<size_t>(chosen)], std::move(inputs), std::move(skipped));
      return;
    }

    case flow::ActionType::kForeach: {
      if (!a.expression) return fail(Error("InvalidForeach", "the Foreach has no 'foreach' value"));
      auto items = Evaluate(*a.expression, f.get());
      if (!items) return fail(items.error());
      if (!items.value().is_array()) {
        return fail(Error("InvalidForeachInput",
                          "'foreach' must be an array, got " +
                              std::string(bj::to_string(items.value().kind())) +
                              "; select the array inside it, e.g. body('X')?['value']"));
      }
      size_t n = items.value().as_array().size();
      if (n > static_cast<size_t>(options_.max_foreach_items)) {
        return fail(Error("ForeachLimitExceeded", "'foreach' has " + std::to_string(n) +
                                                      " items; the limit is " +
                                                      std::to_string(options_.max_foreach_items)));
      }
      auto st = std::make_shared<LoopState>();
      st->frame = f;
      st->index = i;
      st->items = std::make_shared<const bj::value>(std::move(items.value()));
      st->iteration_records.resize(n);
      st->inputs = bj::object{{"foreachItemsCount", static_cast<int64_t>(n)}};
      // Parallel by default; sequential when asked or when nested in another Foreach (§6.3).
      int64_t reps = options_.foreach_concurrency;
      if (a.runtime_configuration && a.runtime_configuration->is_object()) {
        if (const bj::value* c = json::FindMember(a.runtime_configuration->get_object(), "concurrency");
            c && c->is_object()) {
          if (const bj::value* r = json::FindMember(c->get_object(), "repetitions"); r && r->is_int64()) {
            reps = r->get_int64();
          }
        }
      }
      if (json::EqualsIgnoreCase(a.operation_options, "Sequential") || InsideForeach(f.get())) reps = 1;
      st->limit = static_cast<size_t>(std::clamp<int64_t>(reps, 1, 50));

      auto start_next = std::make_shared<std::function<void()>>();
      std::weak_ptr<std::function<void()>> weak_next = start_next;
      *start_next = [this, self, st, &a, weak_next]() {
        auto next = weak_next.lock();
        const bj::array& arr = st->items->as_array();
        while (st->running < st->limit && st->next < arr.size() && !terminated_) {
          size_t k = st->next++;
          ++st->running;
          auto child = NewFrame(a.branches.at(0).body, st->frame, &a);
          child->item = &arr[k];
          child->item_owner = st->items;
          child->iteration = static_cast<int64_t>(k);
          child->on_done = [this, st, k, next](std::shared_ptr<Frame> done) {
            Status s = FrameStatus(*done);
            st->any_failed |= s == Status::kFailed;
            st->iteration_records[k] = bj::object{{"index", static_cast<int64_t>(k)},
                                                  {"status", StatusName(s)},
                                                  {"actions", PublicRecords(*done)}};
            --st->running;
            (*next)();
          };
          StartFrame(child);
        }
        if (st->running == 0 && (st->next >= arr.size() || terminated_)) {
          const flow::Action& loop = *st->frame->container->actions[st->index];
          bj::array its;
          for (auto& r : st->iteration_records) {
            if (!r.is_null()) its.push_back(std::move(r));
          }
          SetScopeResult(loop.name, LoopResult(loop, std::vector<bj::value>(its.begin(), its.end())));
          ActionResult r;
          if (st->any_failed) {
            r.status = Status::kFailed;
            r.error = Error("ActionFailed", "an action failed in at least one iteration of '" + loop.name + "'");
          }
          Finish(st->frame, st->index, std::move(r), std::move(st->inputs), {{"iterations", std::move(its)}});
        }
      };
      // The queued call holds the function until the first iterations start; from then on each
      // running iteration holds it (it captures `next`), so it lives exactly as long as needed.
      auto holder = start_next;
      Enqueue([holder] { (*holder)(); });
      return;
    }

    case flow::ActionType::kUntil: {
      auto st = std::make_shared<LoopState>();
      st->frame = f;
      st->index = i;
      st->started_micros = Now();
      int64_t max_count = LimitInt(a, "count", 60);
      std::string timeout_text = LimitString(a, "timeout", "PT1H");
      auto timeout = ParseDurationMicros(timeout_text);
      if (!timeout) {
        // A timeout that is itself an expression: evaluate it once.
        expr::Limits lim;
        auto cs = expr::CompiledString::Compile(timeout_text, lim);
        if (cs) {
          auto v = Evaluate(cs.value(), f.get());
          if (v && v.value().is_string()) timeout = ParseDurationMicros(v.value().as_string());
        }
      }
      if (!timeout) return fail(Error("InvalidUntilLimit", "limit.timeout '" + timeout_text +
                                                               "' is not an ISO 8601 duration such as PT1H"));
      st->inputs = bj::object{{"limit", {{"count", max_count}, {"timeout", timeout_text}}}};
      auto iterate = std::make_shared<std::function<void()>>();
      std::weak_ptr<std::function<void()>> weak_iterate = iterate;
      int64_t timeout_micros = *timeout;
      *iterate = [this, self, st, &a, weak_iterate, max_count, timeout_micros]() {
        auto again = weak_iterate.lock();
        size_t k = st->next++;
        auto child = NewFrame(a.branches.at(0).body, st->frame, &a);
        child->iteration = static_cast<int64_t>(k);
        child->on_done = [this, st, k, &a, again, max_count, timeout_micros](std::shared_ptr<Frame> done) {
          Status s = FrameStatus(*done);
          st->last_status = s;
          st->iteration_records.push_back(bj::object{{"index", static_cast<int64_t>(k)},
                                                     {"status", StatusName(s)},
                                                     {"actions", PublicRecords(*done)}});
          // The condition is checked after each iteration (do-while), with action() = the loop.
          bj::value current = bj::object{{"name", a.name}, {"status", "Running"},
                                         {"iterationCount", static_cast<int64_t>(k + 1)}};
          Result<bj::value> cond = bj::value(false);
          if (a.expression) {
            auto c = EvaluateConditionValue(*this, *a.expression, done.get(), &current);
            cond = c ? Result<bj::value>(bj::value(c.value())) : Result<bj::value>(c.error());
          }
          auto finish = [&](ActionResult r) {
            const flow::Action& loop = *st->frame->container->actions[st->index];
            SetScopeResult(loop.name, LoopResult(loop, st->iteration_records));
            bj::array its(st->iteration_records.begin(), st->iteration_records.end());
            Finish(st->frame, st->index, std::move(r), std::move(st->inputs), {{"iterations", std::move(its)}});
          };
          if (!cond) {
            finish(ActionResult::Failed(cond.error()));
            return;
          }
          bool exit = cond.value().as_bool();
          bool count_hit = static_cast<int64_t>(k + 1) >= max_count;
          bool time_hit = Now() - st->started_micros >= timeout_micros;
          if (exit || count_hit || time_hit || terminated_) {
            // Only the last iteration's outcome counts (§6.4).
            ActionResult r;
            if (s != Status::kSucceeded) {
              r.status = Status::kFailed;
              r.error = Error("ActionFailed", "an action failed in the last iteration of '" + a.name + "'");
            } else if (!exit && (count_hit || time_hit) &&
                       json::EqualsIgnoreCase(a.operation_options, "FailWhenLimitsReached")) {
              r.status = Status::kFailed;
              r.error = Error("UntilLimitReached", std::string("the loop reached its ") +
                                                       (count_hit ? "count" : "timeout") +
                                                       " limit before its condition became true");
            }
            finish(std::move(r));
            return;
          }
          (*again)();
        };
        StartFrame(child);
      };
      auto holder = iterate;
      Enqueue([holder] { (*holder)(); });
      return;
    }

    default:
      fail(Error("InternalError", "not a container action"));
  }
}

}  // namespace runnel::engine

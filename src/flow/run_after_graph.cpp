#include "flow/run_after_graph.h"

#include <algorithm>
#include <boost/json/object.hpp>

#include "flow/action_builder.h"
#include "flow/errors.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

std::optional<uint8_t> StatusBit(std::string_view status) {
  static constexpr std::pair<std::string_view, uint8_t> kStatuses[] = {
      {"Succeeded", kStatusSucceeded},
      {"Failed", kStatusFailed},
      {"Skipped", kStatusSkipped},
      {"TimedOut", kStatusTimedOut},
  };
  for (const auto& [name, bit] : kStatuses) {
    if (json::EqualsIgnoreCase(name, status)) return bit;
  }
  return std::nullopt;
}

bool IsAncestor(const Action* maybe_ancestor, const Action& action) {
  for (const Action* a = action.parent; a; a = a->parent) {
    if (a == maybe_ancestor) return true;
  }
  return false;
}

class ContainerOrder {
 public:
  ContainerOrder(BuildContext& ctx, const Definition& def, Container& container)
      : ctx_(ctx), def_(def), container_(container) {}

  void Run() {
    const size_t n = container_.actions.size();
    predecessors_.assign(n, {});
    for (size_t i = 0; i < n; ++i) Parse(i);
    Sort();
  }

 private:
  // The index of the sibling named `name` (exactly, else ignoring case), or -1.
  int Sibling(std::string_view name) const {
    for (size_t i = 0; i < container_.actions.size(); ++i) {
      if (container_.actions[i]->name == name) return static_cast<int>(i);
    }
    for (size_t i = 0; i < container_.actions.size(); ++i) {
      if (json::EqualsIgnoreCase(container_.actions[i]->name, name)) return static_cast<int>(i);
    }
    return -1;
  }

  void Parse(size_t index) {
    Action& action = *container_.actions[index];
    if (!action.json || !action.json->is_object()) return;
    const bj::value* run_after = Member(action.json->get_object(), "runAfter");
    if (!run_after || run_after->is_null()) return;
    std::string at = PointerChild(action.pointer, "runAfter");
    if (!run_after->is_object()) {
      ctx_.Error(at, errc::kInvalidRunAfter,
                 "\"runAfter\" must be an object such as {\"Previous_step\": [\"Succeeded\"]}",
                 action.name);
      return;
    }
    for (const auto& kv : run_after->get_object()) {
      std::string entry = PointerChild(at, kv.key());
      RunAfter edge;
      edge.statuses = 0;
      if (!kv.value().is_array() || kv.value().get_array().empty()) {
        ctx_.Error(entry, errc::kInvalidRunAfter,
                   "runAfter '" + std::string(kv.key()) +
                       "' must list the statuses to run after, e.g. [\"Succeeded\"] or "
                       "[\"Failed\", \"TimedOut\"]",
                   action.name);
      } else {
        for (const bj::value& s : kv.value().get_array()) {
          auto bit = s.is_string() ? StatusBit(s.get_string()) : std::nullopt;
          if (!bit) {
            ctx_.Error(entry, errc::kInvalidRunAfter,
                       "runAfter statuses are Succeeded, Failed, Skipped and TimedOut; '" +
                           (s.is_string() ? std::string(s.get_string()) : DescribeKind(s)) +
                           "' is not one",
                       action.name);
            continue;
          }
          edge.statuses |= *bit;
        }
      }
      int sibling = Sibling(kv.key());
      if (sibling < 0) {
        ReportMissing(action, kv.key(), entry);
        continue;
      }
      edge.predecessor = container_.actions[sibling]->name;
      if (edge.statuses == 0) edge.statuses = kStatusSucceeded;
      action.run_after.push_back(std::move(edge));
      predecessors_[index].push_back(static_cast<size_t>(sibling));
    }
  }

  void ReportMissing(const Action& action, std::string_view name, const std::string& at) {
    std::string quoted = "'" + std::string(name) + "'";
    if (const Action* other = def_.FindAction(name)) {
      if (IsAncestor(other, action)) {
        ctx_.Error(at, errc::kRunAfterOtherContainer,
                   "runAfter names " + quoted +
                       ", the container this action is in; actions in a container "
                       "start when it starts. Remove " +
                       quoted + " from runAfter",
                   action.name);
      } else {
        std::string where =
            other->parent ? "inside '" + other->parent->name + "'" : "at the top level";
        ctx_.Error(at, errc::kRunAfterOtherContainer,
                   "runAfter names " + quoted + ", which is " + where + " (" +
                       ctx_.FilePointer(other->pointer) + "), not in the same container as '" +
                       action.name +
                       "'; runAfter may only name actions of the same container. Run after the "
                       "container instead, or move the action",
                   action.name);
      }
      return;
    }
    for (const std::string& trigger : ctx_.trigger_names) {
      if (json::EqualsIgnoreCase(trigger, name)) {
        ctx_.Error(at, errc::kRunAfterUnknownAction,
                   "runAfter cannot name the trigger " + quoted +
                       "; top-level actions with an empty runAfter start after the trigger",
                   action.name);
        return;
      }
    }
    std::vector<std::string_view> siblings;
    for (const auto& a : container_.actions) siblings.push_back(a->name);
    ctx_.Error(
        at, errc::kRunAfterUnknownAction,
        "runAfter names " + quoted + ", but there is no such action" + DidYouMean(name, siblings),
        action.name);
  }

  // Kahn's algorithm, always taking the earliest ready action in document order.
  void Sort() {
    const size_t n = container_.actions.size();
    std::vector<size_t> missing(n, 0);
    std::vector<std::vector<size_t>> successors(n);
    for (size_t i = 0; i < n; ++i) {
      for (size_t p : predecessors_[i]) {
        ++missing[i];
        successors[p].push_back(i);
      }
    }
    std::vector<bool> done(n, false);
    std::vector<size_t> order;
    order.reserve(n);
    while (order.size() < n) {
      size_t next = n;
      for (size_t i = 0; i < n; ++i) {
        if (!done[i] && missing[i] == 0) {
          next = i;
          break;
        }
      }
      if (next == n) break;  // a cycle remains
      done[next] = true;
      order.push_back(next);
      for (size_t s : successors[next]) --missing[s];
    }
    if (order.size() < n) {
      ReportCycle(done);
      for (size_t i = 0; i < n; ++i) {
        if (!done[i]) order.push_back(i);
      }
    }
    std::vector<std::unique_ptr<Action>> sorted;
    sorted.reserve(n);
    for (size_t i : order) sorted.push_back(std::move(container_.actions[i]));
    container_.actions = std::move(sorted);
  }

  // Walks predecessor edges among the unsorted actions until one repeats: that loop is a cycle.
  void ReportCycle(const std::vector<bool>& done) {
    size_t start = 0;
    while (done[start]) ++start;
    std::vector<size_t> path;
    std::vector<int> position(done.size(), -1);
    size_t current = start;
    while (position[current] < 0) {
      position[current] = static_cast<int>(path.size());
      path.push_back(current);
      size_t next = current;
      for (size_t p : predecessors_[current]) {
        if (!done[p]) {
          next = p;
          break;
        }
      }
      current = next;
    }
    // path[position[current]..] is the cycle, walking from successor to predecessor; show it in
    // run order: "A → B → A" means B runs after A and A after B.
    std::vector<size_t> cycle(path.begin() + position[current], path.end());
    std::reverse(cycle.begin(), cycle.end());
    // Start at the action that comes first in the document: that is where people look.
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    std::string names;
    for (size_t i : cycle) names += "'" + container_.actions[i]->name + "' → ";
    names += "'" + container_.actions[cycle.front()]->name + "'";
    const Action& first = *container_.actions[cycle.front()];
    ctx_.Error(PointerChild(first.pointer, "runAfter"), errc::kRunAfterCycle,
               "runAfter forms a cycle: " + names +
                   "; each waits for the other, so none can run. Remove one "
                   "of these runAfter entries",
               first.name);
  }

  BuildContext& ctx_;
  const Definition& def_;
  Container& container_;
  std::vector<std::vector<size_t>> predecessors_;
};

void OrderContainer(BuildContext& ctx, const Definition& def, Container& container) {
  ContainerOrder(ctx, def, container).Run();
  for (auto& action : container.actions) {
    for (Branch& branch : action->branches) OrderContainer(ctx, def, branch.body);
  }
}

}  // namespace

void OrderByRunAfter(BuildContext& ctx, Definition& definition) {
  OrderContainer(ctx, definition, definition.actions);
}

}  // namespace runnel::flow::build

#include "engine/plan.h"

namespace runnel::engine {

Plan::Plan(std::shared_ptr<const flow::Definition> definition) : definition_(std::move(definition)) {
  Add(definition_->actions);
}

void Plan::Add(const flow::Container& c) {
  auto plan = std::make_unique<ContainerPlan>();
  plan->container = &c;
  plan->actions.resize(c.actions.size());
  std::map<std::string, int, std::less<>> index;
  for (size_t i = 0; i < c.actions.size(); ++i) index[c.actions[i]->name] = static_cast<int>(i);
  for (size_t i = 0; i < c.actions.size(); ++i) {
    const flow::Action& a = *c.actions[i];
    container_of_[&a] = &c;
    for (const flow::RunAfter& ra : a.run_after) {
      auto it = index.find(ra.predecessor);
      if (it == index.end()) continue;  // the builder reports these; never in a valid definition
      plan->actions[i].predecessors.push_back({it->second, ra.statuses});
      plan->actions[static_cast<size_t>(it->second)].successors.push_back(static_cast<int>(i));
    }
    for (const flow::Branch& b : a.branches) Add(b.body);
  }
  for (auto& ap : plan->actions) ap.is_tail = ap.successors.empty();
  containers_[&c] = std::move(plan);
}

}  // namespace runnel::engine

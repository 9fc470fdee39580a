// Plan: what the engine precomputes once per Definition (which it keeps alive) and shares
// across its runs — for every
// container, each action's predecessors (as indices, with the statuses runAfter accepts) and
// successors, and which actions are branch tails; and for every action, its container.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "flow/definition.h"

namespace runnel::engine {

struct ActionPlan {
  struct Edge {
    int index;         // the other action's index in the same container
    uint8_t statuses;  // flow::StatusBits accepted (for predecessors)
  };
  std::vector<Edge> predecessors;
  std::vector<int> successors;
  bool is_tail = false;  // no sibling runs after it: its status decides the branch's
};

struct ContainerPlan {
  const flow::Container* container = nullptr;
  std::vector<ActionPlan> actions;  // parallel to container->actions
};

class Plan {
 public:
  explicit Plan(std::shared_ptr<const flow::Definition> definition);

  const ContainerPlan& For(const flow::Container& c) const { return *containers_.at(&c); }
  // The container an action belongs to.
  const flow::Container& ContainerOf(const flow::Action& a) const { return *container_of_.at(&a); }
  const flow::Definition& definition() const { return *definition_; }
  const std::shared_ptr<const flow::Definition>& shared_definition() const { return definition_; }

 private:
  void Add(const flow::Container& c);

  std::shared_ptr<const flow::Definition> definition_;
  std::map<const flow::Container*, std::unique_ptr<ContainerPlan>> containers_;
  std::map<const flow::Action*, const flow::Container*> container_of_;
};

}  // namespace runnel::engine

// The Workflow action handler (child flow calls); needs the registry to run the child with the
// same handlers, and a ChildFlows resolver.
#pragma once

#include <memory>

#include "engine/action_handler.h"
#include "engine/child_flows.h"

namespace runnel::engine {

class WorkflowHandler final : public ActionHandler {
 public:
  // `handlers` must outlive the handler (it usually contains it).
  WorkflowHandler(const HandlerRegistry& handlers, std::shared_ptr<ChildFlows> flows, int max_depth = 8);
  void Execute(std::shared_ptr<ActionCall> call) override;

 private:
  const HandlerRegistry& handlers_;
  std::shared_ptr<ChildFlows> flows_;
  int max_depth_;
};

}  // namespace runnel::engine

#include "cli/handlers.h"

#include "engine/actions/workflow.h"
#include "engine/directory_child_flows.h"

namespace runnel::cli {

std::unique_ptr<engine::HandlerRegistry> MakeLocalHandlers(engine::LocalLoop& loop, const std::string& directory,
                                                           const flow::BuildOptions& build) {
  auto registry = std::make_unique<engine::HandlerRegistry>();
  engine::RegisterBuiltinHandlers(*registry);
  auto children = std::make_shared<engine::DirectoryChildFlows>(directory, build);
  registry->Register(flow::ActionType::kWorkflow, std::make_shared<engine::WorkflowHandler>(*registry, children));
  (void)loop;
  return registry;
}

}  // namespace runnel::cli

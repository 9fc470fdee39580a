// ChildFlows: how a Workflow action finds the flow it calls (wdl-digest §5.6). `runnel run`
// resolves names to files in the parent's directory; the server resolves deployed flows.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"
#include "engine/plan.h"

namespace runnel::engine {

struct ChildFlow {
  std::shared_ptr<const Plan> plan;
  std::string name;
};

class ChildFlows {
 public:
  virtual ~ChildFlows() = default;
  // The flow called `name` (the last segment of host.workflow.id / host.id). Called on the
  // scheduler thread.
  virtual Result<ChildFlow> Find(std::string_view name) = 0;
};

}  // namespace runnel::engine

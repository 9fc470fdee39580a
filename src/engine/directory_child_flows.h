// Child flows for `runnel run` and tests: a Workflow action calling "orders" runs the flow in
// orders.json (or .yaml/.yml) next to the calling flow. Each file is loaded and built once.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "engine/child_flows.h"
#include "flow/definition_builder.h"

namespace runnel::engine {

class DirectoryChildFlows final : public ChildFlows {
 public:
  DirectoryChildFlows(std::string directory, flow::BuildOptions options)
      : directory_(std::move(directory)), options_(std::move(options)) {}
  Result<ChildFlow> Find(std::string_view name) override;

 private:
  std::string directory_;
  flow::BuildOptions options_;
  std::mutex mu_;
  std::map<std::string, ChildFlow, std::less<>> cache_;
};

}  // namespace runnel::engine

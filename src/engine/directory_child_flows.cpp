#include "engine/directory_child_flows.h"

#include <filesystem>

#include "flow/loader.h"

namespace runnel::engine {

Result<ChildFlow> DirectoryChildFlows::Find(std::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = cache_.find(name); it != cache_.end()) return it->second;
  // Names come from definitions: never let one climb out of the directory.
  if (name.empty() || name.find('/') != std::string_view::npos || name.find("..") != std::string_view::npos) {
    return Error("ChildFlowNotFound", "'" + std::string(name) + "' is not a valid flow name");
  }
  namespace fs = std::filesystem;
  for (const char* ext : {".json", ".yaml", ".yml"}) {
    fs::path p = fs::path(directory_) / (std::string(name) + ext);
    std::error_code ec;
    if (!fs::exists(p, ec)) continue;
    RUNNEL_TRY(files, flow::LoadFlowFile(p.string()));
    if (files.empty()) break;
    std::vector<flow::Diagnostic> diagnostics;
    auto built = flow::BuildDefinition(files[0], options_, diagnostics);
    if (!built) {
      return Error("ChildFlowInvalid", "the child flow '" + std::string(name) + "' (" + p.filename().string() +
                                           ") is not valid: " + built.error().message);
    }
    ChildFlow child;
    child.plan = std::make_shared<const Plan>(std::shared_ptr<const flow::Definition>(std::move(built.value())));
    child.name = std::string(name);
    cache_.emplace(std::string(name), child);
    return child;
  }
  return Error("ChildFlowNotFound", "no flow named '" + std::string(name) + "' next to the calling flow (looked for " +
                                        std::string(name) + ".json, .yaml and .yml in the same folder)");
}

}  // namespace runnel::engine

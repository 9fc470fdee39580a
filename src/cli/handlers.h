// The action handlers `runnel run` uses: the engine's built-ins, child flows from the flow's
// directory, and the outbound connectors.
#pragma once

#include <memory>
#include <string>

#include "engine/action_handler.h"
#include "engine/local_loop.h"
#include "flow/definition_builder.h"

namespace runnel::cli {

std::unique_ptr<engine::HandlerRegistry> MakeLocalHandlers(engine::LocalLoop& loop, const std::string& directory,
                                                           const flow::BuildOptions& build);

}  // namespace runnel::cli

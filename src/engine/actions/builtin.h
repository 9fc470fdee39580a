// The engine's built-in action handlers, one file each (engine/actions/*.cpp). Registered by
// RegisterBuiltinHandlers (builtin.cpp).
#pragma once

#include "engine/action_handler.h"

namespace runnel::engine {

#define RUNNEL_DECLARE_HANDLER(Name)                          \
  class Name final : public ActionHandler {                   \
   public:                                                    \
    void Execute(std::shared_ptr<ActionCall> call) override;  \
  }

RUNNEL_DECLARE_HANDLER(ComposeHandler);
RUNNEL_DECLARE_HANDLER(InitializeVariableHandler);
RUNNEL_DECLARE_HANDLER(SetVariableHandler);
RUNNEL_DECLARE_HANDLER(IncrementVariableHandler);  // also DecrementVariable
RUNNEL_DECLARE_HANDLER(AppendToArrayVariableHandler);
RUNNEL_DECLARE_HANDLER(AppendToStringVariableHandler);
RUNNEL_DECLARE_HANDLER(TerminateHandler);
RUNNEL_DECLARE_HANDLER(WaitHandler);
RUNNEL_DECLARE_HANDLER(ResponseHandler);
RUNNEL_DECLARE_HANDLER(ManagedConnectorHandler);

#undef RUNNEL_DECLARE_HANDLER

// Reads a named member of evaluated inputs (case-insensitive), nullptr when absent or when
// inputs is not an object.
const boost::json::value* Input(const boost::json::value& inputs, std::string_view name);
// The same on inputs the handler owns, so it can move a member out instead of copying it.
boost::json::value* Input(boost::json::value& inputs, std::string_view name);

}  // namespace runnel::engine

#include "engine/actions/builtin.h"

#include "engine/actions/data_ops.h"

namespace runnel::engine {

void RegisterBuiltinHandlers(HandlerRegistry& r) {
  using T = flow::ActionType;
  r.Register(T::kCompose, std::make_shared<ComposeHandler>());
  r.Register(T::kInitializeVariable, std::make_shared<InitializeVariableHandler>());
  r.Register(T::kSetVariable, std::make_shared<SetVariableHandler>());
  auto inc = std::make_shared<IncrementVariableHandler>();
  r.Register(T::kIncrementVariable, inc);
  r.Register(T::kDecrementVariable, inc);
  r.Register(T::kAppendToArrayVariable, std::make_shared<AppendToArrayVariableHandler>());
  r.Register(T::kAppendToStringVariable, std::make_shared<AppendToStringVariableHandler>());
  r.Register(T::kTerminate, std::make_shared<TerminateHandler>());
  r.Register(T::kWait, std::make_shared<WaitHandler>());
  r.Register(T::kResponse, std::make_shared<ResponseHandler>());
  auto managed = std::make_shared<ManagedConnectorHandler>();
  r.Register(T::kApiConnection, managed);
  r.Register(T::kApiConnectionWebhook, managed);
  r.Register(T::kOpenApiConnection, managed);
  r.Register(T::kOpenApiConnectionWebhook, managed);
  RegisterDataOperationHandlers(r);
}

}  // namespace runnel::engine

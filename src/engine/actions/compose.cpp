// Compose: evaluates its inputs and returns them unchanged as its outputs (wdl-digest §5.1).
#include "engine/actions/builtin.h"

namespace runnel::engine {

void ComposeHandler::Execute(std::shared_ptr<ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) {
    call->Complete(ActionResult::Failed(inputs.error()));
    return;
  }
  call->Complete(ActionResult::Succeeded(inputs.value()));
}

}  // namespace runnel::engine

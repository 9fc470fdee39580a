// Terminate: ends the whole run with Succeeded, Failed or Cancelled (wdl-digest §5.11).
// Running actions are cancelled and everything not yet started is skipped; completed actions
// keep their results.
#include "engine/actions/builtin.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

void TerminateHandler::Execute(std::shared_ptr<ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(inputs.error()));
  const bj::value* status_text = Input(inputs.value(), "runStatus");
  std::optional<Status> status;
  if (status_text && status_text->is_string()) status = ParseStatus(status_text->get_string());
  if (!status || (*status != Status::kSucceeded && *status != Status::kFailed && *status != Status::kCancelled)) {
    return call->Complete(ActionResult::Failed(
        Error("InvalidTerminateStatus", "runStatus must be Succeeded, Failed or Cancelled")));
  }
  std::optional<Error> error;
  if (*status == Status::kFailed) {
    error = Error("Terminated", "the run was terminated with status Failed");
    if (const bj::value* e = Input(inputs.value(), "runError"); e && e->is_object()) {
      if (const bj::value* c = Input(*e, "code"); c && c->is_string()) error->code = c->get_string();
      if (const bj::value* m = Input(*e, "message"); m && m->is_string()) error->message = m->get_string();
    }
  } else if (*status == Status::kCancelled) {
    error = Error("Cancelled", "the run was terminated with status Cancelled");
  }
  RunServices& run = call->run();
  // Complete first: Terminate cancels every action still running, and this one is done.
  call->Complete(ActionResult::Succeeded(nullptr));
  run.Terminate(*status, std::move(error));
}

}  // namespace runnel::engine

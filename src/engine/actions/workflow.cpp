// Workflow: calls a child flow through its Request trigger and waits for its Response, with no
// inbound timeout (wdl-digest §5.6). The action's outputs are the child's response
// {statusCode, headers, body}; a 4xx/5xx response fails the action. A child without a Response
// completes the action when the child run ends, with empty outputs and the child's status.
#include "engine/actions/workflow.h"

#include "engine/actions/builtin.h"
#include "engine/run.h"
#include "engine/trigger_firing.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

std::string TargetName(const bj::value& inputs) {
  const bj::value* host = Input(inputs, "host");
  if (!host) return {};
  const bj::value* id = nullptr;
  if (const bj::value* wf = Input(*host, "workflow")) id = Input(*wf, "id");
  if (!id) id = Input(*host, "id");
  if (!id || !id->is_string()) return {};
  std::string_view s = id->get_string();
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s.substr(s.rfind('/') + 1));
}

ActionResult FromResponse(const bj::value& response) {
  ActionResult r = ActionResult::Succeeded(response);
  int64_t code = 200;
  if (const bj::value* sc = Input(response, "statusCode"); sc && sc->is_int64()) code = sc->get_int64();
  if (code >= 400) {
    r.status = Status::kFailed;
    r.error = Error("ChildFlowFailed", "the child flow responded with status " + std::to_string(code));
  }
  r.code = std::to_string(code);
  return r;
}

}  // namespace

WorkflowHandler::WorkflowHandler(const HandlerRegistry& handlers, std::shared_ptr<ChildFlows> flows,
                                 int max_depth)
    : handlers_(handlers), flows_(std::move(flows)), max_depth_(max_depth) {}

void WorkflowHandler::Execute(std::shared_ptr<ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(inputs.error()));
  std::string name = TargetName(inputs.value());
  if (name.empty()) {
    return call->Complete(ActionResult::Failed(
        Error("InvalidWorkflowAction", "inputs.host.workflow.id (or host.id) must name the flow to call")));
  }
  if (call->run().call_depth() >= max_depth_) {
    return call->Complete(ActionResult::Failed(
        Error("ChildFlowDepthExceeded", "child flows nest deeper than " + std::to_string(max_depth_) +
                                            "; does the flow call itself?")));
  }
  auto child = flows_->Find(name);
  if (!child) return call->Complete(ActionResult::Failed(child.error()));

  bj::object outputs;
  const bj::value* headers = Input(inputs.value(), "headers");
  outputs["headers"] = headers && headers->is_object() ? *headers : bj::value(bj::object());
  const bj::value* body = Input(inputs.value(), "body");
  outputs["body"] = body ? *body : bj::value(nullptr);
  const flow::Definition& def = child.value().plan->definition();
  const flow::Trigger* trigger = def.triggers.empty() ? nullptr : &def.triggers[0];
  auto firing = FireTrigger(def, trigger, std::move(outputs), call->scheduler().clock().NowMicros(), {});
  if (!firing) return call->Complete(ActionResult::Failed(firing.error()));
  if (!firing.value().fired || firing.value().records.size() != 1) {
    return call->Complete(ActionResult::Failed(
        Error("ChildFlowNotStarted", firing.value().fired ? "the child flow's splitOn started several runs"
                                                          : "the child flow's trigger condition was false")));
  }

  RunOptions options;
  options.flow_name = child.value().name;
  options.call_depth = call->run().call_depth() + 1;
  // The child's writes continue the parent's chain: without this a flow could escape the change
  // trigger's loop guard by writing through a child flow.
  options.causal_hops = call->run().causal_hops();
  options.client_tracking_id = call->run().client_tracking_id();
  // The child answers through its Response; the parent action completes right then.
  options.on_response = [call](const bj::value& response) {
    if (!call->cancelled()) call->Complete(FromResponse(response));
  };
  auto run = Run::Create(child.value().plan, handlers_, call->scheduler(), std::move(options));
  call->OnCancel([run] { run->Cancel(); });
  auto keep_plan = child.value();
  run->Start(std::move(firing.value().records[0]), [call, keep_plan](RunResult result) {
    if (call->cancelled()) return;
    ActionResult r = ActionResult::Succeeded(nullptr);
    if (result.status != Status::kSucceeded) {
      r.status = Status::kFailed;
      r.error = Error("ChildFlowFailed", "the child flow '" + keep_plan.name + "' ended " +
                                             std::string(StatusName(result.status)) + " without responding");
    }
    call->Complete(std::move(r));
  });
}

}  // namespace runnel::engine

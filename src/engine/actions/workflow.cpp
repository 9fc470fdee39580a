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
  bj::object child_headers = headers && headers->is_object() ? headers->get_object() : bj::object();
  // Where the call came from, for the child's run history (and its resume: the depth).
  child_headers["x-runnel-parent-flow"] = call->run().flow_name();
  child_headers["x-runnel-parent-run-id"] = call->run().run_id();
  child_headers[kCallDepthHeader] = std::to_string(call->run().call_depth() + 1);
  outputs["headers"] = std::move(child_headers);
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

  ChildCall c;
  c.child = child.value();
  c.trigger_record = std::move(firing.value().records[0]);
  c.run_id = ChildRunId(call->run().run_id(), call->key());
  c.call_depth = call->run().call_depth() + 1;
  // The child's writes continue the parent's chain: without this a flow could escape the change
  // trigger's loop guard by writing through a child flow.
  c.causal_hops = call->run().causal_hops();
  c.client_tracking_id = call->run().client_tracking_id();
  c.handlers = &handlers_;
  c.scheduler = &call->scheduler();
  // The child answers through its Response; the parent action completes right then. A child
  // that ends without one completes it with its status.
  auto answered = std::make_shared<bool>(false);
  c.on_response = [call, answered](const bj::value& response) {
    if (*answered || call->cancelled()) return;
    *answered = true;
    call->Complete(FromResponse(response));
  };
  c.on_ended = [call, answered, name = c.child.name](Status status, const std::string& why) {
    if (*answered || call->cancelled()) return;
    *answered = true;
    if (!why.empty()) return call->Complete(ActionResult::Failed(Error("ChildFlowNotStarted", why)));
    ActionResult r = ActionResult::Succeeded(nullptr);
    if (status != Status::kSucceeded) {
      r.status = Status::kFailed;
      r.error = Error("ChildFlowFailed", "the child flow '" + name + "' ended " + std::string(StatusName(status)) +
                                             " without responding");
    }
    call->Complete(std::move(r));
  };
  call->OnCancel(flows_->Launch(std::move(c)));
}

}  // namespace runnel::engine

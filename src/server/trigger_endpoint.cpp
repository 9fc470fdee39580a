#include "server/trigger_endpoint.h"

#include "engine/actions/json_schema.h"
#include "engine/trigger_firing.h"
#include "expr/codec.h"
#include "json/lookup.h"
#include "json/parse.h"
#include "json/serialize.h"
#include "server/url_query.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

bool IsJsonType(std::string_view type) {
  size_t semi = type.find(';');
  std::string_view media = type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return json::EqualsIgnoreCase(media, "application/json") ||
         (media.size() > 5 && json::EqualsIgnoreCase(media.substr(media.size() - 5), "+json"));
}

bool IsTextType(std::string_view type) {
  return type.size() >= 5 && json::EqualsIgnoreCase(type.substr(0, 5), "text/");
}

// The trigger body as the flow sees it: parsed JSON, text, or a $content envelope.
Result<bj::value> BodyValue(const HttpRequest& req) {
  if (req.body.empty()) return bj::value(nullptr);
  const std::string* type = req.Header("Content-Type");
  if (!type || IsJsonType(*type)) {
    auto parsed = json::Parse(req.body);
    if (!parsed) {
      if (!type) return bj::value(bj::string(req.body));  // no type and not JSON: text
      return Error("InvalidJson", "the request body is not valid JSON: " + parsed.error().message);
    }
    return std::move(parsed.value());
  }
  if (IsTextType(*type)) return bj::value(bj::string(req.body));
  return bj::value(bj::object{{"$content-type", *type}, {"$content", expr::Base64Encode(req.body)}});
}

// Logic Apps' status code for a trigger answer, plus our error shape.
void Fail(Responder& r, int status, std::string_view code, std::string_view message) {
  r.Send(HttpResponse::Error(status, code, message));
}

// A webhook callback's answer, sent once: 200 when the action's record is durable, 404 when the
// action stopped waiting meanwhile — or 503 if the server lets go of the callback unanswered
// (it is stopping), so the caller knows to call again.
class CallbackAnswer {
 public:
  explicit CallbackAnswer(std::shared_ptr<Responder> responder) : responder_(std::move(responder)) {}
  CallbackAnswer(const CallbackAnswer&) = delete;
  CallbackAnswer& operator=(const CallbackAnswer&) = delete;
  ~CallbackAnswer() {
    if (responder_) {
      responder_->Send(HttpResponse::Error(503, "ServiceUnavailable",
                                           "the server stopped before recording this callback; call again"));
    }
  }

  void Send(int status) {
    if (!responder_) return;
    if (status == 200) {
      HttpResponse r = HttpResponse::Json(200, "");
      r.content_type.clear();
      responder_->Send(std::move(r));
    } else {
      responder_->Send(HttpResponse::Error(status, "NoActionWaiting", "the action no longer waits for this callback"));
    }
    responder_.reset();
  }

 private:
  std::shared_ptr<Responder> responder_;
};

}  // namespace

void TriggerEndpoint::Handle(HttpRequest&& req, const std::vector<std::string_view>& seg,
                             std::shared_ptr<Responder> responder, IoThread& thread) {
  // seg: {flow, "triggers", trigger, "invoke", rest...} or {flow, "runs", id}
  if (seg.size() >= 4 && json::EqualsIgnoreCase(seg[1], "triggers") && json::EqualsIgnoreCase(seg[3], "invoke")) {
    return Invoke(std::move(req), seg, std::move(responder), thread);
  }
  if (seg.size() == 3 && json::EqualsIgnoreCase(seg[1], "runs")) return Poll(std::move(req), seg, std::move(responder));
  if (seg.size() == 5 && json::EqualsIgnoreCase(seg[1], "runs") && json::EqualsIgnoreCase(seg[3], "callbacks")) {
    return Callback(std::move(req), seg, std::move(responder));
  }
  Fail(*responder, 404, "NotFound", "no such endpoint: trigger URLs look like /api/{flow}/triggers/{trigger}/invoke");
}

void TriggerEndpoint::Invoke(HttpRequest&& req, const std::vector<std::string_view>& seg,
                             std::shared_ptr<Responder> responder, IoThread& thread) {
  auto flow_name = DecodeSegment(seg[0]);
  auto trigger_name = DecodeSegment(seg[2]);
  auto flow = flow_name ? flows_.Find(flow_name.value()) : nullptr;
  if (!flow) return Fail(*responder, 404, "FlowNotFound", "no flow named '" + (flow_name ? flow_name.value() : "") + "'");
  const TriggerSettings* trigger = trigger_name ? flow->FindTrigger(trigger_name.value()) : nullptr;
  // An HttpWebhook trigger's URL is the same kind of URL, handed to its service (webhook_triggers.h).
  if (!trigger || (trigger->type != flow::TriggerType::kRequest && trigger->type != flow::TriggerType::kHttpWebhook)) {
    return Fail(*responder, 404, "TriggerNotFound",
                "the flow '" + flow->name + "' has no Request or HttpWebhook trigger named '" +
                    (trigger_name ? trigger_name.value() : "") + "'");
  }
  auto query = ParseQuery(req.query);
  if (!query) return Fail(*responder, 400, "InvalidQuery", query.error().message);
  const std::string* sp = FindParam(query.value(), "sp");
  const std::string* sv = FindParam(query.value(), "sv");
  const std::string* sig = FindParam(query.value(), "sig");
  std::string expected_sp = CallbackSp(trigger->name);
  bool signed_ok = sp && sv && sig && json::EqualsIgnoreCase(*sp, expected_sp);
  if (signed_ok && *sp == expected_sp && *sv == kCallbackSv) {
    // The URL listCallbackUrl handed out: its signature was computed when the flow was deployed.
    signed_ok = SameSignature(*sig, trigger->callback_sig_primary) ||
                SameSignature(*sig, trigger->callback_sig_secondary);
  } else if (signed_ok) {
    std::string text = SignedText(flow->name, trigger->name, *sp, *sv);
    signed_ok = flow->primary->Verify(text, *sig) || flow->secondary->Verify(text, *sig);
  }
  if (!signed_ok) {
    metrics_.Increment(thread.index(), Series("runnel_trigger_events_total",
                                              {{"flow", flow->name}, {"trigger", trigger->name}, {"outcome", "Unauthorized"}}));
    return Fail(*responder, 401, "Unauthorized", "the request is not signed with a valid key for this trigger");
  }
  if (!flow->enabled) {
    return Fail(*responder, 409, "FlowDisabled", "the flow '" + flow->name + "' is disabled; enable it to accept requests");
  }
  if (!trigger->method.empty() && !json::EqualsIgnoreCase(req.method, trigger->method)) {
    HttpResponse r = HttpResponse::Error(405, "MethodNotAllowed",
                                         "the trigger '" + trigger->name + "' accepts " + trigger->method + " requests");
    r.headers.emplace_back("Allow", trigger->method);
    return responder->Send(std::move(r));
  }
  // relativePath: literal segments match case-insensitively, {name} segments are captured.
  bj::object path_params;
  size_t rest = seg.size() - 4;
  if (rest != trigger->relative_path.size()) {
    return Fail(*responder, 404, "PathNotFound",
                rest == 0 ? "this trigger expects a relative path after /invoke"
                          : "this trigger does not accept the relative path given");
  }
  for (size_t i = 0; i < rest; ++i) {
    const std::string& pattern = trigger->relative_path[i];
    auto value = DecodeSegment(seg[4 + i]);
    if (!value) return Fail(*responder, 400, "InvalidPath", value.error().message);
    if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
      path_params[pattern.substr(1, pattern.size() - 2)] = value.value();
    } else if (!json::EqualsIgnoreCase(pattern, value.value())) {
      return Fail(*responder, 404, "PathNotFound", "this trigger does not accept the relative path given");
    }
  }
  if (trigger->validate_schema) {
    const std::string* type = req.Header("Content-Type");
    if (!req.body.empty() && (!type || !IsJsonType(*type))) {
      return Fail(*responder, 415, "UnsupportedMediaType",
                  "this trigger validates its body against a JSON schema: send Content-Type: application/json");
    }
  }
  auto body = BodyValue(req);
  if (!body) return Fail(*responder, 400, body.error().code, body.error().message);
  if (trigger->validate_schema) {
    auto checked = engine::ValidateJsonSchema(body.value(), *trigger->schema, 20);
    if (!checked) return Fail(*responder, 500, "InvalidSchema", "the trigger's schema cannot be applied: " + checked.error().message);
    if (!checked.value().violations.empty()) {
      std::string message = "the request body does not match the trigger's schema:";
      for (const auto& v : checked.value().violations) message += " " + v.path + ": " + v.message + ";";
      return Fail(*responder, 400, "InvalidRequestContent", message);
    }
  }
  bj::object headers(req.headers.size());
  for (const auto& [k, v] : req.headers) {
    // Authorization stays out of the run history unless the trigger asks for it (§3.7).
    if (json::EqualsIgnoreCase(k, "Authorization") &&
        trigger->trigger->operation_options.find("IncludeAuthorizationHeadersInOutputs") == std::string::npos) {
      continue;
    }
    headers[k] = v;
  }
  bj::object queries;
  for (const auto& [k, v] : query.value()) {
    if (!json::EqualsIgnoreCase(k, "sig") && !json::EqualsIgnoreCase(k, "sp") && !json::EqualsIgnoreCase(k, "sv")) {
      queries[k] = v;
    }
  }
  bj::object outputs({{"headers", std::move(headers)}, {"body", std::move(body.value())}}, /*min_capacity=*/4);
  if (!queries.empty()) outputs["queries"] = std::move(queries);
  if (!path_params.empty()) outputs["relativePathParameters"] = std::move(path_params);

  auto firing = engine::FireTrigger(flow->plan->definition(), trigger->trigger, std::move(outputs),
                                    thread.clock().NowMicros(), {});
  if (!firing) return Fail(*responder, 400, firing.error().code, firing.error().message);
  if (!firing.value().fired) {
    RecordSkip(*flow, trigger->name, firing.value().skip_reason, thread);
    return responder->Send(HttpResponse::Json(
        202, json::Serialize(bj::object{{"fired", false}, {"reason", firing.value().skip_reason}})));
  }
  RunRequest run;
  run.flow = std::move(flow);
  run.trigger = trigger;
  run.thread = &thread;
  runs_.StartFromRequest(std::move(run), std::move(firing.value().records), std::move(responder));
}

void TriggerEndpoint::Poll(HttpRequest&& req, const std::vector<std::string_view>& seg,
                           std::shared_ptr<Responder> responder) {
  auto flow_name = DecodeSegment(seg[0]);
  auto run_id = DecodeSegment(seg[2]);
  auto flow = flow_name ? flows_.Find(flow_name.value()) : nullptr;
  if (!flow || !run_id) return Fail(*responder, 404, "FlowNotFound", "no such flow");
  auto query = ParseQuery(req.query);
  const std::string* sig = query ? FindParam(query.value(), "sig") : nullptr;
  std::string text = flow->name + "/runs/" + run_id.value();
  if (!sig || !(flow->primary->Verify(text, *sig) || flow->secondary->Verify(text, *sig))) {
    return Fail(*responder, 401, "Unauthorized", "the status URL is not signed with a valid key");
  }
  runs_.Poll(flow->name, run_id.value(), std::move(responder));
}

void TriggerEndpoint::Callback(HttpRequest&& req, const std::vector<std::string_view>& seg,
                               std::shared_ptr<Responder> responder) {
  auto flow_name = DecodeSegment(seg[0]);
  auto run_id = DecodeSegment(seg[2]);
  auto key = DecodeSegment(seg[4]);
  auto flow = flow_name ? flows_.Find(flow_name.value()) : nullptr;
  if (!flow || !run_id || !key) return Fail(*responder, 404, "FlowNotFound", "no such flow");
  auto query = ParseQuery(req.query);
  const std::string* sig = query ? FindParam(query.value(), "sig") : nullptr;
  std::string text = WebhookCallbackRegistry::SignedText(flow->name, run_id.value(), key.value());
  if (!sig || !(flow->primary->Verify(text, *sig) || flow->secondary->Verify(text, *sig))) {
    return Fail(*responder, 401, "Unauthorized", "the callback URL is not signed with a valid key");
  }
  if (req.method != "POST") {
    HttpResponse r = HttpResponse::Error(405, "MethodNotAllowed", "webhook callbacks are POST requests");
    r.headers.emplace_back("Allow", "POST");
    return responder->Send(std::move(r));
  }
  auto body = BodyValue(req);
  if (!body) return Fail(*responder, 400, body.error().code, body.error().message);
  bj::object headers;
  for (const auto& [k, v] : req.headers) {
    if (!json::EqualsIgnoreCase(k, "Authorization")) headers[k] = v;  // as for triggers (§3.7)
  }
  bj::object outputs{{"headers", std::move(headers)}, {"body", std::move(body.value())}};
  bj::object queries;
  for (const auto& [k, v] : query.value()) {
    if (!json::EqualsIgnoreCase(k, "sig") && !json::EqualsIgnoreCase(k, "sv")) queries[k] = v;
  }
  if (!queries.empty()) outputs["queries"] = std::move(queries);

  connectors::WebhookCallback callback;
  callback.outputs = std::move(outputs);
  callback.answer = [answer = std::make_shared<CallbackAnswer>(responder)](int status) { answer->Send(status); };
  if (callbacks_.Deliver(run_id.value(), key.value(), callback)) return;
  if (runs_.InFlight(run_id.value())) {
    // A run resumed after a restart waits again once its action runs again: moments, usually.
    HttpResponse r = HttpResponse::Error(503, "ActionNotWaiting",
                                         "the action '" + key.value() + "' of run " + run_id.value() +
                                             " is not waiting for its callback yet; call again");
    r.headers.emplace_back("Retry-After", "1");
    return responder->Send(std::move(r));
  }
  Fail(*responder, 404, "NoActionWaiting",
       "no action waits for this callback: the run " + run_id.value() +
           " has finished, was cancelled, or the action already received its callback");
}

void TriggerEndpoint::RecordSkip(const DeployedFlow& flow, const std::string& trigger, const std::string& reason,
                                 IoThread& thread) {
  metrics_.Increment(static_cast<size_t>(thread.index()), Series("runnel_trigger_events_total",
                                   {{"flow", flow.name}, {"trigger", trigger}, {"outcome", "Skipped"}}));
  store::TriggerEvent e;
  e.flow = flow.name;
  e.trigger = trigger;
  e.time_micros = thread.clock().NowMicros();
  e.outcome = "Skipped";
  e.reason = reason;
  store_.Write([e](store::Transaction& tx) { return tx.AddTriggerEvent(e); }, nullptr);
}

}  // namespace runnel::server

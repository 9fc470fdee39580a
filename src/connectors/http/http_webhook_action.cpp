#include "connectors/http/http_webhook_action.h"

#include "connectors/http/http_exchange.h"
#include "connectors/http/http_request_builder.h"
#include "connectors/http/http_response_reader.h"
#include "connectors/http/send_once.h"
#include "connectors/http/status_codes.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

// inputs.<part> evaluated. Parts are evaluated separately because unsubscribe may read the
// subscribe answer through action(), which only exists once the subscribe was sent.
Result<bj::value> EvaluatePart(engine::ActionCall& call, std::string_view part,
                               const bj::value* current_action = nullptr) {
  const expr::CompiledValue& inputs = call.action().inputs;
  if (const expr::CompiledValue* compiled = inputs.Member(part)) {
    return call.Evaluate(*compiled, nullptr, current_action);
  }
  bj::value whole;
  if (inputs.is_constant()) {
    whole = inputs.source();
  } else {  // inputs is one expression
    RUNNEL_TRY(v, call.Evaluate(inputs, nullptr, current_action));
    whole = std::move(v);
  }
  const bj::value* member = whole.is_object() ? json::FindMember(whole.get_object(), part) : nullptr;
  return member ? *member : bj::value(nullptr);
}

// One execution. Lives while its subscribe is in flight or its wait is registered; every method
// runs on the run's scheduler thread.
class Subscription final : public std::enable_shared_from_this<Subscription> {
 public:
  Subscription(std::shared_ptr<engine::ActionCall> call, std::shared_ptr<HttpClient> client,
               std::shared_ptr<WebhookCallbacks> callbacks, std::shared_ptr<const HttpActionOptions> options)
      : call_(std::move(call)),
        client_(std::move(client)),
        callbacks_(std::move(callbacks)),
        options_(std::move(options)),
        run_id_(call_->run().run_id()),
        key_(call_->key()) {}

  void Start() {
    auto url = callbacks_->Url(call_->run().flow_name(), run_id_, key_);
    if (!url) return call_->Complete(engine::ActionResult::Failed(url.error()));
    call_->SetCallbackUrl(url.value());
    auto subscribe = EvaluatePart(*call_, "subscribe");
    if (!subscribe) return call_->Complete(engine::ActionResult::Failed(subscribe.error()));
    call_->SetRecordedInputs(bj::object{{"subscribe", SanitizeInputs(subscribe.value())}});

    // The registered wait holds this object until the callback comes or the wait is forgotten
    // (so a server shutting down frees it with its registry).
    auto self = shared_from_this();
    engine::Scheduler* scheduler = &call_->scheduler();
    callbacks_->Await(run_id_, key_, [self, scheduler](WebhookCallback callback) {
      scheduler->Post([self, callback = std::move(callback)]() mutable { self->OnCallback(std::move(callback)); });
    });
    std::weak_ptr<Subscription> weak = self;
    call_->OnCancel([weak] {
      if (auto s = weak.lock()) s->OnAbandoned();
    });
    SendHttpInputs(call_, client_, options_, subscribe.value(), WorkflowRequestExtras(*call_, *options_),
                   [self](Result<HttpResponse> response, int attempts) {
                     self->OnSubscribed(std::move(response), attempts);
                   });
  }

 private:
  void OnSubscribed(Result<HttpResponse> response, int attempts) {
    attempts_ = attempts;
    if (completed_ || call_->cancelled()) return;  // the callback came first
    if (!response) return Fail(response.error());
    ResponseOutputs read = ReadResponse(response.value());
    subscribe_answer_ = std::move(read.outputs);
    int status = response.value().status;
    if (status < 200 || status > 299) {
      engine::ActionResult r = engine::ActionResult::Failed(
          Error(std::string(StatusName(status)),
                "the subscribe request failed with status " + std::to_string(status) + " (" +
                    std::string(StatusPhrase(status)) + "); the service did not accept the callback URL"),
          bj::object{{"subscribe", subscribe_answer_}});
      r.code = StatusName(status);
      return Fail(std::move(r));
    }
  }

  void OnCallback(WebhookCallback callback) {
    if (completed_ || call_->cancelled()) return callback.answer(404);
    completed_ = true;
    engine::ActionResult r = engine::ActionResult::Succeeded(std::move(callback.outputs));
    r.attempts = attempts_;
    r.on_recorded = [answer = std::move(callback.answer)] { answer(200); };
    call_->Complete(std::move(r));
  }

  void Fail(Error error) { Fail(engine::ActionResult::Failed(std::move(error))); }
  void Fail(engine::ActionResult r) {
    completed_ = true;
    callbacks_->Forget(run_id_, key_);
    r.attempts = attempts_;
    call_->Complete(std::move(r));
  }

  // Cancelled or timed out while waiting: stop waiting, and tell the service.
  void OnAbandoned() {
    if (completed_) return;
    callbacks_->Forget(run_id_, key_);
    completed_ = true;
    bj::value current{{"name", call_->action().name}, {"outputs", subscribe_answer_}};
    auto unsubscribe = EvaluatePart(*call_, "unsubscribe", &current);
    if (!unsubscribe || unsubscribe.value().is_null()) return;
    AcceptUrlAsUri(unsubscribe.value());
    // Nobody waits for the answer: the action has ended.
    SendOnce(client_, options_, unsubscribe.value(), WorkflowRequestExtras(*call_, *options_),
             call_->scheduler().clock().NowMicros(), [](Result<HttpResponse>) {});
  }

  std::shared_ptr<engine::ActionCall> call_;
  std::shared_ptr<HttpClient> client_;
  std::shared_ptr<WebhookCallbacks> callbacks_;
  std::shared_ptr<const HttpActionOptions> options_;
  std::string run_id_;
  std::string key_;
  bj::value subscribe_answer_;             // {statusCode, headers, body} once answered
  int attempts_ = 1;
  bool completed_ = false;
};

}  // namespace

void AcceptUrlAsUri(bj::value& request) {
  if (!request.is_object()) return;
  bj::object& o = request.get_object();
  if (json::FindMember(o, "uri")) return;
  if (const bj::value* url = json::FindMember(o, "url")) {
    bj::value copy = *url;
    o["uri"] = std::move(copy);
  }
}

HttpWebhookActionHandler::HttpWebhookActionHandler(std::shared_ptr<HttpClient> client,
                                                   std::shared_ptr<WebhookCallbacks> callbacks,
                                                   HttpActionOptions options)
    : client_(std::move(client)),
      callbacks_(std::move(callbacks)),
      options_(PrepareHttpActionOptions(std::move(options))) {}

void HttpWebhookActionHandler::Execute(std::shared_ptr<engine::ActionCall> call) {
  if (!callbacks_) {
    return call->Complete(engine::ActionResult::Failed(
        Error("CallbacksUnavailable",
              "HttpWebhook '" + call->action().name +
                  "' waits for a callback, which only `runnel serve` can receive; to test the flow "
                  "locally, give the action's result with --mock")));
  }
  std::make_shared<Subscription>(std::move(call), client_, callbacks_, options_)->Start();
}

}  // namespace runnel::connectors

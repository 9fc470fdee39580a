#include "connectors/http/http_action.h"

#include <boost/json/value.hpp>
#include <algorithm>
#include <optional>

#include "connectors/http/follow_up_request.h"
#include "connectors/http/http_exchange.h"
#include "connectors/http/http_response_reader.h"
#include "connectors/http/pagination.h"
#include "connectors/http/retry_policy.h"
#include "connectors/http/status_codes.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

// Bounds any single wait so now + wait cannot overflow; 90 days is the longest a run may last.
constexpr int64_t kMaxWaitMicros = 90LL * 86'400 * 1'000'000;

bool IsSuccess(int status) { return status >= 200 && status <= 299; }

std::string StatusText(int status) {
  return std::to_string(status) + " (" + std::string(StatusPhrase(status)) + ")";
}

// One execution of one Http action after its request was prepared: the request, its 202 polls,
// its pages. Lives (through shared_ptrs held by its pending send or timer) until the action
// completes; every method runs on the run's scheduler thread.
class Operation final : public std::enable_shared_from_this<Operation> {
 public:
  Operation(std::shared_ptr<HttpExchange> exchange, PreparedHttpRequest prepared, bool async_pattern,
            std::optional<PaginationPolicy> pagination)
      : exchange_(std::move(exchange)),
        call_(exchange_->call_ptr()),
        options_(&exchange_->options()),
        original_(std::move(prepared.request)),
        policy_(prepared.policy),
        async_pattern_(async_pattern),
        pagination_(pagination) {}

  void Start() { Send(original_); }

 private:
  int64_t Now() { return call_->scheduler().clock().NowMicros(); }

  // Sends `request` (with the policy's retries) and goes on in OnResult.
  void Send(HttpRequest request) {
    current_url_ = request.url;
    auto self = shared_from_this();
    exchange_->Send(std::move(request), policy_, [self](Result<HttpResponse> result, int retries) {
      self->total_retries_ += retries;
      self->pages_ ? self->OnPage(std::move(result)) : self->OnResult(std::move(result));
    });
  }

  // Sends `request` after `wait` unless the action was cancelled meanwhile.
  void SendAfter(int64_t wait, HttpRequest request) {
    auto self = shared_from_this();
    call_->scheduler().PostAt(Now() + std::clamp<int64_t>(wait, 0, kMaxWaitMicros),
                              [self, request = std::move(request)]() mutable {
                                if (!self->call_->cancelled()) self->Send(std::move(request));
                              });
  }

  void OnResult(Result<HttpResponse> result) {
    if (!result) return FailTransport(result.error());
    HttpResponse& response = result.value();
    if (response.status == 202 && async_pattern_) {
      if (const std::string* location = FindHeader(response.headers, "Location")) {
        return Poll(response, *location);
      }
    }
    Finish(response);
  }

  // A 202 with Location: GET it after Retry-After (or the default interval). Each poll gets the
  // policy's retries afresh.
  void Poll(const HttpResponse& accepted, const std::string& location) {
    auto next = ResolveHttpUrl(current_url_, location);
    if (!next) {
      return Complete(engine::ActionResult::Failed(
          Error("InvalidLocation", "the 202 response's Location '" + location +
                                       "' is not an http or https URL; set operationOptions to "
                                       "DisableAsyncPattern to take the 202 as the result")));
    }
    int64_t wait = options_->default_poll_interval_micros;
    if (const std::string* ra = FindHeader(accepted.headers, "Retry-After")) {
      wait = ParseRetryAfter(*ra, Now()).value_or(wait);
    }
    SendAfter(wait, FollowUpRequest(original_, *next, FollowUpKind::kPoll));
  }

  // The final response of the request (after polling): the result, or the first page.
  void Finish(const HttpResponse& response) {
    ResponseOutputs read = ReadResponse(response);
    if (IsSuccess(response.status) && !read.body_error && pagination_) {
      if (bj::value* body = read.outputs.as_object().if_contains("body")) {
        PageCollector pages(*pagination_, {options_->max_pagination_pages, options_->max_paginated_body_bytes});
        if (pages.Begin(*body, current_url_, response.body.size())) {
          pages_.emplace(std::move(pages));
          first_outputs_ = std::move(read.outputs);
          first_status_ = response.status;
          return NextPage();
        }
      }
    }
    Complete(ResultOf(response.status, std::move(read)));
  }

  // Fetches the next page, or completes with every page collected.
  void NextPage() {
    auto next = pages_->Next();
    if (!next) return Complete(Failure(next.error()));
    if (!next.value()) {
      first_outputs_.as_object()["body"] = pages_->Finish();
      return Complete(ResultOf(first_status_, ResponseOutputs{std::move(first_outputs_), std::nullopt}));
    }
    Send(FollowUpRequest(original_, *next.value(), FollowUpKind::kPage));
  }

  void OnPage(Result<HttpResponse> result) {
    if (!result) return FailTransport(result.error());
    const HttpResponse& response = result.value();
    ResponseOutputs read = ReadResponse(response);
    if (!IsSuccess(response.status)) {
      engine::ActionResult r = ResultOf(response.status, std::move(read));
      r.error->message = "Page " + std::to_string(pages_->pages() + 1) + " of the response (GET " + current_url_ +
                         ") failed with status " + StatusText(response.status);
      return Complete(std::move(r));
    }
    if (read.body_error) return Complete(ResultOf(response.status, std::move(read)));
    const bj::value* body = read.outputs.as_object().if_contains("body");
    if (auto added = pages_->Add(body ? *body : bj::value(), response.body.size()); !added) {
      return Complete(Failure(added.error()));
    }
    NextPage();
  }

  // The record of a response: 2xx Succeeded; other statuses Failed with the status name as the
  // code; a JSON body that does not parse Failed (BadRequest, http_response_reader.h).
  static engine::ActionResult ResultOf(int status, ResponseOutputs read) {
    engine::ActionResult r = engine::ActionResult::Succeeded(std::move(read.outputs));
    r.code = StatusName(status);
    if (!IsSuccess(status)) {
      r.status = engine::Status::kFailed;
      r.error = Error(r.code, "The request failed with status " + StatusText(status));
    } else if (read.body_error) {
      r.status = engine::Status::kFailed;
      r.code = read.body_error->code;
      r.error = std::move(read.body_error);
    }
    return r;
  }

  static engine::ActionResult Failure(const Error& e) {
    engine::ActionResult r = engine::ActionResult::Failed(e);
    r.code = e.code;
    return r;
  }

  void FailTransport(const Error& e) { Complete(Failure(e)); }

  void Complete(engine::ActionResult r) {
    r.attempts = 1 + total_retries_;
    call_->Complete(std::move(r));
  }

  std::shared_ptr<HttpExchange> exchange_;
  std::shared_ptr<engine::ActionCall> call_;
  const HttpActionOptions* options_;  // owned by exchange_
  HttpRequest original_;              // the action's own request; polls and pages derive from it
  std::string current_url_;           // of the request last sent (relative links resolve against it)
  RetryPolicy policy_;
  bool async_pattern_;
  std::optional<PaginationPolicy> pagination_;
  std::optional<PageCollector> pages_;  // set once the first page arrived
  bj::value first_outputs_;             // the first page's outputs; body filled in at the end
  int first_status_ = 0;
  int total_retries_ = 0;  // of the whole execution, for ActionResult::attempts
};

}  // namespace

HttpActionHandler::HttpActionHandler(std::shared_ptr<HttpClient> client, HttpActionOptions options)
    : client_(std::move(client)), options_(PrepareHttpActionOptions(std::move(options))) {}

void HttpActionHandler::Execute(std::shared_ptr<engine::ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(engine::ActionResult::Failed(inputs.error()));
  call->SetRecordedInputs(SanitizeInputs(inputs.value()));

  const flow::Action& action = call->action();
  auto pagination = ParsePaginationPolicy(action.runtime_configuration, options_->max_pagination_items);
  if (!pagination) return call->Complete(engine::ActionResult::Failed(pagination.error()));

  RequestExtras extras = WorkflowRequestExtras(*call, *options_);
  bool async_pattern = !HasOperationOption(action.operation_options, "DisableAsyncPattern");
  auto exchange = HttpExchange::Create(call, client_, options_);
  PrepareHttpInputs(exchange, inputs.value(), extras,
                    [exchange, async_pattern, pagination = pagination.value()](Result<PreparedHttpRequest> prepared) {
                      if (!prepared) return exchange->call().Complete(engine::ActionResult::Failed(prepared.error()));
                      std::make_shared<Operation>(exchange, std::move(prepared.value()), async_pattern, pagination)
                          ->Start();
                    });
}

void RegisterHttpHandlers(engine::HandlerRegistry& registry, std::shared_ptr<HttpClient> client,
                          HttpActionOptions options) {
  registry.Register(flow::ActionType::kHttp,
                    std::make_shared<HttpActionHandler>(std::move(client), std::move(options)));
}

}  // namespace runnel::connectors

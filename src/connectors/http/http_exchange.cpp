// HttpExchange (one request at a time with its retries) and the preparation of Http-shaped
// inputs.
//
// Lifetimes: an HttpExchange lives through the shared_ptrs its pending client callback or
// timer (and its owner) hold; every method runs on the call's scheduler thread, so its state
// needs no lock.
#include "connectors/http/http_exchange.h"

#include <boost/json/value.hpp>
#include <algorithm>

#include "connectors/http/client_certificate.h"
#include "connectors/http/oauth_token.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

// Bounds any single wait so now + wait cannot overflow; 90 days is the longest a run may last.
constexpr int64_t kMaxWaitMicros = 90LL * 86'400 * 1'000'000;

// Delivers `value` to `done` from a task posted on the call's scheduler (so never re-entrantly),
// unless the call is cancelled by then.
template <class T>
void PostResult(const std::shared_ptr<engine::ActionCall>& call, std::function<void(T)> done, T value) {
  call->scheduler().Post([call, done = std::move(done), value = std::move(value)]() mutable {
    if (!call->cancelled()) done(std::move(value));
  });
}

}  // namespace

HttpExchange::HttpExchange(std::shared_ptr<engine::ActionCall> call, std::shared_ptr<HttpClient> client,
                           std::shared_ptr<const HttpActionOptions> options)
    : call_(std::move(call)), client_(std::move(client)), options_(std::move(options)) {}

std::shared_ptr<HttpExchange> HttpExchange::Create(std::shared_ptr<engine::ActionCall> call,
                                                   std::shared_ptr<HttpClient> client,
                                                   std::shared_ptr<const HttpActionOptions> options) {
  std::shared_ptr<HttpExchange> exchange(new HttpExchange(std::move(call), std::move(client), std::move(options)));
  std::weak_ptr<HttpExchange> weak = exchange;
  exchange->call_->OnCancel([weak] {
    if (auto self = weak.lock(); self && self->in_flight_) self->client_->Cancel(*self->in_flight_);
  });
  return exchange;
}

void HttpExchange::Send(HttpRequest request, const RetryPolicy& policy, Done done) {
  request_ = std::move(request);
  policy_ = policy;
  done_ = std::move(done);
  retries_ = 0;
  Attempt();
}

void HttpExchange::Attempt() {
  if (options_->begin_external) options_->begin_external();
  engine::Scheduler* scheduler = &call_->scheduler();
  // The callback hands its reference to the posted task, so the exchange (and the run it holds)
  // is released on the scheduler thread, never on the client's.
  auto self = shared_from_this();
  in_flight_ = client_->Send(request_, [self, scheduler](Result<HttpResponse> result) mutable {
    scheduler->Post([self = std::move(self), result = std::move(result)]() mutable {
      if (self->options_->end_external) self->options_->end_external();
      self->OnResult(std::move(result));
    });
  });
}

void HttpExchange::OnResult(Result<HttpResponse> result) {
  in_flight_.reset();
  if (call_->cancelled()) return Abandon();  // limit.timeout, Terminate or run cancel came first
  if (!result) {
    if (IsRetryableTransportError(result.error().code) && Retry(std::nullopt)) return;
  } else if (IsRetryableStatus(result.value().status)) {
    const HttpResponse& response = result.value();
    std::optional<int64_t> retry_after;
    if (response.status == 429 || response.status == 503) {
      if (const std::string* ra = FindHeader(response.headers, "Retry-After")) {
        retry_after = ParseRetryAfter(*ra, call_->scheduler().clock().NowMicros());
      }
    }
    if (Retry(retry_after)) return;
  }
  // done_ may start the next Send() of this exchange: move it out first.
  Done done = std::move(done_);
  done_ = nullptr;
  done(std::move(result), retries_);
}

bool HttpExchange::Retry(std::optional<int64_t> retry_after) {
  if (policy_.type == RetryType::kNone || retries_ >= policy_.count) return false;
  ++retries_;
  int64_t wait = retry_after ? *retry_after : RetryWaitMicros(policy_, retries_, options_->random_unit());
  auto self = shared_from_this();
  int64_t due = call_->scheduler().clock().NowMicros() + std::clamp<int64_t>(wait, 0, kMaxWaitMicros);
  call_->scheduler().PostAt(due, [self] {
    self->call_->cancelled() ? self->Abandon() : self->Attempt();
  });
  return true;
}

void HttpExchange::Abandon() {
  // done_ may hold the exchange's owner, which holds the exchange: drop it to break the cycle.
  done_ = nullptr;
}

namespace {

// Adds "Authorization: Bearer <token>" to `prepared`, with a token from the options' cache or,
// on a miss, from the token endpoint (sent through `exchange` with the request's retry policy).
void AddBearerToken(std::shared_ptr<HttpExchange> exchange, OAuthSettings settings, PreparedHttpRequest prepared,
                    std::function<void(Result<PreparedHttpRequest>)> done) {
  const HttpActionOptions& options = exchange->options();
  const std::shared_ptr<engine::ActionCall>& call = exchange->call_ptr();
  int64_t now = call->scheduler().clock().NowMicros();
  std::string key = settings.CacheKey();
  if (auto token = options.token_cache->Find(key, now)) {
    prepared.request.headers.push_back({"Authorization", "Bearer " + *token});
    return PostResult(call, std::move(done), Result<PreparedHttpRequest>(std::move(prepared)));
  }
  std::string assertion;
  if (settings.certificate) {
    auto signed_assertion =
        SignClientAssertion(*settings.certificate, settings.client_id, settings.TokenUrl(), NewJwtId(), now);
    if (!signed_assertion) {
      return PostResult(call, std::move(done), Result<PreparedHttpRequest>(signed_assertion.error()));
    }
    assertion = std::move(signed_assertion).value();
  }
  HttpRequest token_request =
      OAuthTokenRequest(settings, assertion, options.request_timeout_micros, options.user_agent);
  struct Pending {
    OAuthSettings settings;
    std::string key;
    PreparedHttpRequest prepared;
    std::function<void(Result<PreparedHttpRequest>)> done;
  };
  auto pending = std::make_shared<Pending>(Pending{std::move(settings), std::move(key), std::move(prepared),
                                                   std::move(done)});
  RetryPolicy policy = pending->prepared.policy;
  exchange->Send(std::move(token_request), policy, [exchange, pending](Result<HttpResponse> response, int) {
    auto token = ReadOAuthTokenResponse(pending->settings, response);
    if (!token) return pending->done(token.error());
    const HttpActionOptions& options = exchange->options();
    int64_t now = exchange->call().scheduler().clock().NowMicros();
    if (token.value().expires_in_seconds) {
      int64_t refresh_at = now + *token.value().expires_in_seconds * 1'000'000 - options.token_refresh_margin_micros;
      if (refresh_at > now) options.token_cache->Store(pending->key, token.value().access_token, refresh_at, now);
    }
    pending->prepared.request.headers.push_back({"Authorization", "Bearer " + token.value().access_token});
    pending->done(std::move(pending->prepared));
  });
}

}  // namespace

void PrepareHttpInputs(std::shared_ptr<HttpExchange> exchange, const bj::value& inputs, const RequestExtras& extras,
                       std::function<void(Result<PreparedHttpRequest>)> done) {
  std::optional<OAuthSettings> oauth;
  auto prepared = [&]() -> Result<PreparedHttpRequest> {
    RUNNEL_TRY(request, BuildHttpRequest(inputs, extras, &oauth));
    const bj::value* policy_input = inputs.is_object() ? json::FindMember(inputs.get_object(), "retryPolicy") : nullptr;
    RUNNEL_TRY(policy, ParseRetryPolicy(policy_input));
    return PreparedHttpRequest{std::move(request), policy};
  }();
  if (prepared && oauth) {
    return AddBearerToken(std::move(exchange), std::move(*oauth), std::move(prepared).value(), std::move(done));
  }
  PostResult(exchange->call_ptr(), std::move(done), std::move(prepared));
}

RequestExtras WorkflowRequestExtras(engine::ActionCall& call, const HttpActionOptions& options) {
  RequestExtras extras;
  extras.timeout_micros = options.request_timeout_micros;
  extras.max_uri_length = options.max_uri_length;
  const flow::Action& action = call.action();
  if (!HasOperationOption(action.operation_options, "SuppressWorkflowHeaders")) {
    engine::RunServices& run = call.run();
    extras.default_headers = {{"x-ms-workflow-name", run.flow_name()},
                              {"x-ms-workflow-run-id", run.run_id()},
                              {"x-ms-workflow-operation-name", action.name},
                              {"x-ms-client-tracking-id", run.client_tracking_id()}};
  }
  if (!options.user_agent.empty()) extras.default_headers.push_back({"User-Agent", options.user_agent});
  return extras;
}

bool HasOperationOption(std::string_view options, std::string_view name) {
  while (!options.empty()) {
    size_t comma = options.find(',');
    std::string_view item = options.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (json::EqualsIgnoreCase(item, name)) return true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  return false;
}

void SendHttpInputs(std::shared_ptr<engine::ActionCall> call, std::shared_ptr<HttpClient> client,
                    std::shared_ptr<const HttpActionOptions> options, const bj::value& inputs,
                    const RequestExtras& extras,
                    std::function<void(Result<HttpResponse> response, int attempts)> done) {
  auto exchange = HttpExchange::Create(std::move(call), std::move(client), std::move(options));
  auto on_prepared = [exchange, done = std::move(done)](Result<PreparedHttpRequest> prepared) mutable {
    if (!prepared) return done(std::move(prepared).error(), 0);
    exchange->Send(std::move(prepared.value().request), prepared.value().policy,
                   [done = std::move(done)](Result<HttpResponse> response, int retries) {
                     done(std::move(response), 1 + retries);
                   });
  };
  PrepareHttpInputs(exchange, inputs, extras, std::move(on_prepared));
}

}  // namespace runnel::connectors

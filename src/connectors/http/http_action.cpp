#include "connectors/http/http_action.h"

#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <mutex>
#include <random>

#include "connectors/http/http_response_reader.h"
#include "connectors/http/retry_policy.h"
#include "connectors/http/status_codes.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

// Bounds any single wait so now + wait cannot overflow; 90 days is the longest a run may last.
constexpr int64_t kMaxWaitMicros = 90LL * 86'400 * 1'000'000;

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

// The absolute URL a 202's Location points to, resolved against the request's URL.
std::optional<boost::urls::url> ResolveLocation(const std::string& base, const std::string& location) {
  auto b = boost::urls::parse_uri(base);
  auto ref = boost::urls::parse_uri_reference(location);
  if (!b || !ref) return std::nullopt;
  boost::urls::url out(*b);
  if (!out.resolve(*ref)) return std::nullopt;
  std::string_view scheme = out.scheme();
  if (!json::EqualsIgnoreCase(scheme, "http") && !json::EqualsIgnoreCase(scheme, "https")) return std::nullopt;
  return out;
}

bool SameOrigin(const std::string& a, const boost::urls::url& b) {
  auto pa = boost::urls::parse_uri(a);
  return pa && json::EqualsIgnoreCase(pa->scheme(), b.scheme()) &&
         json::EqualsIgnoreCase(pa->encoded_host(), b.encoded_host()) && pa->port_number() == b.port_number();
}

std::function<double()> DefaultRandom() {
  struct Source {
    std::mutex mu;
    std::mt19937_64 engine{std::random_device{}()};
  };
  auto source = std::make_shared<Source>();
  return [source] {
    std::lock_guard<std::mutex> lock(source->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(source->engine);
  };
}

// One execution of one Http action. Lives (through shared_ptrs held by its pending callback or
// timer) until the action completes; every method runs on the run's scheduler thread.
class Operation final : public std::enable_shared_from_this<Operation> {
 public:
  Operation(std::shared_ptr<engine::ActionCall> call, std::shared_ptr<HttpClient> client,
            std::shared_ptr<const HttpActionOptions> options, HttpRequest request, RetryPolicy policy,
            bool async_pattern)
      : call_(std::move(call)),
        client_(std::move(client)),
        options_(std::move(options)),
        request_(std::move(request)),
        original_url_(request_.url),
        policy_(policy),
        async_pattern_(async_pattern) {}

  void Start() {
    std::weak_ptr<Operation> weak = weak_from_this();
    call_->OnCancel([weak] {
      if (auto self = weak.lock(); self && self->in_flight_) self->client_->Cancel(*self->in_flight_);
    });
    Send();
  }

 private:
  int64_t Now() { return call_->scheduler().clock().NowMicros(); }

  void Send() {
    if (options_->begin_external) options_->begin_external();
    engine::Scheduler* scheduler = &call_->scheduler();
    // The callback hands its reference to the posted task, so the operation (and the run it
    // holds) is released on the scheduler thread, never on the client's.
    auto self = shared_from_this();
    in_flight_ = client_->Send(request_, [self, scheduler](Result<HttpResponse> result) mutable {
      scheduler->Post([self = std::move(self), result = std::move(result)]() mutable {
        if (self->options_->end_external) self->options_->end_external();
        self->OnResult(std::move(result));
      });
    });
  }

  // Sends request_ again after `wait` unless the action was cancelled meanwhile.
  void SendAfter(int64_t wait) {
    auto self = shared_from_this();
    call_->scheduler().PostAt(Now() + std::clamp<int64_t>(wait, 0, kMaxWaitMicros), [self] {
      if (!self->call_->cancelled()) self->Send();
    });
  }

  void OnResult(Result<HttpResponse> result) {
    in_flight_.reset();
    if (call_->cancelled()) return;  // limit.timeout, Terminate or run cancel came first
    if (!result) {
      const Error& e = result.error();
      if (IsRetryableTransportError(e.code) && Retry(std::nullopt)) return;
      engine::ActionResult r = engine::ActionResult::Failed(e);
      r.code = e.code;
      return Complete(std::move(r));
    }
    HttpResponse& response = result.value();
    if (response.status == 202 && async_pattern_) {
      if (const std::string* location = FindHeader(response.headers, "Location")) {
        return Poll(response, *location);
      }
    }
    if (IsRetryableStatus(response.status)) {
      std::optional<int64_t> retry_after;
      if (response.status == 429 || response.status == 503) {
        if (const std::string* ra = FindHeader(response.headers, "Retry-After")) {
          retry_after = ParseRetryAfter(*ra, Now());
        }
      }
      if (Retry(retry_after)) return;
    }
    Finish(response);
  }

  // Schedules the next attempt of the same request if the policy has retries left.
  bool Retry(std::optional<int64_t> retry_after) {
    if (policy_.type == RetryType::kNone || retries_ >= policy_.count) return false;
    ++retries_;
    ++total_retries_;
    int64_t wait = retry_after ? *retry_after
                               : RetryWaitMicros(policy_, retries_, options_->random_unit());
    SendAfter(wait);
    return true;
  }

  void Poll(const HttpResponse& accepted, const std::string& location) {
    auto next = ResolveLocation(request_.url, location);
    if (!next) {
      return Complete(engine::ActionResult::Failed(
          Error("InvalidLocation", "the 202 response's Location '" + location +
                                       "' is not an http or https URL; set operationOptions to "
                                       "DisableAsyncPattern to take the 202 as the result")));
    }
    HttpRequest poll;
    poll.method = "GET";
    poll.url = std::string(next->buffer());
    poll.timeout_micros = request_.timeout_micros;
    poll.follow_redirects = request_.follow_redirects;
    bool same_origin = SameOrigin(original_url_, *next);
    for (const HttpHeader& h : request_.headers) {
      bool keep = json::EqualsIgnoreCase(h.name, "Authorization") ? same_origin
                                                                   : h.name.starts_with("x-ms-") ||
                                                                         json::EqualsIgnoreCase(h.name, "User-Agent");
      if (keep) poll.headers.push_back(h);
    }
    request_ = std::move(poll);
    retries_ = 0;  // each poll gets the policy's retries afresh
    int64_t wait = options_->default_poll_interval_micros;
    if (const std::string* ra = FindHeader(accepted.headers, "Retry-After")) {
      wait = ParseRetryAfter(*ra, Now()).value_or(wait);
    }
    SendAfter(wait);
  }

  void Finish(const HttpResponse& response) {
    ResponseOutputs read = ReadResponse(response);
    engine::ActionResult r = engine::ActionResult::Succeeded(std::move(read.outputs));
    r.code = StatusName(response.status);
    if (response.status < 200 || response.status > 299) {
      r.status = engine::Status::kFailed;
      r.error = Error(r.code, "The request failed with status " + std::to_string(response.status) + " (" +
                                  std::string(StatusPhrase(response.status)) + ")");
    } else if (read.body_error) {
      r.status = engine::Status::kFailed;
      r.code = read.body_error->code;
      r.error = std::move(read.body_error);
    }
    Complete(std::move(r));
  }

  void Complete(engine::ActionResult r) {
    r.attempts = 1 + total_retries_;
    call_->Complete(std::move(r));
  }

  std::shared_ptr<engine::ActionCall> call_;
  std::shared_ptr<HttpClient> client_;
  std::shared_ptr<const HttpActionOptions> options_;
  HttpRequest request_;  // what the next attempt sends: the action's request, then the poll
  std::string original_url_;
  RetryPolicy policy_;
  bool async_pattern_;
  std::optional<HttpRequestId> in_flight_;
  int retries_ = 0;        // of the current request (reset when polling starts)
  int total_retries_ = 0;  // of the whole execution, for ActionResult::attempts
};

}  // namespace

HttpActionHandler::HttpActionHandler(std::shared_ptr<HttpClient> client, HttpActionOptions options)
    : client_(std::move(client)) {
  if (!options.random_unit) options.random_unit = DefaultRandom();
  options_ = std::make_shared<const HttpActionOptions>(std::move(options));
}

void HttpActionHandler::Execute(std::shared_ptr<engine::ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(engine::ActionResult::Failed(inputs.error()));
  call->SetRecordedInputs(SanitizeInputs(inputs.value()));

  const flow::Action& action = call->action();
  RequestExtras extras;
  extras.timeout_micros = options_->request_timeout_micros;
  extras.max_uri_length = options_->max_uri_length;
  if (!HasOperationOption(action.operation_options, "SuppressWorkflowHeaders")) {
    engine::RunServices& run = call->run();
    extras.default_headers = {{"x-ms-workflow-name", run.flow_name()},
                              {"x-ms-workflow-run-id", run.run_id()},
                              {"x-ms-workflow-operation-name", action.name},
                              {"x-ms-client-tracking-id", run.client_tracking_id()}};
  }
  if (!options_->user_agent.empty()) extras.default_headers.push_back({"User-Agent", options_->user_agent});
  auto request = BuildHttpRequest(inputs.value(), extras);
  if (!request) return call->Complete(engine::ActionResult::Failed(request.error()));
  const bj::value* policy_input =
      inputs.value().is_object() ? json::FindMember(inputs.value().get_object(), "retryPolicy") : nullptr;
  auto policy = ParseRetryPolicy(policy_input);
  if (!policy) return call->Complete(engine::ActionResult::Failed(policy.error()));

  bool async_pattern = !HasOperationOption(action.operation_options, "DisableAsyncPattern");
  auto op = std::make_shared<Operation>(call, client_, options_, std::move(request.value()), policy.value(),
                                        async_pattern);
  op->Start();
}

void RegisterHttpHandlers(engine::HandlerRegistry& registry, std::shared_ptr<HttpClient> client,
                          HttpActionOptions options) {
  registry.Register(flow::ActionType::kHttp,
                    std::make_shared<HttpActionHandler>(std::move(client), std::move(options)));
}

}  // namespace runnel::connectors

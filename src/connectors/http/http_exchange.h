// Sending Http-shaped inputs: the part of the Http action (http_action.h) that other handlers
// reuse — HttpWebhook's subscribe and unsubscribe calls, for instance.
//
// "Http-shaped inputs" are an object {method, uri, headers, queries, body, authentication,
// retryPolicy, cookie} as the Http action takes them (http_request_builder.h). Sending them:
//   1. builds the request (invalid inputs fail before anything is sent);
//   2. resolves the authentication: Basic and Raw set Authorization; ClientCertificate attaches
//      the pfx to the TLS handshake; ActiveDirectoryOAuth gets an access token (from the options'
//      token cache, or from the token endpoint with the same retry policy) and sends it as
//      "Authorization: Bearer <token>";
//   3. sends it, retrying per retryPolicy (wdl-digest §8): 408, 429, 5xx and connection failures
//      or timeouts are retried while the policy allows, waiting the policy's interval or the
//      response's Retry-After on a 429 or 503. Other answers are final.
// What it does not do: follow a 202 Location, paginate, or read the response into outputs —
// those are the Http action's.
//
// Waits are PostAt() on the call's scheduler (virtual time in tests). When the call is cancelled
// (limit.timeout, Terminate, run cancel) the request in flight is aborted and no further retry
// is sent (one call->OnCancel hook per HttpExchange).
//
// Threading: call these on the call's scheduler thread; every callback runs on that thread, and
// never before the function returned.
#pragma once

#include <boost/json/fwd.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "base/result.h"
#include "connectors/http/http_action_options.h"
#include "connectors/http/http_client.h"
#include "connectors/http/http_request_builder.h"
#include "connectors/http/retry_policy.h"
#include "engine/action_handler.h"

namespace runnel::connectors {

// What every request of an action carries besides its inputs: the workflow headers
// (x-ms-workflow-name, -run-id, -operation-name, x-ms-client-tracking-id; unless the action's
// operationOptions has SuppressWorkflowHeaders), the options' User-Agent and limits.
RequestExtras WorkflowRequestExtras(engine::ActionCall& call, const HttpActionOptions& options);

// Whether a comma-separated operationOptions value holds `name` (any case).
bool HasOperationOption(std::string_view options, std::string_view name);

// Sends the request an Http-shaped inputs object describes, retrying per its retryPolicy
// (default policy when absent), on `call`'s scheduler. `done` runs once on the scheduler thread
// with the final response (any status) or the transport/input error, and the number of requests
// sent (1 + retries) — unless the call was cancelled first, in which case it is not called.
// Invalid inputs (and a failed OAuth token request) give the error with attempts 0: nothing was
// sent to `uri`. Requests to the OAuth token endpoint are not counted in `attempts`.
// REQUIRES: options from PrepareHttpActionOptions (or with random_unit and token_cache set).
void SendHttpInputs(std::shared_ptr<engine::ActionCall> call, std::shared_ptr<HttpClient> client,
                    std::shared_ptr<const HttpActionOptions> options, const boost::json::value& inputs,
                    const RequestExtras& extras,
                    std::function<void(Result<HttpResponse> response, int attempts)> done);

// The building blocks SendHttpInputs is made of, for handlers that send more than one request
// per execution (the Http action's polls and pages).

// Sends the requests of one action call, one at a time, each retried per a policy (step 3
// above). Creating it adds one hook to call->OnCancel that aborts the request in flight, however
// many requests it sends. Use it from the call's scheduler thread only.
class HttpExchange final : public std::enable_shared_from_this<HttpExchange> {
 public:
  using Done = std::function<void(Result<HttpResponse> response, int retries)>;

  static std::shared_ptr<HttpExchange> Create(std::shared_ptr<engine::ActionCall> call,
                                              std::shared_ptr<HttpClient> client,
                                              std::shared_ptr<const HttpActionOptions> options);

  // Sends `request` now and retries per `policy`. `done` gets the final response or transport
  // error and how many retries were sent (0 when the first answer was final); it is not called
  // when the call was cancelled first. REQUIRES: no other Send() of this exchange is pending.
  void Send(HttpRequest request, const RetryPolicy& policy, Done done);

  engine::ActionCall& call() { return *call_; }
  const std::shared_ptr<engine::ActionCall>& call_ptr() const { return call_; }
  HttpClient& client() { return *client_; }
  const HttpActionOptions& options() const { return *options_; }

 private:
  HttpExchange(std::shared_ptr<engine::ActionCall> call, std::shared_ptr<HttpClient> client,
               std::shared_ptr<const HttpActionOptions> options);
  void Attempt();
  void OnResult(Result<HttpResponse> result);
  bool Retry(std::optional<int64_t> retry_after);
  void Abandon();

  std::shared_ptr<engine::ActionCall> call_;
  std::shared_ptr<HttpClient> client_;
  std::shared_ptr<const HttpActionOptions> options_;
  // The request being sent; valid while a Send() is pending.
  HttpRequest request_;
  RetryPolicy policy_;
  Done done_;
  std::optional<HttpRequestId> in_flight_;
  int retries_ = 0;
};

// A request ready to go, with the policy its sends are retried by.
struct PreparedHttpRequest {
  HttpRequest request;
  RetryPolicy policy;
};

// Steps 1 and 2 above: the request with its authentication resolved (which for
// ActiveDirectoryOAuth may take a token request through `exchange`). `done` runs on the
// scheduler thread, never before this returns, and not when the call was cancelled first.
void PrepareHttpInputs(std::shared_ptr<HttpExchange> exchange, const boost::json::value& inputs,
                       const RequestExtras& extras, std::function<void(Result<PreparedHttpRequest>)> done);

}  // namespace runnel::connectors

// HttpActionHandler: runs the Http action (wdl-digest §5.2) — one outbound request, retried per
// its retryPolicy (§8), followed through the 202 + Location polling pattern (§11.1) and, with
// runtimeConfiguration.paginationPolicy, through its next-page links (pagination.h).
//
// What one execution does:
//   1. Evaluates the inputs and builds the request (http_request_builder.h); invalid inputs, or
//      an invalid paginationPolicy, fail the action at once, nothing is sent. The recorded
//      inputs hide secrets ("*sanitized*"). The authentication is resolved (authentication.h):
//      ActiveDirectoryOAuth gets a bearer token from the shared cache or the token endpoint.
//   2. Sends it through the HttpClient. A 408, 429 or 5xx answer, or a connection failure or
//      timeout, is retried while the policy allows: the wait is the policy's (fixed interval,
//      or drawn uniformly from the exponential bounds), or the response's Retry-After on a 429
//      or 503. Other answers are final. ActionResult::attempts counts every request sent
//      except successful polls and pages and token requests (1 + retries).
//   3. A 202 with a Location header, unless operationOptions has DisableAsyncPattern, starts
//      polling: GET Location after Retry-After (default 20 s), again while the answer is 202
//      (following a changed Location), until another status arrives; that answer is the result.
//      A relative Location is resolved against the request's URL. Polls carry the workflow
//      headers and, only when the Location has the same scheme, host and port as the original
//      request, its Authorization header and client certificate (follow_up_request.h). A 202
//      without Location is final (Succeeded).
//   3b. With a paginationPolicy, a 2xx JSON body with a `value` array and a next link is
//      followed with GETs (each retried per the policy) until minimumItemCount items; the body
//      becomes the first page's with every item (pagination.h).
//   4. Outputs are {statusCode, headers, body} (http_response_reader.h). 2xx ends Succeeded;
//      any other status Failed, with the record's code and the error's code the status name
//      ("NotFound") and the message "The request failed with status 404 (Not Found)". A
//      transport failure ends Failed with the client's code (http_client.h) and no outputs.
//
// Waits (retries, polls) are PostAt() on the run's scheduler, so tests run them in virtual
// time. limit.timeout is the engine's: when it fires, or the run is cancelled or terminated,
// OnCancel aborts the request in flight and no further retry or poll is sent.
//
// The request building, authentication and retrying are SendHttpInputs' building blocks
// (http_exchange.h), shared with other handlers that send Http-shaped inputs.
//
// Threading: Execute() runs on the run's scheduler thread; client callbacks are posted back to
// it, so an operation's state is only touched there. The handler itself is immutable after
// construction and may serve any number of runs and schedulers at once.
#pragma once

#include <functional>
#include <memory>

#include "connectors/http/http_action_options.h"
#include "connectors/http/http_client.h"
#include "engine/action_handler.h"

namespace runnel::connectors {

class HttpActionHandler final : public engine::ActionHandler {
 public:
  // REQUIRES: client != nullptr.
  explicit HttpActionHandler(std::shared_ptr<HttpClient> client, HttpActionOptions options = {});
  void Execute(std::shared_ptr<engine::ActionCall> call) override;

 private:
  std::shared_ptr<HttpClient> client_;
  std::shared_ptr<const HttpActionOptions> options_;  // shared with running operations
};

// Registers HttpActionHandler for the Http action type.
void RegisterHttpHandlers(engine::HandlerRegistry& registry, std::shared_ptr<HttpClient> client,
                          HttpActionOptions options = {});

}  // namespace runnel::connectors

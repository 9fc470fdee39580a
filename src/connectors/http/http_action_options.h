// HttpActionOptions: what a host (the CLI, the server, a test) decides about every outbound
// Http-shaped request — timeouts, limits, the User-Agent, how waits meet the scheduler — shared by
// the Http action (http_action.h) and every handler that sends Http-shaped inputs through
// SendHttpInputs (http_exchange.h).
//
// Build one, then call PrepareHttpActionOptions() once: it fills what was left unset (the random
// source, the OAuth token cache) and freezes the result as a shared, immutable object that any
// number of runs and schedulers may read at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "connectors/http/http_client.h"
#include "connectors/http/http_request_builder.h"

namespace runnel::connectors {

class OAuthTokenCache;  // oauth_token.h

// The documented ceiling of paginationPolicy.minimumItemCount (Logic Apps: 100,000 items for a
// multi-tenant workflow; wdl-digest §5.2).
inline constexpr int64_t kMaxPaginationItems = 100'000;

struct HttpActionOptions {
  int64_t request_timeout_micros = kDefaultRequestTimeoutMicros;  // each request, poll and page
  int64_t default_poll_interval_micros = 20'000'000;              // 202 without Retry-After
  size_t max_uri_length = kMaxUriLength;
  std::string user_agent = "runnel";  // sent unless the definition sets User-Agent
  // The largest paginationPolicy.minimumItemCount a definition may ask for; a larger value fails
  // the action before anything is sent.
  int64_t max_pagination_items = kMaxPaginationItems;
  // How many pages one action may fetch, and how many body bytes all its pages together may
  // have (an action's output is at most 100 MiB, §17): a server that keeps sending links to
  // small or empty pages fails the action instead of holding it forever.
  int64_t max_pagination_pages = 10'000;
  int64_t max_paginated_body_bytes = 104'857'600;
  // A cached OAuth access token is used until this long before it expires, then fetched anew.
  int64_t token_refresh_margin_micros = 300'000'000;
  // Announce a request in flight to the scheduler (LocalLoop::BeginExternal/EndExternal), so a
  // virtual clock does not jump past it and the loop does not stop while it runs. Give both or
  // neither; end_external is called on the scheduler thread when the result is delivered.
  std::function<void()> begin_external;
  std::function<void()> end_external;
  // A uniform draw in [0, 1] for exponential backoff. Default: a seeded Mersenne Twister.
  // Called on scheduler threads, possibly several at once: must be thread-safe.
  std::function<double()> random_unit;
  // ActiveDirectoryOAuth access tokens, shared by every handler built from these options (and so
  // by all their runs). Default: a new, empty cache.
  std::shared_ptr<OAuthTokenCache> token_cache;
};

// Fills the defaults of what `options` leaves unset (random_unit, token_cache) and returns the
// options as the shared, immutable object handlers and SendHttpInputs take.
std::shared_ptr<const HttpActionOptions> PrepareHttpActionOptions(HttpActionOptions options);

}  // namespace runnel::connectors

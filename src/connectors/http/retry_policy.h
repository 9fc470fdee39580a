// Retry policies of outbound actions (wdl-digest §8): which failures are retried, how often, and
// how long to wait before each retry.
//
// The policy comes from inputs.retryPolicy. Without one (or with type "default") the Http action
// retries like the documentation's sample for HTTP: exponential, 4 retries, interval PT7S,
// minimumInterval PT5S, maximumInterval PT1H (§18 #5 notes the prose says "clamped 5–45 s";
// we follow the sample, which is what the product shows for the default).
//
// Pure functions only: the action decides when to call them and supplies the random draw and
// the clock, so every wait is testable.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.h"

namespace runnel::connectors {

enum class RetryType { kNone, kFixed, kExponential };

inline constexpr int kMaxRetryCount = 90;  // §8, §17

struct RetryPolicy {
  RetryType type = RetryType::kExponential;
  int count = 4;  // retries after the first attempt
  int64_t interval_micros = 7'000'000;
  int64_t minimum_interval_micros = 5'000'000;      // exponential only
  int64_t maximum_interval_micros = 3'600'000'000;  // exponential only
};

// Reads inputs.retryPolicy; `policy` may be nullptr or null (the default policy). Missing count
// and interval fall back to the default's 4 and PT7S; missing bounds to PT5S and PT1H.
// Fails with code "InvalidRetryPolicy" (naming the property and the accepted range) when the
// type is unknown, count is outside 1–90, a duration is malformed, interval is outside
// PT1S–P1D (the union of the documented stateful and stateless ranges), or
// minimumInterval > maximumInterval.
Result<RetryPolicy> ParseRetryPolicy(const boost::json::value* policy);

struct WaitBounds {
  int64_t lower_micros;
  int64_t upper_micros;  // >= lower_micros
};

// The range the wait before retry `retry` (1-based) is drawn from: for fixed exactly interval;
// for exponential the §8 table, extended past n = 4 by its pattern, i.e.
// [max(2^(n-2)·interval, min), min(2^(n-1)·interval, max)] with lower bound max(0, min) for n = 1.
// When the minimum exceeds the upper bound the minimum wins. REQUIRES: type != kNone.
WaitBounds RetryWaitBounds(const RetryPolicy& policy, int retry);

// lower + unit·(upper − lower) of RetryWaitBounds; `unit` in [0, 1] is the uniform draw.
int64_t RetryWaitMicros(const RetryPolicy& policy, int retry, double unit);

// §8: 408, 429 and every 5xx are retried; other statuses are final.
bool IsRetryableStatus(int status);

// A Retry-After value as a wait from `now_micros`: delta-seconds ("120") or an HTTP-date
// ("Sun, 06 Nov 1994 08:49:37 GMT", also the obsolete RFC 850 and asctime forms). A date in the
// past gives 0. nullopt when the value is neither.
std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now_micros);

}  // namespace runnel::connectors

// Fuzzes the readers of durations and waits that come from definitions and from peers: ISO 8601
// durations (Wait, limit.timeout, retry intervals), retry policies, and Retry-After headers
// (delta-seconds or an HTTP date). Any text must give a value or nothing — never crash, overflow
// or hang.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "connectors/http/retry_policy.h"
#include "engine/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)runnel::engine::ParseDurationMicros(text);
  (void)runnel::connectors::ParseRetryAfter(text, 1793491200000000LL);
  boost::system::error_code ec;
  boost::json::value policy = boost::json::parse(text, ec);
  if (!ec) {
    if (auto parsed = runnel::connectors::ParseRetryPolicy(&policy);
        parsed && parsed.value().type != runnel::connectors::RetryType::kNone) {
      for (int retry = 1; retry <= parsed.value().count; ++retry) {
        (void)runnel::connectors::RetryWaitMicros(parsed.value(), retry, 0.5);
      }
    }
  }
  return 0;
}

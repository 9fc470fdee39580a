// ISO 8601 durations as WDL uses them: limit.timeout ("PT1H"), retry intervals ("PT7S"), Wait.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace runnel::engine {

// "P[n]Y[n]M[n]W[n]DT[n]H[n]M[n]S" with decimal seconds, e.g. PT10S, PT1.5S, P1D, P1DT2H.
// Months count as 30 days and years as 365 (durations with them are rare and only bound waits).
// Returns microseconds, or nullopt when malformed or negative.
std::optional<int64_t> ParseDurationMicros(std::string_view text);

}  // namespace runnel::engine

// ISO 8601 timestamps for the clock (`runnel eval --now`, test files): not the WDL date
// functions, which accept .NET's many formats (see datetime/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::expr {

// "2018-01-01T08:00:00Z", "2018-01-01T08:00:00.1234567+02:00", "2018-01-01" (midnight UTC).
// No offset means UTC. Returns microseconds since the Unix epoch, or nullopt when malformed.
std::optional<int64_t> ParseIsoTimestampMicros(std::string_view text);

// Microseconds since the epoch as "2018-01-01T08:00:00.0000000Z".
std::string FormatIsoTimestampMicros(int64_t micros);

}  // namespace runnel::expr

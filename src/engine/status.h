// The statuses of runs and actions (wdl-digest §7.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace runnel::engine {

enum class Status : uint8_t {
  kPending,    // not started (internal; never in a finished record)
  kRunning,
  kSucceeded,
  kFailed,
  kSkipped,
  kTimedOut,
  kCancelled,
};

std::string_view StatusName(Status s);
std::optional<Status> ParseStatus(std::string_view name);  // case-insensitive

inline bool IsTerminal(Status s) { return s != Status::kPending && s != Status::kRunning; }

// The flow::StatusBits bit runAfter uses for a terminal status. Cancelled has no bit: no
// runAfter list can accept it, so successors of a cancelled action are skipped.
uint8_t RunAfterBit(Status s);

}  // namespace runnel::engine

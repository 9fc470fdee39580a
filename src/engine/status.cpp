#include "engine/status.h"

#include "flow/definition.h"
#include "json/lookup.h"

namespace runnel::engine {

std::string_view StatusName(Status s) {
  switch (s) {
    case Status::kPending: return "Pending";
    case Status::kRunning: return "Running";
    case Status::kSucceeded: return "Succeeded";
    case Status::kFailed: return "Failed";
    case Status::kSkipped: return "Skipped";
    case Status::kTimedOut: return "TimedOut";
    case Status::kCancelled: return "Cancelled";
  }
  return "Unknown";
}

std::optional<Status> ParseStatus(std::string_view name) {
  for (Status s : {Status::kPending, Status::kRunning, Status::kSucceeded, Status::kFailed,
                   Status::kSkipped, Status::kTimedOut, Status::kCancelled}) {
    if (json::EqualsIgnoreCase(StatusName(s), name)) return s;
  }
  return std::nullopt;
}

uint8_t RunAfterBit(Status s) {
  switch (s) {
    case Status::kSucceeded: return flow::kStatusSucceeded;
    case Status::kFailed: return flow::kStatusFailed;
    case Status::kSkipped: return flow::kStatusSkipped;
    case Status::kTimedOut: return flow::kStatusTimedOut;
    case Status::kPending:
    case Status::kRunning:
    case Status::kCancelled: return 0;
  }
  return 0;
}

}  // namespace runnel::engine

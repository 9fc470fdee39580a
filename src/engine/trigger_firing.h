// Turning a trigger event into run inputs: the trigger record, its conditions, and splitOn
// (wdl-digest §3.8–§3.10). Used by `runnel run` and by the server's trigger dispatchers, so a
// non-matching event is filtered before any run exists.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "flow/definition.h"

namespace runnel::engine {

struct TriggerFiring {
  bool fired = false;                   // false: a condition was false (trigger history: Skipped)
  std::string skip_reason;              // why, when not fired
  std::vector<boost::json::value> records;  // one trigger record per run to start (splitOn)
};

// Builds the trigger record from the event's `outputs` ({headers, body, queries, ...}),
// evaluates the trigger's conditions (all must hold) and applies splitOn. `now_micros` stamps the
// record. Fails when a condition or splitOn cannot be evaluated or splitOn is not an array.
Result<TriggerFiring> FireTrigger(const flow::Definition& definition, const flow::Trigger* trigger,
                                  boost::json::value outputs, int64_t now_micros,
                                  const boost::json::object& parameters, size_t max_split_items = 100000);

// Evaluates a polling trigger's `inputs` (an Http trigger's method, uri, headers, ...) at
// `now_micros`: they may read parameters and the time functions, nothing of a run. A webhook
// trigger's inputs also read listCallbackUrl(): `callback_url`.
Result<boost::json::value> EvaluateTriggerInputs(const flow::Definition& definition, const flow::Trigger& trigger,
                                                 int64_t now_micros, const boost::json::object& parameters,
                                                 const std::string* callback_url = nullptr);

}  // namespace runnel::engine

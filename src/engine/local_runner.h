// Running a flow in-process from start to finish: what `runnel run`, the golden flow tests and
// the engine benchmarks share. Fires the trigger (conditions, splitOn), runs each resulting run
// on a LocalLoop, and returns the run results in order.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/local_loop.h"
#include "engine/run.h"

namespace runnel::engine {

struct LocalRunRequest {
  std::shared_ptr<const Plan> plan;
  std::string flow_name;
  // The trigger's outputs, e.g. {"headers": {...}, "body": {...}, "queries": {...}}.
  boost::json::value trigger_outputs = boost::json::object();
  boost::json::object mocks;       // action name -> result (RunOptions::mocks)
  expr::Limits limits;
};

struct LocalRunOutcome {
  bool trigger_fired = true;
  std::string skip_reason;       // when the trigger's conditions were false
  std::vector<RunResult> runs;   // one per run (several with splitOn)
};

// Runs to completion on `loop` (which must not be running). `handlers` must hold every handler
// the flow needs (RegisterBuiltinHandlers plus connectors).
Result<LocalRunOutcome> RunLocally(const LocalRunRequest& request, const HandlerRegistry& handlers,
                                   LocalLoop& loop);

// The trigger outputs a `--trigger` file describes: an object with any of headers, body,
// queries, relativePathParameters, statusCode is taken as the outputs themselves; anything else
// is the request body.
boost::json::value TriggerOutputsFromFile(boost::json::value file);

}  // namespace runnel::engine

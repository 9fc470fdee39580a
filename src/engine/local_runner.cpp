#include "engine/local_runner.h"

#include "engine/trigger_firing.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

bj::value TriggerOutputsFromFile(bj::value file) {
  if (file.is_object()) {
    for (std::string_view key : {"headers", "body", "queries", "relativePathParameters", "statusCode"}) {
      if (file.get_object().contains(key)) return file;
    }
  }
  return bj::object{{"headers", bj::object()}, {"body", std::move(file)}};
}

Result<LocalRunOutcome> RunLocally(const LocalRunRequest& req, const HandlerRegistry& handlers,
                                   LocalLoop& loop) {
  const flow::Definition& def = req.plan->definition();
  const flow::Trigger* trigger = def.triggers.empty() ? nullptr : &def.triggers[0];
  RUNNEL_TRY(firing, FireTrigger(def, trigger, req.trigger_outputs, loop.clock().NowMicros(), {}));
  LocalRunOutcome outcome;
  if (!firing.fired) {
    outcome.trigger_fired = false;
    outcome.skip_reason = firing.skip_reason;
    return outcome;
  }
  outcome.runs.resize(firing.records.size());
  for (size_t i = 0; i < firing.records.size(); ++i) {
    RunOptions options;
    options.flow_name = req.flow_name;
    options.mocks = req.mocks;
    options.limits = req.limits;
    auto run = Run::Create(req.plan, handlers, loop, std::move(options));
    auto record = std::move(firing.records[i]);
    loop.Post([run, record = std::move(record), &outcome, i]() mutable {
      run->Start(std::move(record), [&outcome, i](RunResult r) { outcome.runs[i] = std::move(r); });
    });
  }
  loop.Run(/*stop_when_idle=*/true);
  return outcome;
}

}  // namespace runnel::engine

// Wait: Delay ({"interval": {"count", "unit"}}) or Delay until ({"until": {"timestamp"}})
// (wdl-digest §5.12), on the run's scheduler clock — so tests and `runnel run --now` never wait
// for wall time.
#include <cmath>

#include "engine/actions/builtin.h"
#include "expr/timestamp.h"
#include "json/compare.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

Result<int64_t> DelayMicros(const bj::value& interval) {
  const bj::value* count = Input(interval, "count");
  const bj::value* unit = Input(interval, "unit");
  double n = 0;
  if (count && json::IsNumber(*count)) {
    n = json::ToDouble(*count);
  } else if (count && count->is_string()) {
    char* end = nullptr;
    std::string s(count->get_string());
    n = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end) return Error("InvalidWait", "interval.count '" + s + "' is not a number");
  } else {
    return Error("InvalidWait", "interval.count must be a number");
  }
  if (n < 0 || !std::isfinite(n)) return Error("InvalidWait", "interval.count must not be negative");
  struct Unit { const char* name; double micros; };
  static constexpr Unit kUnits[] = {{"Second", 1e6},         {"Minute", 60e6},       {"Hour", 3600e6},
                                    {"Day", 86400e6},        {"Week", 7 * 86400e6}, {"Month", 30 * 86400e6}};
  std::string_view u = unit && unit->is_string() ? std::string_view(unit->get_string()) : "";
  for (const auto& row : kUnits) {
    if (json::EqualsIgnoreCase(row.name, u)) return static_cast<int64_t>(n * row.micros);
  }
  return Error("InvalidWait", "interval.unit '" + std::string(u) +
                                  "' is not one of Second, Minute, Hour, Day, Week, Month");
}

}  // namespace

void WaitHandler::Execute(std::shared_ptr<ActionCall> call) {
  auto inputs = call->EvaluateInputs();
  if (!inputs) return call->Complete(ActionResult::Failed(inputs.error()));
  int64_t now = call->start_micros();
  int64_t due = now;
  if (const bj::value* interval = Input(inputs.value(), "interval")) {
    auto d = DelayMicros(*interval);
    if (!d) return call->Complete(ActionResult::Failed(d.error()));
    due = now + d.value();
  } else if (const bj::value* until = Input(inputs.value(), "until")) {
    const bj::value* ts = Input(*until, "timestamp");
    auto t = ts && ts->is_string() ? expr::ParseIsoTimestampMicros(ts->get_string()) : std::nullopt;
    if (!t) {
      return call->Complete(ActionResult::Failed(
          Error("InvalidWait", "until.timestamp must be an ISO 8601 time such as 2017-10-01T00:00:00Z")));
    }
    due = *t;
  } else {
    return call->Complete(ActionResult::Failed(
        Error("InvalidWait", "Wait needs inputs.interval {count, unit} or inputs.until {timestamp}")));
  }
  Scheduler& scheduler = call->scheduler();
  uint64_t timer = scheduler.PostAt(due, [call] {
    if (!call->cancelled()) call->Complete(ActionResult::Succeeded(nullptr));
  });
  // A Wait that times out or is cancelled must not keep its timer (and so the run's loop) alive.
  call->OnCancel([&scheduler, timer] { scheduler.CancelTimer(timer); });
}

}  // namespace runnel::engine

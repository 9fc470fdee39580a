// ChangeDispatcher::Watch: one enabled change trigger as the dispatcher keeps it — its
// subscription, its bounded skip history, and the changes it holds back (coalescing windows,
// the rate limit's queue). Private to change_dispatcher*.cpp; touched only on its thread.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "server/change_dispatcher.h"

namespace runnel::server {

struct ChangeDispatcher::Watch {
  std::shared_ptr<const DeployedFlow> flow;
  const TriggerSettings* trigger = nullptr;
  std::optional<triggers::ChangeSubscription> subscription;  // nullopt: its inputs are invalid
  std::string invalid_reason;
  IoThread* thread = nullptr;
  // Filter rows bound to the table's schema in `bound_catalog` (rebound when the catalog
  // changes): binding resolves every column, which per change and trigger cost more than the
  // evaluation.
  std::shared_ptr<const tables::Catalog> bound_catalog;
  std::optional<Result<tables::RowFilter>> bound_filter;
  // The /metrics series this trigger counts in, by outcome, built once.
  std::map<std::string, std::string, std::less<>> event_series;
  // Bounded skip history: the minute being counted, skips recorded in it, skips left out.
  int64_t window_start = 0;
  int recorded = 0;
  int64_t left_out = 0;
  int64_t uncounted_skips = 0;  // skips of the batch being dispatched, not yet in /metrics
  // postponeuntil: the changes waiting for their "Delay until", by seq.
  std::map<int64_t, tables::Change> postponed;
  // coalesceseconds: per row, the latest matching change of the open window, the seq of the
  // change that opened it and when it closes.
  struct Window {
    tables::Change latest;
    int64_t first_seq = 0;
    int64_t due = 0;
  };
  std::map<std::string, Window> windows;
  // maxrunsperminute: a token bucket, and the changes waiting for a token (oldest first).
  double tokens = -1;  // < 0: not started (full)
  int64_t refilled_at = 0;
  std::deque<tables::Change> waiting;
  bool drain_armed = false;
};

}  // namespace runnel::server

// ChangeDispatcher: starts the runs of the Dataverse change trigger ("When a row is added,
// modified or deleted") from the table store's change feed (docs/tables.md, "Change triggers
// and the Dataverse connector").
//
// One dispatcher follows the feed for every flow. It wakes up when a write commits, reads the
// changes after its durable cursor in batches, and for each change decides every enabled
// trigger watching the changed table (triggers/change_subscription.h) — so a change that does
// not match starts no run. A run is started through RunManager::Start with a claim on
// (flow, trigger, change) written in the same transaction as the run's start, and the durable
// cursor stays before every change whose run start has not committed or been refused yet
// (a trigger with a concurrency limit may queue it; the other flows are not held up). After
// a crash the dispatcher reads on from its cursor: a change whose run was claimed is not
// started again (the claim exists), one whose run was not claimed is started now — every
// committed change starts its runs exactly once.
//
// Skips (the change type, Select columns, Filter rows, a false trigger condition, the loop
// guard, a write that asked for no flows) are recorded in the trigger history with the reason,
// at most `skip_history_per_minute` per trigger per minute; the rest are counted in /metrics
// (runnel_trigger_events_total) and the next recorded skip says how many were left out.
// Changes of tables a trigger does not watch leave nothing.
//
// Three options of the subscription (triggers/change_subscription.h) hold changes back:
// postponeuntil ("Delay until": the run starts at that time), coalesceseconds (matching changes to one row within the window after the first become one
// run, with the latest) and maxrunsperminute (a token bucket; changes without a token wait in
// order). The durable cursor stays before the oldest change held back, so a crash loses none.
// A redeployed flow's new version decides again the changes its previous one was holding back;
// a flow disabled or deleted drops them.
//
// Threading: everything but the wake-up runs on one IoThread; runs run on the thread their
// flow hashes to.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "server/deployed_flow.h"
#include "server/io_thread.h"
#include "server/metrics.h"
#include "server/run_manager.h"
#include "tables/table_store.h"
#include "triggers/change_subscription.h"

namespace runnel::server {

struct ChangeDispatcherOptions {
  int max_hops = 8;                   // limits.trigger_max_hops: the loop guard's chain limit
  int batch_size = 256;               // changes read at once
  int skip_history_per_minute = 60;   // limits.trigger_skip_history_per_minute, per trigger
};

class ChangeDispatcher {
 public:
  ChangeDispatcher(store::Store& store, tables::TableStore& tables, FlowRegistry& flows, RunManager& runs,
                   Metrics& metrics, std::vector<IoThread*> threads, ChangeDispatcherOptions options);

  // Reads (or, on a new store, sets to the feed's end) the cursor, listens for commits and
  // dispatches what is already waiting. Blocking: at server start, after runs were resumed.
  Status Start();
  // No more runs are started (shutdown). The cursor stays where the last finished batch left it.
  void Stop();

 private:
  struct Watch;  // one enabled change trigger with its parsed subscription

  void Wake(int64_t last_seq);
  void Pump();
  void Dispatch(std::vector<tables::Change> changes);
  void Decide(const std::shared_ptr<Watch>& w, const tables::Change& change,
              const std::shared_ptr<const tables::Catalog>& catalog);
  Result<int64_t> PostponedUntil(const Watch& w, const tables::Change& change) const;
  void Postpone(const std::shared_ptr<Watch>& w, const tables::Change& change, int64_t due);
  void Admit(const std::shared_ptr<Watch>& w, const tables::Change& change);
  void Release(const std::shared_ptr<Watch>& w, const tables::Change& change);
  void Refill(Watch& w);
  void ArmDrain(const std::shared_ptr<Watch>& w);
  void Fire(const std::shared_ptr<Watch>& w, const tables::Change& change);
  void StartRun(const std::shared_ptr<Watch>& w, const tables::Change& change, boost::json::value record, int index);
  void StartDone();
  int64_t DurableCursor(int64_t read_position) const;
  void SaveCursor();
  void Commit();
  std::vector<std::shared_ptr<Watch>> Watches();
  // Empties what `w` holds back (postponed, coalescing, rate-limited changes), in seq order.
  static std::vector<tables::Change> TakeHeld(Watch& w);
  // Would a bounded skip of `w` be recorded at `now` (not only counted)? Starts a new minute if due.
  bool WillRecordSkip(Watch& w, int64_t now);
  // runnel_trigger_events_total{flow, trigger, outcome} for `w`, built once.
  const std::string& EventSeries(Watch& w, const std::string& outcome);
  void Record(Watch& w, const std::string& outcome, std::string reason, const std::string& run_id, bool bounded);

  store::Store& store_;
  tables::TableStore& tables_;
  FlowRegistry& flows_;
  RunManager& runs_;
  Metrics& metrics_;
  std::vector<IoThread*> threads_;
  IoThread* thread_;
  ChangeDispatcherOptions options_;

  std::atomic<int64_t> latest_{0};   // the last committed change seq the listener reported
  std::atomic<bool> stopped_{false};
  // On thread_:
  int64_t cursor_ = 0;        // the read position: changes up to it were decided
  int64_t saved_cursor_ = 0;  // the durable cursor last written
  std::multiset<int64_t> starting_;  // changes whose run start has not answered yet
  bool busy_ = false;       // a batch is being read or dispatched
  int64_t batch_end_ = 0;   // the last seq of the batch being dispatched
  int64_t batch_now_ = 0;   // the clock when the batch was read: its skips' minute
  std::map<std::string, std::shared_ptr<Watch>> watches_;  // by flow/version/trigger
};

}  // namespace runnel::server

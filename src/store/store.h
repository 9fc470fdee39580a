// Store: everything Runnel keeps, behind one interface (DESIGN.md "Store").
//
// Writes are functions over a Transaction, queued and applied by the store's own thread; the
// thread commits everything queued since its last commit in one transaction (group commit), so
// many runs share one disk flush. A write is atomic: one that fails (a duplicate schedule tick,
// a constraint) is rolled back alone and reported to its caller; the rest of the batch commits.
// To get there cheaply the store may apply a write function twice (the first attempt rolled
// back), so write functions must only use the Transaction and their captured values. `done` is called on the store's thread after the commit — callers
// post their continuation to their own thread.
//
// Reads run on the same thread, in order with the writes, so a read queued after a write's
// `done` sees it. Nothing here blocks an I/O thread.
//
// SQLite (sqlite_store.h) is the embedded default; a PostgreSQL store implements the same
// interface for scale-out.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/sql.h"

namespace runnel::store {

struct FlowRecord {
  std::string name;
  int64_t version = 0;           // the current (latest deployed) version
  bool enabled = true;
  std::string kind;              // "Stateful" or "Stateless"
  std::string primary_key;       // signing keys of the flow's trigger URLs (base64url)
  std::string secondary_key;
  int64_t created_micros = 0;
  int64_t modified_micros = 0;
  std::string document;          // the document of `version`, as deployed
};

struct FlowVersion {
  int64_t version = 0;
  int64_t created_micros = 0;
  std::string document;
};

// One run in the history. `record` is the finished run record (docs/run-record.md), empty
// while the run is in flight.
struct RunRow {
  std::string id;
  std::string flow;
  int64_t version = 0;
  std::string trigger;
  std::string status;            // Running, Succeeded, Failed, Cancelled, ...
  int64_t start_micros = 0;
  int64_t end_micros = 0;        // 0 while running
  std::string tracking_id;
  std::string error_code;
  std::string record;
};

struct RunFilter {
  std::string flow;              // empty: every flow
  std::string status;            // empty: any status
  int64_t started_after = 0;     // micros, 0: no bound
  int64_t started_before = 0;
  std::string after_id;          // paging: rows strictly older than this run id
  int limit = 50;
};

// A stateful run's journal entry (engine/journal.h): kind is "trigger", "started" or
// "completed"; body is JSON.
struct JournalEntry {
  std::string run_id;
  int64_t seq = 0;
  std::string kind;
  std::string body;
};

// What a trigger did with an event: fired a run, or skipped it (conditions, overlap, limits).
struct TriggerEvent {
  int64_t id = 0;
  std::string flow;
  std::string trigger;
  int64_t time_micros = 0;
  std::string outcome;           // "Fired", "Skipped", "Rejected"
  std::string reason;
  std::string run_id;
};

// An HttpWebhook trigger's standing subscription: the flow version and callback URL it was made
// for, and the unsubscribe request (evaluated when subscribing, JSON; "" when the trigger has
// none) that ends it.
struct WebhookSubscription {
  std::string flow;
  std::string trigger;
  int64_t version = 0;
  std::string url;
  std::string unsubscribe;
};

// One committed write to a row of a user table (tables/change_feed.h gives it its typed form).
// Written in the same transaction as the row, so a row change and its record commit together.
// `seq` orders every change of the store; it is also the row's `versionnumber` after the write.
struct ChangeRecord {
  int64_t seq = 0;
  int64_t time_micros = 0;
  std::string table;             // logical name
  std::string row_id;
  std::string message;           // "Create", "Update" or "Delete"
  std::string post_image;        // the row after the write as a JSON object; empty for Delete
  std::string pre_image;         // the row before the write as a JSON object; empty for Create
  std::string columns_present;   // JSON array of the columns the request carried
  std::string columns_changed;   // JSON array of the columns whose value changed
  // The writer's causal context (DESIGN.md "Loop guard").
  std::string origin_flow;
  std::string run_id;
  int64_t hop_count = 0;
  bool suppress_callbacks = false;
};

// The change feed's extent: records with floor < seq <= last are kept; retention raises floor.
struct ChangeBounds {
  int64_t floor = 0;
  int64_t last = 0;
};

// A user table's definition as deployed (tables/table_schema.h reads the document).
struct TableDefinitionRecord {
  std::string logical_name;
  int64_t version = 0;
  std::string document;          // JSON
  int64_t created_micros = 0;
  int64_t modified_micros = 0;
};

class Transaction {
 public:
  virtual ~Transaction() = default;
  // Flows. PutFlowVersion creates the flow on its first version.
  virtual Status PutFlowVersion(const FlowRecord& flow) = 0;
  virtual Status SetFlowEnabled(const std::string& name, bool enabled, int64_t now_micros) = 0;
  virtual Status SetFlowKeys(const std::string& name, const std::string& primary,
                             const std::string& secondary, int64_t now_micros) = 0;
  virtual Status DeleteFlow(const std::string& name) = 0;
  // Runs.
  virtual Status InsertRun(const RunRow& run) = 0;
  virtual Status FinishRun(const RunRow& run) = 0;  // status, end, error code, record; drops the journal
  virtual Status SetRunStatus(const std::string& id, const std::string& status) = 0;  // Waiting -> Running
  virtual Status AppendJournal(const JournalEntry& entry) = 0;
  // Schedules: false when the tick was already claimed (by this node before a restart, or by
  // another node).
  virtual Result<bool> ClaimTick(const std::string& flow, const std::string& trigger,
                                 int64_t tick_micros, const std::string& run_id) = 0;
  virtual Status AddTriggerEvent(const TriggerEvent& event) = 0;
  // The Http polling trigger's cursor for flow version `version` (replacing any other's).
  virtual Status SetTriggerCursor(const std::string& flow, const std::string& trigger, int64_t version,
                                  const std::string& cursor) = 0;
  // HttpWebhook triggers (kept when the flow is deleted: they are what unsubscribes it).
  virtual Status PutWebhookSubscription(const WebhookSubscription& subscription) = 0;
  virtual Status DeleteWebhookSubscription(const std::string& flow, const std::string& trigger) = 0;
  // Retention: runs that ended before `micros` (their journals, ticks and trigger events too).
  virtual Result<int64_t> DeleteHistoryBefore(int64_t micros) = 0;

  // Tables (tables/). Statements over the user tables, built from their schemas.
  virtual Sql& sql() = 0;
  // Creates or replaces the definition of `logical_name`.
  virtual Status PutTableDefinition(const TableDefinitionRecord& table) = 0;
  // The next change sequence number (each call takes one; rolled back with the transaction).
  virtual Result<int64_t> NextChangeSeq() = 0;
  // Appends a change record; `change.seq` must come from NextChangeSeq in this transaction.
  virtual Status AppendChange(const ChangeRecord& change) = 0;
  // Retention of the change feed: deletes records written before `micros` and raises the
  // floor past them. Returns how many were deleted.
  virtual Result<int64_t> DeleteChangesBefore(int64_t micros) = 0;
};

class ReadView {
 public:
  virtual ~ReadView() = default;
  virtual Result<std::vector<FlowRecord>> ListFlows() = 0;
  virtual Result<std::optional<FlowRecord>> GetFlow(const std::string& name) = 0;
  virtual Result<std::vector<FlowVersion>> ListFlowVersions(const std::string& name) = 0;
  virtual Result<std::optional<FlowVersion>> GetFlowVersion(const std::string& name, int64_t version) = 0;
  virtual Result<std::vector<RunRow>> ListRuns(const RunFilter& filter) = 0;
  virtual Result<std::optional<RunRow>> GetRun(const std::string& id) = 0;
  virtual Result<std::vector<RunRow>> UnfinishedRuns() = 0;
  virtual Result<std::vector<JournalEntry>> ReadJournal(const std::string& run_id) = 0;
  virtual Result<std::vector<TriggerEvent>> ListTriggerEvents(const std::string& flow, int limit) = 0;
  // The latest claimed tick of a schedule, or 0.
  virtual Result<int64_t> LastTick(const std::string& flow, const std::string& trigger) = 0;
  // The cursor SetTriggerCursor saved for this flow version, or "" (none, or another version's).
  virtual Result<std::string> GetTriggerCursor(const std::string& flow, const std::string& trigger,
                                               int64_t version) = 0;
  // The standing HttpWebhook subscriptions of `flow`.
  virtual Result<std::vector<WebhookSubscription>> ListWebhookSubscriptions(const std::string& flow) = 0;

  // Tables (tables/).
  virtual Sql& sql() = 0;
  virtual Result<std::vector<TableDefinitionRecord>> ListTableDefinitions() = 0;
  // Change records with seq > `after_seq`, in seq order, at most `limit`; only those of
  // `table` when it is not empty.
  virtual Result<std::vector<ChangeRecord>> ReadChanges(int64_t after_seq, int limit, const std::string& table) = 0;
  virtual Result<ChangeBounds> GetChangeBounds() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  using WriteFn = std::function<Status(Transaction&)>;
  using DoneFn = std::function<void(Status)>;
  // Queues a write; `done` (optional) gets its outcome once the batch holding it committed.
  virtual void Write(WriteFn fn, DoneFn done) = 0;
  // Queues a read; runs on the store's thread.
  virtual void Read(std::function<void(ReadView&)> fn) = 0;
  // Writes queued and not yet committed (for metrics and backpressure).
  virtual size_t PendingWrites() const = 0;
  // Commits what is queued and stops the thread. Later calls fail their callbacks.
  virtual void Close() = 0;

  // Blocking conveniences for startup, the CLI and tests (never on an I/O thread).
  Status WriteAndWait(WriteFn fn);
  template <class T>
  T ReadAndWait(std::function<T(ReadView&)> fn);
};

}  // namespace runnel::store

#include "store/store_wait.h"

#include "store/sqlite_store.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <pthread.h>

#include <thread>
#include <variant>

#include "store/sqlite_db.h"
#include "store/sqlite_schema.h"
#include "store/sqlite_sql.h"

namespace runnel::store {
namespace {

constexpr const char* kRunColumns =
    "id, flow, version, trigger, status, start, end, tracking_id, error_code, record";

RunRow ReadRun(const Statement& s) {
  RunRow r;
  r.id = s.Text(0);
  r.flow = s.Text(1);
  r.version = s.Int(2);
  r.trigger = s.Text(3);
  r.status = s.Text(4);
  r.start_micros = s.Int(5);
  r.end_micros = s.Int(6);
  r.tracking_id = s.Text(7);
  r.error_code = s.Text(8);
  r.record = s.Text(9);
  return r;
}

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(Database& db, SqliteSql& sql) : db_(db), sql_(sql) {}

  Status PutFlowVersion(const FlowRecord& f) override {
    RUNNEL_TRY(v, db_.Prepare("INSERT INTO flow_versions (name, version, created, document) VALUES (?, ?, ?, ?)"));
    RUNNEL_TRY_STATUS(v->Bind(1, f.name).Bind(2, f.version).Bind(3, f.modified_micros).Bind(4, f.document).Run());
    RUNNEL_TRY(u, db_.Prepare(
                      "INSERT INTO flows (name, version, enabled, kind, primary_key, secondary_key, created, modified) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) ON CONFLICT (name) DO UPDATE SET "
                      "version = ?2, enabled = ?3, kind = ?4, modified = ?7"));
    return u->Bind(1, f.name)
        .Bind(2, f.version)
        .Bind(3, int64_t{f.enabled})
        .Bind(4, f.kind)
        .Bind(5, f.primary_key)
        .Bind(6, f.secondary_key)
        .Bind(7, f.modified_micros)
        .Run();
  }

  Status SetFlowEnabled(const std::string& name, bool enabled, int64_t now) override {
    RUNNEL_TRY(s, db_.Prepare("UPDATE flows SET enabled = ?, modified = ? WHERE name = ?"));
    RUNNEL_TRY_STATUS(s->Bind(1, int64_t{enabled}).Bind(2, now).Bind(3, name).Run());
    return s->Changes() ? Ok() : NotFound(name);
  }

  Status SetFlowKeys(const std::string& name, const std::string& primary, const std::string& secondary,
                     int64_t now) override {
    RUNNEL_TRY(s, db_.Prepare("UPDATE flows SET primary_key = ?, secondary_key = ?, modified = ? WHERE name = ?"));
    RUNNEL_TRY_STATUS(s->Bind(1, primary).Bind(2, secondary).Bind(3, now).Bind(4, name).Run());
    return s->Changes() ? Ok() : NotFound(name);
  }

  Status DeleteFlow(const std::string& name) override {
    RUNNEL_TRY(s, db_.Prepare("DELETE FROM flows WHERE name = ?"));
    RUNNEL_TRY_STATUS(s->Bind(1, name).Run());
    if (!s->Changes()) return NotFound(name);
    RUNNEL_TRY(c, db_.Prepare("DELETE FROM trigger_cursors WHERE flow = ?"));
    RUNNEL_TRY_STATUS(c->Bind(1, name).Run());
    RUNNEL_TRY(v, db_.Prepare("DELETE FROM flow_versions WHERE name = ?"));
    return v->Bind(1, name).Run();
  }

  Status InsertRun(const RunRow& r) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT INTO runs (id, flow, version, trigger, status, start, end, tracking_id, "
                              "error_code, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    return s->Bind(1, r.id)
        .Bind(2, r.flow)
        .Bind(3, r.version)
        .Bind(4, r.trigger)
        .Bind(5, r.status)
        .Bind(6, r.start_micros)
        .Bind(7, r.end_micros)
        .Bind(8, r.tracking_id)
        .Bind(9, r.error_code)
        .Bind(10, r.record)
        .Run();
  }

  Status FinishRun(const RunRow& r) override {
    RUNNEL_TRY(s, db_.Prepare("UPDATE runs SET status = ?, end = ?, error_code = ?, record = ? WHERE id = ?"));
    RUNNEL_TRY_STATUS(s->Bind(1, r.status).Bind(2, r.end_micros).Bind(3, r.error_code).Bind(4, r.record).Bind(5, r.id).Run());
    if (!s->Changes()) return Error("RunNotFound", "no run '" + r.id + "' to finish");
    RUNNEL_TRY(j, db_.Prepare("DELETE FROM journal WHERE run_id = ?"));
    return j->Bind(1, r.id).Run();
  }

  Status SetRunStatus(const std::string& id, const std::string& status) override {
    RUNNEL_TRY(s, db_.Prepare("UPDATE runs SET status = ? WHERE id = ? AND end = 0"));
    return s->Bind(1, status).Bind(2, id).Run();
  }

  Status AppendJournal(const JournalEntry& e) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT INTO journal (run_id, seq, kind, body) VALUES (?, ?, ?, ?)"));
    return s->Bind(1, e.run_id).Bind(2, e.seq).Bind(3, e.kind).Bind(4, e.body).Run();
  }

  Result<bool> ClaimTick(const std::string& flow, const std::string& trigger, int64_t tick,
                         const std::string& run_id) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT OR IGNORE INTO ticks (flow, trigger, tick, run_id) VALUES (?, ?, ?, ?)"));
    RUNNEL_TRY_STATUS(s->Bind(1, flow).Bind(2, trigger).Bind(3, tick).Bind(4, run_id).Run());
    return s->Changes() == 1;
  }

  Status AddTriggerEvent(const TriggerEvent& e) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT INTO trigger_events (flow, trigger, time, outcome, reason, run_id) "
                              "VALUES (?, ?, ?, ?, ?, ?)"));
    return s->Bind(1, e.flow).Bind(2, e.trigger).Bind(3, e.time_micros).Bind(4, e.outcome).Bind(5, e.reason)
        .Bind(6, e.run_id)
        .Run();
  }

  Status SetTriggerCursor(const std::string& flow, const std::string& trigger, int64_t version,
                          const std::string& cursor) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT OR REPLACE INTO trigger_cursors (flow, trigger, version, cursor) "
                              "VALUES (?, ?, ?, ?)"));
    return s->Bind(1, flow).Bind(2, trigger).Bind(3, version).Bind(4, cursor).Run();
  }

  Status PutWebhookSubscription(const WebhookSubscription& w) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT OR REPLACE INTO webhook_subscriptions (flow, trigger, version, url, unsubscribe) "
                              "VALUES (?, ?, ?, ?, ?)"));
    return s->Bind(1, w.flow).Bind(2, w.trigger).Bind(3, w.version).Bind(4, w.url).Bind(5, w.unsubscribe).Run();
  }

  Status DeleteWebhookSubscription(const std::string& flow, const std::string& trigger) override {
    RUNNEL_TRY(s, db_.Prepare("DELETE FROM webhook_subscriptions WHERE flow = ? AND trigger = ?"));
    return s->Bind(1, flow).Bind(2, trigger).Run();
  }

  Result<int64_t> DeleteHistoryBefore(int64_t micros) override {
    RUNNEL_TRY(s, db_.Prepare("DELETE FROM runs WHERE end != 0 AND end < ?"));
    RUNNEL_TRY_STATUS(s->Bind(1, micros).Run());
    int64_t runs = s->Changes();
    RUNNEL_TRY(e, db_.Prepare("DELETE FROM trigger_events WHERE time < ?"));
    RUNNEL_TRY_STATUS(e->Bind(1, micros).Run());
    // Keep each schedule's latest tick: it is what stops a restarted server from firing it again.
    RUNNEL_TRY(t, db_.Prepare("DELETE FROM ticks WHERE tick < ? AND tick < (SELECT MAX(tick) FROM ticks AS l "
                              "WHERE l.flow = ticks.flow AND l.trigger = ticks.trigger)"));
    RUNNEL_TRY_STATUS(t->Bind(1, micros).Run());
    // Give the freed pages back to the file system (the file uses incremental auto-vacuum).
    RUNNEL_TRY_STATUS(db_.Exec("PRAGMA incremental_vacuum"));
    return runs;
  }

  Sql& sql() override { return sql_; }

  Status PutTableDefinition(const TableDefinitionRecord& t) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT INTO table_definitions (logical_name, version, document, created, modified) "
                              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (logical_name) DO UPDATE SET "
                              "version = ?2, document = ?3, modified = ?5"));
    return s->Bind(1, t.logical_name).Bind(2, t.version).Bind(3, t.document).Bind(4, t.created_micros)
        .Bind(5, t.modified_micros)
        .Run();
  }

  Result<int64_t> NextChangeSeq() override {
    RUNNEL_TRY(s, db_.Prepare("UPDATE counters SET value = value + 1 WHERE name = 'change_seq' RETURNING value"));
    RUNNEL_TRY(row, s->Step());
    if (!row) return Error("StoreError", "the change sequence counter is missing");
    int64_t seq = s->Int(0);
    RUNNEL_TRY_STATUS(s->Run());
    return seq;
  }

  Status AppendChange(const ChangeRecord& c) override {
    RUNNEL_TRY(s, db_.Prepare("INSERT INTO changes (seq, time, table_name, row_id, message, post_image, pre_image, "
                              "columns_present, columns_changed, origin_flow, run_id, hop_count, suppress_callbacks) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    return s->Bind(1, c.seq)
        .Bind(2, c.time_micros)
        .Bind(3, c.table)
        .Bind(4, c.row_id)
        .Bind(5, c.message)
        .Bind(6, c.post_image)
        .Bind(7, c.pre_image)
        .Bind(8, c.columns_present)
        .Bind(9, c.columns_changed)
        .Bind(10, c.origin_flow)
        .Bind(11, c.run_id)
        .Bind(12, c.hop_count)
        .Bind(13, int64_t{c.suppress_callbacks})
        .Run();
  }

  Result<int64_t> DeleteChangesBefore(int64_t micros) override {
    // Sequence numbers grow with time, so the records to delete are a prefix: find where it
    // ends by walking from the start (no index on time for a once-a-day job).
    RUNNEL_TRY(first_kept, db_.Prepare("SELECT COALESCE((SELECT seq FROM changes WHERE time >= ? ORDER BY seq LIMIT 1), "
                                       "(SELECT value FROM counters WHERE name = 'change_seq') + 1)"));
    first_kept->Bind(1, micros);
    RUNNEL_TRY(row, first_kept->Step());
    int64_t cutoff = row ? first_kept->Int(0) : 0;
    first_kept.reset();
    RUNNEL_TRY(d, db_.Prepare("DELETE FROM changes WHERE seq < ?"));
    RUNNEL_TRY_STATUS(d->Bind(1, cutoff).Run());
    int64_t deleted = d->Changes();
    if (deleted > 0) {
      RUNNEL_TRY(f, db_.Prepare("UPDATE counters SET value = MAX(value, ?) WHERE name = 'change_floor'"));
      RUNNEL_TRY_STATUS(f->Bind(1, cutoff - 1).Run());
    }
    return deleted;
  }

 private:
  static Error NotFound(const std::string& name) { return Error("FlowNotFound", "no flow named '" + name + "'"); }
  Database& db_;
  SqliteSql& sql_;
};

class SqliteReadView final : public ReadView {
 public:
  SqliteReadView(Database& db, SqliteSql& sql) : db_(db), sql_(sql) {}

  Result<std::vector<FlowRecord>> ListFlows() override { return Flows(""); }

  Result<std::optional<FlowRecord>> GetFlow(const std::string& name) override {
    RUNNEL_TRY(flows, Flows(name));
    if (flows.empty()) return std::optional<FlowRecord>();
    return std::optional<FlowRecord>(std::move(flows[0]));
  }

  Result<std::vector<FlowVersion>> ListFlowVersions(const std::string& name) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT version, created, document FROM flow_versions WHERE name = ? ORDER BY version"));
    s->Bind(1, name);
    std::vector<FlowVersion> out;
    while (true) {
      RUNNEL_TRY(row, s->Step());
      if (!row) break;
      out.push_back({s->Int(0), s->Int(1), s->Text(2)});
    }
    return out;
  }

  Result<std::optional<FlowVersion>> GetFlowVersion(const std::string& name, int64_t version) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT version, created, document FROM flow_versions WHERE name = ? AND version = ?"));
    s->Bind(1, name).Bind(2, version);
    RUNNEL_TRY(row, s->Step());
    if (!row) return std::optional<FlowVersion>();
    return std::optional<FlowVersion>(FlowVersion{s->Int(0), s->Int(1), s->Text(2)});
  }

  Result<std::vector<RunRow>> ListRuns(const RunFilter& f) override {
    // Run ids sort by start time, so "newest first" and paging are both by id.
    RUNNEL_TRY(s, db_.Prepare(
                      "SELECT id, flow, version, trigger, status, start, end, tracking_id, error_code, '' FROM runs "
                      "WHERE (?1 = '' OR flow = ?1) AND (?2 = '' OR status = ?2) AND (?3 = 0 OR start > ?3) "
                      "AND (?4 = 0 OR start < ?4) AND (?5 = '' OR id < ?5) ORDER BY id DESC LIMIT ?6"));
    s->Bind(1, f.flow).Bind(2, f.status).Bind(3, f.started_after).Bind(4, f.started_before).Bind(5, f.after_id)
        .Bind(6, int64_t{f.limit});
    return Runs(*s);
  }

  Result<std::optional<RunRow>> GetRun(const std::string& id) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT id, flow, version, trigger, status, start, end, tracking_id, error_code, "
                              "record FROM runs WHERE id = ?"));
    s->Bind(1, id);
    RUNNEL_TRY(rows, Runs(*s));
    if (rows.empty()) return std::optional<RunRow>();
    return std::optional<RunRow>(std::move(rows[0]));
  }

  Result<std::vector<RunRow>> UnfinishedRuns() override {
    RUNNEL_TRY(s, db_.Prepare("SELECT id, flow, version, trigger, status, start, end, tracking_id, error_code, "
                              "record FROM runs WHERE end = 0 ORDER BY id"));
    return Runs(*s);
  }

  Result<std::vector<JournalEntry>> ReadJournal(const std::string& run_id) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT seq, kind, body FROM journal WHERE run_id = ? ORDER BY seq"));
    s->Bind(1, run_id);
    std::vector<JournalEntry> out;
    while (true) {
      RUNNEL_TRY(row, s->Step());
      if (!row) break;
      out.push_back({run_id, s->Int(0), s->Text(1), s->Text(2)});
    }
    return out;
  }

  Result<std::vector<TriggerEvent>> ListTriggerEvents(const std::string& flow, int limit) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT id, flow, trigger, time, outcome, reason, run_id FROM trigger_events "
                              "WHERE flow = ? ORDER BY id DESC LIMIT ?"));
    s->Bind(1, flow).Bind(2, int64_t{limit});
    std::vector<TriggerEvent> out;
    while (true) {
      RUNNEL_TRY(row, s->Step());
      if (!row) break;
      out.push_back({s->Int(0), s->Text(1), s->Text(2), s->Int(3), s->Text(4), s->Text(5), s->Text(6)});
    }
    return out;
  }

  Result<int64_t> LastTick(const std::string& flow, const std::string& trigger) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT COALESCE(MAX(tick), 0) FROM ticks WHERE flow = ? AND trigger = ?"));
    s->Bind(1, flow).Bind(2, trigger);
    RUNNEL_TRY(row, s->Step());
    return row ? s->Int(0) : 0;
  }

  Result<std::string> GetTriggerCursor(const std::string& flow, const std::string& trigger, int64_t version) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT cursor FROM trigger_cursors WHERE flow = ? AND trigger = ? AND version = ?"));
    s->Bind(1, flow).Bind(2, trigger).Bind(3, version);
    RUNNEL_TRY(row, s->Step());
    return row ? s->Text(0) : std::string();
  }

  Result<std::vector<WebhookSubscription>> ListWebhookSubscriptions(const std::string& flow) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT flow, trigger, version, url, unsubscribe FROM webhook_subscriptions "
                              "WHERE flow = ? ORDER BY trigger"));
    s->Bind(1, flow);
    std::vector<WebhookSubscription> out;
    while (true) {
      RUNNEL_TRY(row, s->Step());
      if (!row) break;
      out.push_back({s->Text(0), s->Text(1), s->Int(2), s->Text(3), s->Text(4)});
    }
    return out;
  }

  Sql& sql() override { return sql_; }

  Result<std::vector<TableDefinitionRecord>> ListTableDefinitions() override {
    RUNNEL_TRY(s, db_.Prepare("SELECT logical_name, version, document, created, modified FROM table_definitions "
                              "ORDER BY logical_name"));
    std::vector<TableDefinitionRecord> out;
    while (true) {
      RUNNEL_TRY(row, s->Step());
      if (!row) break;
      out.push_back({s->Text(0), s->Int(1), s->Text(2), s->Int(3), s->Int(4)});
    }
    return out;
  }

  Result<std::vector<ChangeRecord>> ReadChanges(int64_t after_seq, int limit, const std::string& table) override {
    RUNNEL_TRY(s, db_.Prepare("SELECT seq, time, table_name, row_id, message, post_image, pre_image, columns_present, "
                              "columns_changed, origin_flow, run_id, hop_count, suppress_callbacks FROM changes "
                              "WHERE seq > ?1 AND (?2 = '' OR table_name = ?2) ORDER BY seq LIMIT ?3"));
    s->Bind(1, after_seq).Bind(2, table).Bind(3, int64_t{limit});
    std::vector<ChangeRecord> out;
    while (true) {
      RUNNEL_TRY(row, s->Step());
      if (!row) break;
      ChangeRecord c;
      c.seq = s->Int(0);
      c.time_micros = s->Int(1);
      c.table = s->Text(2);
      c.row_id = s->Text(3);
      c.message = s->Text(4);
      c.post_image = s->Text(5);
      c.pre_image = s->Text(6);
      c.columns_present = s->Text(7);
      c.columns_changed = s->Text(8);
      c.origin_flow = s->Text(9);
      c.run_id = s->Text(10);
      c.hop_count = s->Int(11);
      c.suppress_callbacks = s->Int(12) != 0;
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<ChangeBounds> GetChangeBounds() override {
    RUNNEL_TRY(s, db_.Prepare("SELECT (SELECT value FROM counters WHERE name = 'change_floor'), "
                              "(SELECT value FROM counters WHERE name = 'change_seq')"));
    RUNNEL_TRY(row, s->Step());
    if (!row) return ChangeBounds{};
    return ChangeBounds{s->Int(0), s->Int(1)};
  }

 private:
  Result<std::vector<FlowRecord>> Flows(const std::string& name) {
    RUNNEL_TRY(s, db_.Prepare(
                      "SELECT f.name, f.version, f.enabled, f.kind, f.primary_key, f.secondary_key, f.created, "
                      "f.modified, v.document FROM flows f JOIN flow_versions v ON v.name = f.name AND "
                      "v.version = f.version WHERE (?1 = '' OR f.name = ?1) ORDER BY f.name"));
    s->Bind(1, name);
    std::vector<FlowRecord> out;
    while (true) {
      RUNNEL_TRY(row, s->Step());
      if (!row) break;
      FlowRecord f;
      f.name = s->Text(0);
      f.version = s->Int(1);
      f.enabled = s->Int(2) != 0;
      f.kind = s->Text(3);
      f.primary_key = s->Text(4);
      f.secondary_key = s->Text(5);
      f.created_micros = s->Int(6);
      f.modified_micros = s->Int(7);
      f.document = s->Text(8);
      out.push_back(std::move(f));
    }
    return out;
  }

  static Result<std::vector<RunRow>> Runs(Statement& s) {
    std::vector<RunRow> out;
    while (true) {
      RUNNEL_TRY(row, s.Step());
      if (!row) break;
      out.push_back(ReadRun(s));
    }
    return out;
  }

  Database& db_;
  SqliteSql& sql_;
};

// Every statement fails once the store is closed.
class ClosedSql final : public Sql {
 public:
  Result<int64_t> Execute(std::string_view, std::span<const SqlValue>) override { return Closed(); }
  Result<SqlRows> Query(std::string_view, std::span<const SqlValue>) override { return Closed(); }
  static Error Closed() { return Error("StoreClosed", "the store is closed (the server is shutting down)"); }
};

// Every read fails the same way once the store is closed.
class ClosedReadView final : public ReadView {
 public:
  static Error Closed() { return Error("StoreClosed", "the store is closed (the server is shutting down)"); }
  Result<std::vector<FlowRecord>> ListFlows() override { return Closed(); }
  Result<std::optional<FlowRecord>> GetFlow(const std::string&) override { return Closed(); }
  Result<std::vector<FlowVersion>> ListFlowVersions(const std::string&) override { return Closed(); }
  Result<std::optional<FlowVersion>> GetFlowVersion(const std::string&, int64_t) override { return Closed(); }
  Result<std::vector<RunRow>> ListRuns(const RunFilter&) override { return Closed(); }
  Result<std::optional<RunRow>> GetRun(const std::string&) override { return Closed(); }
  Result<std::vector<RunRow>> UnfinishedRuns() override { return Closed(); }
  Result<std::vector<JournalEntry>> ReadJournal(const std::string&) override { return Closed(); }
  Result<std::vector<TriggerEvent>> ListTriggerEvents(const std::string&, int) override { return Closed(); }
  Result<int64_t> LastTick(const std::string&, const std::string&) override { return Closed(); }
  Result<std::string> GetTriggerCursor(const std::string&, const std::string&, int64_t) override { return Closed(); }
  Result<std::vector<WebhookSubscription>> ListWebhookSubscriptions(const std::string&) override { return Closed(); }
  Sql& sql() override { return sql_; }
  Result<std::vector<TableDefinitionRecord>> ListTableDefinitions() override { return Closed(); }
  Result<std::vector<ChangeRecord>> ReadChanges(int64_t, int, const std::string&) override { return Closed(); }
  Result<ChangeBounds> GetChangeBounds() override { return Closed(); }

 private:
  ClosedSql sql_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Database> db, SqliteOptions options)
      : db_(std::move(db)), sql_(db_->handle()), options_(options), thread_([this] { Loop(); }) {}
  ~SqliteStore() override { Close(); }

  void Write(WriteFn fn, DoneFn done) override {
    {
      std::lock_guard lock(mu_);
      if (!closed_) {
        queue_.push_back(Task{PendingWrite{std::move(fn), std::move(done)}});
        ++pending_writes_;
        cv_.notify_one();
        return;
      }
    }
    if (done) done(ClosedReadView::Closed());
  }

  void Read(std::function<void(ReadView&)> fn) override {
    {
      std::lock_guard lock(mu_);
      if (!closed_) {
        queue_.push_back(Task{std::move(fn)});
        cv_.notify_one();
        return;
      }
    }
    ClosedReadView closed;
    fn(closed);
  }

  size_t PendingWrites() const override { return pending_writes_.load(std::memory_order_relaxed); }

  void Close() override {
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      closed_ = true;
      cv_.notify_one();
    }
    thread_.join();
  }

 private:
  struct PendingWrite {
    WriteFn fn;
    DoneFn done;
  };
  struct Task {
    std::variant<PendingWrite, std::function<void(ReadView&)>> work;
  };

  void Loop() {
    pthread_setname_np(pthread_self(), "runnel-store");
    SqliteReadView view(*db_, sql_);
    std::deque<Task> tasks;
    while (true) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closed and drained
        tasks.swap(queue_);
      }
      // Consecutive writes share one transaction; a read runs after the writes queued before it.
      std::vector<PendingWrite> batch;
      for (auto& task : tasks) {
        if (auto* w = std::get_if<PendingWrite>(&task.work)) {
          batch.push_back(std::move(*w));
          if (batch.size() >= options_.max_batch) Commit(batch);
        } else {
          Commit(batch);
          std::get<std::function<void(ReadView&)>>(task.work)(view);
        }
      }
      Commit(batch);
      tasks.clear();
    }
  }

  // Applies and commits a batch, then reports each write's outcome.
  void Commit(std::vector<PendingWrite>& batch) {
    if (batch.empty()) return;
    std::vector<Status> outcomes;
    outcomes.reserve(batch.size());
    Status begun = db_->read_only()
                       ? Status(Error("StoreReadOnly", "the store is read-only: runs and changes cannot be saved; "
                                                       "check the data directory's permissions"))
                       : Run("BEGIN IMMEDIATE");
    if (begun) {
      // Optimistically without savepoints (they cost as much as a small write); only when a
      // write fails is the batch rolled back and applied again, each write in its own savepoint.
      SqliteTransaction tx(*db_, sql_);
      bool all_ok = true;
      for (auto& w : batch) {
        if (!w.fn(tx)) {
          all_ok = false;
          break;
        }
      }
      if (!all_ok) {
        (void)Run("ROLLBACK");
        begun = Run("BEGIN IMMEDIATE");
        for (auto& w : batch) {
          Status s = begun;
          if (s) s = Run("SAVEPOINT w");
          if (s) s = w.fn(tx);
          if (s) {
            s = Run("RELEASE w");
          } else if (begun) {
            (void)Run("ROLLBACK TO w");
            (void)Run("RELEASE w");
          }
          outcomes.push_back(std::move(s));
        }
      } else {
        outcomes.assign(batch.size(), Ok());
      }
      Status committed = begun ? Run("COMMIT") : begun;
      if (!committed) {
        (void)Run("ROLLBACK");
        outcomes.assign(batch.size(), committed);
      }
    } else {
      outcomes.assign(batch.size(), begun);
    }
    pending_writes_.fetch_sub(batch.size(), std::memory_order_relaxed);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move(outcomes[i]));
    }
    batch.clear();
  }

  Status Run(const char* sql) {
    RUNNEL_TRY(stmt, db_->Prepare(sql));
    return stmt->Run();
  }

  std::unique_ptr<Database> db_;
  SqliteSql sql_;  // after db_: finalizes its statements before the connection closes
  SqliteOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  bool closed_ = false;
  std::atomic<size_t> pending_writes_{0};
  std::thread thread_;  // last: starts after everything it uses
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SqliteOptions options) {
  auto db = std::make_unique<Database>();
  RUNNEL_TRY_STATUS(db->Open(path, options.busy_timeout_ms, options.read_only));
  auto check = db->Exec("SELECT count(*) FROM sqlite_master");
  if (!check) {
    return Error("StoreUnreadable", "'" + path + "' is not a Runnel store: " + check.error().message);
  }
  if (!db->read_only()) {
    // auto_vacuum only takes effect on a new database (before the first table).
    RUNNEL_TRY_STATUS(db->Exec("PRAGMA auto_vacuum = INCREMENTAL"));
    // One process owns the store: exclusive locking skips the file locks and the shared-memory
    // index that let several processes share a WAL database (a dozen fcntl calls per commit).
    RUNNEL_TRY_STATUS(db->Exec("PRAGMA locking_mode = EXCLUSIVE"));
    RUNNEL_TRY_STATUS(db->Exec("PRAGMA journal_mode = WAL"));
    RUNNEL_TRY_STATUS(db->Exec(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  }
  RUNNEL_TRY_STATUS(MigrateSchema(*db));
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db), options));
}

}  // namespace runnel::store

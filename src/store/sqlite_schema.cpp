// The SQLite schema and its migrations. `user_version` holds the schema version; each step
// upgrades by one, inside a transaction, so an interrupted upgrade leaves the old schema.
#include "store/sqlite_schema.h"

#include <string>

namespace runnel::store {
namespace {

constexpr const char* kVersion1 = R"sql(
CREATE TABLE flows (
  name TEXT PRIMARY KEY COLLATE NOCASE,
  version INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  kind TEXT NOT NULL,
  primary_key TEXT NOT NULL,
  secondary_key TEXT NOT NULL,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL);
CREATE TABLE flow_versions (
  name TEXT NOT NULL COLLATE NOCASE,
  version INTEGER NOT NULL,
  created INTEGER NOT NULL,
  document TEXT NOT NULL,
  PRIMARY KEY (name, version)) WITHOUT ROWID;
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  flow TEXT NOT NULL COLLATE NOCASE,
  version INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  status TEXT NOT NULL,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  tracking_id TEXT NOT NULL,
  error_code TEXT NOT NULL,
  record TEXT NOT NULL);
CREATE INDEX runs_by_flow ON runs (flow, id);
CREATE INDEX runs_unfinished ON runs (end) WHERE end = 0;
CREATE TABLE journal (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
CREATE TABLE ticks (
  flow TEXT NOT NULL COLLATE NOCASE,
  trigger TEXT NOT NULL,
  tick INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  PRIMARY KEY (flow, trigger, tick)) WITHOUT ROWID;
CREATE TABLE trigger_events (
  id INTEGER PRIMARY KEY,
  flow TEXT NOT NULL COLLATE NOCASE,
  trigger TEXT NOT NULL,
  time INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  run_id TEXT NOT NULL);
CREATE INDEX trigger_events_by_flow ON trigger_events (flow, id);
)sql";

// The table store: definitions of user tables and the change feed. The user tables themselves
// (t_<logical name>) are created by tables/ through Sql, from their definitions.
constexpr const char* kVersion2 = R"sql(
CREATE TABLE table_definitions (
  logical_name TEXT PRIMARY KEY COLLATE NOCASE,
  version INTEGER NOT NULL,
  document TEXT NOT NULL,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL);
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  table_name TEXT NOT NULL,
  row_id TEXT NOT NULL,
  message TEXT NOT NULL,
  post_image TEXT NOT NULL,
  pre_image TEXT NOT NULL,
  columns_present TEXT NOT NULL,
  columns_changed TEXT NOT NULL,
  origin_flow TEXT NOT NULL,
  run_id TEXT NOT NULL,
  hop_count INTEGER NOT NULL,
  suppress_callbacks INTEGER NOT NULL);
CREATE INDEX changes_by_table ON changes (table_name, seq);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('change_seq', 0), ('change_floor', 0);
)sql";

// The change trigger's claims: one row per run a change started, written in the run's start
// transaction, so a change dispatched again after a crash never starts it twice. Rows at or
// before the dispatcher's cursor (counters 'trigger_cursor') are deleted as it moves on.
constexpr const char* kVersion3 = R"sql(
CREATE TABLE change_claims (
  flow TEXT NOT NULL,
  trigger TEXT NOT NULL,
  seq INTEGER NOT NULL,
  item INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  PRIMARY KEY (seq, flow, trigger, item)) WITHOUT ROWID;
)sql";

// Trigger state that must outlive a restart: the Http polling trigger's cursor (the endpoint's
// last Location), kept per flow version so a redeployed trigger starts from its own uri.
constexpr const char* kVersion4 = R"sql(
CREATE TABLE trigger_cursors (
  flow TEXT NOT NULL COLLATE NOCASE,
  trigger TEXT NOT NULL,
  version INTEGER NOT NULL,
  cursor TEXT NOT NULL,
  PRIMARY KEY (flow, trigger)) WITHOUT ROWID;
)sql";

// HttpWebhook triggers' standing subscriptions: what to send to end each one.
constexpr const char* kVersion5 = R"sql(
CREATE TABLE webhook_subscriptions (
  flow TEXT NOT NULL COLLATE NOCASE,
  trigger TEXT NOT NULL,
  version INTEGER NOT NULL,
  url TEXT NOT NULL,
  unsubscribe TEXT NOT NULL,
  PRIMARY KEY (flow, trigger)) WITHOUT ROWID;
)sql";

constexpr const char* kMigrations[] = {kVersion1, kVersion2, kVersion3, kVersion4, kVersion5};

}  // namespace

Status MigrateSchema(Database& db) {
  RUNNEL_TRY(stmt, db.Prepare("PRAGMA user_version"));
  RUNNEL_TRY(row, stmt->Step());
  int64_t version = row ? stmt->Int(0) : 0;
  stmt.reset();
  constexpr int64_t kLatest = sizeof kMigrations / sizeof kMigrations[0];
  if (version > kLatest) {
    return Error("StoreTooNew", "the store was written by a newer Runnel (schema " + std::to_string(version) +
                                    ", this build knows " + std::to_string(kLatest) + "); upgrade Runnel");
  }
  if (version < kLatest && db.read_only()) {
    return Error("StoreReadOnly", "the store needs a schema upgrade but is read-only");
  }
  for (int64_t v = version; v < kLatest; ++v) {
    RUNNEL_TRY_STATUS(db.Exec("BEGIN IMMEDIATE"));
    Status applied = db.Exec(kMigrations[v]);
    if (applied) applied = db.Exec("PRAGMA user_version = " + std::to_string(v + 1));
    if (!applied) {
      (void)db.Exec("ROLLBACK");
      return applied;
    }
    RUNNEL_TRY_STATUS(db.Exec("COMMIT"));
  }
  return Ok();
}

}  // namespace runnel::store

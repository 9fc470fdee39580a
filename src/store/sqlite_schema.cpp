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

constexpr const char* kMigrations[] = {kVersion1};

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

// The embedded store: one SQLite file in WAL mode, one thread that owns the connection.
//
// The thread takes every queued write, applies them inside one transaction (a savepoint
// each) and commits once — group commit — then reports each outcome. With `synchronous`
// NORMAL (the default) a commit survives a crash of the process (kill -9) but the last commits
// before a power loss may be lost; FULL flushes to disk on every commit.
//
// Retention frees disk: the file uses incremental auto-vacuum and DeleteHistoryBefore is
// followed by an incremental vacuum.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace runnel::store {

struct SqliteOptions {
  bool synchronous_full = false;
  bool read_only = false;   // serve reads only (also chosen when the file cannot be written)
  int busy_timeout_ms = 5000;
  size_t max_batch = 4096;  // writes per transaction at most
};

// Opens (creating when missing) the database at `path`. Errors say what failed and where: a
// missing directory, a file that is not a database, a read-only file.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, SqliteOptions options = {});

}  // namespace runnel::store

#include "store/sqlite_db.h"

#include <memory>

namespace runnel::store {

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string sql = sqlite3_sql(stmt_) ? sqlite3_sql(stmt_) : "";
  return Error(rc == SQLITE_FULL ? "StoreFull" : rc == SQLITE_READONLY ? "StoreReadOnly" : "StoreError",
               std::string(sqlite3_errmsg(db_)) + " (while running: " + sql.substr(0, 80) + ")");
}

Status Statement::Run() {
  while (true) {
    RUNNEL_TRY(row, Step());
    if (!row) return Ok();
  }
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (db_) sqlite3_close(db_);
}

Status Database::Open(const std::string& path, int busy_timeout_ms, bool read_only) {
  int rc = read_only ? SQLITE_READONLY : sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc == SQLITE_OK) {
    // A file we may not write opens "successfully" read-write; the first write would fail.
    if (sqlite3_db_readonly(db_, "main") == 1) read_only_ = true;
  } else {
    Error first = read_only ? Error("StoreError", "cannot open the store '" + path + "' read-only")
                            : LastError("opening the store '" + path + "'");
    sqlite3_close(db_);
    db_ = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
      return Error(first.code, first.message + "; check that the data directory exists and is writable");
    }
    read_only_ = true;
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  return Ok();
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string m = message ? message : "unknown error";
    sqlite3_free(message);
    int code = sqlite3_errcode(db_);
    return Error(code == SQLITE_FULL ? "StoreFull" : code == SQLITE_READONLY ? "StoreReadOnly" : "StoreError",
                 m + " (while running: " + text.substr(0, 80) + ")");
  }
  return Ok();
}

Result<std::unique_ptr<Statement>> Database::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return LastError(std::string("preparing: ") + sql);
    }
    it = cache_.emplace(sql, stmt).first;
  }
  return std::make_unique<Statement>(db_, it->second);
}

Error Database::LastError(std::string_view what) const {
  int code = db_ ? sqlite3_errcode(db_) : SQLITE_CANTOPEN;
  std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
  return Error(code == SQLITE_FULL ? "StoreFull" : code == SQLITE_READONLY ? "StoreReadOnly" : "StoreError",
               message + " (" + std::string(what) + ")");
}

}  // namespace runnel::store

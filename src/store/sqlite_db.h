// A thin layer over the SQLite C API for the store: a connection with a cache of prepared
// statements, and a statement wrapper that binds, steps and reads columns. Every failure becomes
// an Error that names the statement's purpose and SQLite's message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"

namespace runnel::store {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }

  // True while a row is available; false when done; an error otherwise.
  Result<bool> Step();
  // Steps to completion (for statements that return no rows).
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  int Changes() const { return sqlite3_changes(db_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  Database() = default;
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens read-write (creating the file), or read-only when asked or when the file or its
  // directory cannot be written.
  Status Open(const std::string& path, int busy_timeout_ms, bool read_only);
  bool read_only() const { return read_only_; }
  sqlite3* handle() { return db_; }

  // Runs SQL without results (schema, pragmas, BEGIN/COMMIT).
  Status Exec(std::string_view sql);
  // A cached prepared statement for `sql`; valid until the Database closes.
  Result<std::unique_ptr<Statement>> Prepare(const char* sql);
  Error LastError(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  bool read_only_ = false;
  std::map<const char*, sqlite3_stmt*> cache_;  // keyed by the SQL literal's address
};

}  // namespace runnel::store

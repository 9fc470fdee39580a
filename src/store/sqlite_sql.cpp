#include "store/sqlite_sql.h"

namespace runnel::store {
namespace {

// Resets a statement when the call using it ends, whatever the outcome: a statement left
// mid-step would hold its read or write lock until the next use.
struct ResetOnExit {
  sqlite3_stmt* stmt;
  ~ResetOnExit() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

SqlValue ColumnValue(sqlite3_stmt* stmt, int col) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, col));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, col);
    case SQLITE_NULL:
      return nullptr;
    default: {
      const void* p = sqlite3_column_blob(stmt, col);
      int n = sqlite3_column_bytes(stmt, col);
      return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
    }
  }
}

int BindValue(sqlite3_stmt* stmt, int index, const SqlValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return sqlite3_bind_int64(stmt, index, *i);
  if (const auto* d = std::get_if<double>(&v)) return sqlite3_bind_double(stmt, index, *d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    return sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
  }
  return sqlite3_bind_null(stmt, index);
}

}  // namespace

SqliteSql::~SqliteSql() {
  for (auto& [text, stmt] : lru_) sqlite3_finalize(stmt);
}

Error SqliteSql::Failure(std::string_view sql) const {
  int code = sqlite3_errcode(db_);
  int primary = code & 0xff;
  std::string name = primary == SQLITE_FULL         ? "StoreFull"
                     : primary == SQLITE_READONLY   ? "StoreReadOnly"
                     : primary == SQLITE_CONSTRAINT ? "StoreConstraint"
                                                    : "StoreError";
  return Error(name, std::string(sqlite3_errmsg(db_)) + " (while running: " + std::string(sql.substr(0, 120)) + ")");
}

Result<sqlite3_stmt*> SqliteSql::Prepare(std::string_view sql, std::span<const SqlValue> params) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = index_.find(sql); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    stmt = it->second->second;
  } else {
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, &tail) !=
        SQLITE_OK) {
      return Failure(sql);
    }
    if (!stmt) return Error("StoreError", "empty statement");
    if (tail && tail != sql.data() + sql.size() && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(stmt);
      return Error("StoreError", "one statement at a time (while preparing: " + std::string(sql.substr(0, 120)) + ")");
    }
    lru_.emplace_front(std::string(sql), stmt);
    index_.emplace(lru_.front().first, lru_.begin());
    if (lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      sqlite3_finalize(lru_.back().second);
      lru_.pop_back();
    }
  }
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    return Error("StoreError", "the statement has " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                                   " parameters but " + std::to_string(params.size()) +
                                   " values were given (while preparing: " + std::string(sql.substr(0, 120)) + ")");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (BindValue(stmt, static_cast<int>(i + 1), params[i]) != SQLITE_OK) {
      sqlite3_clear_bindings(stmt);
      return Failure(sql);
    }
  }
  return stmt;
}

Result<int64_t> SqliteSql::Execute(std::string_view sql, std::span<const SqlValue> params) {
  RUNNEL_TRY(stmt, Prepare(sql, params));
  ResetOnExit reset{stmt};
  // The difference of the connection's total is this statement's count, and 0 for DDL
  // (sqlite3_changes() would still report the previous DML statement's).
  sqlite3_int64 before = sqlite3_total_changes64(db_);
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Failure(sql);
  }
  return static_cast<int64_t>(sqlite3_total_changes64(db_) - before);
}

Result<SqlRows> SqliteSql::Query(std::string_view sql, std::span<const SqlValue> params) {
  RUNNEL_TRY(stmt, Prepare(sql, params));
  ResetOnExit reset{stmt};
  SqlRows out;
  int n = sqlite3_column_count(stmt);
  out.columns.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const char* name = sqlite3_column_name(stmt, i);
    out.columns.emplace_back(name ? name : "");
  }
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Failure(sql);
    std::vector<SqlValue> row;
    row.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) row.push_back(ColumnValue(stmt, i));
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace runnel::store

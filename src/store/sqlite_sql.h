// SqliteSql: the Sql interface (sql.h) over one SQLite connection, with a bounded cache of
// prepared statements keyed by their text.
//
// The table store builds a handful of statement shapes per table (insert, update by id, select
// by id, a query per filter shape), so most statements repeat; preparing one costs more than
// running it. The cache evicts the least recently used statement beyond its capacity. SQLite
// re-prepares a cached statement by itself when the schema changed (ALTER TABLE ADD COLUMN).
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/sql.h"

namespace runnel::store {

class SqliteSql final : public Sql {
 public:
  static constexpr size_t kDefaultCacheCapacity = 512;

  explicit SqliteSql(sqlite3* db, size_t cache_capacity = kDefaultCacheCapacity)
      : db_(db), capacity_(cache_capacity < 1 ? 1 : cache_capacity) {}
  ~SqliteSql() override;
  SqliteSql(const SqliteSql&) = delete;
  SqliteSql& operator=(const SqliteSql&) = delete;

  Result<int64_t> Execute(std::string_view sql, std::span<const SqlValue> params) override;
  Result<SqlRows> Query(std::string_view sql, std::span<const SqlValue> params) override;

  size_t cached_statements() const { return lru_.size(); }

 private:
  // A prepared statement for `sql` with `params` bound, most recently used first in the cache.
  Result<sqlite3_stmt*> Prepare(std::string_view sql, std::span<const SqlValue> params);
  Error Failure(std::string_view sql) const;

  sqlite3* db_;
  size_t capacity_;
  std::list<std::pair<std::string, sqlite3_stmt*>> lru_;  // front: most recently used
  std::unordered_map<std::string_view, std::list<std::pair<std::string, sqlite3_stmt*>>::iterator> index_;
};

}  // namespace runnel::store

// Sql: statements whose text is built at run time, for the table store (tables/), whose tables
// and columns come from user-defined schemas.
//
// Values never enter the statement text: every value is a bound parameter (`?` placeholders,
// bound in order), so a statement's text depends only on the schema and the shape of a query,
// and the implementation can keep it prepared. Identifiers in the text are the caller's
// responsibility (tables/ builds them from validated names only).
//
// Thread rule: an Sql belongs to the Transaction or ReadView that returned it and is used only
// on the store's thread, inside that write or read function.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/sql_value.h"

namespace runnel::store {

struct SqlRows {
  std::vector<std::string> columns;            // the result's column names, in order
  std::vector<std::vector<SqlValue>> rows;     // each as long as `columns`
};

class Sql {
 public:
  virtual ~Sql() = default;

  // Runs one statement (DML or DDL) to completion. Returns how many rows it inserted, updated
  // or deleted (0 for DDL). On failure nothing of this statement is applied; the error names
  // the statement. A failed write function rolls back the rest of its transaction itself.
  virtual Result<int64_t> Execute(std::string_view sql, std::span<const SqlValue> params = {}) = 0;

  // Runs one statement and returns every row it produces (INSERT/UPDATE ... RETURNING too).
  // Callers bound the result in the statement (LIMIT): nothing here caps it.
  virtual Result<SqlRows> Query(std::string_view sql, std::span<const SqlValue> params = {}) = 0;
};

}  // namespace runnel::store

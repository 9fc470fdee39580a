// Reading user-table rows inside a store read (or write) function: one row by key, a page of
// a query, a count, and the changes since a delta token.
//
// Paging is by key, not by offset: a $skiptoken holds the sort values of the last row sent
// (the $orderby columns, then the primary id, which makes the order total), so each page costs
// the same however deep, and rows written between pages neither repeat nor vanish from the
// pages still to come. The token also holds a hash of the query it belongs to; a token used
// with another query is refused.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/store.h"
#include "tables/odata_query.h"
#include "tables/row_json.h"
#include "tables/row_key.h"
#include "tables/table_catalog.h"

namespace runnel::tables {

// The row `key` addresses, or nullopt.
Result<std::optional<StoredRow>> FindRow(store::Sql& sql, const TableSchema& table, const RowKey& key);

// The column indexes of a $select (OData names), the primary id always among them; every
// column when `select` is empty. Unknown names: InvalidSelect.
Result<std::vector<int>> ResolveSelect(const TableSchema& table, const std::vector<std::string>& select);

struct RowQuery {
  std::shared_ptr<const Catalog> catalog;
  std::shared_ptr<const TableSchema> table;
  std::shared_ptr<const QueryOptions> options;
  int64_t page_size = 5000;      // rows per page
  bool paged = true;             // false: at most options->top rows and no further page
  int64_t count_limit = 5000;    // @odata.count stops counting here
  bool track_changes = false;    // the last page carries a delta token
};

struct RowPage {
  std::vector<StoredRow> rows;
  std::optional<int64_t> count;  // with $count=true
  std::string next_skiptoken;    // empty on the last page
  int64_t delta_token = 0;       // with track_changes: changes after it are not in the pages
};

Result<RowPage> QueryRows(store::ReadView& view, const RowQuery& query);

// How many rows match `filter` (all rows without one), counting at most `limit`.
Result<int64_t> CountRows(store::ReadView& view, const Catalog& catalog, std::shared_ptr<const TableSchema> table,
                          const Filter* filter, int64_t limit);

struct DeltaPage {
  std::vector<StoredRow> rows;             // created or updated since the token, as they are now
  std::vector<std::string> deleted_ids;    // deleted since the token
  int64_t next_token = 0;                  // where the next request starts
  bool more = false;                       // more changes wait: request next_token at once
};

// The changes to `table` after `token`, each row once (its latest state), at most
// `max_changes` change records per page. Errors: a token past the end (InvalidDeltaToken) or
// older than the change feed's retention (ExpiredDeltaToken).
Result<DeltaPage> ReadDelta(store::ReadView& view, const TableSchema& table, int64_t token, int max_changes);

// The change feed's current end: the delta token of "everything up to now".
Result<int64_t> CurrentDeltaToken(store::ReadView& view);

}  // namespace runnel::tables

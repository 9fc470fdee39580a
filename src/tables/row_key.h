// RowKey: which row a URL or an action addresses — by its primary id, `accounts(<guid>)`, or
// by one of the table's alternate keys, `contacts(firstname='Joe',emailaddress1='a@b.c')`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/sql_value.h"
#include "tables/table_schema.h"

namespace runnel::tables {

struct RowKey {
  std::string id;  // the primary id (lower case) when addressed by it
  // An alternate key: its name and the stored value of each of its columns (column index into
  // TableSchema::columns()), in the key's column order.
  std::string key_name;
  std::vector<std::pair<int, store::SqlValue>> values;

  bool by_id() const { return !id.empty(); }
  // For messages: "accountid = 6f1c..." or "emailaddress1 = 'a@b.c'".
  std::string Describe(const TableSchema& table) const;
};

// Parses what is between the parentheses of an entity key segment (already percent-decoded):
// a bare GUID, `<table>id=<guid>`, or `column=literal,...` naming exactly the columns of an
// alternate key (lookups as `_column_value=<guid>`). Literals: 'text' (quote doubled inside),
// numbers, GUIDs, true/false, and date-times bare or quoted. Errors: InvalidKey.
Result<RowKey> ParseRowKey(const TableSchema& table, std::string_view text);

// The key of a row for `id`, already normalized.
inline RowKey KeyForId(std::string id) {
  RowKey k;
  k.id = std::move(id);
  return k;
}

}  // namespace runnel::tables

// Stored rows and their Web API JSON form.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "store/sql_value.h"
#include "tables/table_schema.h"

namespace runnel::tables {

// One row as stored: a value per column, in TableSchema::columns() order.
using StoredRow = std::vector<store::SqlValue>;

// The row keyed by OData names (`_<lookup>_value` for lookups): every column, or only the
// columns whose indexes are in `select` (in that order) when it is given.
boost::json::object RowToJson(const TableSchema& table, const StoredRow& row, const std::vector<int>* select = nullptr);

// The row's versionnumber, and its weak ETag `W/"<versionnumber>"`.
int64_t RowVersion(const TableSchema& table, const StoredRow& row);
std::string ETag(int64_t version);

// The primary id of a stored row.
const std::string& RowId(const StoredRow& row);

}  // namespace runnel::tables

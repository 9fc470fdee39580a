// The SQL tables behind user tables: `t_<logical name>` with a column `c_<name>` per column.
//
// SQL types: text for strings (COLLATE NOCASE: Dataverse compares, sorts and keys strings
// without regard to case, and so do `=`, `<`, ORDER BY and unique keys here), GUIDs and
// date-times; integers for whole numbers, choices and booleans; reals for decimal and float.
// An alternate key is a unique index; a lookup column has an index (for the rows that point
// at a row: deletes, any/all).
//
// A new version of a definition may add columns and keys, drop keys, and change names,
// labels, descriptions, `required` and ranges; anything that could lose or invalidate stored
// data (removing or retyping a column, shortening a maxLength, removing a choice option,
// retargeting a lookup, renaming the entity set) is refused with IncompatibleTableChange.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "tables/table_schema.h"

namespace runnel::tables {

// The statements that take the SQL table from `current` (nullptr: it does not exist yet) to
// `next`, in order. Empty when nothing in SQL changes.
Result<std::vector<std::string>> MigrationStatements(const TableSchema* current, const TableSchema& next);

// "c_accountid, c_name, ..." — every column in TableSchema::columns() order.
std::string SelectList(const TableSchema& table);

}  // namespace runnel::tables

// The body of a create or update: a JSON object of column values in the Web API's form,
// checked and converted to stored values before anything touches the store.
//
//   {"name": "Contoso", "revenue": 1200.5, "statecode": 1,
//    "primarycontactid@odata.bind": "/contacts(6f1c...)", "ownerid@odata.bind": "/systemusers(...)"}
//
// Columns are named by logical name; a lookup is set with `<column>@odata.bind` (a reference
// `/<entity set>(<id>)`, the entity set being the lookup target's) or cleared with null. Other
// annotations (`@odata.type`, `x@OData.Community...`) are ignored. Errors name the column and
// say what would fit: unknown columns (ColumnNotFound), read-only ones (ReadOnlyColumn), wrong
// types and out-of-range values (InvalidValue), values over maxLength (MaxLengthExceeded), null
// for a required column (RequiredColumnMissing), and a body that is not an object (InvalidBody).
#pragma once

#include <boost/json/fwd.hpp>

#include <utility>
#include <vector>

#include "base/result.h"
#include "store/sql_value.h"
#include "tables/table_catalog.h"

namespace runnel::tables {

struct RowValues {
  // Column index (into TableSchema::columns()) and stored value; each column at most once,
  // in body order.
  std::vector<std::pair<int, store::SqlValue>> values;

  const store::SqlValue* Find(int column) const {
    for (const auto& [i, v] : values) {
      if (i == column) return &v;
    }
    return nullptr;
  }
};

Result<RowValues> ParseRowBody(const Catalog& catalog, const TableSchema& table, const boost::json::value& body);

}  // namespace runnel::tables

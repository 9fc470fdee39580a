// TableQuerySchema: what an OData query over one table may name (odata_query.h's QuerySchema),
// from the table's schema and the catalog.
//
// Columns are named as in the Web API (`_<lookup>_value` for lookups); the collection-valued
// navigation properties for any/all are the lookups of other tables (or this one) that point
// at this table, named by their relationshipName (default `<table>_<lookup column>`).
//
// Thread rule: one instance per query (it caches the schemas of the collections it handed out);
// the catalog snapshot it holds stays valid for its life.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "tables/odata_query.h"
#include "tables/table_catalog.h"

namespace runnel::tables {

class TableQuerySchema final : public QuerySchema {
 public:
  TableQuerySchema(std::shared_ptr<const Catalog> catalog, std::shared_ptr<const TableSchema> table)
      : catalog_(std::move(catalog)), table_(std::move(table)) {}

  std::optional<QueryColumn> Column(std::string_view odata_name) const override;
  const QuerySchema* Collection(std::string_view odata_name, QueryCollection* out) const override;

  const TableSchema& table() const { return *table_; }

 private:
  std::shared_ptr<const Catalog> catalog_;
  std::shared_ptr<const TableSchema> table_;
  mutable std::map<std::string, std::unique_ptr<TableQuerySchema>, std::less<>> children_;
};

ValueKind KindOf(ColumnType type);

}  // namespace runnel::tables

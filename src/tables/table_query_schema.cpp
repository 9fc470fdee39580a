#include "tables/table_query_schema.h"

namespace runnel::tables {

ValueKind KindOf(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
    case ColumnType::kMemo: return ValueKind::kString;
    case ColumnType::kInt:
    case ColumnType::kBigInt:
    case ColumnType::kChoice: return ValueKind::kInteger;
    case ColumnType::kDecimal: return ValueKind::kDecimal;
    case ColumnType::kFloat: return ValueKind::kFloat;
    case ColumnType::kBool: return ValueKind::kBoolean;
    case ColumnType::kDateTime: return ValueKind::kDateTime;
    case ColumnType::kGuid:
    case ColumnType::kLookup: return ValueKind::kGuid;
  }
  return ValueKind::kString;
}

std::optional<QueryColumn> TableQuerySchema::Column(std::string_view odata_name) const {
  int i = table_->ODataColumnIndex(odata_name);
  if (i < 0) return std::nullopt;
  const ColumnDef& c = table_->columns()[static_cast<size_t>(i)];
  return QueryColumn{c.sql_name, KindOf(c.type)};
}

const QuerySchema* TableQuerySchema::Collection(std::string_view odata_name, QueryCollection* out) const {
  for (const Reference& ref : catalog_->ReferencesTo(table_->logical_name())) {
    const ColumnDef& fk = ref.table->columns()[static_cast<size_t>(ref.column)];
    if (fk.relationship != odata_name) continue;
    if (out) *out = QueryCollection{ref.table->sql_table(), fk.sql_name, table_->columns()[0].sql_name};
    auto it = children_.find(odata_name);
    if (it == children_.end()) {
      it = children_.emplace(std::string(odata_name), std::make_unique<TableQuerySchema>(catalog_, ref.table)).first;
    }
    return it->second.get();
  }
  return nullptr;
}

}  // namespace runnel::tables

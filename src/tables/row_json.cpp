#include "tables/row_json.h"

#include <boost/json.hpp>

#include "tables/column_values.h"

namespace runnel::tables {
namespace bj = boost::json;

bj::object RowToJson(const TableSchema& t, const StoredRow& row, const std::vector<int>* select) {
  bj::object out;
  const auto& cols = t.columns();
  if (select) {
    out.reserve(select->size());
    for (int i : *select) {
      out.emplace(cols[static_cast<size_t>(i)].odata_name, ValueToJson(cols[static_cast<size_t>(i)], row[static_cast<size_t>(i)]));
    }
    return out;
  }
  out.reserve(cols.size());
  for (size_t i = 0; i < cols.size() && i < row.size(); ++i) out.emplace(cols[i].odata_name, ValueToJson(cols[i], row[i]));
  return out;
}

int64_t RowVersion(const TableSchema& t, const StoredRow& row) {
  const auto* v = std::get_if<int64_t>(&row[static_cast<size_t>(t.versionnumber_index())]);
  return v ? *v : 0;
}

std::string ETag(int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

const std::string& RowId(const StoredRow& row) {
  static const std::string kEmpty;
  const auto* s = row.empty() ? nullptr : std::get_if<std::string>(&row[0]);
  return s ? *s : kEmpty;
}

}  // namespace runnel::tables

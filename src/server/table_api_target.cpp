#include "server/table_api_target.h"

#include <boost/json.hpp>

#include "tables/errors.h"
#include "tables/odata_errors.h"

namespace runnel::server {
namespace bj = boost::json;

std::string EntityUrl(const TableTarget& t, const std::string& id) {
  return t.base + t.table->entity_set_name() + "(" + id + ")";
}

std::string ContextUrl(const TableTarget& t, const std::vector<int>* select, const std::string& suffix) {
  std::string url = t.base + "$metadata#" + t.table->entity_set_name();
  if (select && select->size() < t.table->columns().size()) {
    url += "(";
    for (size_t i = 0; i < select->size(); ++i) {
      url += (i ? "," : "") + t.table->columns()[static_cast<size_t>((*select)[i])].odata_name;
    }
    url += ")";
  }
  return url + suffix;
}

bj::object RowAnswer(const tables::TableSchema& table, const tables::StoredRow& row, const std::vector<int>& select) {
  bj::object o = tables::RowToJson(table, row, &select);
  bj::object out;
  out.reserve(o.size() + 1);
  out.emplace("@odata.etag", tables::ETag(tables::RowVersion(table, row)));
  for (auto& kv : o) out.emplace(kv.key(), std::move(kv.value()));
  return out;
}

bj::object EntityAnswer(const TableTarget& t, const tables::StoredRow& row, const std::vector<int>& select) {
  bj::object body = RowAnswer(*t.table, row, select);
  bj::object out;
  out.reserve(body.size() + 1);
  out.emplace("@odata.context", ContextUrl(t, &select, "/$entity"));
  for (auto& kv : body) out.emplace(kv.key(), std::move(kv.value()));
  return out;
}

Status OnlySelect(const tables::QueryOptions& o, std::string_view what) {
  if (o.filter || !o.orderby.empty() || o.top || o.count || !o.skiptoken.empty()) {
    return Error(tables::errc::kUnsupportedQueryOption,
                 std::string(what) + " takes only $select ($filter, $orderby, $top, $count and $skiptoken apply to "
                                     "collections)");
  }
  return Ok();
}

std::string QueryWithout(std::string_view raw, std::initializer_list<std::string_view> drop) {
  std::string out;
  size_t pos = 0;
  while (pos <= raw.size() && !raw.empty()) {
    size_t amp = raw.find('&', pos);
    std::string_view part = raw.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    std::string_view name = part.substr(0, part.find('='));
    bool dropped = part.empty();
    for (auto d : drop) {
      // "$skiptoken" or its encoded form "%24skiptoken".
      dropped = dropped || name == d || (name.size() == d.size() + 2 && name.substr(0, 3) == "%24" && name.substr(3) == d.substr(1));
    }
    if (!dropped) out += (out.empty() ? "" : "&") + std::string(part);
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return out;
}

}  // namespace runnel::server

#include "tables/row_reader.h"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "expr/codec.h"
#include "json/parse.h"
#include "json/serialize.h"
#include "tables/errors.h"
#include "tables/table_ddl.h"
#include "tables/table_query_schema.h"

namespace runnel::tables {
namespace bj = boost::json;

namespace {

struct SortColumn {
  int index;
  bool descending;
};

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Which query a skiptoken belongs to: the filter, the order and the selection.
uint64_t QueryHash(const QueryOptions& o) {
  uint64_t h = Fnv1a(o.filter ? o.filter->text() : "");
  for (const auto& ob : o.orderby) h = Fnv1a(ob.column + (ob.descending ? " d," : " a,"), h);
  for (const auto& s : o.select) h = Fnv1a(s + ",", h);
  return h;
}

bj::value ToJson(const store::SqlValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return bj::string(*s);
  return nullptr;
}

store::SqlValue FromJson(const bj::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_double()) return v.get_double();
  if (v.is_string()) return std::string(v.get_string());
  return nullptr;
}

std::string ToBase64Url(std::string_view bytes) {
  std::string s = expr::Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

std::optional<std::string> FromBase64Url(std::string_view text) {
  std::string s(text);
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  return expr::Base64Decode(s);
}

std::string EncodeSkipToken(uint64_t hash, const std::vector<SortColumn>& order, const StoredRow& last, int64_t delta) {
  bj::array values;
  for (const auto& sc : order) values.push_back(ToJson(last[static_cast<size_t>(sc.index)]));
  bj::object o{{"q", std::to_string(hash)}, {"v", std::move(values)}};
  if (delta) o["d"] = delta;
  return ToBase64Url(json::Serialize(o));
}

struct SkipToken {
  std::vector<store::SqlValue> values;
  int64_t delta = 0;
};

Result<SkipToken> DecodeSkipToken(std::string_view token, uint64_t hash, size_t columns) {
  Error bad(errc::kInvalidSkipToken, "the $skiptoken is not one this server issued for this query; use the "
                                     "@odata.nextLink of the previous page unchanged");
  auto bytes = FromBase64Url(token);
  if (!bytes) return bad;
  auto parsed = json::Parse(*bytes);
  if (!parsed || !parsed.value().is_object()) return bad;
  const bj::object& o = parsed.value().get_object();
  const bj::value* q = o.if_contains("q");
  const bj::value* v = o.if_contains("v");
  if (!q || !q->is_string() || q->get_string() != std::to_string(hash) || !v || !v->is_array() ||
      v->get_array().size() != columns) {
    return bad;
  }
  SkipToken out;
  for (const auto& item : v->get_array()) out.values.push_back(FromJson(item));
  if (const bj::value* d = o.if_contains("d"); d && d->is_int64()) out.delta = d->get_int64();
  return out;
}

// (a > ?1) OR (a = ?1 AND b > ?2) OR ... in the sort order of each column (SQLite sorts NULL
// first ascending, last descending).
void AppendAfter(const TableSchema& t, const std::vector<SortColumn>& order, const std::vector<store::SqlValue>& last,
                 std::string& sql, std::vector<store::SqlValue>& params) {
  sql += "(";
  for (size_t i = 0; i < order.size(); ++i) {
    if (i) sql += " OR ";
    sql += "(";
    for (size_t j = 0; j <= i; ++j) {
      std::string col = "\"" + t.columns()[static_cast<size_t>(order[j].index)].sql_name + "\"";
      bool null = std::holds_alternative<std::nullptr_t>(last[j]);
      if (j) sql += " AND ";
      if (j < i) {
        sql += null ? col + " IS NULL" : col + " = ?";
      } else if (!order[j].descending) {
        sql += null ? col + " IS NOT NULL" : col + " > ?";
      } else {
        sql += null ? "0" : "(" + col + " < ? OR " + col + " IS NULL)";
      }
      if (!null) params.push_back(last[j]);
    }
    sql += ")";
  }
  sql += ")";
}

}  // namespace

Result<std::optional<StoredRow>> FindRow(store::Sql& sql, const TableSchema& t, const RowKey& key) {
  std::string text = "SELECT " + SelectList(t) + " FROM " + t.sql_table() + " WHERE ";
  std::vector<store::SqlValue> params;
  if (key.by_id()) {
    text += t.columns()[0].sql_name + " = ?";
    params.emplace_back(key.id);
  } else {
    for (size_t i = 0; i < key.values.size(); ++i) {
      if (i) text += " AND ";
      text += t.columns()[static_cast<size_t>(key.values[i].first)].sql_name + " = ?";
      params.push_back(key.values[i].second);
    }
  }
  RUNNEL_TRY(rows, sql.Query(text, params));
  if (rows.rows.empty()) return std::optional<StoredRow>();
  return std::optional<StoredRow>(std::move(rows.rows[0]));
}

Result<std::vector<int>> ResolveSelect(const TableSchema& t, const std::vector<std::string>& select) {
  std::vector<int> out;
  if (select.empty()) {
    for (size_t i = 0; i < t.columns().size(); ++i) out.push_back(static_cast<int>(i));
    return out;
  }
  for (const auto& name : select) {
    int i = t.ODataColumnIndex(name);
    if (i < 0) {
      std::string hint;
      if (int lookup = t.ColumnIndex(name); lookup >= 0 && t.columns()[static_cast<size_t>(lookup)].type == ColumnType::kLookup) {
        hint = " (a lookup is selected as '" + t.columns()[static_cast<size_t>(lookup)].odata_name + "')";
      }
      return Error(errc::kInvalidSelect, "$select: could not find a property named '" + name + "' on type "
                                         "'Microsoft.Dynamics.CRM." + t.logical_name() + "'" + hint);
    }
    if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
  if (std::find(out.begin(), out.end(), 0) == out.end()) out.push_back(0);  // the primary id, always
  return out;
}

Result<RowPage> QueryRows(store::ReadView& view, const RowQuery& q) {
  const TableSchema& t = *q.table;
  const QueryOptions& o = *q.options;
  TableQuerySchema schema(q.catalog, q.table);
  std::string where;
  std::vector<store::SqlValue> params;
  if (o.filter) {
    RUNNEL_TRY(fragment, o.filter->ToSql(schema));
    where = "(" + fragment.sql + ")";
    params = std::move(fragment.params);
  }
  RUNNEL_TRY(order_sql, OrderByToSql(o.orderby, schema));  // checks every column
  std::vector<SortColumn> order;
  for (const auto& ob : o.orderby) order.push_back({t.ODataColumnIndex(ob.column), ob.descending});
  bool by_id = false;
  for (const auto& sc : order) by_id = by_id || sc.index == 0;
  if (!by_id) {
    order.push_back({0, false});
    order_sql += (order_sql.empty() ? "\"" : ", \"") + t.columns()[0].sql_name + "\" ASC";
  }
  uint64_t hash = QueryHash(o);
  RowPage page;
  int64_t delta = 0;
  if (!o.skiptoken.empty()) {
    RUNNEL_TRY(token, DecodeSkipToken(o.skiptoken, hash, order.size()));
    std::string after;
    AppendAfter(t, order, token.values, after, params);
    where = where.empty() ? after : where + " AND " + after;
    delta = token.delta;
  } else if (q.track_changes) {
    RUNNEL_TRY(now, CurrentDeltaToken(view));
    delta = now;
  }
  int64_t limit = q.paged ? q.page_size + 1 : std::min(o.top.value_or(q.page_size), q.page_size);
  std::string sql = "SELECT " + SelectList(t) + " FROM " + t.sql_table() + (where.empty() ? "" : " WHERE " + where) +
                    " ORDER BY " + order_sql + " LIMIT ?";
  params.emplace_back(limit);
  RUNNEL_TRY(rows, view.sql().Query(sql, params));
  bool more = q.paged && static_cast<int64_t>(rows.rows.size()) > q.page_size;
  if (more) rows.rows.resize(static_cast<size_t>(q.page_size));
  page.rows = std::move(rows.rows);
  if (more) page.next_skiptoken = EncodeSkipToken(hash, order, page.rows.back(), delta);
  else page.delta_token = delta;
  if (o.count) {
    RUNNEL_TRY(count, CountRows(view, *q.catalog, q.table, o.filter ? &*o.filter : nullptr, q.count_limit));
    page.count = count;
  }
  return page;
}

Result<int64_t> CountRows(store::ReadView& view, const Catalog& catalog, std::shared_ptr<const TableSchema> table,
                          const Filter* filter, int64_t limit) {
  std::string sql = "SELECT COUNT(*) FROM (SELECT 1 FROM " + table->sql_table();
  std::vector<store::SqlValue> params;
  if (filter) {
    // The schema adapter needs shared ownership of the catalog only for its own lifetime.
    auto borrowed = std::shared_ptr<const Catalog>(std::shared_ptr<const Catalog>(), &catalog);
    TableQuerySchema schema(borrowed, table);
    RUNNEL_TRY(fragment, filter->ToSql(schema));
    sql += " WHERE " + fragment.sql;
    params = std::move(fragment.params);
  }
  sql += " LIMIT ?)";
  params.emplace_back(limit);
  RUNNEL_TRY(rows, view.sql().Query(sql, params));
  const auto* n = rows.rows.empty() ? nullptr : std::get_if<int64_t>(&rows.rows[0][0]);
  return n ? *n : int64_t{0};
}

Result<int64_t> CurrentDeltaToken(store::ReadView& view) {
  RUNNEL_TRY(bounds, view.GetChangeBounds());
  return bounds.last;
}

Result<DeltaPage> ReadDelta(store::ReadView& view, const TableSchema& t, int64_t token, int max_changes) {
  RUNNEL_TRY(bounds, view.GetChangeBounds());
  if (token > bounds.last || token < 0) {
    return Error(errc::kInvalidDeltaToken, "the $deltatoken " + std::to_string(token) +
                                               " was not issued by this server; start again with Prefer: odata.track-changes");
  }
  if (token < bounds.floor) {
    return Error(errc::kExpiredDeltaToken, "the $deltatoken " + std::to_string(token) +
                                               " is older than the change history the server keeps "
                                               "(limits.table_change_retention_days); read the table again with "
                                               "Prefer: odata.track-changes to get a new token");
  }
  RUNNEL_TRY(records, view.ReadChanges(token, max_changes, t.logical_name()));
  DeltaPage page;
  page.more = static_cast<int>(records.size()) >= max_changes;
  page.next_token = page.more && !records.empty() ? records.back().seq : bounds.last;
  // Each row once, as its latest change in this page left it.
  std::map<std::string, bool> deleted;  // row id -> its latest change is a delete
  std::vector<std::string> order;
  for (const auto& r : records) {
    auto [it, inserted] = deleted.emplace(r.row_id, r.message == "Delete");
    if (!inserted) it->second = r.message == "Delete";
    if (inserted) order.push_back(r.row_id);
  }
  for (const auto& id : order) {
    if (deleted[id]) {
      page.deleted_ids.push_back(id);
      continue;
    }
    RUNNEL_TRY(row, FindRow(view.sql(), t, KeyForId(id)));
    if (row) page.rows.push_back(std::move(*row));  // else deleted by a change of a later page
  }
  std::stable_sort(page.rows.begin(), page.rows.end(), [&t](const StoredRow& a, const StoredRow& b) {
    return RowVersion(t, a) < RowVersion(t, b);
  });
  return page;
}

}  // namespace runnel::tables

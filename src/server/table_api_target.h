// What a /api/data/v9.2/... request addresses, and the OData shapes of rows in answers: the
// parts the table API's reading and writing handlers share.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/url_query.h"
#include "tables/odata_query.h"
#include "tables/row_json.h"
#include "tables/row_key.h"
#include "tables/table_catalog.h"

namespace runnel::server {

struct TableTarget {
  std::string base;                                   // "http://host/api/data/v9.2/"
  std::shared_ptr<const tables::Catalog> catalog;
  std::shared_ptr<const tables::TableSchema> table;
  std::string segment;                                // the entity set segment as sent (encoded): "accounts(...)"
  std::optional<tables::RowKey> key;                  // entityset(<key>)
  std::string property;                               // entityset(<key>)/<property>
  bool count = false;                                 // entityset/$count
  QueryParams query;                                  // decoded query pairs
};

// "<base><set>(<id>)": a row's URL (OData-EntityId, @odata.id).
std::string EntityUrl(const TableTarget& target, const std::string& id);

// "<base>$metadata#<set>[(<selected>)]<suffix>" (suffix "/$entity", "/$delta", "").
std::string ContextUrl(const TableTarget& target, const std::vector<int>* select, const std::string& suffix);

// A row of an answer: "@odata.etag" then the selected columns.
boost::json::object RowAnswer(const tables::TableSchema& table, const tables::StoredRow& row, const std::vector<int>& select);

// A single row as the whole answer: "@odata.context", "@odata.etag", the selected columns.
boost::json::object EntityAnswer(const TableTarget& target, const tables::StoredRow& row, const std::vector<int>& select);

// A request on one row takes $select only (the other options apply to collections).
Status OnlySelect(const tables::QueryOptions& options, std::string_view what);

// The request's query without `drop` parameters (raw, still encoded), for next and delta links.
std::string QueryWithout(std::string_view raw_query, std::initializer_list<std::string_view> drop);

}  // namespace runnel::server

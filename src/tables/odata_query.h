// OData query options of the table Web API ($filter, $select, $orderby, $top, $count,
// $skiptoken): parsed once, then either compiled to a parameterized SQL fragment (the Web API
// and the ListRecords action) or evaluated on a row in memory (the change trigger's
// "Filter rows", on the post-image). Values never enter the SQL text: every literal becomes a
// bound parameter, and column names come only from the schema lookup.
#pragma once

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "store/sql_value.h"

namespace runnel::tables {

// How a column's values compare (the storage type decides the SQL; the kind decides literals).
enum class ValueKind { kString, kInteger, kDecimal, kFloat, kBoolean, kDateTime, kGuid };

// A column a query may name. Lookup columns are named `_<column>_value` in OData.
struct QueryColumn {
  std::string sql_name;  // already a safe identifier (the schema validated it)
  ValueKind kind = ValueKind::kString;
};

// A collection-valued navigation property (the rows of another table whose lookup points at
// this row), for the lambda operators any/all.
struct QueryCollection {
  std::string sql_table;        // the referencing table
  std::string sql_foreign_key;  // its lookup column
  std::string sql_parent_key;   // the primary key column of the table being queried
};

// What a query may reference; implemented by the table schema.
class QuerySchema {
 public:
  virtual ~QuerySchema() = default;
  virtual std::optional<QueryColumn> Column(std::string_view odata_name) const = 0;
  // The navigation property and the schema of its rows, or nullptr when there is none.
  virtual const QuerySchema* Collection(std::string_view odata_name, QueryCollection* out) const = 0;
};

struct SqlFragment {
  std::string sql;  // uses `?` placeholders, in the order of `params`
  std::vector<store::SqlValue> params;
};

// Limits on query text (a filter is user input and reaches the dispatcher of every change).
struct QueryLimits {
  size_t max_filter_chars = 8192;
  int max_depth = 32;   // nesting of parentheses, not and lambdas (an and/or chain is flat)
  int max_terms = 500;  // comparisons, function calls, lambdas and In/Between values
  int64_t max_top = 5000;
};

// The parameter aliases of a request (`@p1=value` query pairs), keyed by name without '@'.
using ParameterAliases = std::map<std::string, std::string, std::less<>>;

struct BoundNode;

// A filter bound to one schema for evaluation on rows in memory, many times (the change
// trigger evaluates one "Filter rows" on every change of its table). Filter::Bind makes one.
class RowFilter {
 public:
  // Evaluates on one row given as a JSON object keyed by OData names (missing keys are null).
  Result<bool> Matches(const boost::json::object& row) const;

 private:
  friend class Filter;
  explicit RowFilter(std::shared_ptr<const BoundNode> bound) : bound_(std::move(bound)) {}
  std::shared_ptr<const BoundNode> bound_;
};

// A parsed $filter. Errors have code "InvalidFilter" and `position` set to the offending
// character; the message says what was expected there.
class Filter {
 public:
  static Result<Filter> Parse(std::string_view text, const QueryLimits& limits = {});
  // The same, in a request whose query string may assign parameter aliases (`@p1` in the
  // filter, `@p1=value` beside it); an alias missing from `aliases` is null, as in OData.
  // Without this overload (the trigger's "Filter rows") an alias is an error.
  static Result<Filter> Parse(std::string_view text, const QueryLimits& limits, const ParameterAliases& aliases);
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  // A SQL boolean expression over the queried table's columns (unqualified names).
  // Unknown columns and type mismatches are errors ("InvalidFilter", naming the column).
  Result<SqlFragment> ToSql(const QuerySchema& schema) const;
  // Resolves the columns once for Matches on many rows; the same errors as ToSql, and lambdas
  // are an error (a row image has no related collections).
  Result<RowFilter> Bind(const QuerySchema& schema) const;
  // Bind(schema), then Matches(row): for one row.
  Result<bool> Matches(const boost::json::object& row, const QuerySchema& schema) const;
  const std::string& text() const;

  struct Node;

 private:
  explicit Filter(std::unique_ptr<Node> root, std::string text);
  std::unique_ptr<Node> root_;
  std::string text_;
};

struct OrderBy {
  std::string column;  // OData name, checked against the schema by OrderByToSql
  bool descending = false;
};

struct QueryOptions {
  std::vector<std::string> select;  // empty: every column
  std::optional<Filter> filter;
  std::vector<OrderBy> orderby;
  std::optional<int64_t> top;
  bool count = false;
  std::string skiptoken;
};

// The ORDER BY list for `orderby` (`"a" DESC, "b" ASC`), each column resolved through the schema
// (an unknown one is an "InvalidQuery" error naming it); "" when `orderby` is empty.
Result<std::string> OrderByToSql(const std::vector<OrderBy>& orderby, const QuerySchema& schema);

// Parses the decoded query pairs of a request. Unsupported options ($expand, $apply, $search,
// $skip...) are errors with code "UnsupportedQueryOption"; malformed values "InvalidQuery"
// (a malformed $filter "InvalidFilter"). Parameter aliases (`@p1=...` pairs) are passed to the
// $filter; other pairs without '$' are left to the caller.
Result<QueryOptions> ParseQueryOptions(const std::vector<std::pair<std::string, std::string>>& query,
                                       const QueryLimits& limits = {});

}  // namespace runnel::tables

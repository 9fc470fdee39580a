// ParseQueryOptions: the $-options of a table request, each checked for form (names are
// identifiers, $top is a bounded positive integer) but not against the table: the caller's
// schema decides whether the named columns exist. Options Dataverse has and Runnel does not
// are refused by name with what to use instead, rather than ignored, so a client never gets a
// silently different result.

#include <charconv>

#include "tables/odata_errors.h"
#include "tables/odata_query.h"

namespace runnel::tables {

namespace {

struct Unsupported {
  std::string_view name;
  std::string_view instead;
};

constexpr Unsupported kUnsupported[] = {
    {"$expand", "read the related rows with a second request filtered on the lookup column (_<name>_value)"},
    {"$apply", "aggregation is not available; read the rows and aggregate in the flow"},
    {"$search", "use $filter with contains(column,'text')"},
    {"$skip", "page with the @odata.nextLink (its $skiptoken) of the previous response"},
    {"$format", "responses are always JSON (send Accept: application/json)"},
    {"$compute", "computed properties (OData 4.01) are not available; compute the value in the flow"},
};

constexpr std::string_view kSupported[] = {"$select", "$filter", "$orderby", "$top", "$count", "$skiptoken"};

Error QueryError(std::string_view option, std::string what) {
  return Error(errc::kInvalidQuery, std::string(option) + ": " + what);
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Shown(std::string_view s) {
  constexpr size_t kMax = 40;
  return "'" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "...'" : "'");
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(Trim(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

Result<std::vector<std::string>> ParseSelect(std::string_view value) {
  std::vector<std::string> out;
  for (std::string_view item : SplitCommas(value)) {
    if (item.empty())
      return QueryError("$select", "expected a comma-separated list of column names, e.g. name,revenue");
    if (!IsIdentifier(item)) {
      return QueryError("$select", Shown(item) +
                                       " is not a column name (letters, digits and '_'; lookups are "
                                       "selected as _<name>_value)");
    }
    bool seen = false;
    for (const auto& s : out) seen = seen || s == item;
    if (!seen) out.emplace_back(item);
  }
  return out;
}

Result<std::vector<OrderBy>> ParseOrderBy(std::string_view value) {
  std::vector<OrderBy> out;
  for (std::string_view item : SplitCommas(value)) {
    if (item.empty()) return QueryError("$orderby", "expected a comma-separated list such as 'name desc, revenue'");
    size_t space = item.find_first_of(" \t\r\n");
    std::string_view column = item.substr(0, space);
    std::string_view direction = space == std::string_view::npos ? "" : Trim(item.substr(space));
    if (!IsIdentifier(column)) return QueryError("$orderby", Shown(column) + " is not a column name");
    OrderBy o;
    o.column = std::string(column);
    if (direction == "desc") {
      o.descending = true;
    } else if (!direction.empty() && direction != "asc") {
      return QueryError("$orderby", "expected asc or desc after '" + o.column + "', found " + Shown(direction));
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<int64_t> ParseTop(std::string_view value, int64_t max_top) {
  std::string range = "a whole number from 1 to " + std::to_string(max_top);
  int64_t top = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), top);
  bool digits_only = !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits_only || ec == std::errc::result_out_of_range) {
    return QueryError("$top", "expected " + range + ", found " + Shown(value));
  }
  if (top < 1 || top > max_top) return QueryError("$top", std::to_string(top) + " is out of range; use " + range);
  return top;
}

Error UnknownOption(std::string_view name) {
  std::string message = "unknown query option " + Shown(name);
  std::string lower(name);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (std::string_view s : kSupported) {
    if (s == lower)
      return Error(errc::kUnsupportedQueryOption, message + "; option names are case-sensitive: use " + std::string(s));
  }
  message += "; supported: $select, $filter, $orderby, $top, $count, $skiptoken";
  return Error(errc::kUnsupportedQueryOption, message);
}

}  // namespace

Result<QueryOptions> ParseQueryOptions(const std::vector<std::pair<std::string, std::string>>& query,
                                       const QueryLimits& limits) {
  ParameterAliases aliases;
  for (const auto& [key, value] : query) {
    if (key.size() > 1 && key[0] == '@') aliases[key.substr(1)] = value;
  }
  QueryOptions out;
  std::vector<std::string_view> seen;
  for (const auto& [key, value] : query) {
    if (key.empty() || key[0] != '$') continue;
    for (const auto& u : kUnsupported) {
      if (u.name == key) {
        return Error(errc::kUnsupportedQueryOption,
                     std::string(key) + " is not supported by Runnel's table API; " + std::string(u.instead));
      }
    }
    bool known = false;
    for (std::string_view s : kSupported) known = known || s == key;
    if (!known) return UnknownOption(key);
    for (std::string_view s : seen) {
      if (s == key) return QueryError(key, "the option is given more than once");
    }
    seen.push_back(key);
    if (key == "$select") {
      RUNNEL_TRY(select, ParseSelect(value));
      out.select = std::move(select);
    } else if (key == "$filter") {
      RUNNEL_TRY(filter, Filter::Parse(value, limits, aliases));
      out.filter.emplace(std::move(filter));
    } else if (key == "$orderby") {
      RUNNEL_TRY(orderby, ParseOrderBy(value));
      out.orderby = std::move(orderby);
    } else if (key == "$top") {
      RUNNEL_TRY(top, ParseTop(value, limits.max_top));
      out.top = top;
    } else if (key == "$count") {
      if (value != "true" && value != "false") return QueryError(key, "expected true or false, found " + Shown(value));
      out.count = value == "true";
    } else {
      out.skiptoken = value;
    }
  }
  return out;
}

Result<std::string> OrderByToSql(const std::vector<OrderBy>& orderby, const QuerySchema& schema) {
  std::string sql;
  for (const auto& o : orderby) {
    auto column = schema.Column(o.column);
    if (!column) return QueryError("$orderby", "unknown column " + Shown(o.column));
    if (!sql.empty()) sql += ", ";
    sql += '"';
    for (char c : column->sql_name) {
      if (c == '"') sql += '"';
      sql += c;
    }
    sql += o.descending ? "\" DESC" : "\" ASC";
  }
  return sql;
}

}  // namespace runnel::tables

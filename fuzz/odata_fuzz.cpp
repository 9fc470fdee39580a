// Fuzzes the OData query options: any input must give a result or an Error, never a crash, a
// sanitizer report, a hang or unbounded memory. A filter that parses is also compiled to SQL and
// run on a small SQLite database, and evaluated with Matches on the same rows: the SQL must be
// valid, and where Matches gives an answer it must select exactly the rows the SQL selects.
//
// The first byte chooses how the rest is read: as a $filter (with one parameter alias, @p1, set
// to 'x'), or as a query string of '&'-separated key=value pairs for ParseQueryOptions.

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>

#include "store/sqlite_sql.h"
#include "tables/odata_query.h"

namespace {

using runnel::tables::Filter;
using runnel::tables::QueryCollection;
using runnel::tables::QueryColumn;
using runnel::tables::QuerySchema;
using runnel::tables::ValueKind;

class FixedSchema : public QuerySchema {
 public:
  FixedSchema(std::map<std::string, QueryColumn, std::less<>> columns, std::string collection, QueryCollection c,
              const QuerySchema* rows)
      : columns_(std::move(columns)), collection_(std::move(collection)), c_(std::move(c)), rows_(rows) {}
  std::optional<QueryColumn> Column(std::string_view name) const override {
    auto it = columns_.find(name);
    if (it == columns_.end()) return std::nullopt;
    return it->second;
  }
  const QuerySchema* Collection(std::string_view name, QueryCollection* out) const override {
    if (rows_ == nullptr || name != collection_) return nullptr;
    *out = c_;
    return rows_;
  }

 private:
  std::map<std::string, QueryColumn, std::less<>> columns_;
  std::string collection_;
  QueryCollection c_;
  const QuerySchema* rows_;
};

const FixedSchema& Contacts() {
  static const auto* s = new FixedSchema({{"fullname", {"fullname", ValueKind::kString}},
                                          {"age", {"age", ValueKind::kInteger}},
                                          {"_parentcustomerid_value", {"parentcustomerid", ValueKind::kGuid}}},
                                         "", {}, nullptr);
  return *s;
}

const FixedSchema& Accounts() {
  static const auto* s = new FixedSchema({{"accountid", {"accountid", ValueKind::kGuid}},
                                          {"name", {"name", ValueKind::kString}},
                                          {"description", {"description", ValueKind::kString}},
                                          {"n", {"n", ValueKind::kInteger}},
                                          {"revenue", {"revenue", ValueKind::kDecimal}},
                                          {"rating", {"rating", ValueKind::kFloat}},
                                          {"isactive", {"isactive", ValueKind::kBoolean}},
                                          {"createdon", {"createdon", ValueKind::kDateTime}}},
                                         "contacts", {"contacts", "parentcustomerid", "accountid"}, &Contacts());
  return *s;
}

// The rows, as JSON (for Matches) and in the SQLite database (for the SQL).
constexpr const char* kRows = R"([
  {"accountid":"00000000-0000-0000-0000-000000000001","name":"Contoso","description":"contoso","n":5,
   "revenue":1.5,"rating":-2.0,"isactive":true,"createdon":"2024-01-31T10:00:00Z"},
  {"accountid":"00000000-0000-0000-0000-000000000002","name":"x","n":-9223372036854775807,"revenue":0.0,
   "isactive":false,"createdon":"1999-12-31T23:59:59Z"},
  {"accountid":"00000000-0000-0000-0000-000000000003","description":"50%_a\\b","n":0,"rating":1e300},
  {"accountid":"00000000-0000-0000-0000-000000000004","name":"\u00c9t\u00e9","description":"","n":9007199254740993,
   "revenue":9007199254740992.0,"isactive":true,"createdon":"2024-02-29T00:00:00Z"}
])";

struct Fixture {
  sqlite3* db = nullptr;
  boost::json::array rows;
  Fixture() {
    rows = boost::json::parse(kRows).as_array();
    sqlite3_open(":memory:", &db);
    Exec(
        "CREATE TABLE t (accountid TEXT PRIMARY KEY, name TEXT COLLATE NOCASE, "
        "description TEXT COLLATE NOCASE, n INTEGER, revenue REAL, "
        "rating REAL, isactive INTEGER, createdon TEXT);"
        "CREATE TABLE contacts (contactid TEXT PRIMARY KEY, fullname TEXT, age INTEGER, parentcustomerid TEXT);"
        "INSERT INTO t VALUES ('00000000-0000-0000-0000-000000000001','Contoso','contoso',5,1.5,-2.0,1,"
        "'2024-01-31T10:00:00Z'),('00000000-0000-0000-0000-000000000002','x',NULL,-9223372036854775807,0.0,NULL,0,"
        "'1999-12-31T23:59:59Z'),('00000000-0000-0000-0000-000000000003',NULL,'50%_a\\b',0,NULL,1e300,NULL,NULL),"
        "('00000000-0000-0000-0000-000000000004','\xc3\x89t\xc3\xa9','',9007199254740993,9007199254740992.0,NULL,1,"
        "'2024-02-29T00:00:00Z');"
        "INSERT INTO contacts VALUES ('c1','Ann',30,'00000000-0000-0000-0000-000000000001'),"
        "('c2','Bob',NULL,'00000000-0000-0000-0000-000000000001'),('c3','Cy',12,NULL);");
  }
  void Exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) abort();
  }
};

Fixture& TheFixture() {
  static auto* f = new Fixture();
  return *f;
}

// The ids the SQL selects, through the store's own SQLite binding; aborts when SQLite rejects
// the SQL (the compiler produced bad SQL).
std::set<std::string> RunSql(const runnel::tables::SqlFragment& where) {
  runnel::store::SqliteSql sql(TheFixture().db);
  auto rows = sql.Query("SELECT accountid FROM t WHERE " + where.sql, where.params);
  if (!rows) abort();
  std::set<std::string> ids;
  for (const auto& row : rows.value().rows) ids.insert(std::get<std::string>(row[0]));
  return ids;
}

void CheckFilter(const Filter& filter) {
  auto sql = filter.ToSql(Accounts());
  if (!sql) return;
  std::set<std::string> by_sql = RunSql(sql.value());
  std::set<std::string> by_matches;
  for (const auto& row : TheFixture().rows) {
    auto m = filter.Matches(row.as_object(), Accounts());
    if (!m) return;  // lambdas: not available in memory
    if (m.value()) by_matches.insert(std::string(row.as_object().at("accountid").as_string()));
  }
  if (by_sql != by_matches) abort();  // the SQL and the in-memory evaluation disagree
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool as_query = data[0] & 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  runnel::tables::QueryLimits limits;
  limits.max_terms = 100;

  if (as_query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    size_t start = 0;
    while (start <= text.size()) {
      size_t amp = text.find('&', start);
      if (amp == std::string_view::npos) amp = text.size();
      std::string_view pair = text.substr(start, amp - start);
      size_t eq = pair.find('=');
      pairs.emplace_back(std::string(pair.substr(0, eq)),
                         eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
      start = amp + 1;
    }
    auto options = runnel::tables::ParseQueryOptions(pairs, limits);
    if (options && options.value().filter) CheckFilter(*options.value().filter);
    if (options) (void)runnel::tables::OrderByToSql(options.value().orderby, Accounts());
    return 0;
  }
  static const std::map<std::string, std::string, std::less<>> kAliases = {{"p1", "'x'"}};
  auto filter = Filter::Parse(text, limits, kAliases);
  if (filter) CheckFilter(filter.value());
  return 0;
}

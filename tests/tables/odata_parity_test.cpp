// The same filters through Filter::ToSql on a real SQLite table and through Filter::Matches on
// the same rows, as JSON: both must select the same rows. This is what lets the change trigger's
// "Filter rows" (Matches, on a changed row) promise the semantics of List rows (the SQL).
// Lambdas, which Matches refuses, run against real related tables in the last test. Text columns
// are declared COLLATE NOCASE, as the table store declares them: the SQL must not depend on it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>

#include "odata_test_schema.h"
#include "store/sqlite_sql.h"
#include "tables/odata_query.h"

namespace runnel::tables {
namespace {

using Ids = std::set<std::string>;

// Rows as the store returns them: decimals and floats as JSON doubles, booleans as JSON bools.
constexpr const char* kAccounts = R"([
  {"accountid":"a1","name":"Contoso","description":"contoso","revenue":1000.5,"rating":4.5,
   "numberofemployees":50,"isactive":true,"createdon":"2024-01-31T10:00:00Z",
   "modifiedon":"2024-02-01T00:00:00Z","_primarycontactid_value":"c1000000-0000-0000-0000-000000000001"},
  {"accountid":"a2","name":"contoso ltd","description":null,"revenue":0.0,"rating":null,
   "numberofemployees":0,"isactive":false,"createdon":"2024-01-31T09:59:59Z",
   "modifiedon":"2024-01-31T09:59:59Z","_primarycontactid_value":null},
  {"accountid":"a3","name":"Fabrikam 50%_off","description":"Fabrikam 50%_off","revenue":-2.5,"rating":1e-9,
   "numberofemployees":-7,"isactive":true,"createdon":"2023-12-31T23:59:59Z","modifiedon":null,
   "_primarycontactid_value":"c2000000-0000-0000-0000-000000000002"},
  {"accountid":"a4","numberofemployees":9007199254740993,"rating":3.0,"description":"x"},
  {"accountid":"a5","name":"\u00c9b\u00e8ne","description":"\u00e9b\u00e8ne","revenue":1e300,"rating":-0.5,
   "numberofemployees":2,"isactive":true,"createdon":"2024-02-29T12:00:00Z","modifiedon":"2024-02-29T12:00:00Z",
   "_primarycontactid_value":"c1000000-0000-0000-0000-000000000001"},
  {"accountid":"a6","name":"O'Brian","description":"O'BRIAN","revenue":100000.0,"rating":2.5,
   "numberofemployees":100000,"isactive":false,"createdon":"2024-01-01T00:00:00Z",
   "modifiedon":"2024-01-01T00:00:00Z","_primarycontactid_value":"c2000000-0000-0000-0000-000000000002"},
  {"accountid":"a7","name":"","description":"","revenue":3.0,"rating":3.0,"numberofemployees":3,
   "isactive":true,"createdon":"2024-06-15T08:30:00Z","modifiedon":"2024-06-15T08:30:00Z"},
  {"accountid":"a8","name":"a_b\\c","description":"A_B\\C","revenue":9007199254740992.0,"rating":0.1,
   "numberofemployees":9223372036854775807,"isactive":false,"createdon":"2024-01-31T10:00:01Z",
   "modifiedon":"2024-01-31T10:00:00Z"}
])";

class Db {
 public:
  Db() { sqlite3_open(":memory:", &db_); }
  ~Db() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << sql << ": " << error;
  }
  // Inserts each JSON row's values by the table's column order.
  void Insert(const std::string& table, const std::vector<std::string>& columns, const boost::json::array& rows) {
    std::string sql = "INSERT INTO " + table + " VALUES (";
    for (size_t i = 0; i < columns.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
    for (const auto& row : rows) {
      sqlite3_stmt* stmt = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
      for (size_t i = 0; i < columns.size(); ++i) {
        const boost::json::value* v = row.as_object().if_contains(columns[i]);
        int p = static_cast<int>(i) + 1;
        if (v == nullptr || v->is_null()) {
          sqlite3_bind_null(stmt, p);
        } else if (v->is_string()) {
          sqlite3_bind_text(stmt, p, v->get_string().data(), static_cast<int>(v->get_string().size()),
                            SQLITE_TRANSIENT);
        } else if (v->is_bool()) {
          sqlite3_bind_int64(stmt, p, v->get_bool() ? 1 : 0);
        } else if (v->is_int64()) {
          sqlite3_bind_int64(stmt, p, v->get_int64());
        } else {
          sqlite3_bind_double(stmt, p, v->to_number<double>());
        }
      }
      ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
      sqlite3_finalize(stmt);
    }
  }
  // The first column of `select ... where <fragment>`, through the store's own SQLite binding.
  Ids Select(const std::string& select, const SqlFragment& where) {
    store::SqliteSql sql(db_);
    auto rows = sql.Query(select + " WHERE " + where.sql, where.params);
    Ids out;
    EXPECT_TRUE(rows) << rows.error().ToString();
    if (!rows) return out;
    for (const auto& row : rows.value().rows) out.insert(std::get<std::string>(row[0]));
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

const std::vector<std::string> kAccountColumns = {
    "accountid",         "name",     "description", "revenue",    "rating",
    "numberofemployees", "isactive", "createdon",   "modifiedon", "_primarycontactid_value"};

struct ParityCase {
  const char* filter;
  const char* expected;  // the matching ids, space-separated; nullptr: agreement only
};

void PrintTo(const ParityCase& c, std::ostream* os) { *os << c.filter; }

Ids Split(const char* ids) {
  Ids out;
  std::string s(ids);
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.insert(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

class OdataParity : public ::testing::TestWithParam<ParityCase> {};

TEST_P(OdataParity, SqlAndMatchesSelectTheSameRows) {
  testing::TestSchemas schemas;
  Db db;
  db.Exec(
      "CREATE TABLE accounts (accountid TEXT PRIMARY KEY, name TEXT COLLATE NOCASE, description TEXT COLLATE NOCASE, "
      "revenue REAL, rating REAL, "
      "numberofemployees INTEGER, isactive INTEGER, createdon TEXT, modifiedon TEXT, primarycontactid TEXT)");
  boost::json::array rows = boost::json::parse(kAccounts).as_array();
  db.Insert("accounts", kAccountColumns, rows);

  auto filter = Filter::Parse(GetParam().filter);
  ASSERT_TRUE(filter) << filter.error().message;
  auto sql = filter.value().ToSql(schemas.accounts);
  ASSERT_TRUE(sql) << sql.error().message;
  Ids by_sql = db.Select("SELECT accountid FROM accounts", sql.value());

  Ids by_matches;
  for (const auto& row : rows) {
    auto m = filter.value().Matches(row.as_object(), schemas.accounts);
    ASSERT_TRUE(m) << m.error().message;
    if (m.value()) by_matches.insert(std::string(row.as_object().at("accountid").as_string()));
  }
  EXPECT_EQ(by_sql, by_matches) << "SQL: " << sql.value().sql;
  if (GetParam().expected != nullptr) {
    EXPECT_EQ(by_sql, Split(GetParam().expected)) << "SQL: " << sql.value().sql;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Filters, OdataParity,
    ::testing::Values(
        ParityCase{"name eq 'Contoso'", "a1"}, ParityCase{"name ne 'Contoso'", "a2 a3 a5 a6 a7 a8"},
        ParityCase{"name gt 'Contoso'", "a2 a3 a5 a6"}, ParityCase{"name ge ''", "a1 a2 a3 a5 a6 a7 a8"},
        ParityCase{"name lt 'a'", "a7"}, ParityCase{"name le 'contoso ltd'", nullptr},
        ParityCase{"name eq null", "a4"}, ParityCase{"name ne null", "a1 a2 a3 a5 a6 a7 a8"},
        ParityCase{"name eq ''", "a7"}, ParityCase{"name eq 'O''Brian'", "a6"},
        ParityCase{"name eq '\u00c9b\u00e8ne'", "a5"}, ParityCase{"name eq description", "a1 a3 a6 a7 a8"},
        ParityCase{"name ne description", nullptr}, ParityCase{"name lt description", nullptr},
        ParityCase{"contains(name,'contoso')", "a1 a2"}, ParityCase{"contains(name,'TOSO L')", "a2"},
        ParityCase{"startswith(name,'c')", "a1 a2"}, ParityCase{"endswith(name,'LTD')", "a2"},
        ParityCase{"contains(name,'50%_')", "a3"}, ParityCase{"contains(name,'%')", "a3"},
        ParityCase{"contains(name,'_')", "a3 a8"}, ParityCase{"contains(name,'\\')", "a8"},
        ParityCase{"contains(name,'a_b\\C')", "a8"}, ParityCase{"contains(name,'')", "a1 a2 a3 a5 a6 a7 a8"},
        ParityCase{"startswith(name,'\u00e9')", ""}, ParityCase{"startswith(name,'\u00c9B')", "a5"},
        ParityCase{"endswith(description,'\u00c8NE')", ""}, ParityCase{"not contains(name,'o')", "a5 a7 a8"},
        ParityCase{"not startswith(description,'o')", nullptr}, ParityCase{"numberofemployees eq 50", "a1"},
        ParityCase{"numberofemployees gt 3", "a1 a4 a6 a8"}, ParityCase{"numberofemployees ge -7", nullptr},
        ParityCase{"numberofemployees lt 0", "a3"}, ParityCase{"numberofemployees le 2.5", "a2 a3 a5"},
        ParityCase{"numberofemployees gt 2.0", nullptr}, ParityCase{"numberofemployees gt 9007199254740992.0", "a4 a8"},
        ParityCase{"numberofemployees eq 9007199254740992.0", ""},
        ParityCase{"numberofemployees eq 9223372036854775807", "a8"},
        ParityCase{"numberofemployees lt 9223372036854775808", nullptr}, ParityCase{"numberofemployees gt 1e19", ""},
        ParityCase{"numberofemployees ne null", nullptr}, ParityCase{"revenue gt 1000", "a1 a5 a6 a8"},
        ParityCase{"revenue eq 3", "a7"}, ParityCase{"revenue le 0", "a2 a3"}, ParityCase{"revenue ge -2.5", nullptr},
        ParityCase{"revenue eq 9007199254740992", "a8"}, ParityCase{"revenue gt 9007199254740993", "a5"},
        ParityCase{"revenue gt numberofemployees", nullptr}, ParityCase{"revenue eq numberofemployees", "a2 a6 a7"},
        ParityCase{"rating lt 1", "a3 a5 a8"}, ParityCase{"rating eq 0.1", "a8"},
        ParityCase{"rating ge rating", nullptr}, ParityCase{"rating gt revenue", nullptr},
        ParityCase{"isactive eq true", "a1 a3 a5 a7"}, ParityCase{"isactive eq false", "a2 a6 a8"},
        ParityCase{"isactive ne true", "a2 a6 a8"}, ParityCase{"isactive eq null", "a4"},
        ParityCase{"createdon eq 2024-01-31T10:00:00Z", "a1"}, ParityCase{"createdon ge 2024-01-31", "a1 a2 a5 a7 a8"},
        ParityCase{"createdon lt 2024-01-31T12:00:00+02:00", "a2 a3 a6"},
        ParityCase{"createdon ge 2024-01-31T10:00:00.5Z", "a5 a7 a8"},
        ParityCase{"createdon gt 2024-01-31T09:59:59.5Z", "a1 a5 a7 a8"},
        ParityCase{"createdon le 2024-01-31T10:00:00.5Z", "a1 a2 a3 a6"},
        ParityCase{"createdon lt 2024-01-31T10:00:00.5Z", "a1 a2 a3 a6"},
        ParityCase{"createdon eq 2024-01-31T10:00:00.5Z", ""},
        ParityCase{"createdon ne 2024-01-31T10:00:00.5Z", "a1 a2 a3 a5 a6 a7 a8"},
        ParityCase{"not (createdon eq 2024-01-31T10:00:00.5Z)", "a1 a2 a3 a5 a6 a7 a8"},
        ParityCase{"createdon eq '2024-02-29T13:00:00+01:00'", "a5"}, ParityCase{"createdon lt modifiedon", "a1"},
        ParityCase{"createdon eq modifiedon", nullptr},
        ParityCase{"_primarycontactid_value eq C1000000-0000-0000-0000-000000000001", "a1 a5"},
        ParityCase{"_primarycontactid_value eq '{c2000000-0000-0000-0000-000000000002}'", "a3 a6"},
        ParityCase{"_primarycontactid_value ne c2000000-0000-0000-0000-000000000002", "a1 a5"},
        ParityCase{"_primarycontactid_value eq null", "a2 a4 a7 a8"},
        ParityCase{"name ne 'x' and description ne 'x'", nullptr},
        ParityCase{"not (name eq 'Contoso')", "a2 a3 a5 a6 a7 a8"}, ParityCase{"not (description eq 'x')", nullptr},
        ParityCase{"not (name eq 'x') or description eq 'x'", nullptr},
        ParityCase{"not (name eq 'Contoso' or isactive eq true)", "a2 a6 a8"},
        ParityCase{"not not (revenue gt 0)", nullptr}, ParityCase{"not (rating gt 1 and name ne null)", nullptr},
        ParityCase{"(name eq null or revenue gt 0) and not (isactive eq false)", nullptr},
        ParityCase{"revenue gt null", ""}, ParityCase{"not (revenue gt null)", ""},
        ParityCase{"revenue gt null or name eq null", "a4"},
        ParityCase{"Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[\"Contoso\",\"O'Brian\",\"zzz\"])",
                   "a1 a6"},
        ParityCase{"Microsoft.Dynamics.CRM.NotIn(PropertyName='name',PropertyValues=[\"Contoso\",\"\"])",
                   "a2 a3 a5 a6 a8"},
        ParityCase{"Microsoft.Dynamics.CRM.NotIn(PropertyName='name',PropertyValues=[\"Contoso\",null])", ""},
        ParityCase{"Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[\"Contoso\",null])", "a1"},
        ParityCase{"not Microsoft.Dynamics.CRM.In(PropertyName='numberofemployees',PropertyValues=[\"50\",3])",
                   nullptr},
        ParityCase{"Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=[\"0\",\"50\"])",
                   "a1 a2 a5 a7"},
        ParityCase{"Microsoft.Dynamics.CRM.NotBetween(PropertyName='revenue',PropertyValues=[\"0\",\"1000.5\"])",
                   "a3 a5 a6 a8"},
        ParityCase{"Microsoft.Dynamics.CRM.Between(PropertyName='createdon',"
                   "PropertyValues=[\"2024-01-31\",\"2024-01-31T10:00:00.5Z\"])",
                   "a1 a2"},
        ParityCase{"Microsoft.Dynamics.CRM.In(PropertyName='_primarycontactid_value',"
                   "PropertyValues=[\"C2000000-0000-0000-0000-000000000002\"])",
                   "a3 a6"},
        ParityCase{"Microsoft.Dynamics.CRM.In(PropertyName='isactive',PropertyValues=[\"true\"])", "a1 a3 a5 a7"}));

// any/all compiled to subqueries over real related tables.
TEST(OdataParityLambda, SubqueriesSelectTheDocumentedRows) {
  testing::TestSchemas schemas;
  Db db;
  db.Exec("CREATE TABLE accounts (accountid TEXT PRIMARY KEY, name TEXT)");
  db.Exec(
      "CREATE TABLE contacts (contactid TEXT PRIMARY KEY, fullname TEXT, jobtitle TEXT, age INTEGER, "
      "parentcustomerid TEXT)");
  db.Exec("CREATE TABLE opportunities (opportunityid TEXT PRIMARY KEY, description TEXT, customerid TEXT)");
  db.Exec("INSERT INTO accounts VALUES ('a1','Contoso Inc.'),('a2','Fabrikam Inc.'),('a3','Empty'),('a4','Old')");
  db.Exec(
      "INSERT INTO contacts VALUES ('c1','Ann','jobtitle',30,'a1'),('c2','Bob','dev',17,'a1'),"
      "('c3','Cid','jobtitle',40,'a2'),('c4','Dee',NULL,NULL,'a4'),('c5','Orphan','jobtitle',50,NULL)");
  db.Exec("INSERT INTO opportunities VALUES ('o1','N/A','c1'),('o2','deal','c3'),('o3','N/A','c5')");
  struct Case {
    const char* filter;
    const char* expected;
  };
  for (const Case& c : {
           Case{"contact_customer_accounts/any()", "a1 a2 a4"},
           Case{"not contact_customer_accounts/any()", "a3"},
           Case{"contact_customer_accounts/any(c: c/age ge 18)", "a1 a2"},
           // all() over no rows is true; a member whose condition is unknown (null age) fails it.
           Case{"contact_customer_accounts/all(c: c/age ge 18)", "a2 a3"},
           Case{"contact_customer_accounts/all(c: c/age ge 18 or c/age eq null)", "a2 a3 a4"},
           Case{"contact_customer_accounts/any(c: contains(c/fullname,'ANN') and c/jobtitle eq 'jobtitle')", "a1"},
           Case{"(contact_customer_accounts/any(c:c/jobtitle eq 'jobtitle' and "
                "c/opportunity_customer_contacts/any(o:o/description ne 'N/A'))) and endswith(name,'Inc.')",
                "a2"},
           Case{"contact_customer_accounts/any(c: c/opportunity_customer_contacts/all(o: o/description eq 'N/A'))",
                "a1 a4"},
           Case{"contact_customer_accounts/any(c: c/opportunity_customer_contacts/any(o: o/description ne "
                "c/fullname) and c/age lt 35)",
                "a1"},
       }) {
    auto filter = Filter::Parse(c.filter);
    ASSERT_TRUE(filter) << c.filter << ": " << filter.error().message;
    auto sql = filter.value().ToSql(schemas.accounts);
    ASSERT_TRUE(sql) << c.filter << ": " << sql.error().message;
    EXPECT_EQ(db.Select("SELECT accountid FROM accounts", sql.value()), Split(c.expected))
        << c.filter << "\nSQL: " << sql.value().sql;
  }
}

}  // namespace
}  // namespace runnel::tables

// ParseQueryOptions: each supported option's forms and errors, the refused options by name, and
// OrderByToSql.
#include <gtest/gtest.h>

#include "odata_test_schema.h"
#include "tables/odata_query.h"

namespace runnel::tables {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

QueryOptions Parse(const Pairs& query, const QueryLimits& limits = {}) {
  auto r = ParseQueryOptions(query, limits);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? std::move(r).value() : QueryOptions{};
}

Error Fail(const Pairs& query, const QueryLimits& limits = {}) {
  auto r = ParseQueryOptions(query, limits);
  EXPECT_FALSE(r);
  return r ? Error() : r.error();
}

TEST(OdataQueryOptions, NoOptionsMeansEverything) {
  QueryOptions o = Parse({});
  EXPECT_TRUE(o.select.empty());
  EXPECT_FALSE(o.filter.has_value());
  EXPECT_TRUE(o.orderby.empty());
  EXPECT_FALSE(o.top.has_value());
  EXPECT_FALSE(o.count);
  EXPECT_TRUE(o.skiptoken.empty());
}

TEST(OdataQueryOptions, AllSupportedOptions) {
  QueryOptions o = Parse({{"$select", "name, revenue,_primarycontactid_value,name"},
                          {"$filter", "revenue gt 5"},
                          {"$orderby", "name desc, revenue asc,createdon"},
                          {"$top", "10"},
                          {"$count", "true"},
                          {"$skiptoken", "opaque%3Ctoken%3E"},
                          {"api-version", "ignored"}});
  EXPECT_EQ(o.select, (std::vector<std::string>{"name", "revenue", "_primarycontactid_value"}));
  ASSERT_TRUE(o.filter.has_value());
  EXPECT_EQ(o.filter->text(), "revenue gt 5");
  ASSERT_EQ(o.orderby.size(), 3u);
  EXPECT_EQ(o.orderby[0].column, "name");
  EXPECT_TRUE(o.orderby[0].descending);
  EXPECT_FALSE(o.orderby[1].descending);
  EXPECT_EQ(o.orderby[2].column, "createdon");
  EXPECT_FALSE(o.orderby[2].descending);
  EXPECT_EQ(o.top, 10);
  EXPECT_TRUE(o.count);
  EXPECT_EQ(o.skiptoken, "opaque%3Ctoken%3E");
  EXPECT_FALSE(Parse({{"$count", "false"}}).count);
}

TEST(OdataQueryOptions, SelectNamesMustBeIdentifiers) {
  Error e = Fail({{"$select", "name,primarycontactid/fullname"}});
  EXPECT_EQ(e.code, "InvalidQuery");
  EXPECT_NE(e.message.find("$select: 'primarycontactid/fullname' is not a column name"), std::string::npos)
      << e.message;
  EXPECT_EQ(Fail({{"$select", "name,,revenue"}}).code, "InvalidQuery");
  EXPECT_EQ(Fail({{"$select", ""}}).code, "InvalidQuery");
  EXPECT_EQ(Fail({{"$select", "1abc"}}).code, "InvalidQuery");
}

TEST(OdataQueryOptions, OrderByForms) {
  EXPECT_NE(Fail({{"$orderby", "name sideways"}}).message.find("expected asc or desc after 'name', found 'sideways'"),
            std::string::npos);
  EXPECT_EQ(Fail({{"$orderby", "name desc,"}}).code, "InvalidQuery");
  EXPECT_EQ(Fail({{"$orderby", "name desc asc"}}).code, "InvalidQuery");
  EXPECT_EQ(Fail({{"$orderby", "name DESC"}}).code, "InvalidQuery");  // OData keywords are lower-case
}

TEST(OdataQueryOptions, TopIsAPositiveBoundedInteger) {
  QueryLimits limits;
  limits.max_top = 100;
  EXPECT_EQ(Parse({{"$top", "100"}}, limits).top, 100);
  for (const char* bad : {"0", "-1", "+5", "1.5", "abc", "", "101", "99999999999999999999999"}) {
    Error e = Fail({{"$top", bad}}, limits);
    EXPECT_EQ(e.code, "InvalidQuery") << bad;
    EXPECT_NE(e.message.find("1 to 100"), std::string::npos) << e.message;
  }
}

TEST(OdataQueryOptions, CountIsTrueOrFalse) {
  Error e = Fail({{"$count", "yes"}});
  EXPECT_EQ(e.code, "InvalidQuery");
  EXPECT_NE(e.message.find("$count: expected true or false"), std::string::npos);
}

TEST(OdataQueryOptions, BadFilterKeepsItsCodeAndPosition) {
  Error e = Fail({{"$filter", "name eq"}});
  EXPECT_EQ(e.code, "InvalidFilter");
  EXPECT_EQ(e.position, 7);
}

TEST(OdataQueryOptions, FilterGetsTheLimits) {
  QueryLimits limits;
  limits.max_filter_chars = 10;
  EXPECT_EQ(Fail({{"$filter", "name eq 'abcdef'"}}, limits).code, "InvalidFilter");
}

TEST(OdataQueryOptions, UnsupportedOptionsSayWhatToUseInstead) {
  struct Case {
    const char* option;
    const char* hint;
  };
  for (const Case& c : {Case{"$expand", "_<name>_value"}, Case{"$apply", "aggregate in the flow"},
                        Case{"$search", "contains(column,'text')"}, Case{"$skip", "@odata.nextLink"},
                        Case{"$format", "always JSON"}, Case{"$compute", "OData 4.01"}}) {
    Error e = Fail({{c.option, "x"}});
    EXPECT_EQ(e.code, "UnsupportedQueryOption") << c.option;
    EXPECT_EQ(e.message.rfind(std::string(c.option) + " is not supported", 0), 0u) << e.message;
    EXPECT_NE(e.message.find(c.hint), std::string::npos) << e.message;
  }
}

TEST(OdataQueryOptions, UnknownOptions) {
  Error e = Fail({{"$levels", "2"}});
  EXPECT_EQ(e.code, "UnsupportedQueryOption");
  EXPECT_NE(e.message.find("unknown query option '$levels'"), std::string::npos);
  EXPECT_NE(e.message.find("$select, $filter, $orderby, $top, $count, $skiptoken"), std::string::npos);
  Error cased = Fail({{"$Filter", "a eq 1"}});
  EXPECT_NE(cased.message.find("case-sensitive: use $filter"), std::string::npos) << cased.message;
}

TEST(OdataQueryOptions, AnOptionGivenTwiceIsRefused) {
  Error e = Fail({{"$top", "1"}, {"$top", "2"}});
  EXPECT_EQ(e.code, "InvalidQuery");
  EXPECT_NE(e.message.find("more than once"), std::string::npos);
}

TEST(OdataQueryOptions, ParameterAliasesReachTheFilter) {
  testing::TestSchemas schemas;
  QueryOptions o = Parse({{"$filter", "@p1 ne @p3"}, {"@p1", "revenue"}, {"@p3", "5"}});
  ASSERT_TRUE(o.filter.has_value());
  auto sql = o.filter->ToSql(schemas.accounts);
  ASSERT_TRUE(sql) << sql.error().message;
  EXPECT_EQ(sql.value().sql, R"("revenue" <> ?)");
  EXPECT_EQ(std::get<int64_t>(sql.value().params[0]), 5);

  QueryOptions in = Parse({{"@p2", R"(["OBrian","O'Brian"])"},
                           {"$filter", "Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)"},
                           {"@p1", "'name'"}});
  auto in_sql = in.filter->ToSql(schemas.accounts);
  ASSERT_TRUE(in_sql) << in_sql.error().message;
  EXPECT_EQ(in_sql.value().sql, R"("name" COLLATE NOCASE IN (?, ?))");
  EXPECT_EQ(std::get<std::string>(in_sql.value().params[1]), "O'Brian");

  // An alias the query does not assign is null, as OData says.
  auto unassigned = Parse({{"$filter", "name eq @nothing"}}).filter->ToSql(schemas.accounts);
  ASSERT_TRUE(unassigned);
  EXPECT_EQ(unassigned.value().sql, R"("name" IS NULL)");
}

TEST(OdataQueryOptions, AliasErrorsPointAtTheAlias) {
  Error e = Fail({{"$filter", "name eq @p1"}, {"@p1", "'unterminated"}});
  EXPECT_EQ(e.code, "InvalidFilter");
  EXPECT_EQ(e.position, 8);
  EXPECT_NE(e.message.find("in the value of parameter alias @p1: unterminated string literal"), std::string::npos)
      << e.message;
  EXPECT_NE(Fail({{"$filter", "name eq @p1"}, {"@p1", "'a' 'b'"}}).message.find("must be one value"),
            std::string::npos);
  EXPECT_NE(Fail({{"$filter", "Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=@v)"}})
                .message.find("@v is not assigned"),
            std::string::npos);
  // The column's kind still decides: an alias holding '5' next to an integer column is a string.
  testing::TestSchemas schemas;
  QueryOptions o = Parse({{"$filter", "numberofemployees eq @n"}, {"@n", "'5'"}});
  auto sql = o.filter->ToSql(schemas.accounts);
  ASSERT_FALSE(sql);
  EXPECT_EQ(sql.error().position, 21);
}

TEST(OdataQueryOptions, OrderByToSqlResolvesColumns) {
  testing::TestSchemas schemas;
  auto sql = OrderByToSql({{"name", true}, {"_primarycontactid_value", false}}, schemas.accounts);
  ASSERT_TRUE(sql);
  EXPECT_EQ(sql.value(), R"("name" DESC, "primarycontactid" ASC)");
  EXPECT_EQ(OrderByToSql({}, schemas.accounts).value(), "");
  auto bad = OrderByToSql({{"nosuch", false}}, schemas.accounts);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidQuery");
  EXPECT_NE(bad.error().message.find("'nosuch'"), std::string::npos);
}

}  // namespace
}  // namespace runnel::tables

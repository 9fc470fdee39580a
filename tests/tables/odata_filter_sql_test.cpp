// Filter::ToSql: the SQL text and parameters of each construct, and the binding errors (unknown
// columns, literals of the wrong kind) with the position they point at.
#include <gtest/gtest.h>

#include <algorithm>

#include "odata_test_schema.h"
#include "tables/odata_query.h"

namespace runnel::tables {
namespace {

using store::SqlValue;

struct Compiled {
  std::string sql;
  std::vector<SqlValue> params;
};

Compiled Sql(std::string_view filter, const QuerySchema* schema = nullptr) {
  testing::TestSchemas schemas;
  auto f = Filter::Parse(filter);
  EXPECT_TRUE(f) << filter << ": " << (f ? "" : f.error().message);
  if (!f) return {};
  auto sql = f.value().ToSql(schema ? *schema : schemas.accounts);
  EXPECT_TRUE(sql) << filter << ": " << (sql ? "" : sql.error().message);
  if (!sql) return {};
  EXPECT_EQ(static_cast<size_t>(std::count(sql.value().sql.begin(), sql.value().sql.end(), '?')),
            sql.value().params.size())
      << sql.value().sql;
  return {sql.value().sql, sql.value().params};
}

Error SqlError(std::string_view filter) {
  testing::TestSchemas schemas;
  auto f = Filter::Parse(filter);
  EXPECT_TRUE(f) << filter << ": " << (f ? "" : f.error().message);
  if (!f) return f.error();
  auto sql = f.value().ToSql(schemas.accounts);
  EXPECT_FALSE(sql) << filter << " compiled to " << (sql ? sql.value().sql : "");
  return sql ? Error() : sql.error();
}

std::string Text(const SqlValue& v) { return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "?"; }
int64_t Int(const SqlValue& v) { return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : -999; }

TEST(OdataFilterSql, ComparisonBindsTheLiteral) {
  auto c = Sql("name eq 'Contoso'");
  EXPECT_EQ(c.sql, R"("name" COLLATE NOCASE = ?)");
  ASSERT_EQ(c.params.size(), 1u);
  EXPECT_EQ(Text(c.params[0]), "Contoso");
}

TEST(OdataFilterSql, EveryComparisonOperator) {
  EXPECT_EQ(Sql("numberofemployees eq 5").sql, R"("numberofemployees" = ?)");
  EXPECT_EQ(Sql("numberofemployees ne 5").sql, R"("numberofemployees" <> ?)");
  EXPECT_EQ(Sql("numberofemployees gt 5").sql, R"("numberofemployees" > ?)");
  EXPECT_EQ(Sql("numberofemployees ge 5").sql, R"("numberofemployees" >= ?)");
  EXPECT_EQ(Sql("numberofemployees lt 5").sql, R"("numberofemployees" < ?)");
  EXPECT_EQ(Sql("numberofemployees le 5").sql, R"("numberofemployees" <= ?)");
}

TEST(OdataFilterSql, ValueOnTheLeftIsMirrored) {
  auto c = Sql("5 lt numberofemployees");
  EXPECT_EQ(c.sql, R"("numberofemployees" > ?)");
  EXPECT_EQ(Int(c.params[0]), 5);
  EXPECT_EQ(Sql("'x' eq name").sql, R"("name" COLLATE NOCASE = ?)");
}

TEST(OdataFilterSql, NullComparisons) {
  auto eq = Sql("name eq null");
  EXPECT_EQ(eq.sql, R"("name" IS NULL)");
  EXPECT_TRUE(eq.params.empty());
  EXPECT_EQ(Sql("name ne null").sql, R"("name" IS NOT NULL)");
  EXPECT_EQ(Sql("null eq revenue").sql, R"("revenue" IS NULL)");
  // Ordering against null is never true: the parameter is NULL, so the comparison is unknown.
  auto gt = Sql("revenue gt null");
  EXPECT_EQ(gt.sql, R"("revenue" > ?)");
  ASSERT_EQ(gt.params.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(gt.params[0]));
}

TEST(OdataFilterSql, PrecedenceOrAndNotAndParentheses) {
  auto c = Sql("numberofemployees eq 1 or numberofemployees eq 2 and not numberofemployees eq 3");
  EXPECT_EQ(c.sql, R"(("numberofemployees" = ? OR ("numberofemployees" = ? AND NOT ("numberofemployees" = ?))))");
  EXPECT_EQ(Int(c.params[0]), 1);
  EXPECT_EQ(Int(c.params[2]), 3);
  EXPECT_EQ(Sql("(numberofemployees eq 1 or numberofemployees eq 2) and revenue gt 0").sql,
            R"((("numberofemployees" = ? OR "numberofemployees" = ?) AND "revenue" > ?))");
  EXPECT_EQ(Sql("not (name eq 'a' or name eq 'b')").sql,
            R"(NOT (("name" COLLATE NOCASE = ? OR "name" COLLATE NOCASE = ?)))");
  // A chain is one flat list, not a nesting per operator.
  EXPECT_EQ(Sql("rating eq 1 and rating eq 2 and rating eq 3").sql,
            R"(("rating" = ? AND "rating" = ? AND "rating" = ?))");
}

TEST(OdataFilterSql, StringFunctionsUseEscapedLike) {
  auto contains = Sql("contains(name,'con')");
  EXPECT_EQ(contains.sql, R"("name" LIKE ? ESCAPE '\')");
  EXPECT_EQ(Text(contains.params[0]), "%con%");
  EXPECT_EQ(Text(Sql("startswith(name,'con')").params[0]), "con%");
  EXPECT_EQ(Text(Sql("endswith(name,'con')").params[0]), "%con");
  // LIKE's wildcards and the escape character in the text match themselves.
  EXPECT_EQ(Text(Sql(R"(contains(name,'50%_a\b'))").params[0]), R"(%50\%\_a\\b%)");
  EXPECT_EQ(Sql("not contains(name,'x')").sql, R"(NOT ("name" LIKE ? ESCAPE '\'))");
}

TEST(OdataFilterSql, LiteralsTakeTheStoredFormOfTheirColumn) {
  EXPECT_EQ(Int(Sql("numberofemployees eq -42").params[0]), -42);
  EXPECT_DOUBLE_EQ(std::get<double>(Sql("revenue ge 1.25").params[0]), 1.25);
  EXPECT_DOUBLE_EQ(std::get<double>(Sql("revenue ge -2.5e3").params[0]), -2500);
  EXPECT_EQ(Int(Sql("revenue ge 100000").params[0]), 100000);  // an integer stays exact
  EXPECT_EQ(Int(Sql("isactive eq true").params[0]), 1);
  EXPECT_EQ(Int(Sql("isactive eq false").params[0]), 0);
  EXPECT_EQ(Text(Sql("accountid eq 6F1C2E3D-0000-4ABC-8DEF-0123456789AB").params[0]),
            "6f1c2e3d-0000-4abc-8def-0123456789ab");
  EXPECT_EQ(Text(Sql("accountid eq abcdef01-2345-6789-abcd-ef0123456789").params[0]),
            "abcdef01-2345-6789-abcd-ef0123456789");
  // Dataverse's own examples quote GUIDs, with or without braces.
  EXPECT_EQ(Text(Sql("_primarycontactid_value eq '{ABCDEF01-2345-6789-ABCD-EF0123456789}'").params[0]),
            "abcdef01-2345-6789-abcd-ef0123456789");
  EXPECT_EQ(Sql("_primarycontactid_value eq abcdef01-2345-6789-abcd-ef0123456789").sql,
            R"("primarycontactid" COLLATE NOCASE = ?)");
}

TEST(OdataFilterSql, DateTimesAreNormalizedToUtcText) {
  EXPECT_EQ(Text(Sql("createdon ge 2024-01-31T10:00:00Z").params[0]), "2024-01-31T10:00:00Z");
  EXPECT_EQ(Text(Sql("createdon ge 2024-01-31").params[0]), "2024-01-31T00:00:00Z");
  EXPECT_EQ(Text(Sql("createdon ge 2024-01-31T10:00Z").params[0]), "2024-01-31T10:00:00Z");
  EXPECT_EQ(Text(Sql("createdon ge 2024-01-31T10:00:00").params[0]), "2024-01-31T10:00:00Z");
  EXPECT_EQ(Text(Sql("createdon ge 2024-03-01T01:30:00+02:00").params[0]), "2024-02-29T23:30:00Z");
  EXPECT_EQ(Text(Sql("createdon ge 2023-12-31T23:00:00-01:30").params[0]), "2024-01-01T00:30:00Z");
  EXPECT_EQ(Text(Sql("createdon ge 2024-01-31T10:00:00.000Z").params[0]), "2024-01-31T10:00:00Z");
  // Flows often build the filter with a quoted expression result: accepted for date-times.
  EXPECT_EQ(Text(Sql("createdon ge '2024-01-31T10:00:00.0000000Z'").params[0]), "2024-01-31T10:00:00Z");
}

TEST(OdataFilterSql, FractionalSecondsCompareThroughTheWholeSecond) {
  auto ge = Sql("createdon ge 2024-01-31T10:00:00.5Z");
  EXPECT_EQ(ge.sql, R"("createdon" COLLATE NOCASE > ?)");
  EXPECT_EQ(Text(ge.params[0]), "2024-01-31T10:00:00Z");
  EXPECT_EQ(Sql("createdon gt 2024-01-31T10:00:00.5Z").sql, R"("createdon" COLLATE NOCASE > ?)");
  EXPECT_EQ(Sql("createdon lt 2024-01-31T10:00:00.5Z").sql, R"("createdon" COLLATE NOCASE <= ?)");
  EXPECT_EQ(Sql("createdon le '2024-01-31T10:00:00.1234567Z'").sql, R"("createdon" COLLATE NOCASE <= ?)");
  EXPECT_EQ(Sql("createdon eq 2024-01-31T10:00:00.5Z").sql,
            R"(("createdon" COLLATE NOCASE < ? AND "createdon" COLLATE NOCASE > ?))");
  EXPECT_EQ(Sql("createdon ne 2024-01-31T10:00:00.5Z").sql,
            R"(("createdon" COLLATE NOCASE <= ? OR "createdon" COLLATE NOCASE > ?))");
}

TEST(OdataFilterSql, ColumnToColumn) {
  EXPECT_EQ(Sql("name eq description").sql, R"("name" COLLATE NOCASE = "description")");
  EXPECT_EQ(Sql("revenue gt numberofemployees").sql, R"("revenue" > "numberofemployees")");
  EXPECT_EQ(Sql("createdon lt modifiedon").sql, R"("createdon" COLLATE NOCASE < "modifiedon")");
  Error e = SqlError("name eq numberofemployees");
  EXPECT_EQ(e.code, "InvalidFilter");
  EXPECT_NE(e.message.find("cannot compare column 'name' (a text column) with column 'numberofemployees'"),
            std::string::npos)
      << e.message;
}

TEST(OdataFilterSql, AnyCompilesToInSubquery) {
  auto c = Sql("contact_customer_accounts/any(c: c/fullname eq 'x')");
  EXPECT_EQ(c.sql, R"("accountid" IN (SELECT "odata_l1"."parentcustomerid" FROM "contacts" AS "odata_l1" WHERE )"
                   R"("odata_l1"."parentcustomerid" IS NOT NULL AND ("odata_l1"."fullname" COLLATE NOCASE = ?)))");
  EXPECT_EQ(Text(c.params[0]), "x");
  EXPECT_EQ(Sql("contact_customer_accounts/any()").sql,
            R"("accountid" IN (SELECT "odata_l1"."parentcustomerid" FROM "contacts" AS "odata_l1" WHERE )"
            R"("odata_l1"."parentcustomerid" IS NOT NULL))");
}

TEST(OdataFilterSql, AllCompilesToNotInOverFailingRows) {
  EXPECT_EQ(Sql("contact_customer_accounts/all(c: c/age ge 18)").sql,
            R"("accountid" NOT IN (SELECT "odata_l1"."parentcustomerid" FROM "contacts" AS "odata_l1" WHERE )"
            R"("odata_l1"."parentcustomerid" IS NOT NULL AND ("odata_l1"."age" >= ?) IS NOT TRUE))");
}

TEST(OdataFilterSql, NestedLambdasQualifyEachLevel) {
  auto c =
      Sql("(contact_customer_accounts/any(c:c/jobtitle eq 'jobtitle' and "
          "c/opportunity_customer_contacts/any(o:o/description ne 'N/A'))) and endswith(name,'Inc.')");
  EXPECT_EQ(c.sql,
            R"(("accountid" IN (SELECT "odata_l1"."parentcustomerid" FROM "contacts" AS "odata_l1" WHERE )"
            R"("odata_l1"."parentcustomerid" IS NOT NULL AND (("odata_l1"."jobtitle" COLLATE NOCASE = ? AND )"
            R"("odata_l1"."contactid" IN (SELECT "odata_l2"."customerid" FROM "opportunities" AS "odata_l2" WHERE )"
            R"("odata_l2"."customerid" IS NOT NULL AND ("odata_l2"."description" COLLATE NOCASE <> ?))))) AND )"
            R"("name" LIKE ? ESCAPE '\'))");
  ASSERT_EQ(c.params.size(), 3u);
  EXPECT_EQ(Text(c.params[2]), "%Inc.");
  // An inner lambda may name the outer range variable's columns.
  EXPECT_NE(Sql("contact_customer_accounts/any(c: c/opportunity_customer_contacts/any(o: o/description eq "
                "c/fullname))")
                .sql.find(R"("odata_l2"."description" COLLATE NOCASE = "odata_l1"."fullname")"),
            std::string::npos);
}

TEST(OdataFilterSql, DataverseInAndBetween) {
  auto in = Sql(R"(Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=["a","O'Brian"]))");
  EXPECT_EQ(in.sql, R"("name" COLLATE NOCASE IN (?, ?))");
  EXPECT_EQ(Text(in.params[1]), "O'Brian");
  auto not_in = Sql(R"(Microsoft.Dynamics.CRM.NotIn(PropertyName='numberofemployees',PropertyValues=["5",7]))");
  EXPECT_EQ(not_in.sql, R"("numberofemployees" NOT IN (?, ?))");
  EXPECT_EQ(Int(not_in.params[0]), 5);
  auto between = Sql(R"(Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=["5","2000"]))");
  EXPECT_EQ(between.sql, R"(("numberofemployees" >= ? AND "numberofemployees" <= ?))");
  EXPECT_EQ(Int(between.params[1]), 2000);
  EXPECT_EQ(
      Sql(R"(Microsoft.Dynamics.CRM.NotBetween(PropertyValues=["2024-01-01","2024-02-01"],PropertyName='createdon'))")
          .sql,
      R"(NOT (("createdon" COLLATE NOCASE >= ? AND "createdon" COLLATE NOCASE <= ?)))");
}

TEST(OdataFilterSql, IdentifiersAreQuoted) {
  testing::MapSchema odd;
  odd.Add("weird", "we\"ird", ValueKind::kInteger);
  EXPECT_EQ(Sql("weird eq 1", &odd).sql, R"("we""ird" = ?)");
}

TEST(OdataFilterSql, UnknownColumnNamesItAndItsPosition) {
  Error e = SqlError("name eq 'x' and nosuch eq 1");
  EXPECT_EQ(e.code, "InvalidFilter");
  EXPECT_EQ(e.position, 16);
  EXPECT_NE(e.message.find("unknown column 'nosuch'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("at position 16"), std::string::npos) << e.message;
  EXPECT_EQ(SqlError("contact_customer_accounts/any(c: c/nosuch eq 1)").position, 33);
  EXPECT_NE(SqlError("orders/any(o: o/x eq 1)").message.find("unknown collection 'orders'"), std::string::npos);
}

TEST(OdataFilterSql, LiteralOfTheWrongKindNamesColumnAndKind) {
  Error e = SqlError("numberofemployees eq '5'");
  EXPECT_EQ(e.code, "InvalidFilter");
  EXPECT_EQ(e.position, 21);
  EXPECT_NE(e.message.find("column 'numberofemployees' is an integer column and cannot be compared with the "
                           "string '5'; write a number without quotes"),
            std::string::npos)
      << e.message;
  EXPECT_NE(SqlError("name eq 5").message.find("'name' is a text column"), std::string::npos);
  EXPECT_NE(SqlError("isactive eq 1").message.find("write true or false"), std::string::npos);
  EXPECT_NE(SqlError("accountid eq 'abc'").message.find("holds GUIDs"), std::string::npos);
  EXPECT_NE(SqlError("createdon eq 5").message.find("a date-time column"), std::string::npos);
  EXPECT_NE(SqlError("createdon eq 'soon'").message.find("holds date-times"), std::string::npos);
  EXPECT_NE(SqlError("name eq 2024-01-01").message.find("the date-time 2024-01-01T00:00:00Z"), std::string::npos);
  EXPECT_NE(SqlError("contains(numberofemployees,'5')").message.find("contains works on text columns"),
            std::string::npos);
  EXPECT_NE(SqlError("contains(name,5)").message.find("must be a string in single quotes"), std::string::npos);
  EXPECT_NE(SqlError(R"(Microsoft.Dynamics.CRM.In(PropertyName='numberofemployees',PropertyValues=["x"]))")
                .message.find("is not a number"),
            std::string::npos);
}

}  // namespace
}  // namespace runnel::tables

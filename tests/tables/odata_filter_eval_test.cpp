// Filter::Matches on single rows: null and three-valued logic, case rules, exact numbers, and
// what "Filter rows" cannot do (any/all). Agreement with the SQL on many rows and filters is
// odata_parity_test.cpp's job.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "odata_test_schema.h"
#include "tables/odata_query.h"

namespace runnel::tables {
namespace {

Result<bool> Match(std::string_view filter, std::string_view row_json) {
  testing::TestSchemas schemas;
  auto f = Filter::Parse(filter);
  EXPECT_TRUE(f) << filter << ": " << (f ? "" : f.error().message);
  if (!f) return f.error();
  return f.value().Matches(boost::json::parse(row_json).as_object(), schemas.accounts);
}

bool Yes(std::string_view filter, std::string_view row_json) {
  auto r = Match(filter, row_json);
  EXPECT_TRUE(r) << filter << ": " << (r ? "" : r.error().message);
  return r && r.value();
}

TEST(OdataFilterEval, Comparisons) {
  const char* row = R"({"name":"Contoso","numberofemployees":50,"revenue":1000.5,"isactive":true})";
  EXPECT_TRUE(Yes("name eq 'Contoso'", row));
  EXPECT_TRUE(Yes("name eq 'contoso'", row));    // ASCII case is ignored, as in Dataverse
  EXPECT_FALSE(Yes("name eq 'contosó'", row));
  EXPECT_TRUE(Yes("name lt 'D'", row) && Yes("name gt 'b'", row));
  EXPECT_TRUE(Yes("name gt 'Con'", row));
  EXPECT_TRUE(Yes("numberofemployees ge 50 and numberofemployees le 50", row));
  EXPECT_FALSE(Yes("numberofemployees ne 50", row));
  EXPECT_TRUE(Yes("revenue gt 1000", row));
  EXPECT_TRUE(Yes("revenue lt numberofemployees or isactive eq true", row));
  EXPECT_TRUE(Yes("50 eq numberofemployees", row));
}

TEST(OdataFilterEval, MissingKeysAreNullAndNullComparisonsAreUnknown) {
  const char* row = R"({"name":null})";
  EXPECT_TRUE(Yes("name eq null", row));
  EXPECT_TRUE(Yes("description eq null", row));  // absent key
  EXPECT_FALSE(Yes("name ne null", row));
  EXPECT_FALSE(Yes("name ne 'x'", row));
  EXPECT_FALSE(Yes("name eq 'x'", row));
  // SQL's three-valued logic: not(unknown) is unknown, so the row still does not match.
  EXPECT_FALSE(Yes("not (name eq 'x')", row));
  EXPECT_FALSE(Yes("not contains(name,'x')", row));
  EXPECT_TRUE(Yes("not (name eq 'x') or name eq null", row));
  EXPECT_FALSE(Yes("not (name eq 'x' and numberofemployees eq 1)", row));
  EXPECT_TRUE(Yes("not (name eq 'x' and name ne null)", row));  // unknown and false is false
  EXPECT_FALSE(Yes("revenue gt null", R"({"revenue":5})"));
  EXPECT_FALSE(Yes("not (revenue gt null)", R"({"revenue":5})"));
}

TEST(OdataFilterEval, StringFunctionsIgnoreAsciiCaseOnly) {
  const char* row = R"({"name":"CONTOSO Ltd. 50%_off","description":"Ébène"})";
  EXPECT_TRUE(Yes("contains(name,'tos')", row));
  EXPECT_TRUE(Yes("startswith(name,'contoso')", row));
  EXPECT_TRUE(Yes("endswith(name,'OFF')", row));
  EXPECT_TRUE(Yes("contains(name,'50%_')", row));
  EXPECT_FALSE(Yes("contains(name,'50__')", row));  // no wildcards: '_' is itself
  EXPECT_TRUE(Yes("contains(name,'')", row));
  EXPECT_FALSE(Yes("startswith(name,'CONTOSO Ltd. 50%_off and more')", row));
  EXPECT_TRUE(Yes("startswith(description,'Éb')", row));
  EXPECT_FALSE(Yes("startswith(description,'éb')", row));  // beyond ASCII, case matters (as in SQLite)
  EXPECT_FALSE(Yes("endswith(description,'ÈNE')", row));
}

TEST(OdataFilterEval, ExactIntegerAndRealComparison) {
  // 2^53 + 1 is not a double; comparing through doubles would call it equal to 2^53.
  const char* row = R"({"numberofemployees":9007199254740993})";
  EXPECT_TRUE(Yes("numberofemployees gt 9007199254740992.0", row));
  EXPECT_FALSE(Yes("numberofemployees eq 9007199254740992.0", row));
  EXPECT_TRUE(Yes("numberofemployees gt 1.5", R"({"numberofemployees":2})"));
  EXPECT_TRUE(Yes("numberofemployees lt 2.5", R"({"numberofemployees":2})"));
  EXPECT_TRUE(Yes("numberofemployees eq 2.0", R"({"numberofemployees":2})"));
  EXPECT_TRUE(Yes("numberofemployees lt 1e300", R"({"numberofemployees":9223372036854775807})"));
  EXPECT_TRUE(Yes("revenue eq 3", R"({"revenue":3.0})"));
  EXPECT_TRUE(Yes("revenue gt -1e-9", R"({"revenue":0})"));
}

TEST(OdataFilterEval, KindsReadFromJson) {
  EXPECT_TRUE(Yes("isactive eq false", R"({"isactive":false})"));
  EXPECT_TRUE(Yes("isactive eq true", R"({"isactive":1})"));
  EXPECT_TRUE(Yes("accountid eq ABCDEF01-2345-6789-ABCD-EF0123456789",
                  R"({"accountid":"abcdef01-2345-6789-abcd-ef0123456789"})"));
  EXPECT_TRUE(Yes("createdon ge 2024-01-31 and createdon lt 2024-02-01T00:00:00+00:00",
                  R"({"createdon":"2024-01-31T23:59:59Z"})"));
}

TEST(OdataFilterEval, FractionalSecondsAgainstWholeSeconds) {
  const char* row = R"({"createdon":"2024-01-31T10:00:00Z"})";
  EXPECT_FALSE(Yes("createdon ge 2024-01-31T10:00:00.5Z", row));
  EXPECT_FALSE(Yes("createdon gt 2024-01-31T10:00:00.5Z", row));
  EXPECT_TRUE(Yes("createdon le 2024-01-31T10:00:00.5Z", row));
  EXPECT_TRUE(Yes("createdon lt 2024-01-31T10:00:00.5Z", row));
  EXPECT_FALSE(Yes("createdon eq 2024-01-31T10:00:00.5Z", row));
  EXPECT_TRUE(Yes("createdon ne 2024-01-31T10:00:00.5Z", row));
  EXPECT_TRUE(Yes("createdon ge 2024-01-31T09:59:59.5Z", row));
  EXPECT_FALSE(Yes("createdon ne 2024-01-31T10:00:00.5Z", "{}"));  // null stays unknown
}

TEST(OdataFilterEval, InAndBetween) {
  const char* row = R"({"name":"b","numberofemployees":10})";
  EXPECT_TRUE(Yes(R"(Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=["a","b"]))", row));
  EXPECT_FALSE(Yes(R"(Microsoft.Dynamics.CRM.NotIn(PropertyName='name',PropertyValues=["a","b"]))", row));
  EXPECT_TRUE(Yes(R"(Microsoft.Dynamics.CRM.NotIn(PropertyName='name',PropertyValues=["a"]))", row));
  // As in SQL: x NOT IN (.., null) is never true.
  EXPECT_FALSE(Yes(R"(Microsoft.Dynamics.CRM.NotIn(PropertyName='name',PropertyValues=["a",null]))", row));
  EXPECT_TRUE(
      Yes(R"(Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=["10","20"]))", row));
  EXPECT_FALSE(
      Yes(R"(Microsoft.Dynamics.CRM.NotBetween(PropertyName='numberofemployees',PropertyValues=[5,10]))", row));
  EXPECT_FALSE(Yes(R"(Microsoft.Dynamics.CRM.NotBetween(PropertyName='revenue',PropertyValues=[5,10]))", row));
}

TEST(OdataFilterEval, LambdasAreNotAvailableForFilterRows) {
  auto r = Match("name eq 'x' or contact_customer_accounts/any(c: c/fullname eq 'x')", R"({"name":"x"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidFilter");
  EXPECT_EQ(r.error().position, 15);
  EXPECT_NE(r.error().message.find("not available for filter rows"), std::string::npos) << r.error().message;
}

TEST(OdataFilterEval, SchemaErrorsDoNotDependOnTheRow) {
  // The first operand decides the result, yet the unknown column is still reported.
  auto r = Match("name eq 'x' or nosuch eq 1", R"({"name":"x"})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown column 'nosuch'"), std::string::npos);
}

TEST(OdataFilterEval, RowValueOfTheWrongTypeIsAnError) {
  auto r = Match("numberofemployees eq 5", R"({"numberofemployees":"5"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidRow");
  EXPECT_NE(r.error().message.find("'numberofemployees' is not a number"), std::string::npos);
  auto s = Match("name eq '5'", R"({"name":5})");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "InvalidRow");
}

}  // namespace
}  // namespace runnel::tables

// Filter::Parse: what the grammar accepts, the message and position of each syntax error, and
// the limits that keep hostile input cheap.
#include <gtest/gtest.h>

#include <chrono>

#include "tables/odata_query.h"

namespace runnel::tables {
namespace {

Error ParseError(std::string_view filter, const QueryLimits& limits = {}) {
  auto f = Filter::Parse(filter, limits);
  EXPECT_FALSE(f) << filter << " parsed";
  if (f) return Error();
  EXPECT_EQ(f.error().code, "InvalidFilter");
  EXPECT_NE(f.error().message.find("at position " + std::to_string(f.error().position)), std::string::npos)
      << f.error().message;
  EXPECT_EQ(f.error().message.rfind("$filter: ", 0), 0u) << f.error().message;
  return f.error();
}

void ExpectError(std::string_view filter, int position, std::string_view fragment) {
  Error e = ParseError(filter);
  EXPECT_EQ(e.position, position) << filter << ": " << e.message;
  EXPECT_NE(e.message.find(fragment), std::string::npos) << filter << ": " << e.message;
}

TEST(OdataFilterParser, AcceptsTheDocumentedForms) {
  for (const char* ok : {
           "revenue gt 100000",
           "revenue lt 100000 and revenue gt 2000",
           "contains(name,'(sample)') or contains(name,'test')",
           "not contains(name,'sample')",
           "(contains(name,'sample') or contains(name,'test')) and revenue gt 5000",
           "firstname eq lastname",
           "lastname eq 'O''Bryan'",
           "_owninguser_value eq 4026be43-6b69-e111-8f65-78e7d1620f5e",
           "Account_Emails/any(e:contains(e/subject,'sometext'))",
           "Account_Tasks/all(t:t/statecode eq 1)",
           "Account_Emails/any(e:contains(e/subject,'sometext') and e/statecode eq 0)",
           "Account_Tasks/any()",
           "Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=[\"5\",\"2000\"])",
           "createdon ge 2024-01-31T10:00:00Z and createdon lt 2024-02-01",
           "  name\teq\r\n'x'  ",
           "revenue eq -1.5e-3",
           "not not not name eq 'x'",
       }) {
    auto f = Filter::Parse(ok);
    EXPECT_TRUE(f) << ok << ": " << (f ? "" : f.error().message);
    if (f) {
      EXPECT_EQ(f.value().text(), ok);
    }
  }
}

TEST(OdataFilterParser, MissingOperator) {
  ExpectError("name", 4, "expected a comparison operator (eq, ne, gt, ge, lt, le) after 'name', found the end");
  ExpectError("name 'x'", 5, "after 'name', found the string 'x'");
  ExpectError("name EQ 'x'", 5, "operators are lower-case ('eq')");
  ExpectError("contact/name 'x'", 0,
              "paths through a lookup ('contact/name') are not supported; compare the "
              "lookup's value column _contact_value");
}

TEST(OdataFilterParser, MissingOrBadValue) {
  ExpectError("name eq", 7, "expected a value or a column after 'eq'");
  ExpectError("name eq )", 8, "expected a value or a column after 'eq'");
  ExpectError("name eq 'x", 8, "unterminated string literal");
  ExpectError("name eq \"x\"", 8, "single quotes");
  ExpectError("name eq 5 eq 6", 10, "unexpected 'eq' after a complete condition (join conditions with 'and' or 'or')");
  ExpectError("name eq 'x' name eq 'y'", 12, "join conditions with 'and' or 'or'");
  ExpectError("5 eq 5", 2, "a comparison needs a column on at least one side ('5 eq 5')");
  ExpectError("name eq 12abc", 10, "unexpected 'a' after the number 12");
  ExpectError("revenue eq 1e999", 11, "the number 1e999 is out of range");
  ExpectError("name eq #", 8, "unexpected '#'");
  ExpectError("name eq @p1", 8, "parameter aliases ('@p1') can only be used in a request's query string");
}

TEST(OdataFilterParser, MessagesShortenLongTokens) {
  Error e = ParseError("name '" + std::string(200, 'x') + "'");
  EXPECT_NE(e.message.find("found the string '" + std::string(40, 'x') + "...'"), std::string::npos) << e.message;
  EXPECT_LT(e.message.size(), 200u);
}

TEST(OdataFilterParser, Structure) {
  ExpectError("", 0, "the filter is empty");
  ExpectError("   ", 0, "the filter is empty");
  ExpectError("(name eq 'x'", 12, "expected ')' to close the '(' at position 0, found the end of the filter");
  ExpectError("name eq 'x')", 11, "unexpected ')' after a complete condition");
  ExpectError("name eq 'x' and", 15, "expected a condition");
  ExpectError("and name eq 'x'", 0, "expected a condition before 'and'");
  ExpectError("name eq 'x' or or name eq 'y'", 15, "expected a condition before 'or'");
  ExpectError("()", 1, "expected a condition");
}

TEST(OdataFilterParser, DateTimeLiterals) {
  ExpectError("createdon eq 2024-02-30", 13, "the date '2024-02-30' does not exist");
  ExpectError("createdon eq 2023-02-29", 13, "does not exist");
  ExpectError("createdon eq 2024-13-01", 13, "does not exist");
  ExpectError("createdon eq 2024-01-31T25:00:00Z", 13, "out of range");
  ExpectError("createdon eq 2024-01-31T10", 13, "not in the form HH:MM:SS");
  ExpectError("createdon eq 2024-01-31T10:00:00+2", 13, "UTC offset");
  ExpectError("createdon eq 2024-1-31", 13, "YYYY-MM-DD");
  ExpectError("createdon eq 0001-01-01T00:00:00+01:00", 13, "out of range");
  EXPECT_TRUE(Filter::Parse("createdon eq 2024-02-29T23:59:59.9999999-14:00"));
  EXPECT_TRUE(Filter::Parse("createdon eq 9999-12-31T23:59:59Z"));
}

TEST(OdataFilterParser, Functions) {
  ExpectError("Contains(name,'x')", 0, "function names are lower-case ('contains')");
  ExpectError("length(name) eq 3", 0, "unknown function 'length'");
  ExpectError("contains('x',name)", 9, "the first argument of contains must be a column");
  ExpectError("contains(name,other)", 14, "the second argument of contains must be a string");
  ExpectError("contains(name 'x')", 14, "expected ',' and a string");
  ExpectError("contains(name,'x'", 17, "expected ')' to close contains");
  ExpectError("Microsoft.Dynamics.CRM.Today(PropertyName='createdon')", 0,
              "Dataverse query function Microsoft.Dynamics.CRM.Today is not supported");
  ExpectError("Microsoft.Dynamics.CRM.In(PropertyName='name')", 45, "needs PropertyName='column' and PropertyValues");
  ExpectError("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[])", 0, "at least one PropertyValue");
  ExpectError("Microsoft.Dynamics.CRM.Between(PropertyName='n',PropertyValues=[\"1\"])", 0, "exactly two");
  ExpectError("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[\"a\",])", 61, "not a valid JSON array");
  ExpectError("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[{\"a\":1}])", 61, "only strings");
  ExpectError("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[\"a\"", 61, "unterminated '['");
  ExpectError("Microsoft.Dynamics.CRM.In(Property='name')", 26, "expected PropertyName= or PropertyValues=");
  ExpectError("Microsoft.Dynamics.CRM.In(PropertyName=name)", 39,
              "PropertyName must be a column name in single quotes");
}

TEST(OdataFilterParser, Lambdas) {
  ExpectError("orders/any(o: total gt 5)", 14, "name columns through the range variable, e.g. o/total");
  ExpectError("orders/any(o: o gt 5)", 14, "'o' is a range variable; name one of its columns");
  ExpectError("orders/all()", 11, "all() needs a condition");
  ExpectError("orders/any(o o/x eq 1)", 13, "expected ':' after the range variable 'o'");
  ExpectError("orders/any(5: o/x eq 1)", 11, "expected a range variable name");
  ExpectError("orders/any(o: o/lines/any(o: o/x eq 1))", 26, "the range variable 'o' is already in use");
  ExpectError("orders/any(o: o/x eq 1", 22, "expected ')' to close any(");
  ExpectError("customer/orders/any(o: o/x eq 1)", 0, "collections reached through a lookup are not supported");
  ExpectError("orders/any(o: lines/any(l: l/x eq 1))", 14, "name collections through the range variable");
}

TEST(OdataFilterParser, RejectsInvalidUtf8AndNul) {
  ExpectError(std::string_view("name eq '\xff'", 11), 9, "not valid UTF-8");
  ExpectError(std::string_view("name eq '\xc3'", 11), 9, "not valid UTF-8");
  ExpectError(std::string_view("name eq 'a\0b'", 13), 10, "NUL character");
  EXPECT_TRUE(Filter::Parse("name eq 'Grüße, 東京 🙂'"));
  ExpectError("name eq 'x' ü", 12, "unexpected 'ü'");
}

TEST(OdataFilterParser, LengthLimit) {
  QueryLimits limits;
  limits.max_filter_chars = 20;
  EXPECT_TRUE(Filter::Parse("name eq '0123456789'", limits));  // exactly 20
  Error e = ParseError("name eq '01234567890'", limits);
  EXPECT_EQ(e.position, 20);
  EXPECT_NE(e.message.find("longer than 20 characters"), std::string::npos);
}

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '(') + "a eq 1" + std::string(static_cast<size_t>(depth), ')');
}

TEST(OdataFilterParser, DepthLimit) {
  QueryLimits limits;  // 32 by default
  EXPECT_TRUE(Filter::Parse(Nested(32), limits));
  Error e = ParseError(Nested(33), limits);
  EXPECT_EQ(e.position, 32);
  EXPECT_NE(e.message.find("nests deeper than 32 levels"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 33; ++i) nots += "not ";
  EXPECT_FALSE(Filter::Parse(nots + "a eq 1", limits));
  // Far past the limit the parser stops at the limit, without recursing further.
  limits.max_filter_chars = 1 << 20;
  EXPECT_EQ(ParseError(std::string(500000, '('), limits).position, 32);
}

TEST(OdataFilterParser, TermLimit) {
  QueryLimits limits;
  limits.max_terms = 500;
  std::string chain = "a eq 0";
  for (int i = 1; i < 500; ++i) chain += " or a eq " + std::to_string(i);
  EXPECT_TRUE(Filter::Parse(chain, limits));  // a long flat chain needs no depth
  chain += " or a eq 500";
  Error e = ParseError(chain, limits);
  EXPECT_NE(e.message.find("more than 500 conditions"), std::string::npos);
  std::string values = "[\"0\"";
  for (int i = 1; i < 600; ++i) values += ",\"" + std::to_string(i) + "\"";
  values += "]";
  e = ParseError("Microsoft.Dynamics.CRM.In(PropertyName='a',PropertyValues=" + values + ")", limits);
  EXPECT_NE(e.message.find("more than 500 conditions and values"), std::string::npos);
}

TEST(OdataFilterParser, HostileInputIsCheap) {
  QueryLimits limits;
  limits.max_filter_chars = 1 << 20;
  limits.max_terms = 1 << 20;
  std::string chain = "a eq 0";
  while (chain.size() < (1u << 20) - 16) chain += " and a eq 1";
  auto start = std::chrono::steady_clock::now();
  auto f = Filter::Parse(chain, limits);
  ASSERT_TRUE(f);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(OdataFilterParser, MovedFromFilterReportsInsteadOfCrashing) {
  auto f = Filter::Parse("a eq 1");
  ASSERT_TRUE(f);
  Filter moved = std::move(f).value();
  EXPECT_EQ(moved.text(), "a eq 1");
}

}  // namespace
}  // namespace runnel::tables

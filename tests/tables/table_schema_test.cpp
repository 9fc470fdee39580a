// Table definitions (tables/table_schema.h): parsing with defaults and standard columns, every
// validation rule with the JSON pointer of the problem, the document round trip, the SQL
// migrations between versions (tables/table_ddl.h), row keys from URLs (tables/row_key.h) and
// cross-table rules of the catalog (tables/table_catalog.h).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "json/parse.h"
#include "json/serialize.h"
#include "tables/column_values.h"
#include "tables/errors.h"
#include "tables/row_key.h"
#include "tables/table_catalog.h"
#include "tables/table_ddl.h"
#include "tables/table_schema.h"

namespace runnel::tables {
namespace {
namespace bj = boost::json;

bj::value Doc(std::string_view text) {
  auto v = json::Parse(text);
  EXPECT_TRUE(v) << text;
  return v ? v.value() : bj::value();
}

TableSchema MustParse(std::string_view text) {
  auto t = TableSchema::Parse(Doc(text));
  EXPECT_TRUE(t) << t.error().ToString();
  return t ? std::move(t).value() : TableSchema();
}

Error ParseError(std::string_view text, std::string_view expected_name = {}) {
  auto t = TableSchema::Parse(Doc(text), expected_name);
  EXPECT_FALSE(t) << "parsed: " << text;
  return t ? Error() : t.error();
}

constexpr char kAccount[] = R"({
  "logicalName": "account", "entitySetName": "accounts", "displayName": "Account", "primaryNameColumn": "name",
  "columns": [
    {"name": "name", "type": "string", "maxLength": 20, "required": true},
    {"name": "description", "type": "memo"},
    {"name": "employees", "type": "int", "minValue": 0, "maxValue": 1000000},
    {"name": "revenue", "type": "decimal", "precision": 2},
    {"name": "rating", "type": "float"},
    {"name": "big", "type": "bigint"},
    {"name": "active", "type": "bool"},
    {"name": "founded", "type": "datetime"},
    {"name": "externalid", "type": "guid"},
    {"name": "industrycode", "type": "choice", "options": [{"value": 1, "label": "Retail"}, {"value": 2, "label": "Banking"}]},
    {"name": "accountnumber", "type": "string", "maxLength": 10}
  ],
  "keys": [{"name": "number_key", "columns": ["accountnumber"]}]
})";

TEST(TableSchemaTest, ParsesColumnsWithDefaultsAndAddsTheStandardColumns) {
  TableSchema t = MustParse(kAccount);
  EXPECT_EQ(t.logical_name(), "account");
  EXPECT_EQ(t.entity_set_name(), "accounts");
  EXPECT_EQ(t.primary_id_column(), "accountid");
  EXPECT_EQ(t.sql_table(), "t_account");
  std::vector<std::string> names;
  for (const auto& c : t.columns()) names.push_back(c.name);
  std::vector<std::string> expected = {"accountid", "name", "description", "employees", "revenue", "rating", "big",
                                       "active", "founded", "externalid", "industrycode", "accountnumber", "createdon",
                                       "modifiedon", "versionnumber", "statecode", "statuscode", "ownerid"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(t.FindColumn("description")->max_length, 2000);  // memo default
  EXPECT_EQ(t.FindColumn("revenue")->precision, 2);
  EXPECT_EQ(t.FindColumn("ownerid")->odata_name, "_ownerid_value");
  EXPECT_EQ(t.FindColumn("name")->sql_name, "c_name");
  EXPECT_EQ(t.columns()[static_cast<size_t>(t.versionnumber_index())].name, "versionnumber");
  EXPECT_EQ(t.columns()[static_cast<size_t>(t.statuscode_index())].name, "statuscode");
  EXPECT_EQ(t.FindColumn("createdon")->access, ColumnAccess::kReadOnly);
  EXPECT_EQ(t.FindColumn("accountid")->access, ColumnAccess::kCreateOnly);
  ASSERT_EQ(t.keys().size(), 1u);
  EXPECT_EQ(t.keys()[0].columns, std::vector<std::string>{"accountnumber"});
}

TEST(TableSchemaTest, DefaultsEntitySetAndTakesTheNameFromTheUrl) {
  auto t = TableSchema::Parse(Doc(R"({"columns": {"title": {"type": "string"}}})"), "ticket");
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_EQ(t.value().logical_name(), "ticket");
  EXPECT_EQ(t.value().entity_set_name(), "tickets");
  EXPECT_EQ(t.value().FindColumn("title")->max_length, 100);  // string default
}

TEST(TableSchemaTest, DocumentRoundTripsToAnEqualSchema) {
  TableSchema t = MustParse(kAccount);
  std::string once = json::Serialize(t.ToDocument());
  TableSchema again = MustParse(once);
  EXPECT_EQ(json::Serialize(again.ToDocument()), once);
}

struct BadCase {
  const char* document;
  const char* where;
  const char* fragment;
};

TEST(TableSchemaTest, RejectsBadDefinitionsWithThePointerOfTheProblem) {
  const BadCase cases[] = {
      {R"([1])", "/", "object"},
      {R"({"logicalName": "Account"})", "/logicalName", "lower case"},
      {R"({"logicalName": "a", "entitySetName": "a-b"})", "/entitySetName", "letters"},
      {R"({"logicalName": "a", "colums": []})", "/colums", "unknown key 'colums'"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "text"}]})", "/columns/0/type", "unknown column type 'text'"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "string", "maxLenght": 5}]})", "/columns/0/maxLenght",
       "unknown key"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "string", "maxLength": 5000}]})", "/columns/0/maxLength",
       "from 1 to 4000"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "int", "maxLength": 5}]})", "/columns/0/maxLength",
       "does not apply"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "decimal", "precision": 11}]})", "/columns/0/precision",
       "from 0 to 10"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "int", "minValue": 5, "maxValue": 1}]})", "/columns/0",
       "minValue"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "choice"}]})", "/columns/0/options", "needs 'options'"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "choice", "options": [{"value": 1}, {"value": 1}]}]})",
       "/columns/0/options/1/value", "appears twice"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "lookup"}]})", "/columns/0/target", "needs 'target'"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "string"}, {"name": "x", "type": "int"}]})", "/columns/1",
       "defined twice"},
      {R"({"logicalName": "a", "columns": [{"name": "createdon", "type": "string"}]})", "/columns/0", "standard column"},
      {R"({"logicalName": "a", "columns": [{"name": "aid", "type": "string"}]})", "/columns/0", "standard column"},
      {R"({"logicalName": "a", "columns": [{"name": "9x", "type": "string"}]})", "/columns/0/name", "lower case"},
      {R"({"logicalName": "a", "primaryNameColumn": "n", "columns": [{"name": "n", "type": "int"}]})", "/primaryNameColumn",
       "string column"},
      {R"({"logicalName": "a", "keys": [{"name": "k", "columns": ["nope"]}]})", "/keys/0/columns", "not a column"},
      {R"({"logicalName": "a", "columns": [{"name": "m", "type": "memo"}], "keys": [{"name": "k", "columns": ["m"]}]})",
       "/keys/0/columns", "memo column cannot be part of a key"},
      {R"({"logicalName": "a", "columns": [{"name": "m", "type": "int"}], "keys": [{"name": "k", "columns": ["m"]},
          {"name": "j", "columns": ["m"]}]})", "/keys/1/columns", "same columns"},
      {R"({"logicalName": "a", "columns": [{"name": "x", "type": "string", "required": "yes"}]})", "/columns/0/required",
       "true or false"},
  };
  for (const auto& c : cases) {
    Error e = ParseError(c.document);
    EXPECT_EQ(e.code, errc::kInvalidDefinition) << c.document;
    EXPECT_EQ(e.where, c.where) << c.document << " -> " << e.message;
    EXPECT_NE(e.message.find(c.fragment), std::string::npos) << c.document << " -> " << e.message;
  }
}

TEST(TableSchemaTest, TheUrlNameMustMatchTheDocument) {
  Error e = ParseError(R"({"logicalName": "account"})", "contact");
  EXPECT_EQ(e.where, "/logicalName");
  EXPECT_NE(e.message.find("differs"), std::string::npos);
}

TEST(TableDdlTest, CreatesTheTableWithKeysAndLookupIndexes) {
  TableSchema t = MustParse(R"({"logicalName": "contact", "columns": [{"name": "email", "type": "string"},
      {"name": "parentaccountid", "type": "lookup", "target": "account"}], "keys": [{"name": "email_key", "columns": ["email"]}]})");
  auto sql = MigrationStatements(nullptr, t);
  ASSERT_TRUE(sql) << sql.error().ToString();
  ASSERT_EQ(sql.value().size(), 4u);  // the table, two lookup indexes (parentaccountid, ownerid), the key
  EXPECT_NE(sql.value()[0].find("CREATE TABLE t_contact (c_contactid TEXT PRIMARY KEY, c_email TEXT COLLATE NOCASE"),
            std::string::npos)
      << sql.value()[0];
  EXPECT_NE(sql.value()[3].find("CREATE UNIQUE INDEX k_contact__email_key ON t_contact (c_email)"), std::string::npos);
}

TEST(TableDdlTest, AddsColumnsAndKeysAndRefusesChangesThatLoseData) {
  TableSchema v1 = MustParse(R"({"logicalName": "t", "columns": [{"name": "a", "type": "string", "maxLength": 50},
      {"name": "c", "type": "choice", "options": [{"value": 1, "label": "x"}, {"value": 2, "label": "y"}]}]})");
  TableSchema v2 = MustParse(R"({"logicalName": "t", "columns": [{"name": "a", "type": "string", "maxLength": 80},
      {"name": "c", "type": "choice", "options": [{"value": 1, "label": "x"}, {"value": 2, "label": "y"}, {"value": 3, "label": "z"}]},
      {"name": "b", "type": "int"}], "keys": [{"name": "bk", "columns": ["b"]}]})");
  auto up = MigrationStatements(&v1, v2);
  ASSERT_TRUE(up) << up.error().ToString();
  ASSERT_EQ(up.value().size(), 2u);
  EXPECT_EQ(up.value()[0], "ALTER TABLE t_t ADD COLUMN c_b INTEGER");
  EXPECT_EQ(up.value()[1], "CREATE UNIQUE INDEX k_t__bk ON t_t (c_b)");
  auto same = MigrationStatements(&v2, v2);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same.value().empty());
  auto back = MigrationStatements(&v2, v1);  // shorter again, and without column b: refused
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, errc::kIncompatibleChange);
  EXPECT_NE(back.error().message.find("maxLength"), std::string::npos) << back.error().message;

  const char* refused[] = {
      R"({"logicalName": "t", "columns": [{"name": "a", "type": "string", "maxLength": 50}]})",  // c removed
      R"({"logicalName": "t", "columns": [{"name": "a", "type": "memo"}, {"name": "c", "type": "choice", "options": [{"value": 1, "label": "x"}, {"value": 2, "label": "y"}]}]})",
      R"({"logicalName": "t", "columns": [{"name": "a", "type": "string", "maxLength": 10}, {"name": "c", "type": "choice", "options": [{"value": 1, "label": "x"}, {"value": 2, "label": "y"}]}]})",
      R"({"logicalName": "t", "columns": [{"name": "a", "type": "string", "maxLength": 50}, {"name": "c", "type": "choice", "options": [{"value": 1, "label": "x"}]}]})",
      R"({"logicalName": "t", "entitySetName": "others", "columns": [{"name": "a", "type": "string", "maxLength": 50}, {"name": "c", "type": "choice", "options": [{"value": 1, "label": "x"}, {"value": 2, "label": "y"}]}]})",
  };
  for (const char* doc : refused) {
    TableSchema next = MustParse(doc);
    auto r = MigrationStatements(&v1, next);
    ASSERT_FALSE(r) << doc;
    EXPECT_EQ(r.error().code, errc::kIncompatibleChange) << doc;
  }
}

TEST(CatalogTest, ChecksEntitySetsAndLookupTargetsAcrossTables) {
  auto account = std::make_shared<const TableSchema>(MustParse(R"({"logicalName": "account"})"));
  auto contact = std::make_shared<const TableSchema>(
      MustParse(R"({"logicalName": "contact", "columns": [{"name": "parentaccountid", "type": "lookup", "target": "account"}]})"));
  auto clash = std::make_shared<const TableSchema>(MustParse(R"({"logicalName": "other", "entitySetName": "accounts"})"));
  Catalog empty;
  auto missing_target = empty.With({{contact, 1, 0, 0}});
  ASSERT_FALSE(missing_target);
  EXPECT_EQ(missing_target.error().where, "/columns/0/target");
  auto both = empty.With({{contact, 1, 0, 0}, {account, 1, 0, 0}});
  ASSERT_TRUE(both) << both.error().ToString();
  EXPECT_EQ(both.value().ByEntitySet("contacts"), contact);
  EXPECT_EQ(both.value().ByEntitySet("Contacts"), nullptr);  // entity sets are case-sensitive
  auto refs = both.value().ReferencesTo("account");
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].table, contact);
  auto clashing = both.value().With({{clash, 1, 0, 0}});
  ASSERT_FALSE(clashing);
  EXPECT_NE(clashing.error().message.find("already the entity set"), std::string::npos);
}

TEST(RowKeyTest, ParsesIdsAndAlternateKeys) {
  TableSchema t = MustParse(R"({"logicalName": "contact", "columns": [{"name": "firstname", "type": "string"},
      {"name": "email", "type": "string"}, {"name": "age", "type": "int"}, {"name": "accountid2", "type": "lookup", "target": "contact"}],
      "keys": [{"name": "name_email", "columns": ["firstname", "email"]}, {"name": "by_age", "columns": ["age"]},
               {"name": "by_account", "columns": ["accountid2"]}]})");
  auto id = ParseRowKey(t, "6F1C2A34-0000-4000-8000-00000000000A");
  ASSERT_TRUE(id) << id.error().ToString();
  EXPECT_EQ(id.value().id, "6f1c2a34-0000-4000-8000-00000000000a");
  auto named = ParseRowKey(t, "contactid=6f1c2a34-0000-4000-8000-00000000000a");
  ASSERT_TRUE(named);
  EXPECT_TRUE(named.value().by_id());
  auto alt = ParseRowKey(t, "email='o''brien@example.com',firstname='Joe, Jr.'");
  ASSERT_TRUE(alt) << alt.error().ToString();
  EXPECT_EQ(alt.value().key_name, "name_email");
  ASSERT_EQ(alt.value().values.size(), 2u);
  EXPECT_EQ(std::get<std::string>(alt.value().values[0].second), "Joe, Jr.");  // key column order
  EXPECT_EQ(std::get<std::string>(alt.value().values[1].second), "o'brien@example.com");
  auto age = ParseRowKey(t, "age=42");
  ASSERT_TRUE(age);
  EXPECT_EQ(std::get<int64_t>(age.value().values[0].second), 42);
  auto lookup = ParseRowKey(t, "_accountid2_value=6f1c2a34-0000-4000-8000-00000000000a");
  ASSERT_TRUE(lookup) << lookup.error().ToString();

  const char* bad[] = {"", "nope", "email='x'", "age='42'", "age=4x", "firstname='a',email='b", "firstname=a,email='b'",
                       "firstname='a',email='b',age=1"};
  for (const char* text : bad) {
    auto k = ParseRowKey(t, text);
    ASSERT_FALSE(k) << text;
    EXPECT_EQ(k.error().code, errc::kInvalidKey) << text;
  }
}

TEST(ColumnValuesTest, NormalizesDateTimesAndGuids) {
  EXPECT_EQ(NormalizeDateTime("2024-05-01T14:30:15+02:00"), "2024-05-01T12:30:15Z");
  EXPECT_EQ(NormalizeDateTime("2024-05-01"), "2024-05-01T00:00:00Z");
  EXPECT_EQ(NormalizeDateTime("2024-05-01T12:00:00.999Z"), "2024-05-01T12:00:00Z");
  EXPECT_FALSE(NormalizeDateTime("1700-01-01T00:00:00Z"));
  EXPECT_FALSE(NormalizeDateTime("yesterday"));
  EXPECT_EQ(NormalizeGuid("{6F1C2A34-0000-4000-8000-00000000000A}"), "6f1c2a34-0000-4000-8000-00000000000a");
  EXPECT_FALSE(NormalizeGuid("6f1c2a34-0000-4000-8000-00000000000"));
  std::string g = NewGuid();
  EXPECT_TRUE(NormalizeGuid(g)) << g;
  EXPECT_NE(g, NewGuid());
  EXPECT_EQ(CountCharacters("héllo"), 5u);
}

}  // namespace
}  // namespace runnel::tables

// Rows and the change feed on a real SQLite store in a temporary directory (tables/table_store.h,
// row_writer.h, row_reader.h, change_feed.h): creates, updates, upserts and deletes with their
// change records (images, columns present and changed, causal context), type checks, keys,
// lookups, versions, paging, counting, change tracking, schema changes that keep the data,
// many concurrent writers of one row losing no update, and changesets (all of their writes in
// one transaction, or none).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <future>
#include <thread>

#include "base/clock.h"
#include "json/parse.h"
#include "json/serialize.h"
#include "store/sqlite_store.h"
#include "tables/change_feed.h"
#include "tables/column_values.h"
#include "tables/errors.h"
#include "tables/row_body.h"
#include "tables/row_reader.h"
#include "tables/table_store.h"
#include "test_directory.h"

namespace runnel::tables {
namespace {
namespace bj = boost::json;

constexpr int64_t kNow = 1893456000000000;  // 2030-01-01T00:00:00Z

constexpr char kAccount[] = R"({"logicalName": "account", "primaryNameColumn": "name",
  "columns": [{"name": "name", "type": "string", "maxLength": 10, "required": true},
              {"name": "accountnumber", "type": "string"},
              {"name": "employees", "type": "int", "minValue": 0},
              {"name": "revenue", "type": "decimal", "precision": 2},
              {"name": "active", "type": "bool"},
              {"name": "industrycode", "type": "choice", "options": [{"value": 1, "label": "Retail"}, {"value": 2, "label": "Banking"}]}],
  "keys": [{"name": "number_key", "columns": ["accountnumber"]}]})";
constexpr char kContact[] = R"({"logicalName": "contact",
  "columns": [{"name": "fullname", "type": "string"},
              {"name": "parentaccountid", "type": "lookup", "target": "account"}]})";

class TableRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    Define({kAccount, kContact});
  }
  void TearDown() override {
    tables_.reset();
    store_.reset();
  }

  void Open() {
    tables_.reset();
    store_.reset();
    auto s = store::OpenSqliteStore((dir_ / "runnel.db").string());
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(s.value());
    tables_ = std::make_unique<TableStore>(*store_, clock_);
    ASSERT_TRUE(tables_->Load());
  }

  Result<std::vector<DefinedTable>> TryDefine(std::vector<std::string> docs) {
    std::vector<TableDefinitionInput> inputs;
    for (const auto& d : docs) inputs.push_back({"", json::Parse(d).value(), "test"});
    return tables_->DefineAndWait(std::move(inputs));
  }
  void Define(std::vector<std::string> docs) {
    auto r = TryDefine(std::move(docs));
    ASSERT_TRUE(r) << r.error().ToString();
  }

  std::shared_ptr<const TableSchema> Table(const std::string& name) { return tables_->catalog()->ByLogicalName(name); }

  RowValues Values(const std::string& table, std::string_view body) {
    auto v = ParseRowBody(*tables_->catalog(), *Table(table), json::Parse(body).value());
    EXPECT_TRUE(v) << v.error().ToString();
    return v ? std::move(v).value() : RowValues{};
  }

  Result<RowWriteResult> Write(const std::string& table, WriteMode mode, std::optional<RowKey> key, std::string_view body,
                               std::optional<int64_t> if_version = std::nullopt, CausalContext context = {}) {
    RowWrite w;
    w.table = Table(table);
    w.mode = mode;
    w.key = std::move(key);
    w.new_id = NewGuid();
    w.values = Values(table, body);
    w.if_version = if_version;
    w.now_micros = clock_.NowMicros();
    w.context = std::move(context);
    std::promise<Result<RowWriteResult>> done;
    tables_->Write(std::move(w), [&done](Result<RowWriteResult> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
  std::string Create(const std::string& table, std::string_view body) {
    auto r = Write(table, WriteMode::kCreate, std::nullopt, body);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? RowId(r.value().row) : std::string();
  }
  Result<RowDeleteResult> Delete(const std::string& table, const std::string& id, std::optional<int64_t> if_version = {}) {
    RowDelete d;
    d.table = Table(table);
    d.key = KeyForId(id);
    d.if_version = if_version;
    d.now_micros = clock_.NowMicros();
    std::promise<Result<RowDeleteResult>> done;
    tables_->Delete(std::move(d), [&done](Result<RowDeleteResult> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
  std::optional<bj::object> Get(const std::string& table, const std::string& id) {
    auto t = Table(table);
    auto row = store_->ReadAndWait<Result<std::optional<StoredRow>>>(
        [&](store::ReadView& v) { return FindRow(v.sql(), *t, KeyForId(id)); });
    EXPECT_TRUE(row) << row.error().ToString();
    if (!row || !row.value()) return std::nullopt;
    return RowToJson(*t, *row.value());
  }
  std::vector<Change> Changes(int64_t after = 0) {
    auto c = store_->ReadAndWait<Result<std::vector<Change>>>([&](store::ReadView& v) { return ReadChanges(v, after, 10000); });
    EXPECT_TRUE(c) << c.error().ToString();
    return c ? c.value() : std::vector<Change>{};
  }
  Result<RowPage> Query(const std::string& table, std::vector<std::pair<std::string, std::string>> query,
                        int64_t page_size = 5000, bool track = false) {
    auto options = ParseQueryOptions(query);
    if (!options) return options.error();
    RowQuery q;
    q.catalog = tables_->catalog();
    q.table = Table(table);
    q.options = std::make_shared<const QueryOptions>(std::move(options).value());
    q.page_size = page_size;
    q.track_changes = track;
    return store_->ReadAndWait<Result<RowPage>>([&](store::ReadView& v) { return QueryRows(v, q); });
  }

  runnel::testing::TestDirectory dir_{"runnel-tables-test"};
  ManualClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TableStore> tables_;
};

std::string Str(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

TEST_F(TableRowsTest, CreateStoresTypedValuesDefaultsAndOneChangeRecord) {
  std::atomic<int64_t> notified{0};
  tables_->AddChangeListener([&notified](int64_t seq) { notified = seq; });
  CausalContext cx{"orders-flow", "run-1", 2, true};
  auto r = Write("account", WriteMode::kCreate, std::nullopt,
                 R"({"name": "Contoso", "employees": 12, "revenue": 10.456, "active": true, "industrycode": 2})",
                 std::nullopt, cx);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_TRUE(r.value().created);
  std::string id = RowId(r.value().row);
  auto row = Get("account", id);
  ASSERT_TRUE(row);
  EXPECT_EQ(Str(*row, "name"), "Contoso");
  EXPECT_EQ(row->at("employees").as_int64(), 12);
  EXPECT_DOUBLE_EQ(row->at("revenue").as_double(), 10.46);  // rounded to the column's precision
  EXPECT_EQ(row->at("active").as_bool(), true);
  EXPECT_EQ(row->at("statecode").as_int64(), 0);
  EXPECT_EQ(row->at("statuscode").as_int64(), 1);
  EXPECT_EQ(Str(*row, "_ownerid_value"), kSystemUserId);
  EXPECT_EQ(Str(*row, "createdon"), "2030-01-01T00:00:00Z");
  EXPECT_TRUE(row->at("accountnumber").is_null());
  EXPECT_EQ(row->at("versionnumber").as_int64(), r.value().version);
  EXPECT_EQ(notified.load(), r.value().version);  // listeners hear of the commit before its caller

  auto changes = Changes();
  ASSERT_EQ(changes.size(), 1u);
  const Change& c = changes[0];
  EXPECT_EQ(c.seq, r.value().version);
  EXPECT_EQ(c.message, ChangeMessage::kCreate);
  EXPECT_EQ(c.table, "account");
  EXPECT_EQ(c.row_id, id);
  EXPECT_TRUE(c.pre_image.empty());
  EXPECT_EQ(Str(c.post_image, "name"), "Contoso");
  EXPECT_EQ((std::vector<std::string>{"name", "employees", "revenue", "active", "industrycode"}), c.columns_present);
  EXPECT_EQ((std::vector<std::string>{"name", "employees", "revenue", "active", "industrycode", "statecode", "statuscode",
                                      "ownerid"}),
            c.columns_changed);
  EXPECT_EQ(c.context.origin_flow, "orders-flow");
  EXPECT_EQ(c.context.run_id, "run-1");
  EXPECT_EQ(c.context.hop_count, 2);
  EXPECT_TRUE(c.context.suppress_callbacks);
}

TEST_F(TableRowsTest, UpdateRecordsPresentAndChangedColumnsAndBothImages) {
  std::string id = Create("account", R"({"name": "Contoso", "employees": 5})");
  clock_.Advance(61 * 1000000);
  auto r = Write("account", WriteMode::kUpsert, KeyForId(id), R"({"name": "Contoso", "employees": 6})");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_FALSE(r.value().created);
  auto changes = Changes();
  ASSERT_EQ(changes.size(), 2u);
  const Change& c = changes[1];
  EXPECT_EQ(c.message, ChangeMessage::kUpdate);
  EXPECT_EQ((std::vector<std::string>{"name", "employees"}), c.columns_present);  // name sent, unchanged
  EXPECT_EQ((std::vector<std::string>{"employees"}), c.columns_changed);
  EXPECT_EQ(c.pre_image.at("employees").as_int64(), 5);
  EXPECT_EQ(c.post_image.at("employees").as_int64(), 6);
  EXPECT_EQ(Str(c.post_image, "modifiedon"), "2030-01-01T00:01:01Z");
  EXPECT_EQ(Str(c.post_image, "createdon"), "2030-01-01T00:00:00Z");
  EXPECT_GT(c.seq, changes[0].seq);
  EXPECT_EQ(c.post_image.at("versionnumber").as_int64(), c.seq);
  // Writing the same values again is still an update (Dataverse counts it), with nothing changed.
  ASSERT_TRUE(Write("account", WriteMode::kUpsert, KeyForId(id), R"({"employees": 6})"));
  changes = Changes(c.seq);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ((std::vector<std::string>{"employees"}), changes[0].columns_present);
  EXPECT_TRUE(changes[0].columns_changed.empty());
}

TEST_F(TableRowsTest, UpsertCreatesWithTheKeyAndPreconditionsRefuseWithoutWriting) {
  std::string id = "6f1c2a34-0000-4000-8000-00000000000a";
  auto created = Write("account", WriteMode::kUpsert, KeyForId(id), R"({"name": "A"})");
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_TRUE(created.value().created);
  EXPECT_EQ(RowId(created.value().row), id);
  int64_t v1 = created.value().version;

  auto only_create = Write("account", WriteMode::kCreateOnly, KeyForId(id), R"({"name": "B"})");
  ASSERT_FALSE(only_create);
  EXPECT_EQ(only_create.error().code, errc::kDuplicateRecord);
  auto missing = Write("account", WriteMode::kUpdate, KeyForId(NewGuid()), R"({"name": "B"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::kRowNotFound);
  auto stale = Write("account", WriteMode::kUpdate, KeyForId(id), R"({"name": "B"})", v1 + 100);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, errc::kVersionMismatch);
  auto fresh = Write("account", WriteMode::kUpdate, KeyForId(id), R"({"name": "B"})", v1);
  ASSERT_TRUE(fresh) << fresh.error().ToString();
  EXPECT_EQ(Changes().size(), 2u);  // the create and the one accepted update
  EXPECT_EQ(Str(*Get("account", id), "name"), "B");

  // By alternate key: the key's values come from the URL.
  auto key = ParseRowKey(*Table("account"), "accountnumber='N-1'");
  ASSERT_TRUE(key);
  auto by_key = Write("account", WriteMode::kUpsert, key.value(), R"({"name": "Keyed"})");
  ASSERT_TRUE(by_key) << by_key.error().ToString();
  EXPECT_TRUE(by_key.value().created);
  auto again = Write("account", WriteMode::kUpsert, key.value(), R"({"employees": 3})");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again.value().created);
  EXPECT_EQ(RowId(again.value().row), RowId(by_key.value().row));
}

TEST_F(TableRowsTest, BadValuesAreRefusedBeforeTheStoreWithClearMessages) {
  struct Case {
    const char* body;
    const char* code;
    const char* fragment;
  };
  const Case cases[] = {
      {R"({"nmae": "x"})", errc::kColumnNotFound, "'nmae' does not exist"},
      {R"({"name": 5})", errc::kInvalidValue, "expected a string"},
      {R"({"name": "01234567890"})", errc::kMaxLengthExceeded, "maxLength of 10"},
      {R"({"employees": -1})", errc::kInvalidValue, "outside its range"},
      {R"({"employees": 1.5})", errc::kInvalidValue, "whole number"},
      {R"({"industrycode": 7})", errc::kInvalidValue, "not an option"},
      {R"({"active": "yes"})", errc::kInvalidValue, "true or false"},
      {R"({"name": null})", errc::kRequiredColumnMissing, "required"},
      {R"({"createdon": "2020-01-01T00:00:00Z"})", errc::kReadOnlyColumn, "set by the table store"},
      {R"({"versionnumber": 1})", errc::kReadOnlyColumn, "cannot be written"},
      {R"({"_ownerid_value": "6f1c2a34-0000-4000-8000-00000000000a"})", errc::kReadOnlyColumn, "@odata.bind"},
      {R"({"statecode": 3})", errc::kInvalidValue, "not an option"},
  };
  for (const auto& c : cases) {
    auto v = ParseRowBody(*tables_->catalog(), *Table("account"), json::Parse(c.body).value());
    ASSERT_FALSE(v) << c.body;
    EXPECT_EQ(v.error().code, c.code) << c.body << ": " << v.error().message;
    EXPECT_NE(v.error().message.find(c.fragment), std::string::npos) << c.body << ": " << v.error().message;
  }
  auto contact = ParseRowBody(*tables_->catalog(), *Table("contact"),
                              json::Parse(R"json({"parentaccountid@odata.bind": "/contacts(6f1c2a34-0000-4000-8000-00000000000a)"})json").value());
  ASSERT_FALSE(contact);
  EXPECT_NE(contact.error().message.find("points at accounts"), std::string::npos) << contact.error().message;
  auto missing_required = Write("account", WriteMode::kCreate, std::nullopt, R"({"employees": 1})");
  ASSERT_FALSE(missing_required);
  EXPECT_EQ(missing_required.error().code, errc::kRequiredColumnMissing);
  EXPECT_TRUE(Changes().empty());
}

TEST_F(TableRowsTest, StateAndStatusMoveTogether) {
  std::string id = Create("account", R"({"name": "A", "statecode": 1})");
  auto row = Get("account", id);
  EXPECT_EQ(row->at("statecode").as_int64(), 1);
  EXPECT_EQ(row->at("statuscode").as_int64(), 2);
  ASSERT_TRUE(Write("account", WriteMode::kUpsert, KeyForId(id), R"({"statuscode": 1})"));
  EXPECT_EQ(Get("account", id)->at("statecode").as_int64(), 0);
  auto bad = Write("account", WriteMode::kUpsert, KeyForId(id), R"({"statecode": 0, "statuscode": 2})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::kInvalidValue);
}

TEST_F(TableRowsTest, AlternateKeysAreUniqueIgnoringCase) {
  Create("account", R"({"name": "A", "accountnumber": "N-1"})");
  auto dup = Write("account", WriteMode::kCreate, std::nullopt, R"({"name": "B", "accountnumber": "n-1"})");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::kDuplicateRecord);
  std::string other = Create("account", R"({"name": "C", "accountnumber": "N-2"})");
  auto clash = Write("account", WriteMode::kUpsert, KeyForId(other), R"({"accountnumber": "N-1"})");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, errc::kDuplicateRecord);
}

TEST_F(TableRowsTest, LookupsMustPointAtRowsAndDeletesClearThem) {
  std::string account = Create("account", R"({"name": "A"})");
  auto dangling = Write("contact", WriteMode::kCreate, std::nullopt,
                        R"json({"parentaccountid@odata.bind": "/accounts(6f1c2a34-0000-4000-8000-00000000000a)"})json");
  ASSERT_FALSE(dangling);
  EXPECT_EQ(dangling.error().code, errc::kLookupTargetNotFound);
  std::string contact = Create("contact", "{\"fullname\": \"Joe\", \"parentaccountid@odata.bind\": \"/accounts(" + account + ")\"}");
  EXPECT_EQ(Str(*Get("contact", contact), "_parentaccountid_value"), account);
  int64_t before = Changes().back().seq;
  auto deleted = Delete("account", account);
  ASSERT_TRUE(deleted) << deleted.error().ToString();
  EXPECT_EQ(deleted.value().unlinked, 1);
  EXPECT_TRUE(Get("contact", contact)->at("_parentaccountid_value").is_null());
  EXPECT_FALSE(Get("account", account));
  auto changes = Changes(before);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].table, "contact");
  EXPECT_EQ(changes[0].message, ChangeMessage::kUpdate);
  EXPECT_EQ((std::vector<std::string>{"parentaccountid"}), changes[0].columns_changed);
  EXPECT_EQ(changes[1].message, ChangeMessage::kDelete);
  EXPECT_EQ(Str(changes[1].pre_image, "name"), "A");
  EXPECT_TRUE(changes[1].post_image.empty());
  auto again = Delete("account", account);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::kRowNotFound);
}

TEST_F(TableRowsTest, PagesByKeyWithOrderAndNullsAndCounts) {
  for (int i = 0; i < 25; ++i) {
    std::string employees = i % 5 == 0 ? "null" : std::to_string(i % 7);
    Create("account", R"({"name": "n)" + std::to_string(i) + R"(", "employees": )" + employees + "}");
  }
  for (bool desc : {false, true}) {
    std::vector<std::pair<std::string, std::string>> query = {{"$orderby", desc ? "employees desc" : "employees"},
                                                              {"$count", "true"}};
    std::vector<std::string> seen;
    std::optional<int64_t> last;
    bool first = true;
    std::string token;
    for (int page = 0; page < 10; ++page) {
      auto q = query;
      if (!token.empty()) q.emplace_back("$skiptoken", token);
      auto p = Query("account", q, 4);
      ASSERT_TRUE(p) << p.error().ToString();
      if (first) {
        ASSERT_TRUE(p.value().count);
        EXPECT_EQ(*p.value().count, 25);
        first = false;
      }
      auto t = Table("account");
      for (const auto& row : p.value().rows) {
        seen.push_back(RowId(row));
        const auto* e = std::get_if<int64_t>(&row[static_cast<size_t>(t->ColumnIndex("employees"))]);
        if (!e) continue;
        if (last) {
          EXPECT_TRUE(desc ? *e <= *last : *e >= *last);
        }
        last = *e;
      }
      token = p.value().next_skiptoken;
      if (token.empty()) break;
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a row came twice";
    EXPECT_EQ(seen.size(), 25u) << (desc ? "desc" : "asc");
  }
  auto foreign = Query("account", {{"$skiptoken", "bm90LWEtdG9rZW4"}}, 4);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, errc::kInvalidSkipToken);
}

TEST_F(TableRowsTest, DeltaReportsEachChangedRowOnceAndDeletions) {
  std::string a = Create("account", R"({"name": "A"})");
  std::string b = Create("account", R"({"name": "B"})");
  auto initial = Query("account", {}, 5000, /*track=*/true);
  ASSERT_TRUE(initial);
  int64_t token = initial.value().delta_token;
  EXPECT_EQ(token, Changes().back().seq);
  ASSERT_TRUE(Write("account", WriteMode::kUpsert, KeyForId(a), R"({"employees": 1})"));
  ASSERT_TRUE(Write("account", WriteMode::kUpsert, KeyForId(a), R"({"employees": 2})"));
  std::string c = Create("account", R"({"name": "C"})");
  ASSERT_TRUE(Delete("account", b));
  Create("contact", R"({"fullname": "other table"})");
  auto delta = store_->ReadAndWait<Result<DeltaPage>>([&](store::ReadView& v) { return ReadDelta(v, *Table("account"), token, 100); });
  ASSERT_TRUE(delta) << delta.error().ToString();
  ASSERT_EQ(delta.value().rows.size(), 2u);
  EXPECT_EQ(RowId(delta.value().rows[0]), a);
  EXPECT_EQ(RowId(delta.value().rows[1]), c);
  EXPECT_EQ(delta.value().deleted_ids, std::vector<std::string>{b});
  EXPECT_FALSE(delta.value().more);
  EXPECT_EQ(delta.value().next_token, Changes().back().seq);
  auto small = store_->ReadAndWait<Result<DeltaPage>>([&](store::ReadView& v) { return ReadDelta(v, *Table("account"), token, 2); });
  ASSERT_TRUE(small);
  EXPECT_TRUE(small.value().more);
  auto future = store_->ReadAndWait<Result<DeltaPage>>([&](store::ReadView& v) { return ReadDelta(v, *Table("account"), 1 << 30, 2); });
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code, errc::kInvalidDeltaToken);
  // Retention past the token expires it.
  clock_.Advance(int64_t{8} * 86400 * 1000000);
  ASSERT_TRUE(store_->WriteAndWait(tables_->RetentionWrite(clock_.NowMicros())));
  auto expired = store_->ReadAndWait<Result<DeltaPage>>([&](store::ReadView& v) { return ReadDelta(v, *Table("account"), token, 2); });
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, errc::kExpiredDeltaToken);
  EXPECT_TRUE(Changes().empty());
}

TEST_F(TableRowsTest, AddingColumnsKeepsRowsAndRestartKeepsDefinitions) {
  std::string id = Create("account", R"({"name": "Kept", "employees": 7})");
  Define({R"({"logicalName": "account", "primaryNameColumn": "name",
  "columns": [{"name": "name", "type": "string", "maxLength": 20, "required": true},
              {"name": "accountnumber", "type": "string"},
              {"name": "employees", "type": "int", "minValue": 0},
              {"name": "revenue", "type": "decimal", "precision": 2},
              {"name": "active", "type": "bool"},
              {"name": "industrycode", "type": "choice", "options": [{"value": 1, "label": "Retail"}, {"value": 2, "label": "Banking"}]},
              {"name": "website", "type": "string"}],
  "keys": [{"name": "number_key", "columns": ["accountnumber"]}]})"});
  EXPECT_EQ(tables_->catalog()->Find("account")->version, 2);
  ASSERT_TRUE(Write("account", WriteMode::kUpsert, KeyForId(id), R"({"website": "example.com", "name": "Longer name!"})"));
  auto removed = TryDefine({kContact, R"({"logicalName": "account", "columns": [{"name": "name", "type": "string"}]})"});
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, errc::kIncompatibleChange);

  Open();  // a restart: the definitions and rows come back from the file
  auto row = Get("account", id);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->at("employees").as_int64(), 7);
  EXPECT_EQ(Str(*row, "website"), "example.com");
  EXPECT_EQ(tables_->catalog()->Find("account")->version, 2);
  auto unchanged = TryDefine({kContact});
  ASSERT_TRUE(unchanged);
  EXPECT_FALSE(unchanged.value()[0].changed);
}

TEST_F(TableRowsTest, ConcurrentUpdatesOfOneRowLoseNothing) {
  std::string id = Create("account", R"({"name": "Counter", "employees": 0})");
  // Each writer reads the version, then writes employees + 1 with If-Match on it; a 412 makes
  // it read again. The final count must equal the number of successful writes.
  constexpr int kThreads = 6, kIncrements = 25;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int done = 0; done < kIncrements;) {
        auto row = Get("account", id);
        int64_t version = row->at("versionnumber").as_int64();
        int64_t employees = row->at("employees").as_int64();
        auto r = Write("account", WriteMode::kUpdate, KeyForId(id),
                       R"({"employees": )" + std::to_string(employees + 1) + "}", version);
        if (r) {
          ++done;
        } else {
          ASSERT_EQ(r.error().code, errc::kVersionMismatch);
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Get("account", id)->at("employees").as_int64(), kThreads * kIncrements);
  EXPECT_EQ(Changes().size(), static_cast<size_t>(1 + kThreads * kIncrements));
  std::printf("conflicts (412) retried: %d\n", conflicts.load());
}


// A changeset: several writes in one store write function (TableStore::WriteChangeset).
class TableChangesetTest : public TableRowsTest {
 protected:
  RowWrite MakeWrite(const std::string& table, WriteMode mode, std::optional<RowKey> key, std::string_view body) {
    RowWrite w;
    w.table = Table(table);
    w.mode = mode;
    w.key = std::move(key);
    w.new_id = NewGuid();
    w.values = Values(table, body);
    w.now_micros = clock_.NowMicros();
    return w;
  }
  ChangesetResult Apply(std::vector<RowChange> changes) {
    std::promise<ChangesetResult> done;
    tables_->WriteChangeset(std::move(changes), [&done](ChangesetResult r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
};

TEST_F(TableChangesetTest, AppliesItsChangesInOrderAndCommitsThemTogether) {
  std::string doomed = Create("account", R"({"name": "Doomed"})");
  std::vector<int64_t> notified;
  tables_->AddChangeListener([&notified](int64_t seq) { notified.push_back(seq); });
  RowWrite account = MakeWrite("account", WriteMode::kCreate, std::nullopt, R"({"name": "Contoso"})");
  std::string id = account.new_id;
  RowDelete remove;
  remove.table = Table("account");
  remove.key = KeyForId(doomed);
  remove.now_micros = clock_.NowMicros();
  ChangesetResult r = Apply({account,
                             // sees the row the change before it created
                             MakeWrite("account", WriteMode::kUpdate, KeyForId(id), R"({"employees": 5})"),
                             MakeWrite("contact", WriteMode::kCreate, std::nullopt,
                                       "{\"fullname\": \"Ann\", \"parentaccountid@odata.bind\": \"/accounts(" + id + ")\"}"),
                             remove});
  ASSERT_FALSE(r.error) << r.error->ToString();
  EXPECT_EQ(r.failed, -1);
  ASSERT_EQ(r.results.size(), 4u);
  EXPECT_TRUE(std::get<RowWriteResult>(r.results[0]).created);
  EXPECT_FALSE(std::get<RowWriteResult>(r.results[1]).created);
  EXPECT_EQ(std::get<RowDeleteResult>(r.results[3]).id, doomed);
  EXPECT_EQ(Get("account", id)->at("employees").as_int64(), 5);
  EXPECT_FALSE(Get("account", doomed));
  auto changes = Changes(1);
  ASSERT_EQ(changes.size(), 4u);
  for (size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i].seq, static_cast<int64_t>(i) + 2);
    EXPECT_EQ(std::visit([](const auto& x) { return x.version; }, r.results[i]), changes[i].seq);
  }
  EXPECT_EQ(changes[1].message, ChangeMessage::kUpdate);
  // The listeners hear of the changeset once, at its last change.
  ASSERT_TRUE(!notified.empty());
  EXPECT_EQ(notified.back(), 5);
}

TEST_F(TableChangesetTest, ARefusedChangeUndoesTheChangesBeforeItAndTheirRecords) {
  RowWrite first = MakeWrite("account", WriteMode::kCreate, std::nullopt, R"({"name": "First", "accountnumber": "K"})");
  std::string first_id = first.new_id;
  RowWrite duplicate = MakeWrite("account", WriteMode::kCreate, std::nullopt, R"({"name": "Second", "accountnumber": "k"})");
  RowWrite after = MakeWrite("account", WriteMode::kCreate, std::nullopt, R"({"name": "Never"})");
  ChangesetResult r = Apply({first, duplicate, after});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, errc::kDuplicateRecord);
  EXPECT_EQ(r.failed, 1);
  EXPECT_TRUE(r.results.empty());
  EXPECT_FALSE(Get("account", first_id));
  EXPECT_FALSE(Get("account", after.new_id));
  EXPECT_TRUE(Changes().empty());

  RowDelete missing;
  missing.table = Table("account");
  missing.key = KeyForId("00000000-0000-0000-0000-0000000000aa");
  r = Apply({first, missing});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->code, errc::kRowNotFound);
  EXPECT_EQ(r.failed, 1);
  EXPECT_FALSE(Get("account", first_id));

  // Not even a sequence number was taken: the next write is the store's first change.
  auto next = Write("account", WriteMode::kCreate, std::nullopt, R"({"name": "Next"})");
  ASSERT_TRUE(next) << next.error().ToString();
  EXPECT_EQ(next.value().version, 1);
}

}  // namespace
}  // namespace runnel::tables

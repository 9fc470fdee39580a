// The store's dynamic SQL (store/sql.h over sqlite_sql.h) and the change feed's records on a
// real SQLite file: bound values of every kind, statements kept prepared within a bounded cache,
// errors that name the statement, a failed write rolled back alone, and change sequence numbers
// that never repeat, roll back with their write and survive a reopen.
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "store/sqlite_sql.h"
#include "store/sqlite_store.h"
#include "test_directory.h"

namespace runnel::store {
namespace {

class SqliteSqlTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { store_.reset(); }  // before the directory goes
  void Open() {
    store_.reset();
    auto s = OpenSqliteStore((dir_ / "runnel.db").string());
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(s.value());
  }
  Status Write(Store::WriteFn fn) { return store_->WriteAndWait(std::move(fn)); }
  Result<SqlRows> Query(std::string sql, std::vector<SqlValue> params = {}) {
    return store_->ReadAndWait<Result<SqlRows>>([&](ReadView& v) { return v.sql().Query(sql, params); });
  }

  runnel::testing::TestDirectory dir_{"runnel-sql-test"};
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteSqlTest, BindsAndReadsEveryKindOfValue) {
  ASSERT_TRUE(Write([](Transaction& tx) -> Status {
    RUNNEL_TRY_STATUS(tx.sql().Execute("CREATE TABLE t_demo (a TEXT, b INTEGER, c REAL, d TEXT)"));
    std::vector<SqlValue> row{std::string("it's"), int64_t{-42}, 2.5, nullptr};
    RUNNEL_TRY(n, tx.sql().Execute("INSERT INTO t_demo VALUES (?, ?, ?, ?)", row));
    return n == 1 ? Ok() : Status(Error("Test", "expected one row"));
  }));
  auto rows = Query("SELECT a, b, c, d FROM t_demo WHERE b = ?", {int64_t{-42}});
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows.value().rows.size(), 1u);
  EXPECT_EQ(rows.value().columns, (std::vector<std::string>{"a", "b", "c", "d"}));
  const auto& r = rows.value().rows[0];
  EXPECT_EQ(std::get<std::string>(r[0]), "it's");
  EXPECT_EQ(std::get<int64_t>(r[1]), -42);
  EXPECT_DOUBLE_EQ(std::get<double>(r[2]), 2.5);
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(r[3]));
  auto returning = store_->WriteAndWait([](Transaction& tx) -> Status {
    std::vector<SqlValue> p{int64_t{1}};
    RUNNEL_TRY(out, tx.sql().Query("UPDATE t_demo SET b = b + ? RETURNING b", p));
    return out.rows.size() == 1 && std::get<int64_t>(out.rows[0][0]) == -41 ? Ok() : Status(Error("Test", "RETURNING"));
  });
  EXPECT_TRUE(returning) << returning.error().ToString();
}

TEST_F(SqliteSqlTest, ErrorsNameTheStatementAndRollBackOnlyTheirWrite) {
  ASSERT_TRUE(Write([](Transaction& tx) -> Status {
    RUNNEL_TRY_STATUS(tx.sql().Execute("CREATE TABLE t_k (id TEXT PRIMARY KEY)"));
    return Ok();
  }));
  std::vector<SqlValue> one{std::string("x")};
  // Two writes queued together: the second fails on the unique key and only it rolls back.
  Status first = Ok(), second = Ok();
  std::promise<void> both;
  int remaining = 2;
  std::mutex mu;
  auto done = [&](Status* out) {
    return [&, out](Status s) {
      *out = std::move(s);
      std::lock_guard lock(mu);
      if (--remaining == 0) both.set_value();
    };
  };
  store_->Write([one](Transaction& tx) -> Status { return tx.sql().Execute("INSERT INTO t_k VALUES (?)", one).has_value()
                                                              ? Ok() : Status(Error("Test", "insert")); },
                done(&first));
  store_->Write([one](Transaction& tx) -> Status {
    RUNNEL_TRY_STATUS(tx.sql().Execute("INSERT INTO t_k VALUES (?)", one));
    return Ok();
  }, done(&second));
  both.get_future().wait();
  EXPECT_TRUE(first);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, "StoreConstraint");
  EXPECT_NE(second.error().message.find("INSERT INTO t_k"), std::string::npos) << second.error().message;
  auto rows = Query("SELECT COUNT(*) FROM t_k");
  ASSERT_TRUE(rows);
  EXPECT_EQ(std::get<int64_t>(rows.value().rows[0][0]), 1);
  auto syntax = Query("SELEC 1");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, "StoreError");
  auto count_mismatch = Query("SELECT ?", {});
  ASSERT_FALSE(count_mismatch);
  EXPECT_NE(count_mismatch.error().message.find("1 parameters but 0"), std::string::npos);
  auto two = Query("SELECT 1; SELECT 2");
  ASSERT_FALSE(two);
}

TEST_F(SqliteSqlTest, TheStatementCacheIsBounded) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  {
    SqliteSql sql(db, 4);
    for (int i = 0; i < 10; ++i) {
      auto r = sql.Query("SELECT " + std::to_string(i), {});
      ASSERT_TRUE(r);
      EXPECT_EQ(std::get<int64_t>(r.value().rows[0][0]), i);
    }
    EXPECT_EQ(sql.cached_statements(), 4u);
    ASSERT_TRUE(sql.Query("SELECT 9", {}));  // still cached, still right
    EXPECT_EQ(sql.cached_statements(), 4u);
  }
  EXPECT_EQ(sqlite3_close(db), SQLITE_OK);  // every cached statement was finalized
}

TEST_F(SqliteSqlTest, ChangeSequenceNumbersNeverRepeatAndRollBackWithTheirWrite) {
  auto append = [](int64_t* seq, bool fail) {
    return [seq, fail](Transaction& tx) -> Status {
      RUNNEL_TRY(n, tx.NextChangeSeq());
      *seq = n;
      ChangeRecord c;
      c.seq = n;
      c.time_micros = n * 1000;
      c.table = "account";
      c.row_id = "r" + std::to_string(n);
      c.message = "Create";
      c.post_image = "{}";
      RUNNEL_TRY_STATUS(tx.AppendChange(c));
      return fail ? Status(Error("Test", "fails after appending")) : Ok();
    };
  };
  int64_t a = 0, b = 0, c = 0;
  ASSERT_TRUE(Write(append(&a, false)));
  EXPECT_FALSE(Write(append(&b, true)));
  ASSERT_TRUE(Write(append(&c, false)));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(c, 2);  // the failed write's number was rolled back with it
  Open();
  int64_t d = 0;
  ASSERT_TRUE(Write(append(&d, false)));
  EXPECT_EQ(d, 3);
  auto changes = store_->ReadAndWait<Result<std::vector<ChangeRecord>>>(
      [](ReadView& v) { return v.ReadChanges(1, 10, "account"); });
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes.value().size(), 2u);
  EXPECT_EQ(changes.value()[0].seq, 2);
  auto bounds = store_->ReadAndWait<Result<ChangeBounds>>([](ReadView& v) { return v.GetChangeBounds(); });
  ASSERT_TRUE(bounds);
  EXPECT_EQ(bounds.value().last, 3);
  EXPECT_EQ(bounds.value().floor, 0);
  // Retention deletes a prefix and raises the floor; numbering goes on.
  ASSERT_TRUE(Write([](Transaction& tx) -> Status {
    RUNNEL_TRY(n, tx.DeleteChangesBefore(2500));
    return n == 2 ? Ok() : Status(Error("Test", "deleted " + std::to_string(n)));
  }));
  bounds = store_->ReadAndWait<Result<ChangeBounds>>([](ReadView& v) { return v.GetChangeBounds(); });
  EXPECT_EQ(bounds.value().floor, 2);
  EXPECT_EQ(bounds.value().last, 3);
}

TEST_F(SqliteSqlTest, TableDefinitionsAreKeptByName) {
  ASSERT_TRUE(Write([](Transaction& tx) { return tx.PutTableDefinition({"account", 1, "{}", 10, 10}); }));
  ASSERT_TRUE(Write([](Transaction& tx) { return tx.PutTableDefinition({"account", 2, "{\"v\":2}", 10, 20}); }));
  auto defs = store_->ReadAndWait<Result<std::vector<TableDefinitionRecord>>>(
      [](ReadView& v) { return v.ListTableDefinitions(); });
  ASSERT_TRUE(defs);
  ASSERT_EQ(defs.value().size(), 1u);
  EXPECT_EQ(defs.value()[0].version, 2);
  EXPECT_EQ(defs.value()[0].document, "{\"v\":2}");
  EXPECT_EQ(defs.value()[0].created_micros, 10);
  EXPECT_EQ(defs.value()[0].modified_micros, 20);
}

}  // namespace
}  // namespace runnel::store

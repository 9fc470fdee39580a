// The change trigger's durable state in the store (tables/trigger_cursor.h): the cursor, the
// claims of change-started runs, and the change feed's retention keeping what the dispatcher
// has not read.
#include "tables/trigger_cursor.h"

#include <gtest/gtest.h>

#include <future>

#include "base/clock.h"
#include "json/parse.h"
#include "store/sqlite_store.h"
#include "tables/change_feed.h"
#include "tables/column_values.h"
#include "tables/row_body.h"
#include "tables/table_store.h"
#include "test_directory.h"

namespace runnel::tables {
namespace {

constexpr int64_t kNow = 1893456000000000;  // 2030-01-01T00:00:00Z
constexpr int64_t kDay = int64_t{86400} * 1000000;

class TriggerCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenSqliteStore((dir_ / "runnel.db").string());
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(s.value());
    tables_ = std::make_unique<TableStore>(*store_, clock_);
    ASSERT_TRUE(tables_->Load());
    auto defined = tables_->DefineAndWait(
        {{"", json::Parse(R"({"logicalName": "note", "columns": [{"name": "text", "type": "string"}]})").value(), "test"}});
    ASSERT_TRUE(defined) << defined.error().ToString();
  }
  void TearDown() override {
    tables_.reset();
    store_.reset();
  }
  int64_t Create() {
    RowWrite w;
    w.table = tables_->catalog()->ByLogicalName("note");
    w.mode = WriteMode::kCreate;
    w.new_id = NewGuid();
    w.values = ParseRowBody(*tables_->catalog(), *w.table, json::Parse(R"({"text": "x"})").value()).value();
    w.now_micros = clock_.NowMicros();
    std::promise<Result<RowWriteResult>> done;
    tables_->Write(std::move(w), [&done](Result<RowWriteResult> r) { done.set_value(std::move(r)); });
    auto r = done.get_future().get();
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? r.value().version : 0;
  }
  std::vector<int64_t> Seqs() {
    auto c = store_->ReadAndWait<Result<std::vector<Change>>>([](store::ReadView& v) { return ReadChanges(v, 0, 1000); });
    EXPECT_TRUE(c);
    std::vector<int64_t> out;
    if (c) {
      for (const auto& ch : c.value()) out.push_back(ch.seq);
    }
    return out;
  }

  runnel::testing::TestDirectory dir_{"runnel-cursor-test"};
  ManualClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TableStore> tables_;
};

TEST_F(TriggerCursorTest, RetentionKeepsWhatTheDispatcherHasNotRead) {
  int64_t first = Create();
  clock_.Advance(1000000);
  int64_t second = Create();
  clock_.Advance(kDay);
  int64_t third = Create();
  ASSERT_TRUE(store_->WriteAndWait([&](store::Transaction& tx) { return WriteTriggerCursor(tx.sql(), first); }));
  clock_.Advance(10 * kDay);  // every change is past the 7 days
  ASSERT_TRUE(store_->WriteAndWait(tables_->RetentionWrite(clock_.NowMicros())));
  EXPECT_EQ(Seqs(), (std::vector<int64_t>{second, third}));  // read: gone; unread: kept

  ASSERT_TRUE(store_->WriteAndWait([&](store::Transaction& tx) { return WriteTriggerCursor(tx.sql(), third); }));
  ASSERT_TRUE(store_->WriteAndWait(tables_->RetentionWrite(clock_.NowMicros())));
  EXPECT_TRUE(Seqs().empty());
  auto cursor = store_->ReadAndWait<Result<std::optional<int64_t>>>([](store::ReadView& v) { return ReadTriggerCursor(v.sql()); });
  ASSERT_TRUE(cursor && cursor.value());
  EXPECT_EQ(*cursor.value(), third);
}

TEST_F(TriggerCursorTest, AChangeRunIsClaimedOnceAndClaimsGoWithTheCursor) {
  auto claim = [&](int64_t seq, int64_t item) {
    bool claimed = false;
    Status s = store_->WriteAndWait([&, seq, item](store::Transaction& tx) -> Status {
      RUNNEL_TRY(c, ClaimChangeRun(tx.sql(), "flow", "trigger", seq, item, "run"));
      claimed = c;
      return Ok();
    });
    EXPECT_TRUE(s) << s.error().ToString();
    return claimed;
  };
  EXPECT_TRUE(claim(5, 0));
  EXPECT_FALSE(claim(5, 0));  // dispatched again after a crash: no second run
  EXPECT_TRUE(claim(5, 1));   // the next splitOn item of the same change
  ASSERT_TRUE(store_->WriteAndWait([&](store::Transaction& tx) { return WriteTriggerCursor(tx.sql(), 5); }));
  EXPECT_TRUE(claim(5, 0));  // claims at or before the cursor are dropped: never needed again
}

}  // namespace
}  // namespace runnel::tables

// RunWriteBatch (server/run_write_batch.h) against a real SQLite store: a run that starts and
// finishes in one batch is written once as its finished row with no journal; a run that spans
// batches keeps its journal until its end; other writes keep their place.
#include "server/run_write_batch.h"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "test_directory.h"

namespace runnel::server {
namespace {

class RunWriteBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenSqliteStore((dir_ / "runnel.db").string());
    ASSERT_TRUE(s) << s.error().ToString();
    store_ = std::move(s.value());
  }

  static store::RunRow Row(const std::string& id, const std::string& status, int64_t end = 0) {
    return store::RunRow{id, "orders", 1, "manual", status, 1000, end, id, "", end ? R"({"status":"done"})" : ""};
  }
  static boost::json::value Trigger() { return boost::json::object{{"name", "manual"}}; }
  void Commit(RunWriteBatch& batch) { ASSERT_TRUE(store_->WriteAndWait(batch.Take())); }
  std::optional<store::RunRow> Run(const std::string& id) {
    return store_->ReadAndWait<std::optional<store::RunRow>>([&](store::ReadView& v) {
      auto r = v.GetRun(id);
      return r ? r.value() : std::nullopt;
    });
  }
  std::vector<store::JournalEntry> Journal(const std::string& id) {
    return store_->ReadAndWait<std::vector<store::JournalEntry>>([&](store::ReadView& v) {
      auto j = v.ReadJournal(id);
      return j ? j.value() : std::vector<store::JournalEntry>{};
    });
  }
  size_t JournalSize(const std::string& id) { return Journal(id).size(); }

  runnel::testing::TestDirectory dir_{"runnel-write-batch-test"};
  std::unique_ptr<store::Store> store_;  // after dir_: closed before the directory goes
};

TEST_F(RunWriteBatchTest, ARunThatEndsInItsBatchIsOneFinishedRow) {
  RunWriteBatch batch;
  batch.StartRun(Row("r1", "Running"), Trigger());
  batch.AppendJournal("r1", 1, "completed", boost::json::object{{"key", "A1"}});
  batch.AppendJournal("r1", 2, "completed", boost::json::object{{"key", "A2"}});
  batch.FinishRun(Row("r1", "Succeeded", 2000));
  EXPECT_EQ(batch.collapsed_runs(), 1u);
  Commit(batch);
  EXPECT_TRUE(batch.empty());
  auto r = Run("r1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "Succeeded");
  EXPECT_EQ(r->end_micros, 2000);
  EXPECT_EQ(r->record, R"({"status":"done"})");
  EXPECT_EQ(JournalSize("r1"), 0u);
  auto unfinished = store_->ReadAndWait<size_t>([](store::ReadView& v) { return v.UnfinishedRuns().value().size(); });
  EXPECT_EQ(unfinished, 0u);
}

TEST_F(RunWriteBatchTest, ARunSpanningBatchesKeepsItsJournalUntilItsEnd) {
  RunWriteBatch batch;
  batch.StartRun(Row("r2", "Running"), Trigger());
  batch.AppendJournal("r2", 1, "started", boost::json::object{{"key", "A1"}});
  EXPECT_EQ(batch.collapsed_runs(), 0u);
  Commit(batch);
  EXPECT_EQ(Run("r2")->status, "Running");
  auto journal = Journal("r2");  // what a restart resumes from
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[0].kind, "trigger");
  EXPECT_EQ(journal[0].body, R"({"name":"manual"})");
  EXPECT_EQ(journal[1].body, R"({"key":"A1"})");

  batch.AppendJournal("r2", 2, "completed", boost::json::object{{"key", "A2"}});
  batch.FinishRun(Row("r2", "Failed", 3000));
  EXPECT_EQ(batch.collapsed_runs(), 0u);
  Commit(batch);
  EXPECT_EQ(Run("r2")->status, "Failed");
  EXPECT_EQ(JournalSize("r2"), 0u);
}

TEST_F(RunWriteBatchTest, OtherWritesKeepTheirPlace) {
  RunWriteBatch batch;
  batch.StartRun(Row("r3", "Waiting"), Trigger());
  // Applied after the start (it would find no row before it) and before the end.
  batch.Add([](store::Transaction& tx) { return tx.SetRunStatus("r3", "Running"); });
  batch.Add([](store::Transaction& tx) {
    return tx.AddTriggerEvent(store::TriggerEvent{0, "orders", "manual", 1000, "Fired", "", "r3"});
  });
  Commit(batch);
  EXPECT_EQ(Run("r3")->status, "Running");

  // A failing write fails the whole batch: nothing of it is applied.
  batch.StartRun(Row("r4", "Running"), Trigger());
  batch.Add([](store::Transaction&) -> Status { return Error("Boom", "refused"); });
  EXPECT_FALSE(store_->WriteAndWait(batch.Take()));
  EXPECT_FALSE(Run("r4"));
}

}  // namespace
}  // namespace runnel::server

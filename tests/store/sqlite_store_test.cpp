// The SQLite store (store/sqlite_store.h) on a real file in a temporary directory: flows and
// versions, the run index and journal, schedule ticks claimed once, retention that frees disk,
// group commit of concurrent writers, and clear errors for unusable files.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/sqlite_store.h"
#include "test_directory.h"

namespace runnel::store {
namespace {
namespace fs = std::filesystem;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void TearDown() override { store_.reset(); }  // before the directory goes

  Store& Open() {
    auto s = OpenSqliteStore((dir_ / "runnel.db").string());
    EXPECT_TRUE(s) << s.error().ToString();
    store_ = std::move(s.value());
    return *store_;
  }

  static FlowRecord Flow(const std::string& name, int64_t version, std::string document) {
    FlowRecord f;
    f.name = name;
    f.version = version;
    f.kind = "Stateful";
    f.primary_key = "p";
    f.secondary_key = "s";
    f.modified_micros = version * 1000;
    f.document = std::move(document);
    return f;
  }

  static RunRow Run(const std::string& id, const std::string& flow, int64_t start) {
    RunRow r;
    r.id = id;
    r.flow = flow;
    r.version = 1;
    r.trigger = "manual";
    r.status = "Running";
    r.start_micros = start;
    r.tracking_id = id;
    return r;
  }

  runnel::testing::TestDirectory dir_{"runnel-store-test"};
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, FlowVersionsAccumulateAndTheLatestIsCurrent) {
  Store& s = Open();
  ASSERT_TRUE(s.WriteAndWait([](Transaction& tx) { return tx.PutFlowVersion(Flow("orders", 1, "{\"v\":1}")); }));
  ASSERT_TRUE(s.WriteAndWait([](Transaction& tx) { return tx.PutFlowVersion(Flow("Orders", 2, "{\"v\":2}")); }));
  auto flow = s.ReadAndWait<Result<std::optional<FlowRecord>>>([](ReadView& v) { return v.GetFlow("ORDERS"); });
  ASSERT_TRUE(flow && flow.value());
  EXPECT_EQ(flow.value()->version, 2);
  EXPECT_EQ(flow.value()->document, "{\"v\":2}");
  auto versions = s.ReadAndWait<Result<std::vector<FlowVersion>>>([](ReadView& v) { return v.ListFlowVersions("orders"); });
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions.value().size(), 2u);
  EXPECT_EQ(versions.value()[0].document, "{\"v\":1}");

  ASSERT_TRUE(s.WriteAndWait([](Transaction& tx) { return tx.SetFlowEnabled("orders", false, 5); }));
  auto missing = s.WriteAndWait([](Transaction& tx) { return tx.SetFlowEnabled("nope", false, 5); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "FlowNotFound");
  ASSERT_TRUE(s.WriteAndWait([](Transaction& tx) { return tx.DeleteFlow("orders"); }));
  auto gone = s.ReadAndWait<Result<std::optional<FlowRecord>>>([](ReadView& v) { return v.GetFlow("orders"); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone.value().has_value());
}

TEST_F(SqliteStoreTest, RunsSurviveReopenWithTheirJournalUntilFinished) {
  {
    Store& s = Open();
    ASSERT_TRUE(s.WriteAndWait([](Transaction& tx) -> Status {
      RUNNEL_TRY_STATUS(tx.InsertRun(Run("r1", "orders", 10)));
      RUNNEL_TRY_STATUS(tx.InsertRun(Run("r2", "orders", 20)));
      RUNNEL_TRY_STATUS(tx.AppendJournal({"r1", 1, "trigger", "{}"}));
      return tx.AppendJournal({"r1", 2, "completed", "{\"key\":\"A\"}"});
    }));
    store_.reset();  // closes
  }
  Store& s = Open();
  auto unfinished = s.ReadAndWait<Result<std::vector<RunRow>>>([](ReadView& v) { return v.UnfinishedRuns(); });
  ASSERT_TRUE(unfinished);
  ASSERT_EQ(unfinished.value().size(), 2u);
  auto journal = s.ReadAndWait<Result<std::vector<JournalEntry>>>([](ReadView& v) { return v.ReadJournal("r1"); });
  ASSERT_TRUE(journal);
  ASSERT_EQ(journal.value().size(), 2u);
  EXPECT_EQ(journal.value()[1].body, "{\"key\":\"A\"}");

  RunRow done = Run("r1", "orders", 10);
  done.status = "Succeeded";
  done.end_micros = 30;
  done.record = "{\"status\":\"Succeeded\"}";
  ASSERT_TRUE(s.WriteAndWait([&](Transaction& tx) { return tx.FinishRun(done); }));
  journal = s.ReadAndWait<Result<std::vector<JournalEntry>>>([](ReadView& v) { return v.ReadJournal("r1"); });
  EXPECT_TRUE(journal.value().empty()) << "a finished run's journal is dropped";
  auto run = s.ReadAndWait<Result<std::optional<RunRow>>>([](ReadView& v) { return v.GetRun("r1"); });
  ASSERT_TRUE(run && run.value());
  EXPECT_EQ(run.value()->record, "{\"status\":\"Succeeded\"}");
}

TEST_F(SqliteStoreTest, ListRunsFiltersAndPagesNewestFirst) {
  Store& s = Open();
  ASSERT_TRUE(s.WriteAndWait([](Transaction& tx) -> Status {
    for (int i = 0; i < 5; ++i) RUNNEL_TRY_STATUS(tx.InsertRun(Run("a" + std::to_string(i), "orders", i)));
    return tx.InsertRun(Run("b0", "other", 9));
  }));
  RunFilter filter;
  filter.flow = "orders";
  filter.limit = 2;
  auto page = s.ReadAndWait<Result<std::vector<RunRow>>>([&](ReadView& v) { return v.ListRuns(filter); });
  ASSERT_TRUE(page);
  ASSERT_EQ(page.value().size(), 2u);
  EXPECT_EQ(page.value()[0].id, "a4");
  filter.after_id = page.value()[1].id;
  page = s.ReadAndWait<Result<std::vector<RunRow>>>([&](ReadView& v) { return v.ListRuns(filter); });
  ASSERT_EQ(page.value().size(), 2u);
  EXPECT_EQ(page.value()[0].id, "a2");
  filter = {};
  filter.status = "Succeeded";
  page = s.ReadAndWait<Result<std::vector<RunRow>>>([&](ReadView& v) { return v.ListRuns(filter); });
  EXPECT_TRUE(page.value().empty());
}

TEST_F(SqliteStoreTest, ATickIsClaimedOnceEvenAfterReopen) {
  Store* s = &Open();
  auto claim = [&](int64_t tick) {
    std::promise<Result<bool>> p;
    auto f = p.get_future();
    s->Write([&](Transaction& tx) -> Status {
      p.set_value(tx.ClaimTick("report", "Recurrence", tick, "run"));
      return Ok();
    }, nullptr);
    return f.get();
  };
  EXPECT_TRUE(claim(100).value());
  EXPECT_FALSE(claim(100).value());
  store_.reset();
  s = &Open();
  EXPECT_FALSE(claim(100).value());
  EXPECT_TRUE(claim(200).value());
  auto last = s->ReadAndWait<Result<int64_t>>([](ReadView& v) { return v.LastTick("report", "Recurrence"); });
  EXPECT_EQ(last.value(), 200);
}

TEST_F(SqliteStoreTest, ATriggerCursorBelongsToOneFlowVersion) {
  Store* s = &Open();
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.PutFlowVersion(Flow("feed", 1, "{}")); }));
  auto cursor = [&](int64_t version) {
    return s->ReadAndWait<Result<std::string>>([&](ReadView& v) { return v.GetTriggerCursor("feed", "poll", version); })
        .value();
  };
  EXPECT_EQ(cursor(1), "");
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.SetTriggerCursor("feed", "poll", 1, "https://a/next?c=7"); }));
  store_.reset();
  s = &Open();
  EXPECT_EQ(cursor(1), "https://a/next?c=7");
  EXPECT_EQ(cursor(2), "");  // a new version starts from its own uri
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.SetTriggerCursor("feed", "poll", 2, "https://a/next?c=9"); }));
  EXPECT_EQ(cursor(1), "");
  EXPECT_EQ(cursor(2), "https://a/next?c=9");
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.DeleteFlow("feed"); }));
  EXPECT_EQ(cursor(2), "");
}

// A webhook subscription outlives a restart and its flow's deletion (it is what unsubscribes).
TEST_F(SqliteStoreTest, WebhookSubscriptionsOutliveTheirFlow) {
  Store* s = &Open();
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.PutFlowVersion(Flow("hooks", 1, "{}")); }));
  auto list = [&] {
    return s->ReadAndWait<Result<std::vector<WebhookSubscription>>>([](ReadView& v) {
              return v.ListWebhookSubscriptions("HOOKS");
            }).value();
  };
  EXPECT_TRUE(list().empty());
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) {
    return tx.PutWebhookSubscription({"hooks", "events", 1, "http://r/api/hooks/x", R"({"method":"DELETE"})"});
  }));
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.PutWebhookSubscription({"hooks", "other", 1, "u", ""}); }));
  store_.reset();
  s = &Open();
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.DeleteFlow("hooks"); }));
  auto rows = list();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].trigger, "events");
  EXPECT_EQ(rows[0].version, 1);
  EXPECT_EQ(rows[0].url, "http://r/api/hooks/x");
  EXPECT_EQ(rows[0].unsubscribe, R"({"method":"DELETE"})");
  ASSERT_TRUE(s->WriteAndWait([](Transaction& tx) { return tx.DeleteWebhookSubscription("hooks", "events"); }));
  ASSERT_EQ(list().size(), 1u);
  EXPECT_EQ(list()[0].trigger, "other");
}

// One failing write is rolled back alone; the others in its batch commit.
TEST_F(SqliteStoreTest, AFailingWriteDoesNotSpoilItsBatch) {
  Store& s = Open();
  std::atomic<int> ok{0}, failed{0};
  std::promise<void> all;
  std::atomic<int> left{3};
  auto done = [&](Status st) {
    (st ? ok : failed)++;
    if (--left == 0) all.set_value();
  };
  s.Write([](Transaction& tx) { return tx.InsertRun(Run("x", "f", 1)); }, done);
  s.Write([](Transaction& tx) { return tx.InsertRun(Run("x", "f", 1)); }, done);  // duplicate id
  s.Write([](Transaction& tx) { return tx.InsertRun(Run("y", "f", 2)); }, done);
  all.get_future().wait();
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(failed, 1);
  auto runs = s.ReadAndWait<Result<std::vector<RunRow>>>([](ReadView& v) { return v.ListRuns({}); });
  EXPECT_EQ(runs.value().size(), 2u);
}

// Many threads writing at once all get their acknowledgement, in fewer commits than writes.
TEST_F(SqliteStoreTest, ConcurrentWritersAreAllAcknowledged) {
  Store& s = Open();
  constexpr int kThreads = 4, kEach = 500;
  std::atomic<int> acked{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        s.Write([id](Transaction& tx) { return tx.AppendJournal({id, 1, "started", "{}"}); },
                [&](Status st) { if (st) ++acked; });
      }
    });
  }
  for (auto& w : writers) w.join();
  // A read is queued after every write, so when it runs they all committed.
  s.ReadAndWait<int>([](ReadView&) { return 0; });
  EXPECT_EQ(acked, kThreads * kEach);
}

TEST_F(SqliteStoreTest, RetentionDeletesOldHistoryAndShrinksTheFile) {
  Store& s = Open();
  std::string big(4000, 'x');
  ASSERT_TRUE(s.WriteAndWait([&](Transaction& tx) -> Status {
    for (int i = 0; i < 500; ++i) {
      RunRow r = Run("old" + std::to_string(1000 + i), "f", 1);
      r.status = "Succeeded";
      r.end_micros = 2;
      r.record = big;
      RUNNEL_TRY_STATUS(tx.InsertRun(r));
    }
    return tx.InsertRun(Run("new", "f", 100));
  }));
  s.ReadAndWait<int>([](ReadView&) { return 0; });
  // Closing the store checkpoints the WAL into the main file, whose size is what we measure.
  auto size_of = [&] { return fs::file_size(dir_ / "runnel.db"); };
  store_.reset();
  uintmax_t before = size_of();
  Store& again = Open();
  std::promise<Result<int64_t>> deleted;
  again.Write([&](Transaction& tx) -> Status {
    deleted.set_value(tx.DeleteHistoryBefore(50));
    return Ok();
  }, nullptr);
  EXPECT_EQ(deleted.get_future().get().value(), 500);
  store_.reset();
  uintmax_t after = size_of();
  EXPECT_LT(after, before / 4) << before << " -> " << after;
  Store& last = Open();
  auto runs = last.ReadAndWait<Result<std::vector<RunRow>>>([](ReadView& v) { return v.ListRuns({}); });
  ASSERT_EQ(runs.value().size(), 1u);
  EXPECT_EQ(runs.value()[0].id, "new");
}

TEST_F(SqliteStoreTest, AFileThatIsNotADatabaseIsAClearError) {
  std::ofstream(dir_ / "runnel.db") << "this is not sqlite, just some text that is long enough to be a header......";
  auto s = OpenSqliteStore((dir_ / "runnel.db").string());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "StoreUnreadable") << s.error().ToString();
}

// A store opened read-only (explicitly, or because the file cannot be written) serves reads
// and refuses every write with a clear error.
TEST_F(SqliteStoreTest, AReadOnlyStoreServesReadsAndRefusesWrites) {
  {
    Store& s = Open();
    ASSERT_TRUE(s.WriteAndWait([](Transaction& tx) { return tx.PutFlowVersion(Flow("orders", 1, "{}")); }));
    store_.reset();
  }
  SqliteOptions options;
  options.read_only = true;
  auto opened = OpenSqliteStore((dir_ / "runnel.db").string(), options);
  ASSERT_TRUE(opened) << opened.error().ToString();
  store_ = std::move(opened.value());
  auto flows = store_->ReadAndWait<Result<std::vector<FlowRecord>>>([](ReadView& v) { return v.ListFlows(); });
  ASSERT_TRUE(flows) << flows.error().ToString();
  EXPECT_EQ(flows.value().size(), 1u);
  auto write = store_->WriteAndWait([](Transaction& tx) { return tx.PutFlowVersion(Flow("orders", 2, "{}")); });
  ASSERT_FALSE(write);
  EXPECT_EQ(write.error().code, "StoreReadOnly") << write.error().ToString();
}

}  // namespace
}  // namespace runnel::store

// RunWriteBatch: the store writes one I/O thread makes during one burst of work (a request, a
// completion), handed to the store as one write when the burst is over (RunManager::QueueWrite).
//
// Writes are applied in the order they were added, with one exception that is most of a
// stateful server's load: a run that starts and finishes inside one burst (a Request-triggered
// flow that ran to its end without waiting on anything outside the run) is written once, as
// its finished row. Its start row, its journal entries and the final update that would delete
// them again are never written: nothing could have read them (no action reached outside the
// run before the burst's commit — docs/engine.md, "Durable runs"), and after a crash before the
// commit the run is lost whole, exactly as it would have been with every write in that commit.
// Journal bodies are serialized when the batch is taken, so those of collapsed runs never are.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace runnel::server {

class RunWriteBatch {
 public:
  // Any other write, kept in its place.
  void Add(store::Store::WriteFn fn);
  // A run's start: its row (status Running or Waiting) and its trigger record (journal seq 0).
  void StartRun(store::RunRow row, boost::json::value trigger_record);
  // A journal entry of a run; `body` is serialized when the batch is taken.
  void AppendJournal(std::string run_id, int64_t seq, std::string kind, boost::json::value body);
  // A run's end (store::Transaction::FinishRun), or — when it started in this batch — its
  // start row replaced by this one and its journal entries dropped.
  void FinishRun(store::RunRow row);

  bool empty() const { return ops_.empty(); }
  size_t collapsed_runs() const { return collapsed_; }
  // One write applying everything, in order; the batch is empty afterwards.
  store::Store::WriteFn Take();

 private:
  struct Op {
    enum class Kind { kFn, kStart, kJournal, kFinish } kind = Kind::kFn;
    store::Store::WriteFn fn;
    store::RunRow row;           // kStart, kFinish
    store::JournalEntry entry;   // kStart (the trigger record), kJournal; body filled by Take
    boost::json::value body;
    bool dropped = false;        // a journal entry of a collapsed run
    bool finished = false;       // kStart: `row` is the finished row; no journal
  };
  struct Started {
    size_t start = 0;             // the run's kStart op
    std::vector<size_t> journal;  // its kJournal ops
  };
  std::vector<Op> ops_;
  std::unordered_map<std::string, Started> started_;  // runs started in this batch, by id
  size_t collapsed_ = 0;
};

}  // namespace runnel::server

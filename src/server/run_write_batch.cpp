#include "server/run_write_batch.h"

#include <memory>
#include <utility>

namespace runnel::server {

void RunWriteBatch::Add(store::Store::WriteFn fn) {
  Op op;
  op.fn = std::move(fn);
  ops_.push_back(std::move(op));
}

void RunWriteBatch::StartRun(store::RunRow row, store::JournalEntry trigger) {
  started_[row.id] = Started{ops_.size(), {}};
  Op op;
  op.kind = Op::Kind::kStart;
  op.row = std::move(row);
  op.entry = std::move(trigger);
  ops_.push_back(std::move(op));
}

void RunWriteBatch::AppendJournal(store::JournalEntry entry) {
  if (auto it = started_.find(entry.run_id); it != started_.end()) it->second.journal.push_back(ops_.size());
  Op op;
  op.kind = Op::Kind::kJournal;
  op.entry = std::move(entry);
  ops_.push_back(std::move(op));
}

void RunWriteBatch::FinishRun(store::RunRow row) {
  auto it = started_.find(row.id);
  if (it == started_.end()) {
    Op op;
    op.kind = Op::Kind::kFinish;
    op.row = std::move(row);
    ops_.push_back(std::move(op));
    return;
  }
  Op& start = ops_[it->second.start];
  start.row = std::move(row);
  start.finished = true;
  for (size_t i : it->second.journal) ops_[i].dropped = true;
  started_.erase(it);
  ++collapsed_;
}

store::Store::WriteFn RunWriteBatch::Take() {
  auto ops = std::make_shared<std::vector<Op>>(std::move(ops_));
  ops_.clear();
  started_.clear();
  collapsed_ = 0;
  return [ops](store::Transaction& tx) -> Status {
    for (const Op& op : *ops) {
      switch (op.kind) {
        case Op::Kind::kFn:
          RUNNEL_TRY_STATUS(op.fn(tx));
          break;
        case Op::Kind::kStart:
          RUNNEL_TRY_STATUS(tx.InsertRun(op.row));
          if (!op.finished) RUNNEL_TRY_STATUS(tx.AppendJournal(op.entry));
          break;
        case Op::Kind::kJournal:
          if (!op.dropped) RUNNEL_TRY_STATUS(tx.AppendJournal(op.entry));
          break;
        case Op::Kind::kFinish:
          RUNNEL_TRY_STATUS(tx.FinishRun(op.row));
          break;
      }
    }
    return Ok();
  };
}

}  // namespace runnel::server

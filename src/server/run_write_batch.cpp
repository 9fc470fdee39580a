#include "server/run_write_batch.h"

#include <memory>
#include <utility>

#include "json/serialize.h"

namespace runnel::server {

void RunWriteBatch::Add(store::Store::WriteFn fn) {
  Op op;
  op.fn = std::move(fn);
  ops_.push_back(std::move(op));
}

void RunWriteBatch::StartRun(store::RunRow row, boost::json::value trigger_record) {
  started_[row.id] = Started{ops_.size(), {}};
  Op op;
  op.kind = Op::Kind::kStart;
  op.entry = store::JournalEntry{row.id, 0, "trigger", ""};
  op.body = std::move(trigger_record);
  op.row = std::move(row);
  ops_.push_back(std::move(op));
}

void RunWriteBatch::AppendJournal(std::string run_id, int64_t seq, std::string kind, boost::json::value body) {
  if (auto it = started_.find(run_id); it != started_.end()) it->second.journal.push_back(ops_.size());
  Op op;
  op.kind = Op::Kind::kJournal;
  op.entry = store::JournalEntry{std::move(run_id), seq, std::move(kind), ""};
  op.body = std::move(body);
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
  for (Op& op : *ops) {
    bool journaled = (op.kind == Op::Kind::kStart && !op.finished) || (op.kind == Op::Kind::kJournal && !op.dropped);
    if (journaled) op.entry.body = json::Serialize(op.body);
    op.body = nullptr;
  }
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

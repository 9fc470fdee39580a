#include "tables/table_store.h"

#include <boost/json.hpp>

#include <algorithm>
#include <future>

#include "json/serialize.h"
#include "tables/errors.h"
#include "tables/trigger_cursor.h"
#include "tables/table_ddl.h"

namespace runnel::tables {

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

struct PlannedTable {
  DefinedTable table;
  std::vector<std::string> ddl;
};

Error WithSource(Error e, const std::string& source) {
  if (!source.empty()) e.message = source + ": " + e.message;
  return e;
}

}  // namespace

TableStore::TableStore(store::Store& store, const Clock& clock, TableStoreOptions options)
    : store_(store), clock_(clock), options_(std::move(options)), catalog_(std::make_shared<const Catalog>()) {}

Status TableStore::Load() {
  auto records = store_.ReadAndWait<Result<std::vector<store::TableDefinitionRecord>>>(
      [](store::ReadView& v) { return v.ListTableDefinitions(); });
  if (!records) return records.error();
  RUNNEL_TRY(catalog, Catalog::FromRecords(records.value()));
  std::lock_guard lock(mu_);
  catalog_ = std::make_shared<const Catalog>(std::move(catalog));
  return Ok();
}

std::shared_ptr<const Catalog> TableStore::catalog() const {
  std::lock_guard lock(mu_);
  return catalog_;
}

void TableStore::Define(std::vector<TableDefinitionInput> inputs,
                        std::function<void(Result<std::vector<DefinedTable>>)> done) {
  auto task = [this, inputs = std::move(inputs), done = std::move(done)]() mutable {
    RunDefine(std::move(inputs), std::move(done));
  };
  {
    std::lock_guard lock(mu_);
    if (defining_) {
      define_queue_.push_back(std::move(task));
      return;
    }
    defining_ = true;
  }
  task();
}

Result<std::vector<DefinedTable>> TableStore::DefineAndWait(std::vector<TableDefinitionInput> inputs) {
  std::promise<Result<std::vector<DefinedTable>>> promise;
  auto future = promise.get_future();
  Define(std::move(inputs), [&promise](Result<std::vector<DefinedTable>> r) { promise.set_value(std::move(r)); });
  return future.get();
}

std::function<void()> TableStore::TakeNextDefine() {
  std::lock_guard lock(mu_);
  if (define_queue_.empty()) {
    defining_ = false;
    return nullptr;
  }
  auto next = std::move(define_queue_.front());
  define_queue_.pop_front();
  return next;
}

void TableStore::RunDefine(std::vector<TableDefinitionInput> inputs,
                           std::function<void(Result<std::vector<DefinedTable>>)> done) {
  // The caller may destroy this store once its last `done` ran (DefineAndWait does), so nothing
  // here touches `this` after calling `done` unless another definition is still waiting.
  auto fail = [this, &done](Error e) {
    auto next = TakeNextDefine();
    done(std::move(e));
    if (next) next();
  };
  std::shared_ptr<const Catalog> current = catalog();
  int64_t now = clock_.NowMicros();
  auto planned = std::make_shared<std::vector<PlannedTable>>();
  std::vector<CatalogEntry> entries;
  for (auto& in : inputs) {
    auto parsed = TableSchema::Parse(in.document, in.expected_name, options_.schema);
    if (!parsed) return fail(WithSource(parsed.error(), in.source));
    auto schema = std::make_shared<const TableSchema>(std::move(parsed).value());
    for (const auto& p : *planned) {
      if (p.table.entry.schema->logical_name() == schema->logical_name()) {
        return fail(WithSource(Error(errc::kInvalidDefinition, "table '" + schema->logical_name() + "' is defined twice"),
                               in.source));
      }
    }
    const CatalogEntry* old = current->Find(schema->logical_name());
    PlannedTable p;
    p.table.created = !old;
    p.table.changed = !old || json::Serialize(old->schema->ToDocument()) != json::Serialize(schema->ToDocument());
    auto ddl = MigrationStatements(old ? old->schema.get() : nullptr, *schema);
    if (!ddl) return fail(WithSource(ddl.error(), in.source));
    p.ddl = std::move(ddl).value();
    p.table.entry = old ? *old : CatalogEntry{schema, 0, now, now};
    if (p.table.changed) {
      p.table.entry.schema = schema;
      p.table.entry.version += 1;
      p.table.entry.modified_micros = now;
    }
    entries.push_back(p.table.entry);
    planned->push_back(std::move(p));
  }
  auto next = current->With(entries);
  if (!next) return fail(next.error());
  auto next_catalog = std::make_shared<const Catalog>(std::move(next).value());
  store_.Write(
      [planned](store::Transaction& tx) -> Status {
        for (const auto& p : *planned) {
          if (!p.table.changed) continue;
          for (const auto& statement : p.ddl) {
            auto applied = tx.sql().Execute(statement);
            if (!applied && applied.error().code == "StoreConstraint") {
              return Error(errc::kIncompatibleChange, "cannot add an alternate key to table '" +
                                                          p.table.entry.schema->logical_name() +
                                                          "': stored rows already share values of its columns (" +
                                                          applied.error().message + ")");
            }
            if (!applied) return applied.error();
          }
          const CatalogEntry& e = p.table.entry;
          RUNNEL_TRY_STATUS(tx.PutTableDefinition({e.schema->logical_name(), e.version,
                                                   json::Serialize(e.schema->ToDocument()), e.created_micros,
                                                   e.modified_micros}));
        }
        return Ok();
      },
      [this, planned, next_catalog, done](Status st) {
        if (st) {
          std::lock_guard lock(mu_);
          catalog_ = next_catalog;
        }
        auto next = TakeNextDefine();
        if (!st) {
          done(st.error());
        } else {
          std::vector<DefinedTable> out;
          for (const auto& p : *planned) out.push_back(p.table);
          done(std::move(out));
        }
        if (next) next();
      });
}

void TableStore::Write(RowWrite write, std::function<void(Result<RowWriteResult>)> done) {
  auto request = std::make_shared<const RowWrite>(std::move(write));
  auto result = std::make_shared<RowWriteResult>();
  store_.Write([this, request, result](store::Transaction& tx) { return ApplyRowWrite(tx, *catalog(), *request, *result); },
               [this, result, done = std::move(done)](Status st) {
                 if (!st) return done(st.error());
                 if (result->rejected) return done(std::move(*result->rejected));
                 NotifyChanges(result->version);
                 done(std::move(*result));
               });
}

void TableStore::Delete(RowDelete request, std::function<void(Result<RowDeleteResult>)> done) {
  auto req = std::make_shared<const RowDelete>(std::move(request));
  auto result = std::make_shared<RowDeleteResult>();
  store_.Write([this, req, result](store::Transaction& tx) { return ApplyRowDelete(tx, *catalog(), *req, *result); },
               [this, result, done = std::move(done)](Status st) {
                 if (!st) return done(st.error());
                 if (result->rejected) return done(std::move(*result->rejected));
                 NotifyChanges(result->version);
                 done(std::move(*result));
               });
}

void TableStore::WriteChangeset(std::vector<RowChange> changes, std::function<void(ChangesetResult)> done) {
  auto request = std::make_shared<const std::vector<RowChange>>(std::move(changes));
  auto result = std::make_shared<ChangesetResult>();
  store_.Write(
      [this, request, result](store::Transaction& tx) -> Status {
        // The store may apply this function twice (store.h): start from nothing each time.
        *result = ChangesetResult{};
        std::shared_ptr<const Catalog> current = catalog();
        result->results.reserve(request->size());
        for (size_t i = 0; i < request->size(); ++i) {
          std::optional<Error> rejected;
          if (const auto* w = std::get_if<RowWrite>(&(*request)[i])) {
            RowWriteResult r;
            RUNNEL_TRY_STATUS(ApplyRowWrite(tx, *current, *w, r));
            rejected = std::move(r.rejected);
            result->results.emplace_back(std::move(r));
          } else {
            RowDeleteResult r;
            RUNNEL_TRY_STATUS(ApplyRowDelete(tx, *current, std::get<RowDelete>((*request)[i]), r));
            rejected = std::move(r.rejected);
            result->results.emplace_back(std::move(r));
          }
          if (rejected) {
            result->results.clear();
            result->failed = static_cast<int>(i);
            result->error = std::move(*rejected);
            // An error, not Ok with a rejection as Write does: the store then rolls back this
            // whole function, so the changes before this one are undone with their records.
            return Error("ChangesetRefused", "change " + std::to_string(i) + " of the changeset was refused");
          }
        }
        return Ok();
      },
      [this, result, done = std::move(done)](Status st) {
        if (!st) {
          result->results.clear();
          if (!result->error) result->error = st.error();  // the store failed, not the data
          return done(std::move(*result));
        }
        int64_t last = 0;
        for (const auto& r : result->results) {
          last = std::max(last, std::visit([](const auto& x) { return x.version; }, r));
        }
        if (last > 0) NotifyChanges(last);
        done(std::move(*result));
      });
}

void TableStore::AddChangeListener(std::function<void(int64_t)> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

void TableStore::NotifyChanges(int64_t last_seq) {
  std::vector<std::function<void(int64_t)>> listeners;
  {
    std::lock_guard lock(mu_);
    listeners = listeners_;
  }
  for (auto& l : listeners) l(last_seq);
}

store::Store::WriteFn TableStore::RetentionWrite(int64_t now_micros) const {
  int64_t cutoff = now_micros - int64_t{options_.change_retention_days} * kMicrosPerDay;
  return [cutoff](store::Transaction& tx) -> Status {
    // Never delete a change the trigger dispatcher has not read: its flows would miss it.
    RUNNEL_TRY(unread, OldestUnreadChangeTime(tx.sql()));
    int64_t keep_from = unread ? std::min(cutoff, *unread) : cutoff;
    RUNNEL_TRY(deleted, tx.DeleteChangesBefore(keep_from));
    (void)deleted;
    return Ok();
  };
}

}  // namespace runnel::tables

// TableStore: the built-in tables as the server, the connector actions and the change trigger
// use them — definitions, row writes and reads — over the Store (store.h).
//
// Everything runs on the store's thread through Store::Write and Store::Read, and completions
// are called there: callers post to their own thread. The catalog (the deployed definitions)
// is an immutable snapshot replaced after each definition change commits; catalog() may be
// called from any thread. Definition changes apply one at a time, in order of arrival, each
// planned against the catalog its predecessor left (so two concurrent PUTs of one table never
// plan the same ALTER TABLE twice).
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"
#include "tables/odata_query.h"
#include "tables/row_writer.h"
#include "tables/table_catalog.h"

namespace runnel::tables {

struct TableStoreOptions {
  int64_t max_page_size = 5000;        // rows per page at most (Prefer: odata.maxpagesize up to it)
  int64_t max_count = 5000;            // @odata.count and /$count stop counting here
  int change_retention_days = 7;       // change records (and delta tokens) older than this are deleted
  int max_delta_changes = 5000;        // change records per change-tracking page
  int64_t max_batch_requests = 1000;   // requests in one Web API $batch (Dataverse's limit)
  int64_t max_batch_response_bytes = int64_t{100} << 20;  // the bodies of a $batch's answers together
  QueryLimits query;                   // $filter size and depth, $top
  TableLimitsForSchemas schema;
};

// One definition to deploy: its document and the logical name it must have ("" when any).
struct TableDefinitionInput {
  std::string expected_name;
  boost::json::value document;
  std::string source;  // where it came from, for error messages ("PUT", a file name)
};

// One write of a changeset (TableStore::WriteChangeset): a row write or a row delete.
using RowChange = std::variant<RowWrite, RowDelete>;
using RowChangeResult = std::variant<RowWriteResult, RowDeleteResult>;

// What a changeset did: every change applied, or none.
struct ChangesetResult {
  std::vector<RowChangeResult> results;  // all applied: one per change, in order (empty otherwise)
  std::optional<Error> error;            // set when nothing was written: why
  int failed = -1;                       // the change the data refused (its error), or -1 for a store failure
};

struct DefinedTable {
  CatalogEntry entry;
  bool created = false;   // a new table
  bool changed = false;   // false: the definition was already deployed as given
};

class TableStore {
 public:
  TableStore(store::Store& store, const Clock& clock, TableStoreOptions options = {});

  // Reads the deployed definitions. Blocking: at start, never on an I/O thread.
  Status Load();

  std::shared_ptr<const Catalog> catalog() const;
  const TableStoreOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }
  store::Store& store() { return store_; }

  // Deploys definitions together (tables whose lookups point at each other go in one call).
  // Errors: InvalidTableDefinition (where = JSON pointer, message prefixed with the source),
  // IncompatibleTableChange, store errors.
  void Define(std::vector<TableDefinitionInput> inputs, std::function<void(Result<std::vector<DefinedTable>>)> done);
  Result<std::vector<DefinedTable>> DefineAndWait(std::vector<TableDefinitionInput> inputs);

  // A row write or delete with its change record. A request refused by the data (RowNotFound,
  // DuplicateRecord, ConcurrencyVersionMismatch, ...) comes back as that Error, nothing written.
  void Write(RowWrite write, std::function<void(Result<RowWriteResult>)> done);
  void Delete(RowDelete request, std::function<void(Result<RowDeleteResult>)> done);

  // Applies `changes` in order inside ONE store write function, each with its change record,
  // so they commit together or not at all: a change trigger sees all of them or none, even
  // across a crash. A change sees the rows the changes before it wrote (a create, then an
  // update of that row). The first change the data refuses (RowNotFound, DuplicateRecord, a
  // version mismatch, ...) ends the changeset: the write function returns an error, the store
  // rolls the whole function back, and `done` gets that change's index and error. A refused
  // changeset costs its group commit a second pass (store.h), so it is for atomic groups, not
  // for writes that are expected to fail. `done` runs on the store's thread.
  void WriteChangeset(std::vector<RowChange> changes, std::function<void(ChangesetResult)> done);

  // `listener` is called on the store's thread after every commit that appended change records,
  // with the last sequence number committed (the change trigger's dispatcher wakes up on it).
  void AddChangeListener(std::function<void(int64_t last_seq)> listener);

  // The retention step for the server's daily job: deletes change records older than
  // change_retention_days before `now_micros`, except those the change trigger's dispatcher
  // has not read yet (trigger_cursor.h).
  store::Store::WriteFn RetentionWrite(int64_t now_micros) const;

 private:
  void RunDefine(std::vector<TableDefinitionInput> inputs, std::function<void(Result<std::vector<DefinedTable>>)> done);
  // The next queued definition change, or nullptr (then no change is in progress any more).
  std::function<void()> TakeNextDefine();
  void NotifyChanges(int64_t last_seq);

  store::Store& store_;
  const Clock& clock_;
  TableStoreOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const Catalog> catalog_;          // guarded by mu_
  std::deque<std::function<void()>> define_queue_;  // guarded by mu_
  bool defining_ = false;                           // guarded by mu_
  std::vector<std::function<void(int64_t)>> listeners_;  // guarded by mu_
};

}  // namespace runnel::tables

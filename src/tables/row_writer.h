// Writing user-table rows inside a store write function: create, update, upsert and delete,
// each with its change record (change_feed.h) in the same transaction.
//
// A write reads the row, checks its preconditions and writes in one write function, on the
// store's one thread, so two writers of a row are serialized: an update never works from a
// stale read (no lost update), and an If-Match version is compared with the row as it is when
// the write applies.
//
// The store may apply a write function twice (store.h), so everything here depends only on
// the Transaction and the request: ids and times come in the request, and `result` is reset
// at the start. A request refused by the data (no such row, a version mismatch, a duplicate
// key, a missing required column, a lookup to a missing row) is not an error of the write:
// it returns Ok with `result.rejected` set and writes nothing, so the rest of the batch
// commits without a retry. An Error return is a store failure; the write is rolled back.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/store.h"
#include "tables/change_feed.h"
#include "tables/row_body.h"
#include "tables/row_json.h"
#include "tables/row_key.h"
#include "tables/table_catalog.h"

namespace runnel::tables {

enum class WriteMode {
  kCreate,      // POST: a new row; an existing id or alternate key is a DuplicateRecord
  kUpsert,      // PATCH: update the row when it exists, else create it with the key's values
  kUpdate,      // PATCH with If-Match: the row must exist (RowNotFound otherwise)
  kCreateOnly,  // PATCH with If-None-Match: *: the row must not exist (DuplicateRecord)
};

struct RowWrite {
  std::shared_ptr<const TableSchema> table;
  WriteMode mode = WriteMode::kUpsert;
  std::optional<RowKey> key;            // absent for a create whose id the store chooses
  std::string new_id;                   // the id of a created row when neither key nor body gives one
  RowValues values;                     // from ParseRowBody
  std::optional<int64_t> if_version;    // If-Match: W/"<n>": the row must be at this version
  int64_t now_micros = 0;
  CausalContext context;
};

struct RowWriteResult {
  std::optional<Error> rejected;  // the request was refused; nothing was written
  bool created = false;
  StoredRow row;                  // the row as written
  int64_t version = 0;            // its versionnumber (= the change's seq)
};

Status ApplyRowWrite(store::Transaction& tx, const Catalog& catalog, const RowWrite& write, RowWriteResult& result);

struct RowDelete {
  std::shared_ptr<const TableSchema> table;
  RowKey key;
  std::optional<int64_t> if_version;
  int64_t now_micros = 0;
  CausalContext context;
};

struct RowDeleteResult {
  std::optional<Error> rejected;
  std::string id;
  int64_t version = 0;              // the seq of the Delete change
  int64_t unlinked = 0;             // rows whose lookup to the deleted row was cleared
};

// Deletes the row; lookups of other rows that point at it are cleared first (Dataverse's
// default "Remove Link" behaviour for custom relationships), each an Update change.
Status ApplyRowDelete(store::Transaction& tx, const Catalog& catalog, const RowDelete& request, RowDeleteResult& result);

}  // namespace runnel::tables

// The table Web API under /api/data/v9.2/ (a subset of Dataverse's, docs/tables.md) and the
// table definitions under /management/tables.
//
// Both need the management bearer token. A handler parses and checks the request on its I/O
// thread (URL, key, query options, body values), then hands the SQL to the store's thread
// (TableStore, Store::Read) and posts the answer back to the I/O thread to serialize and send:
// no I/O thread ever waits for the store.
//
// A request is handled in two steps that $batch (table_batch.cpp) reuses without a socket:
// Route() resolves what the URL addresses and which operation the method asks for, then the
// operation's handler answers through a Responder. A write is further split: PrepareChange()
// checks it into a tables::RowChange and the answer to give once it applied, so that a single
// request hands it to TableStore::Write/Delete and a changeset hands several to
// TableStore::WriteChangeset.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/http_types.h"
#include "tables/table_store.h"

namespace runnel::server {

class IoThread;
class BatchRun;
struct TableTarget;

struct TableApiContext {
  tables::TableStore& tables;
  std::string token;
  std::string default_host;  // "127.0.0.1:7070", for URLs when a request has no Host header
};

class TableApi {
 public:
  explicit TableApi(TableApiContext context) : cx_(std::move(context)) {}

  // /api/data/...: `segments` are the (still encoded) path segments after "data".
  void HandleData(HttpRequest&& request, const std::vector<std::string_view>& segments,
                  std::shared_ptr<Responder> responder, IoThread& thread);
  // /management/tables[/{logicalname}]: `segments` after "management".
  void HandleDefinitions(HttpRequest&& request, const std::vector<std::string_view>& segments,
                         std::shared_ptr<Responder> responder, IoThread& thread);

  // Deploys the table definition files (*.json, *.yaml, *.yml) of `dir` together, at start.
  // Blocking. An unchanged definition is left alone.
  Status DeployDirectory(const std::string& dir);

 private:
  friend class BatchRun;

  // What a request asks for, once its URL and method are resolved.
  enum class Operation { kServiceRoot, kCollection, kCount, kGetRow, kCreate, kUpsert, kDeleteRow, kProperty };
  struct Routed {
    Operation op = Operation::kServiceRoot;
    std::shared_ptr<TableTarget> target;
  };
  // A write checked and ready for the store, with its answer (table_api_write.cpp).
  struct PreparedChange {
    tables::RowChange change;
    std::string entity;  // "<set>(<key>)": the row it writes, what a $<Content-ID> reference names
    // The answer once the change applied; called on the I/O thread.
    std::function<HttpResponse(const tables::RowChangeResult&)> answer;
  };

  // `segments` as for HandleData; the token was checked.
  void Dispatch(HttpRequest&& req, const std::vector<std::string_view>& segments, std::shared_ptr<Responder> r,
                IoThread& thread);
  Result<Routed> Route(const HttpRequest& req, const std::vector<std::string_view>& segments) const;
  // A write (kCreate, kUpsert, kDeleteRow, kProperty with PUT or DELETE) checked for the store;
  // a read is MethodNotAllowed (a changeset holds only writes).
  Result<PreparedChange> PrepareChange(const HttpRequest& req, const Routed& routed) const;
  Result<PreparedChange> PrepareCreate(const HttpRequest& req, const TableTarget& target) const;
  Result<PreparedChange> PrepareUpsert(const HttpRequest& req, const TableTarget& target) const;
  Result<PreparedChange> PrepareDelete(const HttpRequest& req, const TableTarget& target) const;
  Result<PreparedChange> PreparePropertyWrite(const HttpRequest& req, const TableTarget& target) const;
  // Runs one prepared write alone (TableStore::Write or Delete) and answers.
  void RunChange(PreparedChange change, std::shared_ptr<Responder> r, IoThread& thread);
  // POST /api/data/v9.2/$batch (table_batch.cpp).
  void RunBatch(HttpRequest&& req, std::string version, std::shared_ptr<Responder> r, IoThread& thread);

  void Collection(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void Count(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void GetRow(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void GetProperty(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void Delta(HttpRequest&& req, const TableTarget& target, int64_t token, std::shared_ptr<Responder> r, IoThread& thread);

  TableApiContext cx_;
};

}  // namespace runnel::server

// The table Web API under /api/data/v9.2/ (a subset of Dataverse's, docs/tables.md) and the
// table definitions under /management/tables.
//
// Both need the management bearer token. A handler parses and checks the request on its I/O
// thread (URL, key, query options, body values), then hands the SQL to the store's thread
// (TableStore, Store::Read) and posts the answer back to the I/O thread to serialize and send:
// no I/O thread ever waits for the store.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/http_types.h"
#include "tables/table_store.h"

namespace runnel::server {

class IoThread;
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
  void Collection(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void Count(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void GetRow(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void Create(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void Upsert(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void DeleteRow(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void Property(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread);
  void Delta(HttpRequest&& req, const TableTarget& target, int64_t token, std::shared_ptr<Responder> r, IoThread& thread);

  TableApiContext cx_;
};

}  // namespace runnel::server

// Table definitions: /management/tables (list, get, deploy) and the tables directory at start.
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/run.h"
#include "flow/yaml_to_json.h"
#include "json/parse.h"
#include "json/serialize.h"
#include "server/io_thread.h"
#include "server/table_api.h"
#include "server/table_api_response.h"
#include "server/url_query.h"
#include "tables/change_feed.h"
#include "tables/errors.h"

namespace runnel::server {
namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

bj::object Summary(const tables::CatalogEntry& e) {
  const tables::TableSchema& t = *e.schema;
  return bj::object{{"logicalName", t.logical_name()},
                    {"entitySetName", t.entity_set_name()},
                    {"displayName", t.display_name()},
                    {"primaryIdColumn", t.primary_id_column()},
                    {"version", e.version},
                    {"created", engine::FormatTime(e.created_micros)},
                    {"modified", engine::FormatTime(e.modified_micros)}};
}

HttpResponse DefinitionError(const Error& e) {
  int status = e.code == "StoreReadOnly" || e.code == "StoreFull" || e.code == "StoreClosed" ? 503
               : e.code == tables::errc::kIncompatibleChange                                 ? 409
               : e.code.rfind("Store", 0) == 0                                               ? 500
                                                                                             : 400;
  bj::object error{{"code", e.code}, {"message", e.message}};
  if (!e.where.empty()) {
    error["details"] = bj::array{bj::object{{"code", e.code}, {"message", e.message}, {"pointer", e.where}}};
  }
  return HttpResponse::Json(status, json::Serialize(bj::object{{"error", std::move(error)}}));
}

// A definition in JSON or YAML (YAML when the Content-Type says so or the text is not JSON).
Result<bj::value> ParseDefinition(std::string_view text, std::string_view content_type) {
  size_t first = text.find_first_not_of(" \t\r\n");
  bool json_like = first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
  if (content_type.find("yaml") == std::string_view::npos && json_like) {
    auto v = json::Parse(text);
    if (!v) return Error(tables::errc::kInvalidDefinition, "the definition is not valid JSON: " + v.error().ToString());
    return v;
  }
  auto y = flow::YamlToJson(text);
  if (!y) return Error(tables::errc::kInvalidDefinition, "the definition is not valid YAML: " + y.error().ToString());
  return std::move(y.value().value);
}

bj::object ChangeJson(const tables::Change& c) {
  bj::array present, changed;
  for (const auto& n : c.columns_present) present.push_back(bj::string(n));
  for (const auto& n : c.columns_changed) changed.push_back(bj::string(n));
  bj::object o{{"seq", c.seq},
               {"time", engine::FormatTime(c.time_micros)},
               {"table", c.table},
               {"rowId", c.row_id},
               {"message", tables::ChangeMessageName(c.message)},
               {"columnsPresent", std::move(present)},
               {"columnsChanged", std::move(changed)},
               {"context", {{"originFlow", c.context.origin_flow},
                            {"runId", c.context.run_id},
                            {"hopCount", c.context.hop_count},
                            {"suppressCallbacks", c.context.suppress_callbacks}}}};
  if (c.message != tables::ChangeMessage::kDelete) o["postImage"] = c.post_image;
  if (c.message != tables::ChangeMessage::kCreate) o["preImage"] = c.pre_image;
  return o;
}

int64_t IntParam(const QueryParams& q, std::string_view name, int64_t fallback, int64_t min, int64_t max) {
  const std::string* v = FindParam(q, name);
  if (!v) return fallback;
  int64_t n = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), n);
  if (r.ec != std::errc() || r.ptr != v->data() + v->size()) return fallback;
  return std::clamp(n, min, max);
}

// GET /management/tables/{name}/changes?after=<seq>&top=<n>: the change feed of one table, for
// people and tools asking "what did the store record?".
void Changes(tables::TableStore& ts, const std::string& table, const QueryParams& q, std::shared_ptr<Responder> r,
             IoThread& thread) {
  int64_t after = IntParam(q, "after", 0, 0, INT64_MAX);
  int limit = static_cast<int>(IntParam(q, "top", 100, 1, 1000));
  ts.store().Read([r, &thread, table, after, limit](store::ReadView& view) {
    auto changes = std::make_shared<Result<std::vector<tables::Change>>>(tables::ReadChanges(view, after, limit, table));
    thread.Post([r, changes, table, limit] {
      if (!changes->has_value()) return r->Send(DefinitionError(changes->error()));
      bj::array value;
      for (const auto& c : changes->value()) value.push_back(ChangeJson(c));
      bj::object page{{"value", std::move(value)}};
      if (static_cast<int>(changes->value().size()) == limit) {
        page["nextLink"] = "/management/tables/" + table + "/changes?top=" + std::to_string(limit) +
                           "&after=" + std::to_string(changes->value().back().seq);
      }
      r->Send(HttpResponse::Json(200, json::Serialize(page)));
    });
  });
}

}  // namespace

void TableApi::HandleDefinitions(HttpRequest&& req, const std::vector<std::string_view>& segs,
                                 std::shared_ptr<Responder> r, IoThread& thread) {
  if (!HasBearerToken(req, cx_.token)) {
    HttpResponse a = HttpResponse::Error(401, "Unauthorized", "the management API needs 'Authorization: Bearer <token>'; "
                                                              "the token is in the data directory's admin-token file");
    a.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r->Send(std::move(a));
  }
  auto catalog = cx_.tables.catalog();
  if (segs.size() == 2) {
    if (req.method != "GET") return r->Send(HttpResponse::Error(405, "MethodNotAllowed", "use GET /management/tables"));
    bj::array value;
    for (const auto* e : catalog->All()) value.push_back(Summary(*e));
    return r->Send(HttpResponse::Json(200, json::Serialize(bj::object{{"value", std::move(value)}})));
  }
  bool changes = segs.size() == 4 && segs[3] == "changes";
  if (segs.size() != 3 && !changes) {
    return r->Send(HttpResponse::Error(404, "NotFound", "no management endpoint at " + req.path));
  }
  auto name = DecodeSegment(segs[2]);
  if (!name) return r->Send(HttpResponse::Error(400, "InvalidPath", name.error().message));
  if (changes) {
    if (req.method != "GET") return r->Send(HttpResponse::Error(405, "MethodNotAllowed", "use GET"));
    if (!catalog->Find(name.value())) {
      return r->Send(HttpResponse::Error(404, tables::errc::kTableNotFound, "no table named '" + name.value() + "'"));
    }
    auto query = ParseQuery(req.query);
    if (!query) return r->Send(HttpResponse::Error(400, "InvalidQuery", query.error().message));
    return Changes(cx_.tables, name.value(), query.value(), std::move(r), thread);
  }
  if (req.method == "GET") {
    const tables::CatalogEntry* e = catalog->Find(name.value());
    if (!e) return r->Send(HttpResponse::Error(404, tables::errc::kTableNotFound, "no table named '" + name.value() + "'"));
    bj::object o = Summary(*e);
    o["definition"] = e->schema->ToDocument();
    return r->Send(HttpResponse::Json(200, json::Serialize(o)));
  }
  if (req.method != "PUT") {
    return r->Send(HttpResponse::Error(405, "MethodNotAllowed", "use GET or PUT /management/tables/{logicalname} "
                                                                "(tables cannot be deleted through the API)"));
  }
  if (!tables::IsLogicalName(name.value())) {
    return r->Send(HttpResponse::Error(400, tables::errc::kInvalidDefinition,
                                       "'" + name.value() + "' is not a logical name: lower case letters, digits and "
                                       "'_', starting with a letter"));
  }
  const std::string* content_type = req.Header("Content-Type");
  auto doc = ParseDefinition(req.body, content_type ? *content_type : "");
  if (!doc) return r->Send(DefinitionError(doc.error()));
  std::vector<tables::TableDefinitionInput> inputs;
  inputs.push_back({name.value(), std::move(doc).value(), ""});
  cx_.tables.Define(std::move(inputs), [r, &thread](Result<std::vector<tables::DefinedTable>> result) {
    auto shared = std::make_shared<Result<std::vector<tables::DefinedTable>>>(std::move(result));
    thread.Post([r, shared] {
      if (!shared->has_value()) return r->Send(DefinitionError(shared->error()));
      const tables::DefinedTable& t = shared->value().front();
      bj::object o = Summary(t.entry);
      o["definition"] = t.entry.schema->ToDocument();
      r->Send(HttpResponse::Json(t.created ? 201 : 200, json::Serialize(o)));
    });
  });
}

Status TableApi::DeployDirectory(const std::string& dir) {
  if (dir.empty()) return Ok();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error("TablesDirectoryNotFound", "the tables directory '" + dir + "' does not exist");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".json" || ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<tables::TableDefinitionInput> inputs;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return Error("CannotRead", "cannot read '" + path.string() + "'");
    auto doc = ParseDefinition(text.str(), path.extension() == ".json" ? "application/json" : "application/yaml");
    if (!doc) return Error(doc.error().code, path.string() + ": " + doc.error().message);
    bool named = doc.value().is_object() && doc.value().get_object().contains("logicalName");
    inputs.push_back({named ? "" : path.stem().string(), std::move(doc).value(), path.string()});
  }
  if (inputs.empty()) return Ok();
  RUNNEL_TRY(defined, cx_.tables.DefineAndWait(std::move(inputs)));
  for (const auto& t : defined) {
    if (!t.changed) continue;
    std::fprintf(stderr, "runnel: %s table %s (version %lld) from %s\n", t.created ? "created" : "updated",
                 t.entry.schema->logical_name().c_str(), static_cast<long long>(t.entry.version), dir.c_str());
  }
  return Ok();
}

}  // namespace runnel::server

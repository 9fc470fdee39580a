// The table Web API: routing, and the reading requests (collections, change tracking, counts,
// single rows and properties). The writing requests are in table_api_write.cpp, the
// definitions in table_definitions_api.cpp.
#include "server/table_api.h"

#include <boost/json.hpp>

#include <charconv>

#include "json/serialize.h"
#include "server/io_thread.h"
#include "server/table_api_response.h"
#include "server/table_api_target.h"
#include "server/url_query.h"
#include "tables/errors.h"
#include "tables/odata_errors.h"
#include "tables/row_reader.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

// Sends `make()`'s answer from the connection's thread: the store's thread only runs SQL.
template <class Make>
void Answer(IoThread& thread, const std::shared_ptr<Responder>& r, Make make) {
  thread.Post([r, make = std::move(make)]() mutable { r->Send(make()); });
}

bool IsSupportedVersion(std::string_view v) {
  return v == "v9.0" || v == "v9.1" || v == "v9.2" || v == "v9.1.0" || v == "v9.2.0";
}

// The query pairs without `$deltatoken`, and its value.
QueryParams SplitDeltaToken(const QueryParams& query, std::optional<std::string>& token) {
  QueryParams rest;
  for (const auto& [k, v] : query) {
    if (k == "$deltatoken") token = v;
    else rest.emplace_back(k, v);
  }
  return rest;
}

Result<tables::QueryOptions> Options(const tables::TableStore& ts, const QueryParams& query) {
  return tables::ParseQueryOptions(query, ts.options().query);
}

std::string EntitySetList(const tables::Catalog& catalog) {
  std::string list;
  size_t n = 0;
  for (const auto* e : catalog.All()) {
    if (n++ == 20) {
      list += ", ...";
      break;
    }
    list += (list.empty() ? "" : ", ") + e->schema->entity_set_name();
  }
  return list.empty() ? "none are defined yet; PUT /management/tables/{logicalname} defines one" : list;
}

}  // namespace

void TableApi::HandleData(HttpRequest&& req, const std::vector<std::string_view>& segs,
                          std::shared_ptr<Responder> r, IoThread& thread) {
  if (!HasBearerToken(req, cx_.token)) {
    HttpResponse a = TableError(401, "", "Unauthorized", "the table API needs 'Authorization: Bearer <token>' with the "
                                                         "management token (the data directory's admin-token file)");
    a.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r->Send(std::move(a));
  }
  if (segs.size() == 2 && IsSupportedVersion(segs[0]) && (segs[1] == "$batch" || segs[1] == "%24batch")) {
    if (req.method != "POST") return r->Send(TableError(Error("MethodNotAllowed", "use POST on /$batch")));
    return RunBatch(std::move(req), std::string(segs[0]), std::move(r), thread);
  }
  Dispatch(std::move(req), segs, std::move(r), thread);
}

void TableApi::Dispatch(HttpRequest&& req, const std::vector<std::string_view>& segs, std::shared_ptr<Responder> r,
                        IoThread& thread) {
  auto routed = Route(req, segs);
  if (!routed) return r->Send(TableError(routed.error()));
  const TableTarget& target = *routed.value().target;
  switch (routed.value().op) {
    case Operation::kServiceRoot: {
      bj::array sets;
      for (const auto* e : target.catalog->All()) {
        const std::string& name = e->schema->entity_set_name();
        sets.push_back(bj::object{{"name", name}, {"kind", "EntitySet"}, {"url", name}});
      }
      return r->Send(ODataJson(200, bj::object{{"@odata.context", target.base + "$metadata"}, {"value", std::move(sets)}}));
    }
    case Operation::kCollection: return Collection(std::move(req), target, std::move(r), thread);
    case Operation::kCount: return Count(std::move(req), target, std::move(r), thread);
    case Operation::kGetRow: return GetRow(std::move(req), target, std::move(r), thread);
    case Operation::kProperty:
      if (req.method == "GET") return GetProperty(std::move(req), target, std::move(r), thread);
      break;
    case Operation::kCreate:
    case Operation::kUpsert:
    case Operation::kDeleteRow:
      break;
  }
  auto change = PrepareChange(req, routed.value());
  if (!change) return r->Send(TableError(change.error()));
  RunChange(std::move(change).value(), std::move(r), thread);
}

Result<TableApi::Routed> TableApi::Route(const HttpRequest& req, const std::vector<std::string_view>& segs) const {
  if (segs.empty() || !IsSupportedVersion(segs[0])) return Error("NotFound", "the table API is at /api/data/v9.2/");
  Routed routed;
  routed.target = std::make_shared<TableTarget>();
  TableTarget& target = *routed.target;
  const std::string* host = req.Header("Host");
  target.base = "http://" + (host ? *host : cx_.default_host) + "/api/data/" + std::string(segs[0]) + "/";
  target.catalog = cx_.tables.catalog();
  auto query = ParseQuery(req.query);
  if (!query) return Error("InvalidQuery", query.error().message);
  target.query = std::move(query).value();
  if (segs.size() == 1) {
    if (req.method != "GET") return Error("MethodNotAllowed", "use GET on the service root");
    routed.op = Operation::kServiceRoot;
    return routed;
  }
  auto first = DecodeSegment(segs[1]);
  if (!first) return Error("InvalidPath", first.error().message);
  const std::string& resource = first.value();
  if (resource == "$metadata") {
    return Error("NotImplemented", "the CSDL document ($metadata) is not available; GET /management/tables/{logicalname} "
                                   "describes a table's columns");
  }
  size_t open = resource.find('(');
  std::string set = resource.substr(0, open);
  target.segment = std::string(segs[1]);
  target.table = target.catalog->ByEntitySet(set);
  if (!target.table) {
    return Error(tables::errc::kTableNotFound,
                 "Resource not found for the segment '" + set + "' (entity sets: " + EntitySetList(*target.catalog) + ")");
  }
  if (open != std::string::npos) {
    if (resource.back() != ')') {
      return Error(tables::errc::kInvalidKey, "the key segment '" + resource + "' must end with ')'");
    }
    RUNNEL_TRY(key, tables::ParseRowKey(*target.table, std::string_view(resource).substr(open + 1, resource.size() - open - 2)));
    target.key = std::move(key);
  }
  if (segs.size() == 3) {
    auto extra = DecodeSegment(segs[2]);
    if (!extra) return Error("InvalidPath", extra.error().message);
    if (!target.key && extra.value() == "$count") target.count = true;
    else if (target.key) target.property = extra.value();
    else return Error("NotFound", "Resource not found for the segment '" + extra.value() + "'");
  } else if (segs.size() > 3) {
    return Error("NotFound", "no resource at " + req.path + " (navigation properties and $ref are not supported)");
  }
  const std::string& m = req.method;
  if (target.count) {
    if (m != "GET") return Error("MethodNotAllowed", "use GET on /$count");
    routed.op = Operation::kCount;
  } else if (!target.property.empty()) {
    routed.op = Operation::kProperty;
  } else if (!target.key) {
    if (m == "GET") routed.op = Operation::kCollection;
    else if (m == "POST") routed.op = Operation::kCreate;
    else return Error("MethodNotAllowed", m + " is not allowed on a collection; use GET or POST (PATCH and DELETE take a "
                                              "row: " + set + "(<id>))");
  } else if (m == "GET") {
    routed.op = Operation::kGetRow;
  } else if (m == "PATCH") {
    routed.op = Operation::kUpsert;
  } else if (m == "DELETE") {
    routed.op = Operation::kDeleteRow;
  } else {
    return Error("MethodNotAllowed", m + " is not allowed on a row; use GET, PATCH or DELETE");
  }
  return routed;
}

void TableApi::Collection(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread) {
  auto prefs = ReadPreferences(req);
  if (!prefs) return r->Send(TableError(prefs.error()));
  std::optional<std::string> delta;
  QueryParams rest = SplitDeltaToken(target.query, delta);
  if (delta) {
    int64_t token = -1;
    auto res = std::from_chars(delta->data(), delta->data() + delta->size(), token);
    if (res.ec != std::errc() || res.ptr != delta->data() + delta->size()) {
      return r->Send(TableError(Error(tables::errc::kInvalidDeltaToken, "the $deltatoken '" + *delta +
                                                                            "' was not issued by this server")));
    }
    return Delta(std::move(req), target, token, std::move(r), thread);
  }
  auto parsed = Options(cx_.tables, rest);
  if (!parsed) return r->Send(TableError(parsed.error()));
  auto options = std::make_shared<const tables::QueryOptions>(std::move(parsed).value());
  if (prefs.value().track_changes && (options->filter || !options->orderby.empty() || options->top)) {
    return r->Send(TableError(Error(tables::errc::kChangeTrackingOption,
                                    "$filter, $orderby and $top cannot be combined with change tracking (Prefer: "
                                    "odata.track-changes); select columns with $select and filter the changes yourself")));
  }
  auto select = tables::ResolveSelect(*target.table, options->select);
  if (!select) return r->Send(TableError(select.error()));
  const auto& o = cx_.tables.options();
  tables::RowQuery q;
  q.catalog = target.catalog;
  q.table = target.table;
  q.options = options;
  q.page_size = std::min(prefs.value().max_page_size.value_or(o.max_page_size), o.max_page_size);
  q.paged = prefs.value().max_page_size.has_value() || !options->top;  // with both, $top is ignored (as Dataverse does)
  q.count_limit = o.max_count;
  q.track_changes = prefs.value().track_changes;
  auto shared_target = std::make_shared<TableTarget>(target);
  auto columns = std::make_shared<std::vector<int>>(std::move(select).value());
  std::string raw_query = req.query;
  std::optional<int64_t> page_pref = prefs.value().max_page_size;
  cx_.tables.store().Read([q, r, &thread, shared_target, columns, raw_query, page_pref](store::ReadView& view) {
    auto page = std::make_shared<Result<tables::RowPage>>(tables::QueryRows(view, q));
    Answer(thread, r, [page, q, shared_target, columns, raw_query, page_pref]() {
      if (!page->has_value()) return TableError(page->error());
      tables::RowPage& p = page->value();
      const TableTarget& t = *shared_target;
      bj::object body;
      body.emplace("@odata.context", ContextUrl(t, columns.get(), ""));
      if (p.count) body.emplace("@odata.count", *p.count);
      bj::array value;
      value.reserve(p.rows.size());
      for (const auto& row : p.rows) value.push_back(RowAnswer(*t.table, row, *columns));
      body.emplace("value", std::move(value));
      std::string link = t.base + t.table->entity_set_name() + "?";
      if (!p.next_skiptoken.empty()) {
        std::string kept = QueryWithout(raw_query, {"$skiptoken"});
        body.emplace("@odata.nextLink", link + kept + (kept.empty() ? "" : "&") + "$skiptoken=" + p.next_skiptoken);
      } else if (q.track_changes) {
        std::string kept = QueryWithout(raw_query, {"$skiptoken", "$deltatoken"});
        body.emplace("@odata.deltaLink", link + kept + (kept.empty() ? "" : "&") + "$deltatoken=" + std::to_string(p.delta_token));
      }
      HttpResponse resp = ODataJson(200, body);
      std::string applied;
      if (page_pref) applied = "odata.maxpagesize=" + std::to_string(q.page_size);
      if (q.track_changes) applied += (applied.empty() ? "" : ",") + std::string("odata.track-changes");
      if (!applied.empty()) resp.headers.emplace_back("Preference-Applied", applied);
      return resp;
    });
  });
}

void TableApi::Delta(HttpRequest&& req, const TableTarget& target, int64_t token, std::shared_ptr<Responder> r,
                     IoThread& thread) {
  std::optional<std::string> ignored;
  auto parsed = Options(cx_.tables, SplitDeltaToken(target.query, ignored));
  if (!parsed) return r->Send(TableError(parsed.error()));
  const tables::QueryOptions& o = parsed.value();
  if (o.filter || !o.orderby.empty() || o.top || o.count || !o.skiptoken.empty()) {
    return r->Send(TableError(Error(tables::errc::kChangeTrackingOption,
                                    "a $deltatoken request takes only $select; use the @odata.deltaLink unchanged")));
  }
  auto select = tables::ResolveSelect(*target.table, o.select);
  if (!select) return r->Send(TableError(select.error()));
  auto shared_target = std::make_shared<TableTarget>(target);
  auto columns = std::make_shared<std::vector<int>>(std::move(select).value());
  int max_changes = cx_.tables.options().max_delta_changes;
  std::string raw_query = req.query;
  cx_.tables.store().Read([r, &thread, shared_target, columns, token, max_changes, raw_query](store::ReadView& view) {
    auto page = std::make_shared<Result<tables::DeltaPage>>(tables::ReadDelta(view, *shared_target->table, token, max_changes));
    Answer(thread, r, [page, shared_target, columns, raw_query]() {
      if (!page->has_value()) return TableError(page->error());
      const tables::DeltaPage& p = page->value();
      const TableTarget& t = *shared_target;
      bj::array value;
      for (const auto& row : p.rows) value.push_back(RowAnswer(*t.table, row, *columns));
      for (const auto& id : p.deleted_ids) {
        value.push_back(bj::object{{"@odata.context", t.base + "$metadata#" + t.table->entity_set_name() + "/$deletedEntity"},
                                   {"id", id},
                                   {"reason", "deleted"}});
      }
      std::string kept = QueryWithout(raw_query, {"$deltatoken", "$skiptoken"});
      std::string link = t.base + t.table->entity_set_name() + "?" + kept + (kept.empty() ? "" : "&") + "$deltatoken=" +
                         std::to_string(p.next_token);
      bj::object body{{"@odata.context", ContextUrl(t, columns.get(), "/$delta")}, {"value", std::move(value)}};
      body.emplace(p.more ? "@odata.nextLink" : "@odata.deltaLink", link);
      HttpResponse resp = ODataJson(200, body);
      resp.headers.emplace_back("Preference-Applied", "odata.track-changes");
      return resp;
    });
  });
}

void TableApi::Count(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread) {
  std::optional<std::string> delta;
  QueryParams rest = SplitDeltaToken(target.query, delta);
  auto parsed = Options(cx_.tables, rest);
  if (!parsed) return r->Send(TableError(parsed.error()));
  auto options = std::make_shared<tables::QueryOptions>(std::move(parsed).value());
  if (!options->orderby.empty() || options->top || !options->skiptoken.empty() || !options->select.empty() ||
      (delta && options->filter)) {
    return r->Send(TableError(Error(tables::errc::kUnsupportedQueryOption,
                                    "/$count takes only $filter (or a $deltatoken, to count changes)")));
  }
  int64_t token = -1;
  if (delta) {
    auto res = std::from_chars(delta->data(), delta->data() + delta->size(), token);
    if (res.ec != std::errc() || res.ptr != delta->data() + delta->size()) {
      return r->Send(TableError(Error(tables::errc::kInvalidDeltaToken, "the $deltatoken '" + *delta +
                                                                            "' was not issued by this server")));
    }
  }
  auto shared_target = std::make_shared<TableTarget>(target);
  int64_t limit = cx_.tables.options().max_count;
  int max_changes = cx_.tables.options().max_delta_changes;
  cx_.tables.store().Read([r, &thread, shared_target, options, limit, delta, token, max_changes](store::ReadView& view) {
    Result<int64_t> n = int64_t{0};
    if (delta) {
      auto page = tables::ReadDelta(view, *shared_target->table, token, max_changes);
      n = page ? Result<int64_t>(static_cast<int64_t>(page.value().rows.size() + page.value().deleted_ids.size()))
               : Result<int64_t>(page.error());
    } else {
      n = tables::CountRows(view, *shared_target->catalog, shared_target->table,
                            options->filter ? &*options->filter : nullptr, limit);
    }
    Answer(thread, r, [n]() {
      if (!n) return TableError(n.error());
      HttpResponse resp = ODataEmpty(200);
      resp.content_type = "text/plain";
      resp.body = std::to_string(n.value());
      return resp;
    });
  });
}

void TableApi::GetRow(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread) {
  auto parsed = Options(cx_.tables, target.query);
  if (!parsed) return r->Send(TableError(parsed.error()));
  if (auto st = OnlySelect(parsed.value(), "a single row"); !st) return r->Send(TableError(st.error()));
  auto select = tables::ResolveSelect(*target.table, parsed.value().select);
  if (!select) return r->Send(TableError(select.error()));
  auto cached = ReadPrecondition(req, "If-None-Match");
  if (!cached) return r->Send(TableError(cached.error()));
  auto shared_target = std::make_shared<TableTarget>(target);
  auto columns = std::make_shared<std::vector<int>>(std::move(select).value());
  std::optional<int64_t> known = cached.value().version;
  cx_.tables.store().Read([r, &thread, shared_target, columns, known](store::ReadView& view) {
    auto row = std::make_shared<Result<std::optional<tables::StoredRow>>>(
        tables::FindRow(view.sql(), *shared_target->table, *shared_target->key));
    Answer(thread, r, [row, shared_target, columns, known]() {
      if (!row->has_value()) return TableError(row->error());
      const TableTarget& t = *shared_target;
      if (!row->value()) {
        return TableError(Error(tables::errc::kRowNotFound,
                                t.key->by_id() ? t.table->logical_name() + " With Id = " + t.key->id + " Does Not Exist"
                                               : "a record with the specified key values does not exist in " +
                                                     t.table->logical_name() + " entity (" + t.key->Describe(*t.table) + ")"));
      }
      int64_t version = tables::RowVersion(*t.table, *row->value());
      if (known && *known == version) {
        HttpResponse not_modified = ODataEmpty(304);
        not_modified.headers.emplace_back("ETag", tables::ETag(version));
        return not_modified;
      }
      HttpResponse resp = ODataJson(200, EntityAnswer(t, *row->value(), *columns));
      resp.headers.emplace_back("ETag", tables::ETag(version));
      return resp;
    });
  });
}

}  // namespace runnel::server

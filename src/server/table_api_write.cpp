// The table Web API's writing requests: POST (create), PATCH (update or upsert), DELETE, and
// single properties (GET, PUT, DELETE on entityset(<key>)/<column>). Each write is prepared
// (checked into a tables::RowChange and its answer) before it runs, alone (RunChange) or in a
// $batch changeset (table_batch.cpp).
#include <boost/json.hpp>

#include "json/lookup.h"
#include "json/parse.h"
#include "server/io_thread.h"
#include "server/table_api.h"
#include "server/table_api_response.h"
#include "server/table_api_target.h"
#include "tables/column_values.h"
#include "tables/errors.h"
#include "tables/odata_errors.h"
#include "tables/row_body.h"
#include "tables/row_reader.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

constexpr char kSuppressHeader[] = "MSCRM.SuppressCallbackRegistrationExpanderJob";

// A Web API client has no run behind it; it may only ask that its write trigger no flow.
tables::CausalContext ClientContext(const HttpRequest& req) {
  tables::CausalContext cx;
  const std::string* suppress = req.Header(kSuppressHeader);
  cx.suppress_callbacks = suppress && json::EqualsIgnoreCase(*suppress, "true");
  return cx;
}

Result<bj::value> ParseBody(const HttpRequest& req) {
  if (req.body.empty()) {
    return Error(tables::errc::kInvalidBody, "the request needs a JSON body (Content-Type: application/json)");
  }
  auto v = json::Parse(req.body);
  if (!v) return Error(tables::errc::kInvalidBody, "the body is not valid JSON: " + v.error().ToString());
  return v;
}

// What a write answers: 204 with OData-EntityId, or the row (201 created, 200 updated) with
// Prefer: return=representation.
HttpResponse WriteAnswer(const TableTarget& t, const tables::RowWriteResult& w, bool representation,
                         const std::vector<int>& select) {
  const std::string& id = tables::RowId(w.row);
  HttpResponse resp;
  if (representation) {
    resp = ODataJson(w.created ? 201 : 200, EntityAnswer(t, w.row, select));
    resp.headers.emplace_back("Preference-Applied", "return=representation");
  } else {
    resp = ODataEmpty(204);
    resp.headers.emplace_back("OData-EntityId", EntityUrl(t, id));
  }
  resp.headers.emplace_back("ETag", tables::ETag(w.version));
  return resp;
}

struct WriteInput {
  tables::RowWrite write;
  bool representation = false;
  std::vector<int> select;
};

// Checks a write request's query ($select only) and Prefer header.
Result<WriteInput> PrepareWrite(const tables::TableStore& ts, const HttpRequest& req, const TableTarget& t) {
  WriteInput in;
  RUNNEL_TRY(options, tables::ParseQueryOptions(t.query, ts.options().query));
  RUNNEL_TRY_STATUS(OnlySelect(options, "a write"));
  RUNNEL_TRY(select, tables::ResolveSelect(*t.table, options.select));
  RUNNEL_TRY(prefs, ReadPreferences(req));
  in.select = std::move(select);
  in.representation = prefs.return_representation;
  in.write.table = t.table;
  in.write.key = t.key;
  in.write.new_id = tables::NewGuid();
  in.write.now_micros = ts.clock().NowMicros();
  in.write.context = ClientContext(req);
  return in;
}

// "<set>(<key>)" of the row a request addresses: by its id when the URL gives it, else the
// key segment as sent.
std::string EntityOf(const TableTarget& t) {
  if (t.key && t.key->by_id()) return t.table->entity_set_name() + "(" + t.key->id + ")";
  return t.segment;
}

// The answer of a row write, as WriteAnswer gives it.
std::function<HttpResponse(const tables::RowChangeResult&)> RowAnswerFn(const TableTarget& target, WriteInput& in) {
  auto shared_target = std::make_shared<TableTarget>(target);
  auto select = std::make_shared<std::vector<int>>(std::move(in.select));
  bool representation = in.representation;
  return [shared_target, select, representation](const tables::RowChangeResult& r) {
    return WriteAnswer(*shared_target, std::get<tables::RowWriteResult>(r), representation, *select);
  };
}

}  // namespace

Result<TableApi::PreparedChange> TableApi::PrepareChange(const HttpRequest& req, const Routed& routed) const {
  const TableTarget& target = *routed.target;
  switch (routed.op) {
    case Operation::kCreate: return PrepareCreate(req, target);
    case Operation::kUpsert: return PrepareUpsert(req, target);
    case Operation::kDeleteRow: return PrepareDelete(req, target);
    case Operation::kProperty:
      if (req.method != "GET") return PreparePropertyWrite(req, target);
      break;
    case Operation::kServiceRoot:
    case Operation::kCollection:
    case Operation::kCount:
    case Operation::kGetRow:
      break;
  }
  return Error("MethodNotAllowed", req.method + " " + req.path + " reads and does not write; only writes (POST, PATCH, "
                                                                  "PUT, DELETE) belong in a changeset");
}

Result<TableApi::PreparedChange> TableApi::PrepareCreate(const HttpRequest& req, const TableTarget& target) const {
  RUNNEL_TRY(in, PrepareWrite(cx_.tables, req, target));
  RUNNEL_TRY(body, ParseBody(req));
  RUNNEL_TRY(values, tables::ParseRowBody(*target.catalog, *target.table, body));
  in.write.mode = tables::WriteMode::kCreate;
  in.write.values = std::move(values);
  const store::SqlValue* body_id = in.write.values.Find(0);
  std::string id = body_id ? std::get<std::string>(*body_id) : in.write.new_id;
  auto answer = RowAnswerFn(target, in);
  return PreparedChange{std::move(in.write), target.table->entity_set_name() + "(" + id + ")", std::move(answer)};
}

Result<TableApi::PreparedChange> TableApi::PrepareUpsert(const HttpRequest& req, const TableTarget& target) const {
  RUNNEL_TRY(in, PrepareWrite(cx_.tables, req, target));
  RUNNEL_TRY(if_match, ReadPrecondition(req, "If-Match"));
  RUNNEL_TRY(if_none, ReadPrecondition(req, "If-None-Match"));
  if (if_none.present && (!if_none.any || if_match.present)) {
    return Error(tables::errc::kInvalidQuery, "on PATCH, If-None-Match takes only * (create, never update) and cannot be "
                                              "combined with If-Match");
  }
  RUNNEL_TRY(body, ParseBody(req));
  RUNNEL_TRY(values, tables::ParseRowBody(*target.catalog, *target.table, body));
  tables::RowWrite& w = in.write;
  w.mode = if_none.any ? tables::WriteMode::kCreateOnly
           : if_match.present ? tables::WriteMode::kUpdate
                              : tables::WriteMode::kUpsert;
  w.if_version = if_match.version;
  w.values = std::move(values);
  auto answer = RowAnswerFn(target, in);
  return PreparedChange{std::move(in.write), EntityOf(target), std::move(answer)};
}

Result<TableApi::PreparedChange> TableApi::PrepareDelete(const HttpRequest& req, const TableTarget& target) const {
  for (const auto& [k, v] : target.query) {
    if (!k.empty() && k[0] == '$') return Error(tables::errc::kUnsupportedQueryOption, "DELETE takes no query options");
  }
  RUNNEL_TRY(if_match, ReadPrecondition(req, "If-Match"));
  tables::RowDelete d;
  d.table = target.table;
  d.key = *target.key;
  d.if_version = if_match.version;
  d.now_micros = cx_.tables.clock().NowMicros();
  d.context = ClientContext(req);
  return PreparedChange{std::move(d), EntityOf(target),
                        [](const tables::RowChangeResult&) { return ODataEmpty(204); }};
}

namespace {

// The column a property URL names (entityset(<key>)/<column>).
Result<int> PropertyColumn(const TableTarget& target) {
  int index = target.table->ODataColumnIndex(target.property);
  if (index < 0) {
    return Error(tables::errc::kColumnNotFound, "Resource not found for the segment '" + target.property +
                                                    "': table '" + target.table->logical_name() + "' has no such column");
  }
  return index;
}

}  // namespace

Result<TableApi::PreparedChange> TableApi::PreparePropertyWrite(const HttpRequest& req,
                                                                const TableTarget& target) const {
  const tables::TableSchema& t = *target.table;
  RUNNEL_TRY(index, PropertyColumn(target));
  const tables::ColumnDef& c = t.columns()[static_cast<size_t>(index)];
  if (req.method != "PUT" && req.method != "DELETE") {
    return Error("MethodNotAllowed", "a property takes GET, PUT ({\"value\": ...}) or DELETE");
  }
  if (c.type == tables::ColumnType::kLookup) {
    return Error(tables::errc::kInvalidBody, "set or clear lookup column '" + c.name + "' with PATCH and \"" + c.name +
                                                 "@odata.bind\"");
  }
  bj::value value;  // DELETE clears the column
  if (req.method == "PUT") {
    RUNNEL_TRY(body, ParseBody(req));
    const bj::value* v = body.is_object() ? body.get_object().if_contains("value") : nullptr;
    if (!v || body.get_object().size() != 1) {
      return Error(tables::errc::kInvalidBody, "PUT on a property takes {\"value\": <new value>}");
    }
    value = *v;
  }
  RUNNEL_TRY(values, tables::ParseRowBody(*target.catalog, t, bj::object{{c.name, value}}));
  RUNNEL_TRY(in, PrepareWrite(cx_.tables, req, target));
  RUNNEL_TRY(if_match, ReadPrecondition(req, "If-Match"));
  in.write.mode = tables::WriteMode::kUpdate;
  in.write.if_version = if_match.version;
  in.write.values = std::move(values);
  return PreparedChange{std::move(in.write), EntityOf(target), [](const tables::RowChangeResult& r) {
                          HttpResponse resp = ODataEmpty(204);
                          resp.headers.emplace_back("ETag", tables::ETag(std::get<tables::RowWriteResult>(r).version));
                          return resp;
                        }};
}

void TableApi::RunChange(PreparedChange change, std::shared_ptr<Responder> r, IoThread& thread) {
  auto answer = std::make_shared<std::function<HttpResponse(const tables::RowChangeResult&)>>(std::move(change.answer));
  // Completions come on the store's thread; the answer is built and sent on the connection's.
  auto reply = [r, &thread, answer](auto result) {
    auto shared = std::make_shared<decltype(result)>(std::move(result));
    thread.Post([r, answer, shared] {
      if (!shared->has_value()) return r->Send(TableError(shared->error()));
      r->Send((*answer)(tables::RowChangeResult(std::move(shared->value()))));
    });
  };
  if (auto* w = std::get_if<tables::RowWrite>(&change.change)) {
    cx_.tables.Write(std::move(*w), [reply](Result<tables::RowWriteResult> result) { reply(std::move(result)); });
  } else {
    cx_.tables.Delete(std::move(std::get<tables::RowDelete>(change.change)),
                      [reply](Result<tables::RowDeleteResult> result) { reply(std::move(result)); });
  }
}

void TableApi::GetProperty(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r,
                           IoThread& thread) {
  auto index = PropertyColumn(target);
  if (!index) return r->Send(TableError(index.error()));
  auto shared_target = std::make_shared<TableTarget>(target);
  cx_.tables.store().Read([r, &thread, shared_target, index = index.value()](store::ReadView& view) {
    auto row = std::make_shared<Result<std::optional<tables::StoredRow>>>(
        tables::FindRow(view.sql(), *shared_target->table, *shared_target->key));
    thread.Post([r, row, shared_target, index] {
      const TableTarget& tt = *shared_target;
      if (!row->has_value()) return r->Send(TableError(row->error()));
      if (!row->value()) {
        return r->Send(TableError(Error(tables::errc::kRowNotFound, tt.table->logical_name() + " With " +
                                                                        tt.key->Describe(*tt.table) + " Does Not Exist")));
      }
      const auto& col = tt.table->columns()[static_cast<size_t>(index)];
      bj::value v = tables::ValueToJson(col, (*row->value())[static_cast<size_t>(index)]);
      if (v.is_null()) return r->Send(ODataEmpty(204));
      std::string context = tt.base + "$metadata#" + tt.table->entity_set_name() + "(" +
                            tables::RowId(*row->value()) + ")/" + col.odata_name;
      r->Send(ODataJson(200, bj::object{{"@odata.context", context}, {"value", std::move(v)}}));
    });
  });
}

}  // namespace runnel::server

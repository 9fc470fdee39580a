// The table Web API's writing requests: POST (create), PATCH (update or upsert), DELETE, and
// single properties (GET, PUT, DELETE on entityset(<key>)/<column>).
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

void RunWrite(tables::TableStore& ts, WriteInput in, const TableTarget& target, std::shared_ptr<Responder> r,
              IoThread& thread) {
  auto shared_target = std::make_shared<TableTarget>(target);
  auto select = std::make_shared<std::vector<int>>(std::move(in.select));
  bool representation = in.representation;
  ts.Write(std::move(in.write), [r, &thread, shared_target, select, representation](Result<tables::RowWriteResult> w) {
    auto result = std::make_shared<Result<tables::RowWriteResult>>(std::move(w));
    thread.Post([r, result, shared_target, select, representation] {
      if (!result->has_value()) return r->Send(TableError(result->error()));
      r->Send(WriteAnswer(*shared_target, result->value(), representation, *select));
    });
  });
}

}  // namespace

void TableApi::Create(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread) {
  auto in = PrepareWrite(cx_.tables, req, target);
  if (!in) return r->Send(TableError(in.error()));
  auto body = ParseBody(req);
  if (!body) return r->Send(TableError(body.error()));
  auto values = tables::ParseRowBody(*target.catalog, *target.table, body.value());
  if (!values) return r->Send(TableError(values.error()));
  in.value().write.mode = tables::WriteMode::kCreate;
  in.value().write.values = std::move(values).value();
  RunWrite(cx_.tables, std::move(in).value(), target, std::move(r), thread);
}

void TableApi::Upsert(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread) {
  auto in = PrepareWrite(cx_.tables, req, target);
  if (!in) return r->Send(TableError(in.error()));
  auto if_match = ReadPrecondition(req, "If-Match");
  if (!if_match) return r->Send(TableError(if_match.error()));
  auto if_none = ReadPrecondition(req, "If-None-Match");
  if (!if_none) return r->Send(TableError(if_none.error()));
  if (if_none.value().present && (!if_none.value().any || if_match.value().present)) {
    return r->Send(TableError(Error(tables::errc::kInvalidQuery,
                                    "on PATCH, If-None-Match takes only * (create, never update) and cannot be "
                                    "combined with If-Match")));
  }
  auto body = ParseBody(req);
  if (!body) return r->Send(TableError(body.error()));
  auto values = tables::ParseRowBody(*target.catalog, *target.table, body.value());
  if (!values) return r->Send(TableError(values.error()));
  tables::RowWrite& w = in.value().write;
  w.mode = if_none.value().any ? tables::WriteMode::kCreateOnly
           : if_match.value().present ? tables::WriteMode::kUpdate
                                      : tables::WriteMode::kUpsert;
  w.if_version = if_match.value().version;
  w.values = std::move(values).value();
  RunWrite(cx_.tables, std::move(in).value(), target, std::move(r), thread);
}

void TableApi::DeleteRow(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread) {
  for (const auto& [k, v] : target.query) {
    if (!k.empty() && k[0] == '$') {
      return r->Send(TableError(Error(tables::errc::kUnsupportedQueryOption, "DELETE takes no query options")));
    }
  }
  auto if_match = ReadPrecondition(req, "If-Match");
  if (!if_match) return r->Send(TableError(if_match.error()));
  tables::RowDelete d;
  d.table = target.table;
  d.key = *target.key;
  d.if_version = if_match.value().version;
  d.now_micros = cx_.tables.clock().NowMicros();
  d.context = ClientContext(req);
  cx_.tables.Delete(std::move(d), [r, &thread](Result<tables::RowDeleteResult> result) {
    auto shared = std::make_shared<Result<tables::RowDeleteResult>>(std::move(result));
    thread.Post([r, shared] {
      if (!shared->has_value()) return r->Send(TableError(shared->error()));
      r->Send(ODataEmpty(204));
    });
  });
}

void TableApi::Property(HttpRequest&& req, const TableTarget& target, std::shared_ptr<Responder> r, IoThread& thread) {
  const tables::TableSchema& t = *target.table;
  int index = t.ODataColumnIndex(target.property);
  if (index < 0) {
    return r->Send(TableError(Error(tables::errc::kColumnNotFound, "Resource not found for the segment '" +
                                                                       target.property + "': table '" + t.logical_name() +
                                                                       "' has no such column")));
  }
  const tables::ColumnDef& c = t.columns()[static_cast<size_t>(index)];
  if (req.method == "GET") {
    auto shared_target = std::make_shared<TableTarget>(target);
    cx_.tables.store().Read([r, &thread, shared_target, index](store::ReadView& view) {
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
    return;
  }
  if (req.method != "PUT" && req.method != "DELETE") {
    return r->Send(TableError(405, "", "MethodNotAllowed", "a property takes GET, PUT ({\"value\": ...}) or DELETE"));
  }
  if (c.type == tables::ColumnType::kLookup) {
    return r->Send(TableError(Error(tables::errc::kInvalidBody, "set or clear lookup column '" + c.name +
                                                                    "' with PATCH and \"" + c.name + "@odata.bind\"")));
  }
  bj::value value;  // DELETE clears the column
  if (req.method == "PUT") {
    auto body = ParseBody(req);
    if (!body) return r->Send(TableError(body.error()));
    const bj::value* v = body.value().is_object() ? body.value().get_object().if_contains("value") : nullptr;
    if (!v || body.value().get_object().size() != 1) {
      return r->Send(TableError(Error(tables::errc::kInvalidBody, "PUT on a property takes {\"value\": <new value>}")));
    }
    value = *v;
  }
  auto values = tables::ParseRowBody(*target.catalog, t, bj::object{{c.name, value}});
  if (!values) return r->Send(TableError(values.error()));
  auto in = PrepareWrite(cx_.tables, req, target);
  if (!in) return r->Send(TableError(in.error()));
  auto if_match = ReadPrecondition(req, "If-Match");
  if (!if_match) return r->Send(TableError(if_match.error()));
  in.value().write.mode = tables::WriteMode::kUpdate;
  in.value().write.if_version = if_match.value().version;
  in.value().write.values = std::move(values).value();
  in.value().representation = false;
  auto shared_target = std::make_shared<TableTarget>(target);
  cx_.tables.Write(std::move(in.value().write), [r, &thread](Result<tables::RowWriteResult> w) {
    auto result = std::make_shared<Result<tables::RowWriteResult>>(std::move(w));
    thread.Post([r, result] {
      if (!result->has_value()) return r->Send(TableError(result->error()));
      HttpResponse resp = ODataEmpty(204);
      resp.headers.emplace_back("ETag", tables::ETag(result->value().version));
      r->Send(std::move(resp));
    });
  });
}

}  // namespace runnel::server

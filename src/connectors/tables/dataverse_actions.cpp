#include "connectors/tables/dataverse_actions.h"

#include <boost/json.hpp>


#include "engine/actions/builtin.h"
#include "json/lookup.h"
#include "tables/column_values.h"
#include "tables/errors.h"
#include "tables/row_body.h"
#include "tables/row_json.h"
#include "tables/row_reader.h"
#include "tables/row_writer.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

constexpr char kConnector[] = "shared_commondataserviceforapps";
constexpr char kSuppress[] = "MSCRM.SuppressCallbackRegistrationExpanderJob";

enum class Op { kList, kGet, kCreate, kUpsert, kUpdateOnly, kDelete };

std::optional<Op> FindOp(std::string_view id) {
  if (id == "ListRecords") return Op::kList;
  if (id == "GetItem") return Op::kGet;
  if (id == "CreateRecord") return Op::kCreate;
  if (id == "UpdateRecord") return Op::kUpsert;
  if (id == "UpdateOnlyRecord") return Op::kUpdateOnly;
  if (id == "DeleteRecord") return Op::kDelete;
  return std::nullopt;
}

std::string StringAt(const bj::value* v, std::initializer_list<std::string_view> path) {
  for (std::string_view key : path) {
    if (!v || !v->is_object()) return {};
    v = json::FindMember(v->get_object(), key);
  }
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool NamesDataverse(std::string name) {
  size_t slash = name.rfind('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  return name.starts_with(kConnector) || name.find("['" + std::string(kConnector)) != std::string::npos;
}

// The action is the Dataverse connector's when its host names the connector (apiId,
// connectionName or connection.name, possibly with a "-1" suffix).
bool IsDataverse(const bj::value* inputs) {
  return NamesDataverse(StringAt(inputs, {"host", "apiId"})) ||
         NamesDataverse(StringAt(inputs, {"host", "connectionName"})) ||
         NamesDataverse(StringAt(inputs, {"host", "connection", "name"})) ||
         NamesDataverse(StringAt(inputs, {"host", "connection", "referenceName"}));
}

int HttpStatusOf(const std::string& code) {
  namespace e = tables::errc;
  if (code == e::kRowNotFound || code == e::kTableNotFound) return 404;
  if (code == e::kVersionMismatch || code == e::kDuplicateRecord) return 412;
  return 400;
}

engine::ActionResult Failure(const Error& error) {
  int status = HttpStatusOf(error.code);
  bj::object body{{"error", bj::object{{"code", error.code}, {"message", error.message}}}};
  engine::ActionResult r = engine::ActionResult::Failed(
      error, bj::object{{"statusCode", status}, {"headers", bj::object()}, {"body", std::move(body)}});
  r.code = status == 404 ? "NotFound" : status == 412 ? "PreconditionFailed" : "BadRequest";
  return r;
}

engine::ActionResult Answer(int status, bj::value body) {
  engine::ActionResult r = engine::ActionResult::Succeeded(
      bj::object{{"statusCode", status}, {"headers", bj::object()}, {"body", std::move(body)}});
  r.code = status == 201 ? "Created" : status == 204 ? "NoContent" : "OK";
  return r;
}

Error BadParameter(std::string name, std::string message) {
  Error e("InvalidParameter", "parameter '" + name + "': " + std::move(message));
  e.where = "/inputs/parameters/" + name;
  return e;
}

// A parameter as text: strings as they are, numbers and booleans written out.
std::optional<std::string> TextParam(const bj::object& params, std::string_view key) {
  const bj::value* v = json::FindMember(params, key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  return bj::serialize(*v);
}

// The row body from `item/<column>` parameters (and an `item` object, which some hand-built
// definitions use). A lookup's reference may omit the leading '/' ("accounts(<id>)").
bj::object ItemBody(const bj::object& params) {
  bj::object body;
  if (const bj::value* item = json::FindMember(params, "item"); item && item->is_object()) body = item->get_object();
  for (const auto& kv : params) {
    std::string_view key = kv.key();
    if (!key.starts_with("item/")) continue;
    body[key.substr(5)] = kv.value();
  }
  for (auto& kv : body) {
    if (kv.key().ends_with("@odata.bind") && kv.value().is_string()) {
      std::string_view ref = kv.value().get_string();
      if (!ref.empty() && ref.front() != '/') kv.value() = "/" + std::string(ref);
    }
  }
  return body;
}

bool SuppressRequested(const bj::object& params) {
  const bj::value* v = json::FindMember(params, kSuppress);
  if (!v) v = json::FindMember(params, std::string("headers/") + kSuppress);
  if (!v) return false;
  return (v->is_bool() && v->get_bool()) || (v->is_string() && json::EqualsIgnoreCase(v->get_string(), "true"));
}

class DataverseTableHandler final : public engine::ActionHandler {
 public:
  DataverseTableHandler(tables::TableStore& tables, std::string base_url)
      : tables_(tables),
        base_url_(std::move(base_url)),
        fallback_(std::make_shared<engine::ManagedConnectorHandler>()) {}

  void Execute(std::shared_ptr<engine::ActionCall> call) override {
    const flow::Action& a = call->action();
    const bj::value* raw = a.json && a.json->is_object() ? json::FindMember(a.json->get_object(), "inputs") : nullptr;
    auto op = FindOp(StringAt(raw, {"host", "operationId"}));
    if (!op || !IsDataverse(raw)) return fallback_->Execute(std::move(call));
    auto inputs = call->EvaluateInputs();
    if (!inputs) return call->Complete(engine::ActionResult::Failed(inputs.error()));
    const bj::value* p = inputs.value().is_object() ? json::FindMember(inputs.value().get_object(), "parameters") : nullptr;
    static const bj::object kNone;
    const bj::object& params = p && p->is_object() ? p->get_object() : kNone;
    Status s = Start(*op, params, call);
    if (!s) call->Complete(Failure(s.error()));
  }

 private:
  tables::CausalContext Context(engine::ActionCall& call, const bj::object& params) {
    tables::CausalContext cx;
    cx.origin_flow = call.run().flow_name();
    cx.run_id = call.run().run_id();
    cx.hop_count = call.run().causal_hops();
    cx.suppress_callbacks = SuppressRequested(params);
    return cx;
  }

  Status Start(Op op, const bj::object& params, const std::shared_ptr<engine::ActionCall>& call) {
    auto entity = TextParam(params, "entityName");
    if (!entity || entity->empty()) {
      return BadParameter("entityName", "is required: the table's entity set name (e.g. accounts)");
    }
    auto catalog = tables_.catalog();
    auto table = catalog->ByEntitySet(*entity);
    if (!table) table = catalog->ByLogicalName(json::LowerAscii(*entity));
    if (!table) {
      return Error(tables::errc::kTableNotFound, "no table with the entity set name '" + *entity +
                                                     "' (deploy its definition: PUT /management/tables/{name})");
    }
    if (op == Op::kList) return List(params, catalog, table, call);
    if (op == Op::kCreate) return Write(op, params, catalog, table, std::nullopt, call);
    auto record = TextParam(params, "recordId");
    if (!record || record->empty()) return BadParameter("recordId", "is required: the row's id (a GUID)");
    RUNNEL_TRY(key, tables::ParseRowKey(*table, *record));
    if (op == Op::kGet) return Get(params, table, std::move(key), call);
    if (op == Op::kDelete) {
      tables::RowDelete d;
      d.table = table;
      d.key = std::move(key);
      d.now_micros = tables_.clock().NowMicros();
      d.context = Context(*call, params);
      tables_.Delete(std::move(d), [call](Result<tables::RowDeleteResult> r) {
        auto shared = std::make_shared<Result<tables::RowDeleteResult>>(std::move(r));
        call->scheduler().Post([call, shared] {
          call->Complete(shared->has_value() ? Answer(204, nullptr) : Failure(shared->error()));
        });
      });
      return Ok();
    }
    return Write(op, params, catalog, table, std::move(key), call);
  }

  Result<std::vector<std::pair<std::string, std::string>>> QueryPairs(const bj::object& params,
                                                                      std::initializer_list<const char*> allowed) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const char* name : allowed) {
      if (auto v = TextParam(params, name); v && !v->empty()) pairs.emplace_back(name, *v);
    }
    for (const char* unsupported : {"$expand", "fetchXml"}) {
      if (auto v = TextParam(params, unsupported); v && !v->empty()) {
        return BadParameter(unsupported, "is not supported on Runnel's tables; read the related rows with a second "
                                         "action filtered on the lookup column (_<name>_value eq <id>)");
      }
    }
    return pairs;
  }

  Status List(const bj::object& params, std::shared_ptr<const tables::Catalog> catalog,
              std::shared_ptr<const tables::TableSchema> table, const std::shared_ptr<engine::ActionCall>& call) {
    RUNNEL_TRY(pairs, QueryPairs(params, {"$select", "$filter", "$orderby", "$top", "$skiptoken"}));
    RUNNEL_TRY(parsed, tables::ParseQueryOptions(pairs, tables_.options().query));
    auto options = std::make_shared<const tables::QueryOptions>(std::move(parsed));
    RUNNEL_TRY(select, tables::ResolveSelect(*table, options->select));
    tables::RowQuery q;
    q.catalog = std::move(catalog);
    q.table = table;
    q.options = options;
    q.page_size = tables_.options().max_page_size;
    q.paged = !options->top;  // "Row count" returns at most that many rows and no next link
    q.count_limit = tables_.options().max_count;
    std::string link = base_url_ + table->entity_set_name() + "?";
    for (const auto& [k, v] : pairs) {
      if (k != "$skiptoken") link += k + "=" + v + "&";  // as the connector's own nextLink: readable, unescaped
    }
    auto columns = std::make_shared<std::vector<int>>(std::move(select));
    tables_.store().Read([q, call, columns, link](store::ReadView& view) {
      auto page = std::make_shared<Result<tables::RowPage>>(tables::QueryRows(view, q));
      call->scheduler().Post([call, page, q, columns, link] {
        if (!page->has_value()) return call->Complete(Failure(page->error()));
        bj::array value;
        for (const auto& row : page->value().rows) value.push_back(RowBody(*q.table, row, *columns));
        bj::object body{{"value", std::move(value)}};
        if (!page->value().next_skiptoken.empty()) {
          body["@odata.nextLink"] = link + "$skiptoken=" + page->value().next_skiptoken;
        }
        call->Complete(Answer(200, std::move(body)));
      });
    });
    return Ok();
  }

  Status Get(const bj::object& params, std::shared_ptr<const tables::TableSchema> table, tables::RowKey key,
             const std::shared_ptr<engine::ActionCall>& call) {
    RUNNEL_TRY(pairs, QueryPairs(params, {"$select"}));
    RUNNEL_TRY(parsed, tables::ParseQueryOptions(pairs, tables_.options().query));
    RUNNEL_TRY(select, tables::ResolveSelect(*table, parsed.select));
    auto columns = std::make_shared<std::vector<int>>(std::move(select));
    tables_.store().Read([table, key, call, columns](store::ReadView& view) {
      auto row = std::make_shared<Result<std::optional<tables::StoredRow>>>(tables::FindRow(view.sql(), *table, key));
      call->scheduler().Post([table, key, call, columns, row] {
        if (!row->has_value()) return call->Complete(Failure(row->error()));
        if (!row->value()) {
          return call->Complete(Failure(Error(tables::errc::kRowNotFound, table->logical_name() + " With " +
                                                                               key.Describe(*table) + " Does Not Exist")));
        }
        call->Complete(Answer(200, RowBody(*table, *row->value(), *columns)));
      });
    });
    return Ok();
  }

  Status Write(Op op, const bj::object& params, std::shared_ptr<const tables::Catalog> catalog,
               std::shared_ptr<const tables::TableSchema> table, std::optional<tables::RowKey> key,
               const std::shared_ptr<engine::ActionCall>& call) {
    RUNNEL_TRY(values, tables::ParseRowBody(*catalog, *table, ItemBody(params)));
    tables::RowWrite w;
    w.table = table;
    w.mode = op == Op::kCreate ? tables::WriteMode::kCreate
             : op == Op::kUpdateOnly ? tables::WriteMode::kUpdate
                                     : tables::WriteMode::kUpsert;
    w.key = std::move(key);
    w.new_id = tables::NewGuid();
    w.values = std::move(values);
    w.now_micros = tables_.clock().NowMicros();
    w.context = Context(*call, params);
    tables_.Write(std::move(w), [call, table](Result<tables::RowWriteResult> r) {
      auto shared = std::make_shared<Result<tables::RowWriteResult>>(std::move(r));
      call->scheduler().Post([call, table, shared] {
        if (!shared->has_value()) return call->Complete(Failure(shared->error()));
        const tables::RowWriteResult& w = shared->value();
        call->Complete(Answer(w.created ? 201 : 200, RowBody(*table, w.row, {})));
      });
    });
    return Ok();
  }

  static bj::object RowBody(const tables::TableSchema& table, const tables::StoredRow& row,
                            const std::vector<int>& select) {
    bj::object o = tables::RowToJson(table, row, select.empty() ? nullptr : &select);
    bj::object out;
    out.reserve(o.size() + 1);
    out.emplace("@odata.etag", tables::ETag(tables::RowVersion(table, row)));
    for (auto& kv : o) out.emplace(kv.key(), std::move(kv.value()));
    return out;
  }

  tables::TableStore& tables_;
  std::string base_url_;
  std::shared_ptr<engine::ActionHandler> fallback_;
};

}  // namespace

void RegisterDataverseTableActions(engine::HandlerRegistry& registry, tables::TableStore& tables, std::string base_url) {
  registry.Register(flow::ActionType::kOpenApiConnection,
                    std::make_shared<DataverseTableHandler>(tables, std::move(base_url)));
}

}  // namespace runnel::connectors

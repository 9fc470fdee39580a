#include "server/management_api.h"

#include <openssl/crypto.h>

#include <boost/json/parse.hpp>
#include <charconv>

#include "engine/run.h"
#include "expr/timestamp.h"
#include "json/lookup.h"
#include "json/serialize.h"
#include "server/url_query.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

HttpResponse JsonAnswer(int status, const bj::value& v) { return HttpResponse::Json(status, json::Serialize(v)); }

bj::object FlowJson(const DeployedFlow& f, bool with_definition) {
  bj::array triggers;
  for (const auto& t : f.triggers) {
    triggers.push_back(bj::object{{"name", t.name}, {"type", t.trigger->type_name}});
  }
  bj::object o{{"name", f.name},
               {"version", f.version},
               {"enabled", f.enabled},
               {"kind", f.kind()},
               {"triggers", std::move(triggers)},
               {"created", engine::FormatTime(f.created_micros)},
               {"modified", engine::FormatTime(f.modified_micros)}};
  if (with_definition) {
    boost::system::error_code ec;
    bj::value doc = bj::parse(f.document, ec);
    o["definition"] = ec ? bj::value(bj::string(f.document)) : std::move(doc);
  }
  return o;
}

bj::object RunJson(const store::RunRow& r) {
  bj::object o{{"id", r.id},
               {"flow", r.flow},
               {"version", r.version},
               {"trigger", r.trigger},
               {"status", r.status},
               {"startTime", engine::FormatTime(r.start_micros)},
               {"clientTrackingId", r.tracking_id}};
  if (r.end_micros) o["endTime"] = engine::FormatTime(r.end_micros);
  if (!r.error_code.empty()) o["errorCode"] = r.error_code;
  return o;
}

HttpResponse StoreFailure(const Error& e) {
  return HttpResponse::Error(e.code == "StoreReadOnly" || e.code == "StoreFull" || e.code == "StoreClosed" ? 503 : 500,
                             e.code, e.message);
}

int ParseInt(const std::string* s, int fallback, int max) {
  if (!s) return fallback;
  int v = 0;
  auto r = std::from_chars(s->data(), s->data() + s->size(), v);
  if (r.ec != std::errc() || v < 1) return fallback;
  return std::min(v, max);
}

}  // namespace

void ManagementApi::Handle(HttpRequest&& req, const std::vector<std::string_view>& raw,
                           std::shared_ptr<Responder> r) {
  if (raw.size() == 1 && raw[0] == "openapi.json") {
    return r->Send(HttpResponse::Json(200, OpenApiDocument()));
  }
  const std::string* auth = req.Header("Authorization");
  std::string expected = "Bearer " + cx_.token;
  if (!auth || auth->size() != expected.size() || CRYPTO_memcmp(auth->data(), expected.data(), expected.size()) != 0) {
    HttpResponse a = HttpResponse::Error(401, "Unauthorized", "the management API needs 'Authorization: Bearer <token>'; "
                                                              "the token is in the data directory's admin-token file");
    a.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r->Send(std::move(a));
  }
  std::vector<std::string> seg;
  for (auto s : raw) {
    auto d = DecodeSegment(s);
    if (!d) return r->Send(HttpResponse::Error(400, "InvalidPath", d.error().message));
    seg.push_back(std::move(d.value()));
  }
  if (!seg.empty() && seg[0] == "flows") return Flows(std::move(req), seg, std::move(r));
  if (!seg.empty() && seg[0] == "runs") return Runs(std::move(req), seg, std::move(r));
  if (seg.size() == 2 && seg[0] == "debug" && seg[1] == "clock" && req.method == "POST" && cx_.manual_clock) {
    return DebugClock(req.body, std::move(r));
  }
  r->Send(HttpResponse::Error(404, "NotFound", "no management endpoint at " + req.path +
                                                   " (see GET /management/openapi.json)"));
}

void ManagementApi::Flows(HttpRequest&& req, const std::vector<std::string>& seg, std::shared_ptr<Responder> r) {
  const std::string& m = req.method;
  if (seg.size() == 1) {
    if (m != "GET") return r->Send(HttpResponse::Error(405, "MethodNotAllowed", "use GET /management/flows"));
    bj::array value;
    for (const auto& f : cx_.flows.All()) value.push_back(FlowJson(*f, false));
    return r->Send(JsonAnswer(200, bj::object{{"value", std::move(value)}}));
  }
  const std::string& name = seg[1];
  auto query = ParseQuery(req.query);
  if (!query) return r->Send(HttpResponse::Error(400, "InvalidQuery", query.error().message));
  if (seg.size() == 2 && m == "PUT") {
    const std::string* kind = FindParam(query.value(), "kind");
    return Deploy(name, std::move(req.body), kind ? *kind : "", [r](HttpResponse resp) { r->Send(std::move(resp)); });
  }
  auto flow = cx_.flows.Find(name);
  if (!flow) return r->Send(HttpResponse::Error(404, "FlowNotFound", "no flow named '" + name + "'"));
  if (seg.size() == 2 && m == "GET") return r->Send(JsonAnswer(200, FlowJson(*flow, true)));
  if (seg.size() == 2 && m == "DELETE") {
    cx_.store.Write([name = flow->name](store::Transaction& tx) { return tx.DeleteFlow(name); },
                    [this, r, name = flow->name](Status st) {
                      if (!st) return r->Send(StoreFailure(st.error()));
                      cx_.flows.Remove(name);
                      cx_.schedules.Refresh(name, nullptr);
                      cx_.webhooks.Refresh(name, nullptr);
                      HttpResponse ok = HttpResponse::Json(204, "");
                      ok.content_type.clear();
                      r->Send(std::move(ok));
                    });
    return;
  }
  if (seg.size() == 3 && m == "POST" && (seg[2] == "enable" || seg[2] == "disable")) {
    return SetEnabled(flow->name, seg[2] == "enable", std::move(r));
  }
  if (seg.size() == 3 && m == "POST" && seg[2] == "regenerateAccessKey") {
    return RegenerateKey(flow->name, req.body, std::move(r));
  }
  if (seg.size() == 3 && m == "GET" && seg[2] == "versions") {
    cx_.store.Read([r, name = flow->name](store::ReadView& v) {
      auto versions = v.ListFlowVersions(name);
      if (!versions) return r->Send(StoreFailure(versions.error()));
      bj::array value;
      for (const auto& ver : versions.value()) {
        value.push_back(bj::object{{"version", ver.version}, {"created", engine::FormatTime(ver.created_micros)}});
      }
      r->Send(JsonAnswer(200, bj::object{{"value", std::move(value)}}));
    });
    return;
  }
  if (seg.size() == 4 && m == "GET" && seg[2] == "versions") {
    int64_t version = 0;
    std::from_chars(seg[3].data(), seg[3].data() + seg[3].size(), version);
    cx_.store.Read([r, name = flow->name, version](store::ReadView& v) {
      auto found = v.GetFlowVersion(name, version);
      if (!found) return r->Send(StoreFailure(found.error()));
      if (!found.value()) return r->Send(HttpResponse::Error(404, "VersionNotFound", "the flow has no such version"));
      boost::system::error_code ec;
      bj::value doc = bj::parse(found.value()->document, ec);
      r->Send(JsonAnswer(200, bj::object{{"version", version},
                                         {"created", engine::FormatTime(found.value()->created_micros)},
                                         {"definition", ec ? bj::value(bj::string(found.value()->document)) : doc}}));
    });
    return;
  }
  if (seg.size() == 5 && m == "POST" && seg[2] == "triggers" && seg[4] == "listCallbackUrl") {
    return CallbackUrl(req, flow->name, seg[3], std::move(r));
  }
  if (seg.size() == 4 && m == "GET" && seg[2] == "triggers" && seg[3] == "history") {
    int top = ParseInt(FindParam(query.value(), "top"), 50, 1000);
    cx_.store.Read([r, name = flow->name, top](store::ReadView& v) {
      auto events = v.ListTriggerEvents(name, top);
      if (!events) return r->Send(StoreFailure(events.error()));
      bj::array value;
      for (const auto& e : events.value()) {
        bj::object o{{"time", engine::FormatTime(e.time_micros)}, {"trigger", e.trigger}, {"outcome", e.outcome},
                     {"reason", e.reason}};
        if (!e.run_id.empty()) o["runId"] = e.run_id;
        value.push_back(std::move(o));
      }
      r->Send(JsonAnswer(200, bj::object{{"value", std::move(value)}}));
    });
    return;
  }
  r->Send(HttpResponse::Error(404, "NotFound", "no management endpoint at " + req.method + " " + req.path));
}

void ManagementApi::Deploy(std::string name, std::string document, std::string kind,
                           std::function<void(HttpResponse)> done) {
  auto existing = cx_.flows.Find(name);
  int64_t now = cx_.clock.NowMicros();
  DeployInput in;
  in.name = existing ? existing->name : name;
  in.document = std::move(document);
  in.kind = kind;
  in.version = existing ? existing->version + 1 : 1;
  in.enabled = existing ? existing->enabled : true;
  in.primary_key = existing ? existing->primary_key : NewSigningKey();
  in.secondary_key = existing ? existing->secondary_key : NewSigningKey();
  in.created_micros = existing ? existing->created_micros : now;
  in.modified_micros = now;
  auto built = BuildDeployedFlow(in, cx_.flows.build_options());
  if (auto* failed = std::get_if<DeployError>(&built)) {
    bj::array details;
    for (const auto& d : failed->diagnostics) {
      if (d.severity != flow::Diagnostic::Severity::kError) continue;
      bj::object o{{"code", d.code}, {"message", d.message}, {"pointer", d.pointer}};
      if (d.line) o["line"] = d.line, o["column"] = d.column;
      details.push_back(std::move(o));
    }
    bj::object error{{"code", failed->error.code}, {"message", failed->error.where.empty() ? failed->error.message
                                                                                  : failed->error.where + ": " + failed->error.message}};
    if (!details.empty()) error["details"] = std::move(details);
    return done(JsonAnswer(400, bj::object{{"error", std::move(error)}}));
  }
  auto flow = std::get<std::shared_ptr<const DeployedFlow>>(std::move(built));
  store::FlowRecord rec;
  rec.name = flow->name;
  rec.version = flow->version;
  rec.enabled = flow->enabled;
  rec.kind = flow->kind();
  rec.primary_key = flow->primary_key;
  rec.secondary_key = flow->secondary_key;
  rec.created_micros = flow->created_micros;
  rec.modified_micros = flow->modified_micros;
  rec.document = flow->document;
  bool created = !existing;
  cx_.store.Write([rec](store::Transaction& tx) { return tx.PutFlowVersion(rec); },
                  [this, flow, created, done](Status st) {
                    if (!st) {
                      if (st.error().message.find("UNIQUE") != std::string::npos) {
                        return done(HttpResponse::Error(409, "ConcurrentDeploy",
                                                        "another deploy of this flow happened at the same time; retry"));
                      }
                      return done(StoreFailure(st.error()));
                    }
                    cx_.flows.Put(flow);
                    cx_.schedules.Refresh(flow->name, flow);
                    cx_.webhooks.Refresh(flow->name, flow);
                    done(JsonAnswer(created ? 201 : 200, FlowJson(*flow, false)));
                  });
}

void ManagementApi::SetEnabled(const std::string& name, bool enabled, std::shared_ptr<Responder> r) {
  int64_t now = cx_.clock.NowMicros();
  cx_.store.Write([name, enabled, now](store::Transaction& tx) { return tx.SetFlowEnabled(name, enabled, now); },
                  [this, r, name, enabled, now](Status st) {
                    if (!st) return r->Send(StoreFailure(st.error()));
                    auto flow = cx_.flows.Find(name);
                    if (!flow) return r->Send(HttpResponse::Error(404, "FlowNotFound", "no flow named '" + name + "'"));
                    auto updated = WithState(*flow, enabled, flow->primary_key, flow->secondary_key, now);
                    cx_.flows.Put(updated);
                    cx_.schedules.Refresh(name, updated);
                    cx_.webhooks.Refresh(name, updated);
                    r->Send(JsonAnswer(200, FlowJson(*updated, false)));
                  });
}

void ManagementApi::RegenerateKey(const std::string& name, const std::string& body, std::shared_ptr<Responder> r) {
  boost::system::error_code ec;
  bj::value v = bj::parse(body.empty() ? std::string("{}") : body, ec);
  const bj::value* type = !ec && v.is_object() ? json::FindMember(v.get_object(), "keyType") : nullptr;
  bool secondary = type && type->is_string() && json::EqualsIgnoreCase(type->get_string(), "Secondary");
  if (ec || (type && !(type->is_string() && (secondary || json::EqualsIgnoreCase(type->get_string(), "Primary"))))) {
    return r->Send(HttpResponse::Error(400, "InvalidKeyType", "the body must be {\"keyType\": \"Primary\"} or {\"keyType\": \"Secondary\"}"));
  }
  auto flow = cx_.flows.Find(name);
  std::string primary = secondary ? flow->primary_key : NewSigningKey();
  std::string second = secondary ? NewSigningKey() : flow->secondary_key;
  int64_t now = cx_.clock.NowMicros();
  cx_.store.Write([name, primary, second, now](store::Transaction& tx) { return tx.SetFlowKeys(name, primary, second, now); },
                  [this, r, name, primary, second, now, secondary](Status st) {
                    if (!st) return r->Send(StoreFailure(st.error()));
                    auto current = cx_.flows.Find(name);
                    if (!current) return r->Send(HttpResponse::Error(404, "FlowNotFound", "no flow named '" + name + "'"));
                    auto updated = WithState(*current, current->enabled, primary, second, now);
                    cx_.flows.Put(updated);
                    // A webhook trigger's URL is signed with the primary key: subscribe the new one.
                    cx_.webhooks.Refresh(name, updated);
                    r->Send(JsonAnswer(200, bj::object{{"keyType", secondary ? "Secondary" : "Primary"},
                                                       {"regenerated", true}}));
                  });
}

void ManagementApi::CallbackUrl(const HttpRequest& req, const std::string& name, const std::string& trigger_name,
                                std::shared_ptr<Responder> r) {
  auto flow = cx_.flows.Find(name);
  const TriggerSettings* t = flow ? flow->FindTrigger(trigger_name) : nullptr;
  if (!t || (t->type != flow::TriggerType::kRequest && t->type != flow::TriggerType::kHttpWebhook)) {
    return r->Send(HttpResponse::Error(404, "TriggerNotFound",
                                       "the flow has no Request or HttpWebhook trigger named '" + trigger_name + "'"));
  }
  auto query = ParseQuery(req.query);
  const std::string* key_type = query ? FindParam(query.value(), "keyType") : nullptr;
  bool secondary = key_type && json::EqualsIgnoreCase(*key_type, "Secondary");
  std::string sp = "/triggers/" + t->name + "/run";
  const std::string* host = req.Header("Host");
  std::string base = "http://" + (host ? *host : cx_.default_host);
  std::string url = TriggerInvokeUrl(base, *flow, *t, secondary);
  std::string base_path = base + "/api/" + flow->name + "/triggers/" + t->name + "/invoke";
  std::string relative;
  for (const auto& s : t->relative_path) relative += "/" + s;
  std::string sig = url.substr(url.rfind("&sig=") + 5);
  bj::object o{{"value", url},
               {"method", t->method.empty() ? "POST" : t->method},
               {"basePath", base_path},
               {"queries", {{"api-version", "2022-05-01"}, {"sp", sp}, {"sv", "1.0"}, {"sig", sig}}}};
  if (!relative.empty()) o["relativePath"] = relative;
  r->Send(JsonAnswer(200, o));
}

void ManagementApi::Runs(HttpRequest&& req, const std::vector<std::string>& seg, std::shared_ptr<Responder> r) {
  const std::string& m = req.method;
  auto query = ParseQuery(req.query);
  if (!query) return r->Send(HttpResponse::Error(400, "InvalidQuery", query.error().message));
  if (seg.size() == 1 && m == "GET") {
    store::RunFilter f;
    if (const std::string* v = FindParam(query.value(), "flow")) f.flow = *v;
    if (const std::string* v = FindParam(query.value(), "status")) f.status = *v;
    if (const std::string* v = FindParam(query.value(), "skipToken")) f.after_id = *v;
    f.limit = ParseInt(FindParam(query.value(), "top"), 50, 250);
    cx_.store.Read([r, f](store::ReadView& v) {
      auto rows = v.ListRuns(f);
      if (!rows) return r->Send(StoreFailure(rows.error()));
      bj::array value;
      for (const auto& row : rows.value()) value.push_back(RunJson(row));
      bj::object page{{"value", std::move(value)}};
      if (static_cast<int>(rows.value().size()) == f.limit) {
        std::string next = "/management/runs?top=" + std::to_string(f.limit) + "&skipToken=" + rows.value().back().id;
        if (!f.flow.empty()) next += "&flow=" + EncodeQueryValue(f.flow);
        if (!f.status.empty()) next += "&status=" + EncodeQueryValue(f.status);
        page["nextLink"] = next;
      }
      r->Send(JsonAnswer(200, page));
    });
    return;
  }
  if (seg.size() < 2) return r->Send(HttpResponse::Error(405, "MethodNotAllowed", "use GET /management/runs"));
  const std::string id = seg[1];
  if (seg.size() == 2 && m == "GET") {
    auto from_store = [this, r, id] {
      cx_.store.Read([r, id](store::ReadView& v) {
        auto row = v.GetRun(id);
        if (!row) return r->Send(StoreFailure(row.error()));
        if (!row.value()) return r->Send(HttpResponse::Error(404, "RunNotFound", "no run '" + id + "'"));
        bj::object o = RunJson(*row.value());
        boost::system::error_code ec;
        if (!row.value()->record.empty()) {
          bj::value record = bj::parse(row.value()->record, ec);
          if (!ec) o["record"] = std::move(record);
        }
        r->Send(JsonAnswer(200, o));
      });
    };
    bool live = cx_.runs.LiveStatus(id, [r, from_store](std::optional<bj::value> status) {
      if (status) return r->Send(JsonAnswer(200, *status));
      from_store();
    });
    if (!live) from_store();
    return;
  }
  if (seg.size() == 3 && m == "POST" && seg[2] == "cancel") {
    if (cx_.runs.Cancel(id)) return r->Send(JsonAnswer(202, bj::object{{"id", id}, {"status", "Cancelling"}}));
    cx_.store.Read([r, id](store::ReadView& v) {
      auto row = v.GetRun(id);
      if (row && row.value()) {
        return r->Send(HttpResponse::Error(409, "RunNotRunning", "the run already finished (" + row.value()->status + ")"));
      }
      r->Send(HttpResponse::Error(404, "RunNotFound", "no run '" + id + "'"));
    });
    return;
  }
  if (seg.size() == 3 && m == "POST" && seg[2] == "resubmit") return Resubmit(id, std::move(r));
  if (seg.size() == 3 && m == "GET" && seg[2] == "events") {
    if (cx_.runs.Subscribe(id, r)) return;
    cx_.store.Read([r, id](store::ReadView& v) {
      auto row = v.GetRun(id);
      if (!row || !row.value()) return r->Send(HttpResponse::Error(404, "RunNotFound", "no run '" + id + "' in flight"));
      HttpResponse head;
      head.content_type = "text/event-stream";
      head.headers = {{"Cache-Control", "no-cache"}};
      r->StartStream(std::move(head));
      r->Write("event: run\ndata: " +
               json::Serialize(bj::object{{"runId", id}, {"status", row.value()->status}}) + "\n\n");
      r->End();
    });
    return;
  }
  r->Send(HttpResponse::Error(404, "NotFound", "no management endpoint at " + req.method + " " + req.path));
}

void ManagementApi::Resubmit(const std::string& id, std::shared_ptr<Responder> r) {
  cx_.store.Read([this, r, id](store::ReadView& v) {
    auto row = v.GetRun(id);
    if (!row) return r->Send(StoreFailure(row.error()));
    if (!row.value()) return r->Send(HttpResponse::Error(404, "RunNotFound", "no run '" + id + "'"));
    bj::value trigger_record;
    boost::system::error_code ec;
    if (!row.value()->record.empty()) {
      bj::value record = bj::parse(row.value()->record, ec);
      if (!ec && record.is_object()) {
        if (const bj::value* t = json::FindMember(record.get_object(), "trigger")) trigger_record = *t;
      }
    } else if (auto journal = v.ReadJournal(id); journal && !journal.value().empty()) {
      trigger_record = bj::parse(journal.value()[0].body, ec);
    }
    auto flow = cx_.flows.Find(row.value()->flow);
    if (!flow || trigger_record.is_null()) {
      return r->Send(HttpResponse::Error(409, "CannotResubmit", "the run's flow or trigger outputs are no longer available"));
    }
    if (flow->version != row.value()->version) {
      auto doc = v.GetFlowVersion(flow->name, row.value()->version);
      if (doc && doc.value()) {
        DeployInput in{flow->name, doc.value()->document, flow->kind(), row.value()->version, true,
                       flow->primary_key, flow->secondary_key, flow->created_micros, doc.value()->created_micros};
        auto built = BuildDeployedFlow(in, cx_.flows.build_options());
        if (auto* ok = std::get_if<std::shared_ptr<const DeployedFlow>>(&built)) flow = *ok;
      }
    }
    RunRequest request;
    request.flow = flow;
    request.trigger = flow->FindTrigger(row.value()->trigger);
    request.trigger_record = std::move(trigger_record);
    request.thread = cx_.threads[0];
    cx_.runs.Start(std::move(request), nullptr, [r, id](Result<std::string> started) {
      if (!started) return r->Send(HttpResponse::Error(started.error().code == "TooManyRuns" ? 429 : 503,
                                                       started.error().code, started.error().message));
      r->Send(JsonAnswer(202, bj::object{{"id", started.value()}, {"resubmittedFrom", id}}));
    });
  });
}

void ManagementApi::DebugClock(const std::string& body, std::shared_ptr<Responder> r) {
  boost::system::error_code ec;
  bj::value v = bj::parse(body, ec);
  if (ec || !v.is_object()) return r->Send(HttpResponse::Error(400, "InvalidBody", "send {\"advanceSeconds\": n} or {\"now\": iso8601}"));
  if (const bj::value* adv = json::FindMember(v.get_object(), "advanceSeconds"); adv && adv->is_number()) {
    cx_.manual_clock->Advance(static_cast<int64_t>(adv->to_number<double>() * 1e6));
  } else if (const bj::value* now = json::FindMember(v.get_object(), "now"); now && now->is_string()) {
    auto t = expr::ParseIsoTimestampMicros(now->get_string());
    if (!t) return r->Send(HttpResponse::Error(400, "InvalidBody", "'now' must be an ISO 8601 time"));
    cx_.manual_clock->Set(*t);
  } else {
    return r->Send(HttpResponse::Error(400, "InvalidBody", "send {\"advanceSeconds\": n} or {\"now\": iso8601}"));
  }
  for (IoThread* t : cx_.threads) t->Recheck();
  r->Send(JsonAnswer(200, bj::object{{"now", engine::FormatTime(cx_.clock.NowMicros())}}));
}

}  // namespace runnel::server

// The management API under /management/ (docs/http-api.md): flows, runs, trigger history,
// progress streams, and — only with `testing.manual_clock` — the debug clock.
//
// Every path needs the bearer token. Reads go through the store's thread and answer from there;
// nothing here blocks an I/O thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "server/deployed_flow.h"
#include "server/http_types.h"
#include "server/run_manager.h"
#include "server/schedule_runner.h"
#include "server/webhook_triggers.h"
#include "store/store.h"

namespace runnel::server {

struct ManagementContext {
  FlowRegistry& flows;
  RunManager& runs;
  ScheduleRunner& schedules;
  WebhookTriggers& webhooks;
  store::Store& store;
  const Clock& clock;
  ManualClock* manual_clock;  // null unless testing.manual_clock
  std::vector<IoThread*> threads;
  std::string token;
  std::string default_host;  // "127.0.0.1:7070", for URLs when a request has no Host header
};

class ManagementApi {
 public:
  explicit ManagementApi(ManagementContext context) : cx_(std::move(context)) {}

  // `segments` are the path's segments after "management".
  void Handle(HttpRequest&& request, const std::vector<std::string_view>& segments,
              std::shared_ptr<Responder> responder);

  // Deploys a new version of `name` (also used for the flows directory at start). `done` gets
  // the HTTP answer: 201 new flow, 200 new version, 400 invalid (with diagnostics), 503 store.
  void Deploy(std::string name, std::string document, std::string kind, std::function<void(HttpResponse)> done);

 private:
  void Flows(HttpRequest&& request, const std::vector<std::string>& seg, std::shared_ptr<Responder> r);
  void Runs(HttpRequest&& request, const std::vector<std::string>& seg, std::shared_ptr<Responder> r);
  void SetEnabled(const std::string& name, bool enabled, std::shared_ptr<Responder> r);
  void RegenerateKey(const std::string& name, const std::string& body, std::shared_ptr<Responder> r);
  void CallbackUrl(const HttpRequest& request, const std::string& name, const std::string& trigger,
                   std::shared_ptr<Responder> r);
  void Resubmit(const std::string& id, std::shared_ptr<Responder> r);
  void DebugClock(const std::string& body, std::shared_ptr<Responder> r);

  ManagementContext cx_;
};

// The OpenAPI 3 document of the management API (openapi.cpp).
const std::string& OpenApiDocument();

}  // namespace runnel::server

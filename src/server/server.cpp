#include "server/server.h"

#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "connectors/http/curl_http_client.h"
#include "connectors/http/http_action.h"
#include "connectors/http/http_webhook_action.h"
#include "connectors/http/oauth_token.h"
#include "connectors/tables/dataverse_actions.h"
#include "engine/actions/workflow.h"
#include "engine/child_flows.h"
#include "json/lookup.h"
#include "server/change_dispatcher.h"
#include "server/http_server.h"
#include "server/management_api.h"
#include "server/schedule_runner.h"
#include "server/table_api.h"
#include "server/trigger_endpoint.h"
#include "server/url_query.h"
#include "server/webhook_callbacks.h"
#include "server/webhook_triggers.h"
#include "store/sqlite_store.h"

namespace runnel::server {
namespace fs = std::filesystem;

namespace {

// Workflow actions call other deployed flows by name; each call is a run of its own.
class DeployedChildFlows final : public engine::ChildFlows {
 public:
  explicit DeployedChildFlows(FlowRegistry& flows) : flows_(flows) {}
  void SetRunManager(RunManager* runs) { runs_ = runs; }

  Result<engine::ChildFlow> Find(std::string_view name) override {
    auto flow = flows_.Find(name);
    if (!flow) return Error("WorkflowNotFound", "no deployed flow named '" + std::string(name) + "'");
    return engine::ChildFlow{flow->plan, flow->name};
  }

  std::function<void()> Launch(engine::ChildCall call) override {
    auto flow = flows_.Find(call.child.name);
    if (!flow) {
      call.on_ended(engine::Status::kFailed, "the flow '" + call.child.name + "' was deleted");
      return [] {};
    }
    return runs_->StartChild(std::move(flow), std::move(call));
  }

 private:
  FlowRegistry& flows_;
  RunManager* runs_ = nullptr;  // set once the manager exists, before any run starts
};

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error("CannotRead", "cannot read '" + path.string() + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The management token: configured, or kept in the data directory (created on first start).
Result<std::string> LoadOrCreateToken(const ServerConfig& config) {
  if (!config.token.empty()) return config.token;
  fs::path file = fs::path(config.data_dir) / "admin-token";
  if (fs::exists(file)) {
    RUNNEL_TRY(text, ReadFile(file));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (!text.empty()) return text;
  }
  std::string token = NewSigningKey();
  {
    std::ofstream out(file, std::ios::trunc);
    if (!out) return Error("CannotWriteToken", "cannot write the management token to '" + file.string() + "'");
    out << token << "\n";
  }
  ::chmod(file.c_str(), 0600);
  std::fprintf(stderr, "runnel: generated a management API token in %s\n", file.c_str());
  return token;
}

std::atomic<bool> g_stop_requested{false};
void OnSignal(int) { g_stop_requested.store(true); }

}  // namespace

struct Server::Impl {
  ServerConfig config;
  std::unique_ptr<ManualClock> manual_clock;
  const Clock* clock = nullptr;
  std::vector<std::unique_ptr<IoThread>> threads;
  std::vector<IoThread*> thread_ptrs;
  std::unique_ptr<store::Store> store;
  FlowRegistry flows;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<engine::HandlerRegistry> handlers;
  std::unique_ptr<RunManager> runs;
  std::unique_ptr<ScheduleRunner> schedules;
  std::shared_ptr<WebhookCallbackRegistry> webhook_callbacks;
  std::unique_ptr<WebhookTriggers> webhook_triggers;
  std::unique_ptr<TriggerEndpoint> triggers;
  std::unique_ptr<ManagementApi> management;
  std::unique_ptr<tables::TableStore> tables;
  std::unique_ptr<TableApi> table_api;
  std::unique_ptr<ChangeDispatcher> change_dispatcher;
  std::unique_ptr<HttpServer> http;
  std::string token;
  bool started = false;

  void Route(HttpRequest&& req, std::shared_ptr<Responder> r, IoThread& thread);
  Status LoadStoredFlows();
  void ScheduleRetention();
  Status DeployDirectory();
};

void Server::Impl::Route(HttpRequest&& req, std::shared_ptr<Responder> r, IoThread& thread) {
  static const std::string kRoutes[] = {
      Series("runnel_http_requests_total", {{"route", "trigger"}}),
      Series("runnel_http_requests_total", {{"route", "management"}}),
      Series("runnel_http_requests_total", {{"route", "health"}}),
      Series("runnel_http_requests_total", {{"route", "metrics"}}),
      Series("runnel_http_requests_total", {{"route", "other"}}),
      Series("runnel_http_requests_total", {{"route", "tables"}})};
  auto seg = SplitPath(req.path);
  const std::string* route = &kRoutes[4];
  if (!seg.empty() && seg[0] == "api") {
    route = &kRoutes[0];
    seg.erase(seg.begin());
    if (seg.empty()) {
      r->Send(HttpResponse::Error(404, "NotFound", "no endpoint at /api"));
    } else if (seg[0] == "data") {
      route = &kRoutes[5];
      seg.erase(seg.begin());
      table_api->HandleData(std::move(req), seg, std::move(r), thread);
    } else {
      triggers->Handle(std::move(req), seg, std::move(r), thread);
    }
  } else if (seg.size() >= 2 && seg[0] == "management" && seg[1] == "tables") {
    route = &kRoutes[1];
    table_api->HandleDefinitions(std::move(req), seg, std::move(r), thread);
  } else if (!seg.empty() && seg[0] == "management") {
    route = &kRoutes[1];
    seg.erase(seg.begin());
    management->Handle(std::move(req), seg, std::move(r));
  } else if (seg.size() == 1 && seg[0] == "healthz") {
    route = &kRoutes[2];
    r->Send(HttpResponse::Json(200, "{\"status\":\"ok\"}"));
  } else if (seg.size() == 1 && seg[0] == "metrics") {
    route = &kRoutes[3];
    HttpResponse m = HttpResponse::Json(200, metrics->Render());
    m.content_type = "text/plain; version=0.0.4";
    r->Send(std::move(m));
  } else {
    r->Send(HttpResponse::Error(404, "NotFound", "no endpoint at " + req.path +
                                                     " (trigger URLs start with /api/, the API with /management/)"));
  }
  metrics->Increment(static_cast<size_t>(thread.index()), *route);
}

// Retention: at start and then every day, runs that ended before the window are deleted (with
// their trigger events) and the file gives the space back.
void Server::Impl::ScheduleRetention() {
  int64_t now = clock->NowMicros();
  int64_t cutoff = now - int64_t{config.retention_days} * 86400 * 1000000;
  store->Write([cutoff](store::Transaction& tx) -> Status {
    RUNNEL_TRY(deleted, tx.DeleteHistoryBefore(cutoff));
    if (deleted) std::fprintf(stderr, "runnel: retention deleted %lld runs\n", static_cast<long long>(deleted));
    return Ok();
  }, nullptr);
  store->Write(tables->RetentionWrite(now), nullptr);
  threads[0]->PostAt(now + int64_t{86400} * 1000000, [this] { ScheduleRetention(); }, /*keeps_alive=*/false);
}

Status Server::Impl::LoadStoredFlows() {
  auto stored = store->ReadAndWait<Result<std::vector<store::FlowRecord>>>(
      [](store::ReadView& v) { return v.ListFlows(); });
  if (!stored) return stored.error();
  for (const auto& rec : stored.value()) {
    auto version = store->ReadAndWait<Result<std::optional<store::FlowVersion>>>(
        [&](store::ReadView& v) { return v.GetFlowVersion(rec.name, rec.version); });
    DeployInput in{rec.name, rec.document, rec.kind, rec.version, rec.enabled, rec.primary_key, rec.secondary_key,
                   rec.created_micros, version && version.value() ? version.value()->created_micros : rec.modified_micros};
    auto built = BuildDeployedFlow(in, flows.build_options());
    if (auto* failed = std::get_if<DeployError>(&built)) {
      std::fprintf(stderr, "runnel: stored flow %s (version %lld) no longer builds: %s\n", rec.name.c_str(),
                   static_cast<long long>(rec.version), failed->error.ToString().c_str());
      continue;
    }
    auto flow = std::get<std::shared_ptr<const DeployedFlow>>(built);
    // Keep the enable/disable time as "modified", and the version's deploy time as the anchor.
    flows.Put(WithState(*flow, rec.enabled, rec.primary_key, rec.secondary_key, rec.modified_micros));
  }
  return Ok();
}

// Deploys every flow file of the flows directory whose content differs from the deployed version.
Status Server::Impl::DeployDirectory() {
  if (config.flows_dir.empty()) return Ok();
  std::error_code ec;
  if (!fs::is_directory(config.flows_dir, ec)) {
    return Error("FlowsDirectoryNotFound", "the flows directory '" + config.flows_dir + "' does not exist");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(config.flows_dir)) {
    auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".json" || ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    RUNNEL_TRY(document, ReadFile(path));
    std::string name = path.stem().string();
    if (auto existing = flows.Find(name); existing && existing->document == document) continue;
    std::promise<HttpResponse> done;
    management->Deploy(name, document, "", [&done](HttpResponse r) { done.set_value(std::move(r)); });
    HttpResponse r = done.get_future().get();
    if (r.status >= 300) {
      return Error("DeployFailed", "cannot deploy '" + path.string() + "': " + r.body);
    }
    std::fprintf(stderr, "runnel: deployed %s from %s\n", name.c_str(), path.c_str());
  }
  return Ok();
}

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>()) { impl_->config = std::move(config); }

Server::~Server() { Stop(0); }

Status Server::Start() {
  Impl& m = *impl_;
  ServerConfig& c = m.config;
  std::error_code ec;
  fs::create_directories(c.data_dir, ec);
  if (ec) return Error("CannotCreateDataDirectory", "cannot create the data directory '" + c.data_dir + "': " + ec.message());
  if (c.manual_clock) {
    m.manual_clock = std::make_unique<ManualClock>(c.start_micros ? c.start_micros : SystemClock::Instance().NowMicros());
    m.clock = m.manual_clock.get();
  } else {
    m.clock = &SystemClock::Instance();
  }
  RUNNEL_TRY(token, LoadOrCreateToken(c));
  m.token = token;
  store::SqliteOptions so;
  so.synchronous_full = c.sync_full;
  RUNNEL_TRY(store, store::OpenSqliteStore((fs::path(c.data_dir) / "runnel.db").string(), so));
  m.store = std::move(store);

  int n = c.threads > 0 ? c.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) {
    m.threads.push_back(std::make_unique<IoThread>(*m.clock, i));
    m.thread_ptrs.push_back(m.threads.back().get());
  }
  m.metrics = std::make_unique<Metrics>(static_cast<size_t>(n));
  // Bound first, so the URLs the server hands out (webhook callbacks of resumed runs, the table
  // connector's) carry the real port even when port 0 asked for any; served once all is loaded.
  m.http = std::make_unique<HttpServer>(m.thread_ptrs, c.http, [&m](HttpRequest&& req, std::shared_ptr<Responder> r,
                                                                      IoThread& thread) {
    m.Route(std::move(req), std::move(r), thread);
  });
  m.metrics->AddGauge("runnel_http_open_connections",
                      [http = m.http.get()] { return static_cast<double>(http->open_connections()); });
  RUNNEL_TRY_STATUS(m.http->Bind(c.host, c.port));
  c.port = m.http->port();
  m.handlers = std::make_unique<engine::HandlerRegistry>();
  engine::RegisterBuiltinHandlers(*m.handlers);
  auto child_flows = std::make_shared<DeployedChildFlows>(m.flows);
  m.handlers->Register(flow::ActionType::kWorkflow, std::make_shared<engine::WorkflowHandler>(*m.handlers, child_flows));
  auto http_client = std::make_shared<connectors::CurlHttpClient>();
  connectors::HttpActionOptions http_options;
  http_options.token_cache = std::make_shared<connectors::OAuthTokenCache>();  // one for every Http-like action
  connectors::RegisterHttpHandlers(*m.handlers, http_client, http_options);
  m.webhook_callbacks = std::make_shared<WebhookCallbackRegistry>(m.flows, PublicUrl(c));
  m.handlers->Register(flow::ActionType::kHttpWebhook, std::make_shared<connectors::HttpWebhookActionHandler>(
                                                           http_client, m.webhook_callbacks, http_options));
  fs::path key_file = fs::path(c.data_dir) / "journal.key";
  auto seal = JournalSeal::LoadOrCreate(key_file.string());
  if (!seal && seal.error().code == "CannotWriteJournalKey") {
    // A read-only data directory: nothing can be journaled anyway; a key for this process only.
    std::fprintf(stderr, "runnel: %s; secure values of new runs are sealed with a key for this process only\n",
                 seal.error().message.c_str());
    seal = JournalSeal::Ephemeral();
  }
  if (!seal) return seal.error();
  m.runs = std::make_unique<RunManager>(*m.store, *m.handlers, m.thread_ptrs, *m.metrics, c.runs,
                                        std::make_shared<const JournalSeal>(std::move(seal).value()));
  child_flows->SetRunManager(m.runs.get());
  m.schedules = std::make_unique<ScheduleRunner>(*m.store, *m.runs, *m.metrics, m.thread_ptrs, c.skip_overlapping_ticks,
                                                 http_client);
  m.triggers = std::make_unique<TriggerEndpoint>(m.flows, *m.runs, *m.store, *m.metrics, *m.webhook_callbacks);
  m.webhook_triggers = std::make_unique<WebhookTriggers>(*m.store, http_client,
                                                         connectors::PrepareHttpActionOptions(http_options),
                                                         PublicUrl(c), *m.clock);
  ManagementContext cx{m.flows, *m.runs, *m.schedules, *m.webhook_triggers, *m.store, *m.clock, m.manual_clock.get(), m.thread_ptrs, m.token,
                       c.host + ":" + std::to_string(c.port)};
  m.management = std::make_unique<ManagementApi>(std::move(cx));
  m.tables = std::make_unique<tables::TableStore>(*m.store, *m.clock, c.tables);
  RUNNEL_TRY_STATUS(m.tables->Load());
  m.table_api = std::make_unique<TableApi>(TableApiContext{*m.tables, m.token, c.host + ":" + std::to_string(c.port)});
  // The built-in tables are the Dataverse connector's default connection.
  connectors::RegisterDataverseTableActions(*m.handlers, *m.tables,
                                            "http://" + c.host + ":" + std::to_string(c.port) + "/api/data/v9.2/");
  m.change_dispatcher = std::make_unique<ChangeDispatcher>(*m.store, *m.tables, m.flows, *m.runs, *m.metrics,
                                                           m.thread_ptrs, c.change_triggers);
  m.metrics->AddGauge("runnel_runs_in_flight", [runs = m.runs.get()] { return static_cast<double>(runs->in_flight()); });
  m.metrics->AddGauge("runnel_store_pending_writes", [s = m.store.get()] { return static_cast<double>(s->PendingWrites()); });

  for (auto& t : m.threads) t->Start();
  flow::BuildOptions build;
  build.app_settings = m.config.app_settings;
  m.flows.set_build_options(std::move(build));
  RUNNEL_TRY_STATUS(m.LoadStoredFlows());
  // Resume before anything arms a schedule: a new schedule fires at once, and a run it started
  // would be in the store, unfinished, when ResumeAll reads it — and would run twice.
  RUNNEL_TRY(resumed, m.runs->ResumeAll(m.flows));
  if (resumed) std::fprintf(stderr, "runnel: resumed %zu runs that were in flight\n", resumed);
  // The stored flows' schedules, then the flows directory: a deploy arms its own flow's, so no
  // flow is armed twice (two schedules of one flow would both fire its first tick, and the
  // loser would record that tick as Skipped for overlapping the winner's run).
  for (const auto& f : m.flows.All()) {
    m.schedules->Refresh(f->name, f);
    m.webhook_triggers->Refresh(f->name, f);  // subscribes only what is not in place yet
  }
  RUNNEL_TRY_STATUS(m.table_api->DeployDirectory(c.tables_dir));
  RUNNEL_TRY_STATUS(m.DeployDirectory());
  // After the resume: a change whose run was started before a crash is claimed, not restarted.
  RUNNEL_TRY_STATUS(m.change_dispatcher->Start());

  m.ScheduleRetention();

  m.http->StartAccepting();
  m.started = true;
  std::fprintf(stderr, "runnel: listening on http://%s:%u (%d threads, data in %s)\n", c.host.c_str(),
               static_cast<unsigned>(m.http->port()), n, c.data_dir.c_str());
  return Ok();
}

uint16_t Server::port() const { return impl_->http ? impl_->http->port() : 0; }
const std::string& Server::token() const { return impl_->token; }

void Server::CatchStopSignals() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
}

void Server::RunUntilSignal() {
  CatchStopSignals();
  while (!g_stop_requested.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::fprintf(stderr, "runnel: stopping\n");
  Stop();
}

void Server::Stop(int grace_seconds) {
  Impl& m = *impl_;
  if (!m.started) return;
  m.started = false;
  m.http->StopAccepting();
  m.schedules->StopAll();
  m.change_dispatcher->Stop();
  if (!m.runs->WaitUntilSafeToStop(grace_seconds)) {
    std::fprintf(stderr, "runnel: stopped with runs still working; stateful ones resume at the next start\n");
  } else if (m.runs->in_flight() > 0) {
    std::fprintf(stderr, "runnel: %zu stateful runs are waiting; they resume at the next start\n",
                 m.runs->in_flight());
  }
  m.http->CloseAll();
  for (auto& t : m.threads) t->Stop();
  m.runs->AbandonInFlight();
  m.webhook_triggers->Stop();
  m.store->Close();
}

}  // namespace runnel::server

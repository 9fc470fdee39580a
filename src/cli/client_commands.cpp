// The client of `runnel serve` (docs/cli.md, "Client commands"; the API is docs/http-api.md):
//
//   runnel flows list [--json]
//   runnel flows deploy FILE [--name NAME] [--kind Stateful|Stateless]
//   runnel flows enable|disable|delete NAME
//   runnel flows url NAME [--trigger T] [--secondary]
//   runnel runs list [--flow F] [--status S] [--top N] [--json]
//   runnel runs show|cancel|resubmit ID
//   runnel runs watch ID                  (watch_command.cpp)
//   runnel trigger FLOW ...               (trigger_command.cpp)
//
// Every command takes --server, --token and --data. Exit codes: 0 success, 1 the server said no
// (or the run failed), 2 bad usage or no usable answer from the server.

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/client_support.h"
#include "cli/commands.h"
#include "json/lookup.h"
#include "json/parse.h"

namespace runnel::cli {
namespace bj = boost::json;

namespace {

// Pages `runnel runs list --top N` may follow before it stops, whatever the server links to.
constexpr int kMaxRunPages = 1000;
constexpr int kMaxTop = 1'000'000;

std::string FlowPath(const std::string& name) { return "/management/flows/" + EncodeComponent(name); }
std::string RunPath(const std::string& id) { return "/management/runs/" + EncodeComponent(id); }

// --- flows ---------------------------------------------------------------------------------

struct FlowsListOptions : ClientOptions {
  bool json = false;
};

int ListFlows(const ApiClient& client, const FlowsListOptions& opt) {
  Answer a = CallJson(client, "GET", "/management/flows");
  if (a.exit_code != kExitOk) return a.exit_code;
  if (opt.json) {
    PrintJson(a.json);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const bj::value& flow : Items(a.json)) {
    std::string triggers;
    const auto* o = flow.if_object();
    const auto* list = o ? o->if_contains("triggers") : nullptr;
    if (list && list->is_array()) {
      for (const bj::value& t : list->get_array()) {
        if (!triggers.empty()) triggers += ", ";
        std::string type = Member(t, "type");
        triggers += Member(t, "name") + (type.empty() ? "" : " (" + type + ")");
      }
    }
    rows.push_back({Member(flow, "name"), Member(flow, "version"), Member(flow, "enabled"), Member(flow, "kind"),
                    triggers});
  }
  PrintTable({"NAME", "VERSION", "ENABLED", "KIND", "TRIGGERS"}, rows);
  return kExitOk;
}

struct FlowsDeployOptions : ClientOptions {
  std::string file;
  std::string name;
  std::string kind;
};

// The Content-Type for a flow file: by extension, else by its first character (a JSON document
// starts with '{'; anything else is taken as YAML, which is how `runnel validate` tells them apart
// for text too).
std::string FlowContentType(const std::filesystem::path& file, const std::string& bytes) {
  std::string ext = file.extension().string();
  if (json::EqualsIgnoreCase(ext, ".json")) return "application/json";
  if (json::EqualsIgnoreCase(ext, ".yaml") || json::EqualsIgnoreCase(ext, ".yml")) return "application/yaml";
  if (json::EqualsIgnoreCase(ext, ".zip")) return "application/zip";
  size_t first = bytes.find_first_not_of(" \t\r\n");
  return first != std::string::npos && bytes[first] == '{' ? "application/json" : "application/yaml";
}

int DeployFlow(const ApiClient& client, const FlowsDeployOptions& opt) {
  std::ifstream in(opt.file, std::ios::binary);
  if (!in) return ReportUsage("cannot open the flow file '" + opt.file + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return ReportUsage("cannot read the flow file '" + opt.file + "'");
  std::filesystem::path path(opt.file);
  std::string name = opt.name.empty() ? path.stem().string() : opt.name;
  if (name.empty()) return ReportUsage("cannot name a flow after '" + opt.file + "'; pass --name");

  std::string target = FlowPath(name);
  if (!opt.kind.empty()) target += "?kind=" + EncodeComponent(opt.kind);
  auto reply = client.Call("PUT", target, bytes.str(), FlowContentType(path, bytes.str()));
  if (!reply) return ReportUsage(reply.error().message);
  if (!reply.value().ok()) return ReportRefused(client, reply.value(), opt.file);
  std::string version;
  if (auto parsed = json::Parse(reply.value().body)) version = Member(parsed.value(), "version");
  std::cout << "deployed flow '" << name << "'" << (version.empty() ? "" : " version " + version)
            << (reply.value().status == 201 ? " (new flow)" : "") << "\n";
  return kExitOk;
}

struct FlowNameOptions : ClientOptions {
  std::string name;
};

// POST /management/flows/{name}/{verb}, or DELETE the flow; `done` completes "flow 'x' ...".
int FlowAction(const ApiClient& client, const std::string& name, std::string_view verb, std::string_view done) {
  bool remove = verb == "delete";
  std::string path = FlowPath(name) + (remove ? "" : "/" + std::string(verb));
  Answer a = CallJson(client, remove ? "DELETE" : "POST", path);
  if (a.exit_code != kExitOk) return a.exit_code;
  std::cout << "flow '" << name << "' " << done << "\n";
  return kExitOk;
}

struct FlowsUrlOptions : ClientOptions {
  std::string name;
  std::string trigger;
  bool secondary = false;
};

int PrintFlowUrl(const ApiClient& client, const FlowsUrlOptions& opt) {
  bj::value callback;
  int rc = ListCallbackUrl(client, opt.name, opt.trigger, opt.secondary, callback);
  if (rc != kExitOk) return rc;
  std::cout << Member(callback, "value") << "\n";
  return kExitOk;
}

void AddFlowsCommands(CLI::App& app, int& exit_code) {
  CLI::App* flows = app.add_subcommand("flows", "Manage the flows deployed on a Runnel server");
  flows->require_subcommand(1);

  auto list = std::make_shared<FlowsListOptions>();
  CLI::App* cmd = flows->add_subcommand("list", "List the deployed flows");
  cmd->add_flag("--json", list->json, "Print the server's JSON instead of a table");
  AddConnectionOptions(cmd, *list);
  SetClientCallback(cmd, list, exit_code, [list](const ApiClient& c) { return ListFlows(c, *list); });

  auto deploy = std::make_shared<FlowsDeployOptions>();
  cmd = flows->add_subcommand("deploy", "Deploy a flow file as a new flow or a new version");
  cmd->add_option("file", deploy->file, "The flow: JSON or YAML, in any form `runnel validate` accepts")->required();
  cmd->add_option("--name", deploy->name, "The flow's name (default: the file name without its extension)");
  cmd->add_option("--kind", deploy->kind, "Stateful or Stateless (default: the document's kind, else Stateful)")
      ->transform(CLI::IsMember({"Stateful", "Stateless"}, CLI::ignore_case));
  AddConnectionOptions(cmd, *deploy);
  SetClientCallback(cmd, deploy, exit_code, [deploy](const ApiClient& c) { return DeployFlow(c, *deploy); });

  struct Verb {
    const char* name;
    const char* help;
    const char* done;
  };
  for (Verb v : {Verb{"enable", "Enable a flow: its triggers answer and its schedules fire", "enabled"},
                 Verb{"disable", "Disable a flow: its triggers answer 409, its schedules stop", "disabled"},
                 Verb{"delete", "Delete a flow (its run history stays until retention)", "deleted"}}) {
    auto opt = std::make_shared<FlowNameOptions>();
    cmd = flows->add_subcommand(v.name, v.help);
    cmd->add_option("name", opt->name, "The flow's name")->required();
    AddConnectionOptions(cmd, *opt);
    SetClientCallback(cmd, opt, exit_code,
                      [opt, v](const ApiClient& c) { return FlowAction(c, opt->name, v.name, v.done); });
  }

  auto url = std::make_shared<FlowsUrlOptions>();
  cmd = flows->add_subcommand("url", "Print the signed URL that calls a flow's trigger");
  cmd->add_option("name", url->name, "The flow's name")->required();
  cmd->add_option("--trigger", url->trigger, "The trigger (default: the flow's first trigger)");
  cmd->add_flag("--secondary", url->secondary, "Sign with the secondary key instead of the primary");
  AddConnectionOptions(cmd, *url);
  SetClientCallback(cmd, url, exit_code, [url](const ApiClient& c) { return PrintFlowUrl(c, *url); });
}

// --- runs ----------------------------------------------------------------------------------

struct RunsListOptions : ClientOptions {
  std::string flow;
  std::string status;
  int top = 0;  // 0: one page, as many as the server sends
  bool json = false;
};

int ListRuns(const ApiClient& client, const RunsListOptions& opt) {
  std::string query;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) query += (query.empty() ? "?" : "&") + std::string(key) + "=" + EncodeComponent(value);
  };
  add("flow", opt.flow);
  add("status", opt.status);
  add("top", opt.top > 0 ? std::to_string(opt.top) : "");

  // With --top the server may still page (top as a page size); follow nextLink until N runs.
  bj::array runs;
  std::string next_link;
  std::string path = "/management/runs" + query;
  for (int page = 0; page < kMaxRunPages; ++page) {
    Answer a = CallJson(client, "GET", path);
    if (a.exit_code != kExitOk) return a.exit_code;
    const bj::array& items = Items(a.json);
    for (const bj::value& run : items) runs.push_back(run);
    next_link = Member(a.json, "nextLink");
    if (opt.top <= 0 || next_link.empty() || items.empty() || static_cast<int>(runs.size()) >= opt.top) break;
    auto next = client.PathOf(next_link);
    if (!next) return ReportUsage(next.error().message);
    path = next.value();
  }
  if (opt.top > 0 && static_cast<int>(runs.size()) > opt.top) runs.resize(opt.top);

  if (opt.json) {
    bj::object out{{"value", std::move(runs)}};
    if (!next_link.empty()) out["nextLink"] = next_link;
    PrintJson(out);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const bj::value& r : runs) {
    rows.push_back({Member(r, "id"), Member(r, "flow"), Member(r, "version"), Member(r, "trigger"),
                    Member(r, "status"), Member(r, "startTime"), Member(r, "endTime"), Member(r, "errorCode")});
  }
  PrintTable({"ID", "FLOW", "VERSION", "TRIGGER", "STATUS", "START", "END", "ERROR"}, rows);
  if (!next_link.empty() && opt.top <= 0) std::cerr << "(more runs: ask for them with --top N)\n";
  return kExitOk;
}

struct RunIdOptions : ClientOptions {
  std::string id;
};

int ShowRun(const ApiClient& client, const RunIdOptions& opt) {
  Answer a = CallJson(client, "GET", RunPath(opt.id));
  if (a.exit_code != kExitOk) return a.exit_code;
  PrintJson(a.json);
  return kExitOk;
}

int CancelRun(const ApiClient& client, const RunIdOptions& opt) {
  Answer a = CallJson(client, "POST", RunPath(opt.id) + "/cancel");
  if (a.exit_code != kExitOk) return a.exit_code;
  // The server answers 202 with the status the run is now in ("Cancelling").
  std::string status = Member(a.json, "status");
  std::cout << "run " << opt.id << ": " << (status.empty() ? "cancel requested" : status) << "\n";
  return kExitOk;
}

// Prints the new run's id alone, so that scripts can use it: from the body ("id" or "runId"),
// else the x-ms-workflow-run-id header.
int ResubmitRun(const ApiClient& client, const RunIdOptions& opt) {
  Answer a = CallJson(client, "POST", RunPath(opt.id) + "/resubmit");
  if (a.exit_code != kExitOk) return a.exit_code;
  std::string id = Member(a.json, "id");
  if (id.empty()) id = Member(a.json, "runId");
  if (id.empty()) id = a.reply.Header("x-ms-workflow-run-id");
  if (id.empty()) return ReportUsage("the server accepted the resubmission but named no new run: " + a.reply.body);
  std::cout << id << "\n";
  return kExitOk;
}

void AddRunsCommands(CLI::App& app, int& exit_code) {
  CLI::App* runs = app.add_subcommand("runs", "Look at and act on the runs of a Runnel server");
  runs->require_subcommand(1);

  auto list = std::make_shared<RunsListOptions>();
  CLI::App* cmd = runs->add_subcommand("list", "List runs, newest first");
  cmd->add_option("--flow", list->flow, "Only this flow's runs");
  cmd->add_option("--status", list->status, "Only runs with this status (Running, Succeeded, Failed, Cancelled, ...)");
  cmd->add_option("--top", list->top, "At most N runs, following the server's pages as needed")
      ->check(CLI::Range(1, kMaxTop));
  cmd->add_flag("--json", list->json, "Print JSON ({\"value\": [run...], \"nextLink\"}) instead of a table");
  AddConnectionOptions(cmd, *list);
  SetClientCallback(cmd, list, exit_code, [list](const ApiClient& c) { return ListRuns(c, *list); });

  struct Verb {
    const char* name;
    const char* help;
    int (*run)(const ApiClient&, const RunIdOptions&);
  };
  for (Verb v : {Verb{"show", "Print a run as JSON, with its run record once it has finished", &ShowRun},
                 Verb{"cancel", "Cancel a running run", &CancelRun},
                 Verb{"resubmit", "Start a new run with the same trigger outputs; prints the new run's id",
                      &ResubmitRun}}) {
    auto opt = std::make_shared<RunIdOptions>();
    cmd = runs->add_subcommand(v.name, v.help);
    cmd->add_option("id", opt->id, "The run's id")->required();
    AddConnectionOptions(cmd, *opt);
    SetClientCallback(cmd, opt, exit_code, [opt, run = v.run](const ApiClient& c) { return run(c, *opt); });
  }
  AddWatchCommand(*runs, exit_code);
}

}  // namespace

void AddClientCommands(CLI::App& app, int& exit_code) {
  AddFlowsCommands(app, exit_code);
  AddRunsCommands(app, exit_code);
  AddTriggerCommand(app, exit_code);
}

}  // namespace runnel::cli

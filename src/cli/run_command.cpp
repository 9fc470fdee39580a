// `runnel run FILE [--trigger FILE] [--parameters FILE] [--settings FILE] [--mock FILE] [--now ISO8601] [--flow NAME]`
//
// Runs a flow in-process and prints its run record (docs/run-record.md). Exit codes: 0 the run
// Succeeded (or its trigger condition was false: nothing to run), 1 it Failed or was Cancelled,
// 2 bad input (unreadable or invalid flow, unreadable trigger/parameters/settings/mock file).
//
// With --now the run uses a virtual clock starting at that time: Wait actions and retry
// backoffs complete instantly while the record shows the times they would have taken.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/handlers.h"
#include "engine/local_runner.h"
#include "expr/timestamp.h"
#include "flow/definition_builder.h"
#include "flow/loader.h"
#include "flow/parameter_values.h"
#include "json/lookup.h"
#include "json/parse.h"
#include "json/serialize.h"

namespace runnel::cli {
namespace bj = boost::json;

namespace {

struct RunCommandOptions {
  std::string file;
  std::string trigger_file;
  std::string parameters_file;
  std::string settings_file;
  std::string mock_file;
  std::string now;
  std::string flow;
  bool compact = false;
};

Result<bj::value> ReadJsonFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error("UnreadableFile", std::string("cannot open the ") + what + " file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  auto v = json::Parse(ss.str());
  if (!v) return Error("InvalidJson", "the " + std::string(what) + " file '" + path + "' is not valid JSON: " + v.error().message);
  return v;
}

int Fail(const std::string& message) {
  std::cerr << "runnel run: " << message << "\n";
  return 2;
}

int RunFlow(const RunCommandOptions& opt) {
  auto files = flow::LoadFlowFile(opt.file);
  if (!files) return Fail(files.error().ToString());
  const flow::FlowFile* chosen = nullptr;
  for (const auto& f : files.value()) {
    if (opt.flow.empty() || json::EqualsIgnoreCase(f.name, opt.flow)) {
      chosen = &f;
      break;
    }
  }
  if (!chosen) return Fail("no flow named '" + opt.flow + "' in " + opt.file);
  if (opt.flow.empty() && files.value().size() > 1) {
    std::cerr << "runnel run: " << opt.file << " holds " << files.value().size()
              << " flows; running '" << chosen->name << "' (choose with --flow)\n";
  }

  flow::BuildOptions build;
  if (!opt.parameters_file.empty()) {
    auto p = ReadJsonFile(opt.parameters_file, "parameters");
    if (!p) return Fail(p.error().message);
    build.parameter_values = flow::ParameterValuesFromJson(p.value());
  }
  if (!opt.settings_file.empty()) {
    auto s = ReadJsonFile(opt.settings_file, "settings");
    if (!s) return Fail(s.error().message);
    auto settings = flow::AppSettingsFromJson(s.value());
    if (!settings) return Fail("the settings file '" + opt.settings_file + "': " + settings.error().message);
    build.app_settings = std::move(settings).value();
  }
  std::vector<flow::Diagnostic> diagnostics;
  auto definition = flow::BuildDefinition(*chosen, build, diagnostics);
  for (const auto& d : diagnostics) {
    if (d.severity != flow::Diagnostic::Severity::kError) continue;
    std::cerr << chosen->origin << ":" << d.line << ":" << d.column << ": error: " << d.code << ": "
              << d.message << " (at " << d.pointer << ")\n";
  }
  if (!definition) return Fail("the flow is not valid; fix the errors above (runnel validate shows them too)");

  engine::LocalRunRequest req;
  req.flow_name = chosen->name;
  req.plan = std::make_shared<const engine::Plan>(
      std::shared_ptr<const flow::Definition>(std::move(definition.value())));
  if (!opt.trigger_file.empty()) {
    auto t = ReadJsonFile(opt.trigger_file, "trigger");
    if (!t) return Fail(t.error().message);
    req.trigger_outputs = engine::TriggerOutputsFromFile(std::move(t.value()));
  }
  if (!opt.mock_file.empty()) {
    auto m = ReadJsonFile(opt.mock_file, "mock");
    if (!m) return Fail(m.error().message);
    if (!m.value().is_object()) return Fail("the mock file must be an object: {\"Action_name\": {\"status\", \"outputs\"}}");
    req.mocks = m.value().get_object();
  }

  std::unique_ptr<ManualClock> virtual_clock;
  const Clock* clock = &SystemClock::Instance();
  if (!opt.now.empty()) {
    auto now = expr::ParseIsoTimestampMicros(opt.now);
    if (!now) return Fail("--now '" + opt.now + "' is not an ISO 8601 time such as 2018-01-01T08:00:00Z");
    virtual_clock = std::make_unique<ManualClock>(*now);
    clock = virtual_clock.get();
  }
  engine::LocalLoop loop(*clock, virtual_clock.get());
  std::string directory = std::filesystem::path(opt.file).parent_path().string();
  auto handlers = MakeLocalHandlers(loop, directory.empty() ? "." : directory, build);

  auto outcome = engine::RunLocally(req, *handlers, loop);
  if (!outcome) return Fail(outcome.error().ToString());
  auto print = [&](const bj::value& v) {
    std::cout << (opt.compact ? json::Serialize(v) : json::SerializePretty(v)) << "\n";
  };
  if (!outcome.value().trigger_fired) {
    print(bj::object{{"status", "Skipped"}, {"reason", outcome.value().skip_reason}});
    return 0;
  }
  bool all_succeeded = true;
  bj::array records;
  for (auto& r : outcome.value().runs) {
    all_succeeded &= r.status == engine::Status::kSucceeded;
    records.push_back(std::move(r.record));
  }
  if (records.size() == 1) {
    print(records[0]);
  } else {
    print(records);  // splitOn: one record per run
  }
  return all_succeeded ? 0 : 1;
}

}  // namespace

void AddRunCommand(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<RunCommandOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a flow in-process and print its run record");
  cmd->add_option("file", opt->file, "The flow: JSON, YAML, workflow.json, or a Power Automate package")->required();
  cmd->add_option("--trigger", opt->trigger_file, "JSON file with the trigger's outputs ({headers, body, queries}) or the request body");
  cmd->add_option("--parameters", opt->parameters_file, "JSON file with parameter values: {\"name\": value}");
  cmd->add_option("--settings", opt->settings_file,
                  "JSON file with app settings for appsetting(): {\"name\": \"value\"} or local.settings.json");
  cmd->add_option("--mock", opt->mock_file, "JSON file with action results by name: {\"Get_items\": {\"status\": \"Succeeded\", \"outputs\": ...}}");
  cmd->add_option("--now", opt->now, "Start a virtual clock at this ISO 8601 time (waits take no real time)");
  cmd->add_option("--flow", opt->flow, "Which flow of a package to run");
  cmd->add_flag("--compact", opt->compact, "Print the record on one line");
  cmd->callback([opt, &exit_code] { exit_code = RunFlow(*opt); });
}

}  // namespace runnel::cli

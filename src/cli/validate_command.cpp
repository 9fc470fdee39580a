// `runnel validate FILE... [--json] [--parameters FILE]`
//
// Loads each flow file (JSON, YAML or a zip package), builds every flow in it and reports what
// is wrong, with file:line:column and the JSON pointer. Exit codes: 0 every flow is valid, 1 some
// flow is invalid, 2 some file could not be read (or bad usage). Warnings do not make a flow
// invalid.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json/parse.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "flow/definition_builder.h"
#include "flow/errors.h"
#include "flow/loader.h"
#include "json/serialize.h"

namespace runnel::cli {
namespace bj = boost::json;

namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  std::string parameters_file;
  bool json = false;
};

struct FlowReport {
  std::string name;
  std::string origin;
  std::vector<flow::Diagnostic> diagnostics;
  bool valid = false;
};

struct FileReport {
  std::string file;
  std::optional<Error> error;  // the file could not be loaded
  std::vector<FlowReport> flows;
};

bool IsTypeDiagnostic(const flow::Diagnostic& d) {
  return d.code == flow::errc::kUnknownActionType || d.code == flow::errc::kUnsupportedActionType ||
         d.code == flow::errc::kUnknownTriggerType || d.code == flow::errc::kUnsupportedTriggerType;
}

// Distinct types that keep the flow from running here, in order of first appearance.
std::vector<std::string> UnsupportedTypes(const FlowReport& flow) {
  std::vector<std::string> types;
  for (const flow::Diagnostic& d : flow.diagnostics) {
    if (IsTypeDiagnostic(d) && std::find(types.begin(), types.end(), d.subject) == types.end()) {
      types.push_back(d.subject);
    }
  }
  return types;
}

FileReport ValidateFile(const std::string& path, const flow::BuildOptions& options) {
  FileReport report;
  report.file = path;
  auto flows = flow::LoadFlowFile(path);
  if (!flows) {
    report.error = flows.error();
    return report;
  }
  for (const flow::FlowFile& file : flows.value()) {
    FlowReport flow;
    flow.name = file.name;
    flow.origin = file.origin;
    auto built = flow::BuildDefinition(file, options, flow.diagnostics);
    flow.valid = static_cast<bool>(built);
    // Location order reads best; diagnostics without a line keep their place at the end.
    std::stable_sort(flow.diagnostics.begin(), flow.diagnostics.end(),
                     [](const flow::Diagnostic& a, const flow::Diagnostic& b) {
                       if ((a.line == 0) != (b.line == 0)) return b.line == 0;
                       return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                     });
    report.flows.push_back(std::move(flow));
  }
  return report;
}

void PrintHuman(const FileReport& report) {
  if (report.error) {
    const Error& e = *report.error;
    std::cout << (e.where.empty() ? report.file : e.where) << ": error: " << e.code << ": "
              << e.message << "\n";
    return;
  }
  for (const FlowReport& flow : report.flows) {
    size_t warnings = 0;
    for (const flow::Diagnostic& d : flow.diagnostics) {
      bool error = d.severity == flow::Diagnostic::Severity::kError;
      warnings += error ? 0 : 1;
      std::cout << flow.origin;
      if (d.line > 0) std::cout << ":" << d.line << ":" << d.column;
      std::cout << ": " << (error ? "error" : "warning") << ": " << d.code << ": " << d.message;
      if (!d.pointer.empty()) std::cout << " (at " << d.pointer << ")";
      std::cout << "\n";
    }
    if (flow.valid) {
      std::cout << flow.origin << ": ok";
      if (warnings)
        std::cout << " (" << warnings << " warning" << (warnings == 1 ? "" : "s") << ")";
      std::cout << "\n";
    }
  }
}

bj::object ToJson(const flow::Diagnostic& d) {
  return {{"severity", d.severity == flow::Diagnostic::Severity::kError ? "error" : "warning"},
          {"code", d.code},
          {"message", d.message},
          {"pointer", d.pointer},
          {"line", d.line},
          {"column", d.column},
          {"subject", d.subject}};
}

bj::object ToJson(const FileReport& report) {
  bj::object out{{"file", report.file}};
  if (report.error) {
    out["error"] = bj::object{{"code", report.error->code},
                              {"message", report.error->message},
                              {"where", report.error->where}};
  }
  bj::array flows;
  for (const FlowReport& flow : report.flows) {
    bj::array diagnostics, unsupported;
    for (const flow::Diagnostic& d : flow.diagnostics) diagnostics.push_back(ToJson(d));
    for (const std::string& t : UnsupportedTypes(flow)) unsupported.push_back(bj::string(t));
    flows.push_back(bj::object{{"name", flow.name},
                               {"origin", flow.origin},
                               {"valid", flow.valid},
                               {"diagnostics", std::move(diagnostics)},
                               {"unsupported", std::move(unsupported)}});
  }
  out["flows"] = std::move(flows);
  return out;
}

Result<bj::object> ReadParameters(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(flow::errc::kUnreadableFile, "cannot open parameters file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  bj::value doc = bj::parse(text.str(), ec);
  if (ec || !doc.is_object()) {
    return Error(flow::errc::kJsonSyntax,
                 "parameters file '" + path + "' must hold a JSON object of parameter values");
  }
  return std::move(doc.get_object());
}

int RunValidate(const ValidateOptions& opt) {
  flow::BuildOptions options;
  if (!opt.parameters_file.empty()) {
    auto values = ReadParameters(opt.parameters_file);
    if (!values) {
      std::cerr << "runnel validate: " << values.error().message << "\n";
      return 2;
    }
    options.parameter_values = std::move(values.value());
  }
  bool unreadable = false, invalid = false;
  bj::array json_reports;
  for (const std::string& path : opt.files) {
    FileReport report;
    // The last catch for this file: whatever escaped is an internal error of this file only.
    try {
      report = ValidateFile(path, options);
    } catch (const std::exception& e) {
      report = FileReport{
          path, Error("InternalError", std::string("validating failed: ") + e.what()), {}};
    }
    unreadable = unreadable || report.error.has_value();
    for (const FlowReport& flow : report.flows) invalid = invalid || !flow.valid;
    if (opt.json) {
      json_reports.push_back(ToJson(report));
    } else {
      PrintHuman(report);
    }
  }
  if (opt.json) std::cout << json::SerializePretty(json_reports) << "\n";
  return unreadable ? 2 : invalid ? 1 : 0;
}

}  // namespace

void AddValidateCommand(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ValidateOptions>();
  CLI::App* cmd =
      app.add_subcommand("validate", "Check flow files (JSON, YAML or zip packages) for errors");
  cmd->add_option("files", opt->files, "Flow files to check")->required();
  cmd->add_flag("--json", opt->json,
                "Print a machine-readable report: [{\"file\", \"flows\": [{\"name\", \"valid\", "
                "\"diagnostics\", \"unsupported\"}]}]");
  cmd->add_option("--parameters", opt->parameters_file,
                  "JSON object of parameter values (override the definitions' defaultValue)");
  cmd->callback([opt, &exit_code] { exit_code = RunValidate(*opt); });
}

}  // namespace runnel::cli

#include "cli/client_support.h"

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <exception>
#include <iostream>

#include "json/parse.h"
#include "json/serialize.h"

namespace runnel::cli {
namespace bj = boost::json;

void AddConnectionOptions(CLI::App* cmd, ClientOptions& options) {
  ClientSettings& s = options.connection;
  cmd->add_option("--server", s.server, std::string("Base URL of `runnel serve` (default ") + kDefaultServer + ")")
      ->envname("RUNNEL_SERVER");
  cmd->add_option("--token", s.token, "Management token (default: the data directory's admin-token file)")
      ->envname("RUNNEL_TOKEN");
  cmd->add_option("--data", s.data_dir,
                  std::string("The server's data directory, to read admin-token from (default ") + kDefaultDataDir +
                      ")")
      ->envname("RUNNEL_DATA");
}

void SetClientCallback(CLI::App* cmd, std::shared_ptr<const ClientOptions> options, int& exit_code,
                       std::function<int(const ApiClient&)> run) {
  cmd->callback([options, &exit_code, run = std::move(run)] {
    auto client = ApiClient::Create(options->connection);
    if (!client) {
      exit_code = ReportUsage(client.error().message);
      return;
    }
    try {
      exit_code = run(client.value());
    } catch (const std::exception& e) {
      exit_code = ReportUsage(std::string("internal error: ") + e.what());
    }
  });
}

int ReportUsage(const std::string& message) {
  std::cerr << "runnel: " << message << "\n";
  return kExitUsage;
}

namespace {

void PrintDetail(const bj::value& d, const std::string& origin) {
  if (const auto* s = d.if_string()) {
    std::cerr << "  " << std::string_view(*s) << "\n";
    return;
  }
  if (!d.is_object()) {
    std::cerr << "  " << json::Serialize(d) << "\n";
    return;
  }
  std::string severity = Member(d, "severity");
  std::string code = Member(d, "code");
  std::string message = Member(d, "message");
  std::string pointer = Member(d, "pointer");
  std::string line = Member(d, "line");
  std::string where = line.empty() || line == "0" ? "  " : (origin.empty() ? "" : origin + ":") + line + ":" +
                                                                Member(d, "column") + ": ";
  std::cerr << where << (severity.empty() ? "error" : severity) << ": " << (code.empty() ? "" : code + ": ")
            << message << (pointer.empty() ? "" : " (at " + pointer + ")") << "\n";
}

}  // namespace

int ReportRefused(const ApiClient& client, const HttpReply& reply, const std::string& origin) {
  Error e = ServerError(reply);
  std::cerr << "runnel: " << e.code << ": " << e.message << "\n";
  if (auto parsed = json::Parse(reply.body)) {
    const auto* error = parsed.value().is_object() ? parsed.value().get_object().if_contains("error") : nullptr;
    const auto* details = error && error->is_object() ? error->get_object().if_contains("details") : nullptr;
    if (details && details->is_array()) {
      for (const bj::value& d : details->get_array()) PrintDetail(d, origin);
    } else if (details && !details->is_null()) {
      PrintDetail(*details, origin);
    }
  }
  if (reply.status == 401) {
    if (client.has_token()) {
      std::cerr << "runnel: the server refused the token from " << client.token_source() << "\n";
    } else {
      std::cerr << "runnel: no token was sent (none given, and none in " << client.token_source()
                << "): pass --token or set RUNNEL_TOKEN, or point --data (or RUNNEL_DATA) at the server's data "
                   "directory\n";
    }
  }
  return kExitRefused;
}

Answer CallJson(const ApiClient& client, std::string_view method, std::string_view path, std::string body,
                std::string_view content_type) {
  Answer a;
  auto reply = client.Call(method, path, std::move(body), content_type);
  if (!reply) {
    a.exit_code = ReportUsage(reply.error().message);
    return a;
  }
  a.reply = std::move(reply).value();
  if (!a.reply.ok()) {
    a.exit_code = ReportRefused(client, a.reply);
    return a;
  }
  if (a.reply.body.find_first_not_of(" \t\r\n") == std::string::npos) return a;
  auto parsed = json::Parse(a.reply.body);
  if (!parsed) {
    a.exit_code = ReportUsage("the answer to " + std::string(method) + " " + client.base_url() + std::string(path) +
                              " is not JSON (" + parsed.error().message + "); is that a Runnel server?");
    return a;
  }
  a.json = std::move(parsed).value();
  return a;
}

std::string Text(const bj::value& v) {
  if (const auto* s = v.if_string()) return std::string(*s);
  if (v.is_null()) return "";
  return json::Serialize(v);
}

std::string Member(const bj::value& object, std::string_view key) {
  const auto* o = object.if_object();
  const auto* v = o ? o->if_contains(key) : nullptr;
  return v ? Text(*v) : "";
}

const bj::array& Items(const bj::value& page) {
  static const bj::array kEmpty;
  const auto* o = page.if_object();
  const auto* v = o ? o->if_contains("value") : nullptr;
  return v && v->is_array() ? v->get_array() : kEmpty;
}

namespace {

// Display width in code points (close enough for names; no East Asian wide characters here).
size_t Width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size());
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - Width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  };
  print(header);
  for (const auto& row : rows) print(row);
}

void PrintJson(const bj::value& v) { std::cout << json::SerializePretty(v) << "\n"; }

int ListCallbackUrl(const ApiClient& client, const std::string& flow, std::string trigger, bool secondary,
                    bj::value& callback) {
  std::string flow_path = "/management/flows/" + EncodeComponent(flow);
  if (trigger.empty()) {
    Answer a = CallJson(client, "GET", flow_path);
    if (a.exit_code != kExitOk) return a.exit_code;
    const auto* o = a.json.if_object();
    const auto* triggers = o ? o->if_contains("triggers") : nullptr;
    if (triggers && triggers->is_array() && !triggers->get_array().empty()) {
      trigger = Member(triggers->get_array().front(), "name");
    }
    if (trigger.empty()) {
      std::cerr << "runnel: flow '" << flow << "' has no triggers to call\n";
      return kExitRefused;
    }
  }
  std::string path = flow_path + "/triggers/" + EncodeComponent(trigger) + "/listCallbackUrl";
  if (secondary) path += "?keyType=Secondary";
  Answer a = CallJson(client, "POST", path);
  if (a.exit_code != kExitOk) return a.exit_code;
  if (Member(a.json, "value").empty()) {
    return ReportUsage("the server's answer to listCallbackUrl has no \"value\" URL: " + a.reply.body);
  }
  callback = std::move(a.json);
  return kExitOk;
}

}  // namespace runnel::cli

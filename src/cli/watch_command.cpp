// `runnel runs watch ID [--timeout SECONDS]`
//
// Follows a run through GET /management/runs/{id}/events (Server-Sent Events) and prints one
// line per event until the `run` event, which carries the final status:
//
//   2024-05-01T10:00:00.120Z Get_orders Running
//   2024-05-01T10:00:00.480Z Get_orders Succeeded
//   run Succeeded
//
// Exit codes: 0 the run Succeeded; 1 it ended otherwise, the server refused (unknown run), or
// --timeout passed first; 2 bad usage or no usable answer from the server. When the stream ends
// without a `run` event (a restarting server), the run itself is read once: a finished run is
// reported as if the event had come, an unfinished one is an error (exit 2).

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <iostream>

#include "cli/client_support.h"
#include "cli/event_stream.h"
#include "engine/status.h"
#include "json/parse.h"

namespace runnel::cli {
namespace bj = boost::json;

namespace {

constexpr int kMaxTimeoutSeconds = 365 * 24 * 3600;

struct WatchOptions : ClientOptions {
  std::string id;
  int timeout_seconds = 0;  // 0: as long as the run takes
};

// A run is finished once its status is one of the engine's final ones; anything else (Running,
// Waiting for a concurrency slot, a name this client does not know) may still change.
bool IsUnfinished(std::string_view status) {
  auto s = engine::ParseStatus(status);
  return !s || !engine::IsTerminal(*s);
}

// "<status>" plus ": <code>: <message>" when the run or event names its error.
std::string StatusText(const bj::value& v) {
  std::string text = Member(v, "status");
  const auto* o = v.if_object();
  const auto* error = o ? o->if_contains("error") : nullptr;
  std::string code = error ? Member(*error, "code") : Member(v, "errorCode");
  if (!code.empty()) text += ": " + code;
  std::string message = error ? Member(*error, "message") : "";
  if (!message.empty()) text += ": " + message;
  return text;
}

// The line printed for `e`; sets `run_status` when `e` is the run's final event.
std::string EventLine(const StreamEvent& e, std::string& run_status) {
  auto parsed = json::Parse(e.data);
  bj::value data = parsed ? std::move(parsed).value() : bj::value(e.data);
  std::string time = Member(data, "time");
  std::string prefix = time.empty() ? "" : time + " ";
  if (e.event == "run") {
    // The final status, as an object ({"status", ...}) or a bare string.
    run_status = data.is_string() ? Text(data) : Member(data, "status");
    return prefix + "run " + (data.is_string() ? run_status : StatusText(data));
  }
  if (e.event == "action") return prefix + Member(data, "action") + " " + StatusText(data);
  return prefix + e.event + " " + e.data;
}

int WatchRun(const ApiClient& client, const WatchOptions& opt) {
  std::string run_path = "/management/runs/" + EncodeComponent(opt.id);
  EventStreamParser parser;
  bool finished = false;
  std::string status;
  auto on_event = [&](const StreamEvent& e) {
    std::cout << EventLine(e, status) << std::endl;  // flushed: someone is watching
    finished = e.event == "run";
    return !finished;
  };
  auto sink = [&](std::string_view piece) { return parser.Feed(piece, on_event); };
  auto reply = client.Stream(run_path + "/events", "text/event-stream", sink,
                             std::chrono::seconds(opt.timeout_seconds));
  if (!reply) {
    if (reply.error().code == client_errc::kTimeout && opt.timeout_seconds > 0) {
      std::cerr << "runnel: run " << opt.id << " did not finish within " << opt.timeout_seconds << " s\n";
      return kExitRefused;
    }
    return ReportUsage(reply.error().message);
  }
  if (!reply.value().ok()) return ReportRefused(client, reply.value());
  if (!finished) {
    Answer a = CallJson(client, "GET", run_path);
    if (a.exit_code != kExitOk) return a.exit_code;
    status = Member(a.json, "status");
    if (IsUnfinished(status)) {
      return ReportUsage("the event stream of run " + opt.id + " ended before the run finished (status " +
                         (status.empty() ? "unknown" : status) + "); watch it again");
    }
    std::cout << "run " << StatusText(a.json) << std::endl;
  }
  return engine::ParseStatus(status) == engine::Status::kSucceeded ? kExitOk : kExitRefused;
}

}  // namespace

void AddWatchCommand(CLI::App& runs, int& exit_code) {
  auto opt = std::make_shared<WatchOptions>();
  CLI::App* cmd = runs.add_subcommand("watch", "Follow a run's actions as they happen, until it finishes");
  cmd->add_option("id", opt->id, "The run's id")->required();
  cmd->add_option("--timeout", opt->timeout_seconds, "Give up after this many seconds (default: no limit)")
      ->check(CLI::Range(0, kMaxTimeoutSeconds));
  AddConnectionOptions(cmd, *opt);
  SetClientCallback(cmd, opt, exit_code, [opt](const ApiClient& c) { return WatchRun(c, *opt); });
}

}  // namespace runnel::cli

// What the client commands (`runnel flows|runs|trigger`, docs/cli.md) share: the connection
// flags, one way to make a management call and report its failure, table output, and the
// callback-URL lookup that both `runnel flows url` and `runnel trigger` need.
//
// Every helper that can fail prints the failure to stderr ("runnel: ...") itself and hands back
// the exit code, so that a command reads as a straight line of calls with early returns:
//   0  success
//   1  the server said no (a non-2xx answer), or the run failed
//   2  bad usage, or no usable answer from the server (unreachable, timeout, not JSON)
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/api_client.h"

namespace CLI {
class App;
}

namespace runnel::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;

// Every client command's options derive from this: where the server is and the token.
struct ClientOptions {
  ClientSettings connection;
};

// Adds --server, --token and --data (with their environment variables) to `cmd`.
void AddConnectionOptions(CLI::App* cmd, ClientOptions& options);

// Sets `cmd`'s callback: resolve `options->connection` into an ApiClient, then run `run` with it
// and store its exit code. An exception that escapes a command is a bug; it is reported as an
// internal error (exit 2) rather than left to terminate the process.
void SetClientCallback(CLI::App* cmd, std::shared_ptr<const ClientOptions> options, int& exit_code,
                       std::function<int(const ApiClient&)> run);

// Prints "runnel: <message>" and returns kExitUsage: for flags, local files, and failures that
// got no usable answer from the server.
int ReportUsage(const std::string& message);
// Prints the server's error ("runnel: <code>: <message>", then one line per `error.details`
// entry; `origin` prefixes diagnostics that carry a line) and returns kExitRefused. A 401 when
// no token was sent also says where a token comes from.
int ReportRefused(const ApiClient& client, const HttpReply& reply, const std::string& origin = "");

// The outcome of a management call whose answer should be JSON: sends it, and on a failure —
// no usable answer (exit 2), a non-2xx answer (exit 1), a 2xx body that is not JSON (exit 2) —
// prints it and sets exit_code. `path` is as for ApiClient::Call.
struct Answer {
  int exit_code = kExitOk;  // not kExitOk: the failure is already printed; return this
  HttpReply reply;
  boost::json::value json;  // null for an empty body
};
Answer CallJson(const ApiClient& client, std::string_view method, std::string_view path, std::string body = "",
                std::string_view content_type = "");

// Helpers for reading the server's JSON without exceptions: a missing member or a value of
// another type reads as empty.
std::string Text(const boost::json::value& v);  // strings as-is, null "", others as JSON
std::string Member(const boost::json::value& object, std::string_view key);
const boost::json::array& Items(const boost::json::value& page);  // page["value"], or an empty array

// Prints rows under a header, columns padded to their widest cell.
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
void PrintJson(const boost::json::value& v);  // indented, with a final newline

// Gets the signed URL of `flow`'s trigger `trigger` (the flow's first trigger when empty, read
// with GET /management/flows/{flow}) through listCallbackUrl. On success fills `callback` with the
// answer ({"value", "method", "basePath", "queries", "relativePath"}) and returns kExitOk.
int ListCallbackUrl(const ApiClient& client, const std::string& flow, std::string trigger, bool secondary,
                    boost::json::value& callback);

// `runnel trigger` and `runnel runs watch`, registered by AddClientCommands.
void AddTriggerCommand(CLI::App& app, int& exit_code);
void AddWatchCommand(CLI::App& runs, int& exit_code);

}  // namespace runnel::cli

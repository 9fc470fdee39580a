// `runnel trigger FLOW [--trigger T] [--body FILE|-] [--method M] [--path P] [--timeout SECONDS]`
//
// Calls a flow's Request trigger the way any client would: gets the signed callback URL from the
// management API (listCallbackUrl), sends the body to it, and prints the answer's body. When the
// answer is 202 Accepted with a Location (the flow has no Response action, or it did not answer
// within the server's synchronous window), polls the Location — waiting as its Retry-After says —
// until the answer is something else, and prints that.
//
// Exit codes: 0 the final answer is 2xx; 1 it is not, it is the status document of a run that
// did not succeed (a flow without Response action), or --timeout passed before it came (the run
// goes on: follow it with `runnel runs watch`); 2 bad usage or no usable answer.
//
// The callback and Location URLs are signed, so they are called without the management token:
// the token never leaves for a URL the server handed out.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json/object.hpp>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/client_support.h"
#include "engine/status.h"
#include "json/parse.h"

namespace runnel::cli {
namespace bj = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kDefaultRetryAfter{1'000};  // when a 202 has no usable Retry-After
constexpr milliseconds kMinPollInterval{100};      // even when Retry-After says 0
constexpr int kMaxTimeoutSeconds = 7 * 24 * 3600;

struct TriggerOptions : ClientOptions {
  std::string flow;
  std::string trigger;
  std::string body_file;  // "-" is stdin
  std::string method;
  std::string path;
  int timeout_seconds = 300;
};

// Well-formed UTF-8 lead and continuation bytes (overlong forms are not looked for).
bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
    if (extra == 4 || extra >= s.size() - i) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

bool IsHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// JSON goes as JSON (the trigger then sees an object, not text); other text as text/plain.
std::string BodyContentType(const std::string& body) {
  if (json::Parse(body)) return "application/json";
  return IsUtf8(body) ? "text/plain; charset=utf-8" : "application/octet-stream";
}

Result<std::string> ReadBody(const std::string& source) {
  std::ostringstream bytes;
  if (source == "-") {
    bytes << std::cin.rdbuf();
    if (std::cin.bad()) return Error("UnreadableFile", "cannot read the body from stdin");
    return bytes.str();
  }
  std::ifstream in(source, std::ios::binary);
  if (!in) return Error("UnreadableFile", "cannot open the body file '" + source + "'");
  bytes << in.rdbuf();
  if (in.bad()) return Error("UnreadableFile", "cannot read the body file '" + source + "'");
  return bytes.str();
}

// "scheme://host[:port]" of an absolute URL, or "" when `url` is not one.
std::string Origin(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  size_t path = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, path));
}

// `link` (absolute, or a path starting with '/') resolved against `base`.
std::string Resolve(std::string_view base, std::string_view link) {
  if (link.starts_with("/")) return Origin(base) + std::string(link);
  return std::string(link);
}

// Percent-encodes what may not stand in a URL path as it is; '/' and existing %XX stay.
std::string EncodePath(std::string_view path) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string_view segment = path.substr(start, slash - start);
    for (size_t i = 0; i < segment.size(); ++i) {
      auto c = static_cast<unsigned char>(segment[i]);
      bool escaped = c == '%' && i + 2 < segment.size() && IsHexDigit(segment[i + 1]) && IsHexDigit(segment[i + 2]);
      bool keep = std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
      out += keep || escaped ? std::string(1, static_cast<char>(c)) : EncodeComponent(segment.substr(i, 1));
    }
    if (slash == path.size()) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

// The URL to call: the callback's "value", or with --path its "basePath" plus the path, signed
// by the value's query (the signature covers flow and trigger, not the relative path).
std::string CallbackUrl(const bj::value& callback, std::string path) {
  std::string value = Member(callback, "value");
  if (path.empty()) return value;
  size_t q = value.find('?');
  std::string query = q == std::string::npos ? "" : value.substr(q);
  std::string base = Member(callback, "basePath");
  if (base.empty()) {
    base = value.substr(0, q);
    if (size_t invoke = base.rfind("/invoke"); invoke != std::string::npos) base.resize(invoke + 7);
  }
  base = Resolve(value, base);
  while (!base.empty() && base.back() == '/') base.pop_back();
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  return base + "/" + EncodePath(path) + query;
}

// How long a 202 asks us to wait: Retry-After in seconds; an HTTP-date or nothing means 1 s.
milliseconds RetryAfter(const HttpReply& reply) {
  std::string v = reply.Header("Retry-After");
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  bool seconds = !v.empty() && v.size() <= 6 && std::all_of(v.begin(), v.end(), is_digit);
  if (!seconds) return kDefaultRetryAfter;
  return std::max(milliseconds(std::stoi(v) * 1000), kMinPollInterval);
}

milliseconds Remaining(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
}

int TimedOut(const TriggerOptions& opt, const std::string& run_id) {
  std::cerr << "runnel: no final answer within " << opt.timeout_seconds << " s";
  if (!run_id.empty()) {
    std::cerr << "; run " << run_id << " goes on: follow it with `runnel runs watch " << run_id << "`";
  }
  std::cerr << "\n";
  return kExitRefused;
}

// Sends `call` with what is left of the deadline, at most `cap`. A timeout that the deadline
// imposed comes back as kDeadlinePassed, so that it reads as "no final answer in time" rather
// than as a server that does not answer.
constexpr const char* kDeadlinePassed = "DeadlinePassed";
Result<HttpReply> SendBefore(HttpCall call, Clock::time_point deadline, milliseconds cap) {
  milliseconds left = std::max(Remaining(deadline), milliseconds(1));
  call.timeout = std::min(left, cap);
  auto reply = SendHttp(call);
  if (!reply && reply.error().code == client_errc::kTimeout && left <= cap) return Error(kDeadlinePassed, "");
  return reply;
}

// A polled answer from a flow without a Response action is the run's status document,
// {"runId", "status", "outputs", "error"}; a run that did not succeed makes the command fail as
// `runnel run` does. Returns "<status>[: <code>: <message>]" for such a run, else "". A flow's
// own Response (any answer to the first request) is never taken for one.
std::string RunFailure(const HttpReply& reply, const std::string& run_id, bool first_answer) {
  if (first_answer || run_id.empty()) return "";
  auto parsed = json::Parse(reply.body);
  if (!parsed || Member(parsed.value(), "runId") != run_id) return "";
  std::string status = Member(parsed.value(), "status");
  if (status.empty() || engine::ParseStatus(status) == engine::Status::kSucceeded) return "";
  const auto* o = parsed.value().if_object();
  const auto* error = o ? o->if_contains("error") : nullptr;
  std::string code = error ? Member(*error, "code") : "";
  std::string message = error ? Member(*error, "message") : "";
  return status + (code.empty() ? "" : ": " + code) + (message.empty() ? "" : ": " + message);
}

void PrintBody(const std::string& body) {
  std::cout << body;
  if (!body.empty() && body.back() != '\n') std::cout << "\n";
}

int TriggerFlow(const ApiClient& client, const TriggerOptions& opt) {
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(opt.timeout_seconds);
  std::string body;
  if (!opt.body_file.empty()) {
    auto read = ReadBody(opt.body_file);
    if (!read) return ReportUsage(read.error().message);
    body = std::move(read).value();
  }
  bj::value callback;
  int rc = ListCallbackUrl(client, opt.flow, opt.trigger, /*secondary=*/false, callback);
  if (rc != kExitOk) return rc;

  HttpCall call;
  call.method = opt.method.empty() ? Member(callback, "method") : opt.method;
  if (call.method.empty()) call.method = "POST";
  for (char& c : call.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  call.url = CallbackUrl(callback, opt.path);
  if (!body.empty()) call.headers.push_back({"Content-Type", BodyContentType(body)});
  call.body = std::move(body);
  // The first answer may take the server's whole synchronous window (120 s by default).
  auto sent = SendBefore(call, deadline, milliseconds::max());
  std::string run_id;
  std::string poll_url;
  bool announced = false;
  while (true) {
    if (!sent) {
      return sent.error().code == kDeadlinePassed ? TimedOut(opt, run_id) : ReportUsage(sent.error().message);
    }
    const HttpReply& reply = sent.value();
    if (std::string id = reply.Header("x-ms-workflow-run-id"); !id.empty()) run_id = id;
    if (reply.status != 202) break;
    // Each 202 may move the status URL; one without a Location keeps the last.
    if (std::string location = reply.Header("Location"); !location.empty()) poll_url = Resolve(call.url, location);
    if (poll_url.empty()) break;  // a 202 without any Location is the final answer
    if (!announced) {
      std::cerr << "run " << (run_id.empty() ? "(unnamed)" : run_id) << " accepted; waiting for its answer\n";
      announced = true;
    }
    milliseconds wait = RetryAfter(reply);
    if (wait >= Remaining(deadline)) return TimedOut(opt, run_id);
    std::this_thread::sleep_for(wait);
    HttpCall poll;
    poll.url = poll_url;
    call = std::move(poll);
    sent = SendBefore(call, deadline, kManagementTimeout);
  }

  const HttpReply& final_reply = sent.value();
  if (final_reply.ok()) {
    PrintBody(final_reply.body);
    if (std::string failure = RunFailure(final_reply, run_id, poll_url.empty()); !failure.empty()) {
      std::cerr << "runnel: run " << run_id << " " << failure << "\n";
      return kExitRefused;
    }
    return kExitOk;
  }
  if (auto error = ParseApiError(final_reply.body)) {
    std::cerr << "runnel: " << error->code << ": " << error->message << "\n";
  } else {
    PrintBody(final_reply.body);
    std::cerr << "runnel: the answer is HTTP " << final_reply.status << "\n";
  }
  if (std::string retry = final_reply.Header("Retry-After"); !retry.empty()) {
    std::cerr << "runnel: the server asks to retry after " << retry << " s\n";
  }
  return kExitRefused;
}

}  // namespace

void AddTriggerCommand(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<TriggerOptions>();
  CLI::App* cmd = app.add_subcommand("trigger", "Call a flow's Request trigger and print the answer");
  cmd->add_option("flow", opt->flow, "The flow's name")->required();
  cmd->add_option("--trigger", opt->trigger, "The trigger (default: the flow's first trigger)");
  cmd->add_option("--body", opt->body_file, "The request body: a file, or - for stdin (default: no body)");
  cmd->add_option("--method", opt->method, "The HTTP method (default: the trigger's method, else POST)");
  cmd->add_option("--path", opt->path, "A relative path after the trigger's URL, e.g. orders/42");
  cmd->add_option("--timeout", opt->timeout_seconds, "Seconds to wait for the final answer (default 300)")
      ->check(CLI::Range(1, kMaxTimeoutSeconds));
  AddConnectionOptions(cmd, *opt);
  SetClientCallback(cmd, opt, exit_code, [opt](const ApiClient& c) { return TriggerFlow(c, *opt); });
}

}  // namespace runnel::cli

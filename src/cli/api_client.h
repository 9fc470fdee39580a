// ApiClient: the command line's side of the HTTP API of `runnel serve` (docs/http-api.md).
//
// Synchronous, one request at a time, on libcurl's easy interface. A client command makes a
// handful of calls in sequence and waits for each, so the multi-interface thread of
// connectors/http/curl_http_client.h would buy nothing here. Every request has explicit
// deadlines: kConnectTimeout to establish the connection, and a whole-request timeout (only a
// stream such as `runnel runs watch` may go without one).
//
// Failures come in two kinds, which the commands map to different exit codes (docs/cli.md):
//   - no usable answer (connection refused, timeout, broken transfer): the call returns an Error
//     whose code is one of client_errc, and whose message names the URL;
//   - an answer that is not 2xx: the call succeeds with that reply, and ServerError() reads the
//     `{"error": {"code", "message"}}` body every endpoint uses for errors.
//
// Thread rule: none of this keeps shared state besides libcurl's one-time global initialization
// (done under std::call_once); an ApiClient is a small value and const methods may be called
// from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace runnel::cli {

// Codes of the Errors this file returns for calls that got no usable answer.
namespace client_errc {
inline constexpr const char* kUnreachable = "ServerUnreachable";  // could not connect
inline constexpr const char* kTimeout = "Timeout";                // no complete answer in time
inline constexpr const char* kTransferFailed = "TransferFailed";  // broken connection, bad reply
inline constexpr const char* kInvalidUrl = "InvalidUrl";          // not an http(s) URL
}  // namespace client_errc

inline constexpr const char* kDefaultServer = "http://127.0.0.1:7070";
inline constexpr const char* kDefaultDataDir = "./runnel-data";
inline constexpr const char* kTokenFileName = "admin-token";  // inside the data directory

inline constexpr std::chrono::milliseconds kConnectTimeout{5'000};
// A management call answers from the store; this is generous for that.
inline constexpr std::chrono::milliseconds kManagementTimeout{30'000};
// Replies larger than this fail with kTransferFailed (run records are far below it).
inline constexpr size_t kMaxReplyBytes = 256u << 20;

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpCall {
  std::string method = "GET";
  std::string url;  // absolute http:// or https:// URL, already percent-encoded
  std::vector<HttpHeader> headers;
  std::string body;  // sent for POST, PUT and PATCH (even when empty) and whenever not empty
  // The whole exchange, connecting included; zero means no limit (streams only).
  std::chrono::milliseconds timeout = kManagementTimeout;
};

struct HttpReply {
  int status = 0;
  std::vector<HttpHeader> headers;  // of the final response, in order
  std::string body;                 // empty when a BodySink took it

  bool ok() const { return status >= 200 && status < 300; }
  // The first value of header `name` (case-insensitive), or "" when absent.
  std::string Header(std::string_view name) const;
};

// Receives a 2xx reply's body piece by piece as it arrives. Returning false stops reading; the
// call then succeeds with what was read so far. Non-2xx bodies never reach the sink: they are
// collected in HttpReply::body so that ServerError() can read them.
using BodySink = std::function<bool(std::string_view)>;

// Sends `call` and waits for the answer. Any HTTP status is a success here; the Error cases are
// the client_errc codes above. Redirects are not followed (the API answers none; a 202's
// Location is for the caller to poll). Proxies come from the usual environment variables.
Result<HttpReply> SendHttp(const HttpCall& call, const BodySink& sink = nullptr);

// The `error` of a body in the API's error shape ({"error": {"code", "message"}}), or nothing
// when `body` has another shape.
std::optional<Error> ParseApiError(std::string_view body);

// The error a non-2xx reply carries: its `error.code` and `error.message` when the body has the
// API's error shape, else code "HTTP <status>" and the start of the body as the message.
Error ServerError(const HttpReply& reply);

// Percent-encodes `s` for use as one path segment or one query value: everything but RFC 3986
// unreserved characters is encoded (so '/' is too).
std::string EncodeComponent(std::string_view s);

// Where to find the server and how to prove who we are; each field as the flags and the
// environment gave it (CLI11 merges RUNNEL_SERVER, RUNNEL_TOKEN and RUNNEL_DATA), "" when unset.
struct ClientSettings {
  std::string server;
  std::string token;
  std::string data_dir;
};

class ApiClient {
 public:
  // Resolves the settings: the server URL ("host:port" gets http://, a trailing '/' goes) and the
  // token — `token` when set, else the first line of {data_dir}/admin-token when that file can be
  // read. Fails (client_errc::kInvalidUrl) only when the server is not an http(s) URL. A missing
  // token is not an error: calls then go without one, and the server's 401 says the rest.
  static Result<ApiClient> Create(const ClientSettings& settings);

  const std::string& base_url() const { return base_url_; }
  bool has_token() const { return !token_.empty(); }
  // Where the token would come from, for messages: "--token or RUNNEL_TOKEN" or the file.
  const std::string& token_source() const { return token_source_; }

  // A management call. `path` starts with '/' and may carry a query, already percent-encoded.
  // A reply is a success whatever its status; a failure to connect says how to start a server.
  Result<HttpReply> Call(std::string_view method, std::string_view path, std::string body = "",
                         std::string_view content_type = "",
                         std::chrono::milliseconds timeout = kManagementTimeout) const;

  // A GET whose 2xx body goes to `sink` as it arrives (Server-Sent Events); `timeout` zero waits
  // for as long as the server keeps the stream open.
  Result<HttpReply> Stream(std::string_view path, std::string_view accept, const BodySink& sink,
                           std::chrono::milliseconds timeout) const;

  // The path (with query) of `link` when it points into this server — an absolute URL under
  // base_url() or a path starting with '/' — so that the token is only ever sent here.
  Result<std::string> PathOf(std::string_view link) const;

 private:
  ApiClient() = default;
  HttpCall MakeCall(std::string_view method, std::string_view path) const;
  Error Unreachable(Error e) const;

  std::string base_url_;
  std::string token_;
  std::string token_source_;
};

}  // namespace runnel::cli

// HttpClient: sends one outbound HTTP request asynchronously and reports its response.
//
// Rationale: the Http action (http_action.h) decides *what* to send, when to retry and when to
// poll; the client only moves bytes. Keeping the transport behind this interface lets the
// action run against libcurl in production (CurlHttpClient) and lets tests or future transports
// (a recording client, an allow/deny-list wrapper, rate limits) slot in without touching the
// action's logic.
//
// What a client does not do: it never retries, never follows a 202 Location, and never
// interprets status codes — a 404 or 500 is a successful exchange. Redirects (3xx with a
// Location) are followed when the request asks for it, as the hosted engine's .NET client does.
//
// Threading: Send() and Cancel() may be called from any thread, including from inside a
// callback. Callbacks run on a thread the client owns; they must be quick and must not block
// (the Http action only posts the result to the run's scheduler).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace runnel::connectors {

// Error codes a client reports (Error::code); the Http action puts them in the run record.
namespace http_errc {
inline constexpr char kConnectFailed[] = "ConnectFailed";        // refused, DNS, unreachable
inline constexpr char kTimeout[] = "RequestTimeout";             // no full response in time
inline constexpr char kTlsFailed[] = "TlsFailed";                // handshake or certificate
inline constexpr char kTransferFailed[] = "TransferFailed";      // connection broke mid-way
inline constexpr char kTooManyRedirects[] = "TooManyRedirects";  // redirect loop
inline constexpr char kResponseTooLarge[] = "ResponseTooLarge";  // over the client's limit
inline constexpr char kInvalidRequest[] = "InvalidRequest";      // the client cannot send it
inline constexpr char kCancelled[] = "Cancelled";                // Cancel() or client shutdown
}  // namespace http_errc

// Whether a transport failure is worth another attempt (wdl-digest §8: connectivity failures
// and timeouts are retried; a request the client cannot send, or an oversized answer, is not).
bool IsRetryableTransportError(std::string_view code);

struct HttpHeader {
  std::string name;
  std::string value;
};
// Headers in the order they were written or received; names may repeat.
using HttpHeaders = std::vector<HttpHeader>;

inline constexpr int64_t kDefaultRequestTimeoutMicros = 120'000'000;  // §10, Consumption

// A TLS client certificate with its private key (ClientCertificate authentication).
struct ClientCertificate {
  std::string pkcs12;    // the PKCS#12 (pfx) bytes, already checked to open with `password`
  std::string password;  // may be empty
};

struct HttpRequest {
  std::string method = "GET";  // upper case: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS
  std::string url;             // absolute http:// or https:// URL, already percent-encoded
  HttpHeaders headers;         // sent as given; the client adds only transport headers
  std::string body;            // bytes; sent when non-empty, or always for POST/PUT/PATCH
  int64_t timeout_micros = kDefaultRequestTimeoutMicros;  // whole exchange, redirects included
  bool follow_redirects = true;
  // Presented in the TLS handshake of an https request when set (ignored for http).
  std::shared_ptr<const ClientCertificate> client_certificate;
};

struct HttpResponse {
  int status = 0;       // of the final response after redirects
  HttpHeaders headers;  // of the final response, in received order
  std::string body;     // bytes as received (no content decoding)
};

using HttpRequestId = uint64_t;
// Called exactly once per Send(): with the response, or with an Error whose code is one of
// http_errc (kCancelled after Cancel() or when the client shuts down).
using HttpCallback = std::function<void(Result<HttpResponse>)>;

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // Starts sending `request`; returns an id for Cancel(). Never blocks on the network. `done`
  // runs on the client's thread and may run before Send() returns, so everything it needs must
  // be in place before the call. Implementers: call `done` exactly once, never under a lock
  // that Send() or Cancel() takes.
  virtual HttpRequestId Send(HttpRequest request, HttpCallback done) = 0;

  // Aborts the request if it is still in flight; its callback then gets http_errc::kCancelled.
  // Not an error when the request already completed (the callback has run or is running, with
  // whatever result it had) or the id is unknown: Cancel() is a no-op then.
  virtual void Cancel(HttpRequestId id) = 0;
};

// The first value of header `name` (ASCII case-insensitive), or nullptr.
const std::string* FindHeader(const HttpHeaders& headers, std::string_view name);

}  // namespace runnel::connectors

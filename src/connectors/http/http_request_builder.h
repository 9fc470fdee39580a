// From the Http action's evaluated inputs to the HttpRequest that goes on the wire
// (wdl-digest §5.2): method, uri + queries, headers (with the hosted engine's drop list),
// body (request_body.h), authentication and cookie.
//
// Pure: no I/O, no clock (a pfx is opened with OpenSSL, in memory); the action adds what
// depends on the run (workflow headers, timeout) through RequestExtras.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "connectors/http/http_client.h"
#include "connectors/http/oauth_token.h"

namespace runnel::connectors {

inline constexpr size_t kMaxUriLength = 2048;  // §17: Http uri ≤ 2 KB

struct RequestExtras {
  // Added after the user's headers unless a header of the same name is already there
  // (x-ms-workflow-* metadata, User-Agent).
  HttpHeaders default_headers;
  int64_t timeout_micros = kDefaultRequestTimeoutMicros;
  size_t max_uri_length = kMaxUriLength;
};

// Builds the request. Accepted inputs (names case-insensitive, as WDL property access is):
//   method          GET POST PUT PATCH DELETE HEAD OPTIONS, any case (required)
//   uri             absolute http/https URI of at most max_uri_length characters (required);
//                   characters URIs may not contain (spaces, non-ASCII) are percent-encoded
//   queries         object; each member appended as name=value, both percent-encoded; an array
//                   value repeats the name; null gives "name="
//   headers         object of name -> value (non-strings sent as their WDL text); headers the
//                   hosted engine drops are dropped silently: Accept-* except Accept-Version,
//                   Allow, Content-* except Content-Type/-Encoding/-Disposition (and those three
//                   for GET and HEAD too), Cookie, Expires, Host, Last-Modified, Origin,
//                   Set-Cookie, Transfer-Encoding
//   body            see request_body.h; an explicit Content-Type header overrides its type
//   authentication  see authentication.h. Basic and Raw set Authorization, replacing one given
//                   in headers; ClientCertificate sets HttpRequest::client_certificate;
//                   ActiveDirectoryOAuth removes Authorization and stores its settings in
//                   `*oauth` for the caller to add the bearer token (without `oauth` it fails)
//   cookie          string sent as the Cookie header
// Errors (codes): InvalidHttpMethod, InvalidUri, InvalidHttpHeaders, InvalidHttpQueries,
// InvalidHttpBody, InvalidAuthentication, AuthenticationTypeNotSupported
// (ManagedServiceIdentity; ActiveDirectoryOAuth when `oauth` is nullptr).
Result<HttpRequest> BuildHttpRequest(const boost::json::value& inputs, const RequestExtras& extras,
                                     std::optional<OAuthSettings>* oauth = nullptr);

// The inputs as the run record shows them: authentication secrets (password, value, secret,
// pfx) and Authorization header values become "*sanitized*", as the hosted run history shows.
boost::json::value SanitizeInputs(const boost::json::value& inputs);

// Whether `name` is a header the hosted engine never sends (see BuildHttpRequest), for `method`.
bool IsDroppedHeader(std::string_view name, std::string_view method);

}  // namespace runnel::connectors

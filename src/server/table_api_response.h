// The table Web API's answers: the Dataverse error shape, OData headers and annotations, and
// the request headers it reads (Prefer, If-Match, If-None-Match).
#pragma once

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/result.h"
#include "server/http_types.h"

namespace runnel::server {

// {"error": {"code": "<Dataverse code>", "message": "...", "innererror": {"code": "<Runnel code>",
// "position": n}}} with the status the Error's code maps to (docs/tables.md lists them).
HttpResponse TableError(const Error& error);
HttpResponse TableError(int status, std::string_view dataverse_code, std::string_view runnel_code, std::string message);

// A JSON answer with the OData headers.
HttpResponse ODataJson(int status, const boost::json::value& body);
// A body-less answer (204, 304).
HttpResponse ODataEmpty(int status);

// The preferences of every Prefer header of the request.
struct Preferences {
  bool return_representation = false;
  std::optional<int64_t> max_page_size;
  bool track_changes = false;
  bool continue_on_error = false;  // odata.continue-on-error ($batch)
};
Result<Preferences> ReadPreferences(const HttpRequest& request);

// A precondition header: absent, `*`, or one version (`W/"12"`, `"12"`). `If-None-Match: null`
// (which Dataverse clients send to defeat caches) counts as absent.
struct Precondition {
  bool present = false;
  bool any = false;
  std::optional<int64_t> version;
};
Result<Precondition> ReadPrecondition(const HttpRequest& request, std::string_view header);

// True when the request carries the management token (`Authorization: Bearer <token>`),
// compared in constant time.
bool HasBearerToken(const HttpRequest& request, const std::string& token);

}  // namespace runnel::server

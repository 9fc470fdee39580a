// Requests the Http action sends after its own: polls of a 202's Location (wdl-digest §11.1) and
// pages of a paginated response (pagination.h) — where they go and what they carry.
//
// A follow-up is always a GET without a body, with the original request's timeout and redirect
// setting. Credentials (the Authorization header, a client certificate) go only to the same
// origin — scheme, host and port — as the original request: a Location or nextLink pointing at
// another host must not receive them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "connectors/http/http_client.h"

namespace runnel::connectors {

// `reference` (absolute or relative) resolved against `base`; nullopt unless the result is an
// http or https URL.
std::optional<std::string> ResolveHttpUrl(const std::string& base, std::string_view reference);

// Whether two absolute URLs have the same scheme, host and port (default ports applied).
bool SameOrigin(const std::string& a, const std::string& b);

enum class FollowUpKind {
  // Keeps the workflow headers (x-ms-*) and User-Agent; Authorization for the same origin only.
  kPoll,
  // Same origin: every header of the original except Content-* (a page is a plain GET of the
  // same API, which may need its API-key or consistency headers). Other origin: the workflow
  // headers and User-Agent only.
  kPage,
};

// The GET of `url` (absolute) following `original`.
HttpRequest FollowUpRequest(const HttpRequest& original, const std::string& url, FollowUpKind kind);

}  // namespace runnel::connectors

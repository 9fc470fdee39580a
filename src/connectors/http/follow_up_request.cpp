#include "connectors/http/follow_up_request.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "json/lookup.h"

namespace runnel::connectors {

namespace {

bool IsHttpScheme(std::string_view scheme) {
  return json::EqualsIgnoreCase(scheme, "http") || json::EqualsIgnoreCase(scheme, "https");
}

uint16_t EffectivePort(const boost::urls::url_view& u) {
  if (u.has_port()) return u.port_number();
  return json::EqualsIgnoreCase(u.scheme(), "https") ? 443 : 80;
}

}  // namespace

std::optional<std::string> ResolveHttpUrl(const std::string& base, std::string_view reference) {
  auto b = boost::urls::parse_uri(base);
  auto ref = boost::urls::parse_uri_reference(reference);
  if (!b || !ref) return std::nullopt;
  boost::urls::url out(*b);
  if (!out.resolve(*ref)) return std::nullopt;
  if (!IsHttpScheme(out.scheme()) || out.encoded_host().empty()) return std::nullopt;
  return std::string(out.buffer());
}

bool SameOrigin(const std::string& a, const std::string& b) {
  auto pa = boost::urls::parse_uri(a);
  auto pb = boost::urls::parse_uri(b);
  return pa && pb && json::EqualsIgnoreCase(pa->scheme(), pb->scheme()) &&
         json::EqualsIgnoreCase(pa->encoded_host(), pb->encoded_host()) && EffectivePort(*pa) == EffectivePort(*pb);
}

HttpRequest FollowUpRequest(const HttpRequest& original, const std::string& url, FollowUpKind kind) {
  HttpRequest next;
  next.method = "GET";
  next.url = url;
  next.timeout_micros = original.timeout_micros;
  next.follow_redirects = original.follow_redirects;
  bool same_origin = SameOrigin(original.url, url);
  if (same_origin) next.client_certificate = original.client_certificate;
  for (const HttpHeader& h : original.headers) {
    bool workflow = h.name.starts_with("x-ms-") || json::EqualsIgnoreCase(h.name, "User-Agent");
    bool keep;
    if (json::EqualsIgnoreCase(h.name, "Authorization")) {
      keep = same_origin;
    } else if (kind == FollowUpKind::kPoll || !same_origin) {
      keep = workflow;
    } else {
      keep = !(h.name.size() >= 8 && json::EqualsIgnoreCase(std::string_view(h.name).substr(0, 8), "Content-"));
    }
    if (keep) next.headers.push_back(h);
  }
  return next;
}

}  // namespace runnel::connectors

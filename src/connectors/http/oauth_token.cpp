#include "connectors/http/oauth_token.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <climits>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "connectors/http/status_codes.h"
#include "expr/codec.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

constexpr char kSanitized[] = "*sanitized*";

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

void AppendForm(std::string& body, std::string_view name, std::string_view value) {
  if (!body.empty()) body += '&';
  body += expr::UriComponentEncode(name);
  body += '=';
  body += expr::UriComponentEncode(value);
}

// `text` with every occurrence of `secret` replaced, so an endpoint that echoes the request
// cannot leak it into a run record.
std::string Scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + sizeof(kSanitized) - 1)) {
    text.replace(at, secret.size(), kSanitized);
  }
  return text;
}

std::string Text(const bj::object& o, std::string_view name) {
  const bj::value* v = json::FindMember(o, name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

std::string OAuthSettings::TokenUrl() const {
  return authority + "/" + expr::UriComponentEncode(tenant) + "/oauth2/token";
}

std::string OAuthSettings::CacheKey() const {
  std::string credential = certificate ? "cert\n" + certificate->pkcs12 + '\n' + certificate->password
                                       : "secret\n" + secret;
  return authority + '\n' + tenant + '\n' + client_id + '\n' + audience + '\n' + Sha256Hex(credential);
}

HttpRequest OAuthTokenRequest(const OAuthSettings& settings, const std::string& client_assertion,
                              int64_t timeout_micros, const std::string& user_agent) {
  HttpRequest req;
  req.method = "POST";
  req.url = settings.TokenUrl();
  req.timeout_micros = timeout_micros;
  req.follow_redirects = false;  // a redirect would carry the credential to another place
  req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  req.headers.push_back({"Accept", "application/json"});
  if (!user_agent.empty()) req.headers.push_back({"User-Agent", user_agent});
  AppendForm(req.body, "grant_type", "client_credentials");
  AppendForm(req.body, "client_id", settings.client_id);
  AppendForm(req.body, "resource", settings.audience);
  if (client_assertion.empty()) {
    AppendForm(req.body, "client_secret", settings.secret);
  } else {
    AppendForm(req.body, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    AppendForm(req.body, "client_assertion", client_assertion);
  }
  return req;
}

Result<OAuthToken> ReadOAuthTokenResponse(const OAuthSettings& settings, const Result<HttpResponse>& response) {
  const std::string where = "the OAuth token endpoint " + settings.TokenUrl();
  if (!response) {
    return Error("OAuthTokenRequestFailed", "could not get an access token from " + where + ": " +
                                                Scrub(response.error().message, settings.secret));
  }
  const HttpResponse& r = response.value();
  boost::system::error_code ec;
  bj::value body = bj::parse(r.body, ec);
  const bj::object* o = !ec && body.is_object() ? &body.get_object() : nullptr;
  if (r.status < 200 || r.status > 299) {
    std::string detail;
    if (o) {
      std::string error = Text(*o, "error");
      std::string description = Text(*o, "error_description");
      detail = error + (error.empty() || description.empty() ? "" : ": ") + description;
    }
    if (detail.empty()) detail = r.body.substr(0, 300);
    return Error("OAuthTokenRequestFailed",
                 where + " answered " + std::to_string(r.status) + " (" + std::string(StatusPhrase(r.status)) + ")" +
                     (detail.empty() ? "" : ": " + Scrub(detail, settings.secret)) +
                     "; check authentication.tenant, clientId, audience and the credential");
  }
  std::string token = o ? Text(*o, "access_token") : "";
  if (token.empty()) {
    return Error("OAuthTokenRequestFailed", where + " answered " + std::to_string(r.status) +
                                                " without an access_token in a JSON body");
  }
  OAuthToken out{std::move(token), std::nullopt};
  // v1 sends expires_in as a string ("3599"), v2 as a number.
  if (const bj::value* e = json::FindMember(*o, "expires_in")) {
    if (e->is_int64()) {
      out.expires_in_seconds = e->get_int64();
    } else if (e->is_uint64()) {
      out.expires_in_seconds = static_cast<int64_t>(std::min<uint64_t>(e->get_uint64(), INT32_MAX));
    } else if (e->is_double()) {
      out.expires_in_seconds = static_cast<int64_t>(e->get_double());
    } else if (e->is_string()) {
      std::string_view text = e->get_string();
      int64_t seconds = 0;
      auto [end, errc] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      if (errc == std::errc() && end == text.data() + text.size()) out.expires_in_seconds = seconds;
    }
  }
  return out;
}

std::optional<std::string> OAuthTokenCache::Find(const std::string& key, int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (now_micros >= it->second.refresh_at_micros) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.access_token;
}

void OAuthTokenCache::Store(const std::string& key, std::string access_token, int64_t refresh_at_micros,
                            int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries && !entries_.contains(key)) {
    std::erase_if(entries_, [&](const auto& kv) { return now_micros >= kv.second.refresh_at_micros; });
    if (entries_.size() >= kMaxEntries) entries_.clear();
  }
  entries_[key] = Entry{std::move(access_token), refresh_at_micros};
}

size_t OAuthTokenCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace runnel::connectors

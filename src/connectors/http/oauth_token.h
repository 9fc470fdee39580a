// ActiveDirectoryOAuth authentication (wdl-digest §5.2; Logic Apps "Secure access and data",
// outbound authentication): access tokens from a Microsoft Entra ID (Azure AD) style token
// endpoint with the OAuth 2.0 client-credentials grant, and the cache that lets every run reuse
// one token until shortly before it expires.
//
// Endpoint: the v1 endpoint {authority}/{tenant}/oauth2/token with resource = audience. The
// definition's `audience` is a resource URI ("https://management.core.windows.net/"), which is
// what v1's `resource` takes; v2 would need "<audience>/.default" scopes and treats some
// resources differently, so v1 is what makes existing definitions behave as they do in Azure.
//
// Pure parts (the request, reading the answer) are functions; the exchange (http_exchange.cpp)
// sends the request through the HttpClient with the action's retry policy.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"
#include "connectors/http/http_client.h"

namespace runnel::connectors {

inline constexpr char kDefaultOAuthAuthority[] = "https://login.microsoftonline.com";

struct OAuthSettings {
  std::string authority = kDefaultOAuthAuthority;  // no trailing slash
  std::string tenant;
  std::string audience;
  std::string client_id;
  std::string secret;                                    // credentialType Secret
  std::shared_ptr<const ClientCertificate> certificate;  // credentialType Certificate

  // {authority}/{tenant}/oauth2/token.
  std::string TokenUrl() const;
  // Identifies the credential without holding it: authority, tenant, client id, audience and a
  // SHA-256 of the secret (or pfx and password).
  std::string CacheKey() const;
};

// The token request: POST TokenUrl() with a form body (grant_type=client_credentials,
// client_id, resource, and client_secret or — when `client_assertion` is not empty —
// client_assertion_type + client_assertion).
HttpRequest OAuthTokenRequest(const OAuthSettings& settings, const std::string& client_assertion,
                              int64_t timeout_micros, const std::string& user_agent);

struct OAuthToken {
  std::string access_token;
  std::optional<int64_t> expires_in_seconds;  // nullopt when the endpoint did not say
};

// Reads the token endpoint's answer (or transport failure). Fails with OAuthTokenRequestFailed
// naming the token URL and, for an HTTP error, its status and the endpoint's error and
// error_description; the client secret never appears in the message.
Result<OAuthToken> ReadOAuthTokenResponse(const OAuthSettings& settings, const Result<HttpResponse>& response);

// Access tokens by OAuthSettings::CacheKey(). Thread-safe: runs on every scheduler thread read
// and write it at once. Bounded: when kMaxEntries distinct credentials are cached, expired
// entries are dropped first and then the whole cache (a flow that computes credentials per run
// cannot grow memory without bound). Two runs that miss at the same moment each fetch a token;
// the later one is kept.
class OAuthTokenCache {
 public:
  static constexpr size_t kMaxEntries = 1024;

  // The token stored under `key`, unless it is due for refresh at `now_micros`.
  std::optional<std::string> Find(const std::string& key, int64_t now_micros);
  // Keeps `access_token` until `refresh_at_micros` (replacing an earlier token for `key`).
  void Store(const std::string& key, std::string access_token, int64_t refresh_at_micros, int64_t now_micros);
  size_t size() const;

 private:
  struct Entry {
    std::string access_token;
    int64_t refresh_at_micros = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace runnel::connectors

#include "connectors/http/authentication.h"

#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include "connectors/http/client_certificate.h"
#include "expr/codec.h"
#include "json/lookup.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

const bj::value* Member(const bj::object& o, std::string_view name) {
  const bj::value* v = json::FindMember(o, name);
  return v && !v->is_null() ? v : nullptr;
}

// The string property `name`, or nullptr when absent, null or not a string.
const bj::string* Text(const bj::object& o, std::string_view name) {
  const bj::value* v = Member(o, name);
  return v && v->is_string() ? &v->get_string() : nullptr;
}

Error Invalid(std::string message) { return Error("InvalidAuthentication", std::move(message)); }

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || json::EqualsIgnoreCase(host, "localhost") || host == "[::1]";
}

// The authority as a base URL without trailing slash. https only, except on a loopback host
// (a local identity provider, tests): the client secret goes to this URL.
Result<std::string> Authority(const bj::object& auth) {
  const bj::value* given = Member(auth, "authority");
  if (!given) return std::string(kDefaultOAuthAuthority);
  if (!given->is_string() || given->get_string().empty()) {
    return Invalid("authentication.authority must be the token issuer's URL, e.g. " +
                   std::string(kDefaultOAuthAuthority));
  }
  std::string text(given->get_string());
  while (!text.empty() && text.back() == '/') text.pop_back();
  auto url = boost::urls::parse_uri(text);
  if (!url || !url->has_authority() || url->encoded_host().empty() || url->has_query() || url->has_fragment()) {
    return Invalid("authentication.authority '" + text + "' is not an absolute URL without query, e.g. " +
                   std::string(kDefaultOAuthAuthority));
  }
  bool https = json::EqualsIgnoreCase(url->scheme(), "https");
  bool local_http = json::EqualsIgnoreCase(url->scheme(), "http") && IsLoopbackHost(url->encoded_host());
  if (!https && !local_http) {
    return Invalid("authentication.authority '" + text +
                   "' must use https (the client credential is sent to it); http is accepted only for "
                   "localhost");
  }
  return text;
}

Result<OAuthSettings> OAuth(const bj::object& auth) {
  OAuthSettings s;
  RUNNEL_TRY(authority, Authority(auth));
  s.authority = std::move(authority);
  for (auto [name, field] : {std::pair{"tenant", &s.tenant}, std::pair{"audience", &s.audience},
                             std::pair{"clientId", &s.client_id}}) {
    const bj::string* v = Text(auth, name);
    if (!v || v->empty()) {
      return Invalid(std::string("ActiveDirectoryOAuth authentication needs a string '") + name + "'");
    }
    *field = std::string(*v);
  }
  const bj::string* secret = Text(auth, "secret");
  const bj::string* pfx = Text(auth, "pfx");
  std::string type;
  if (const bj::value* t = Member(auth, "credentialType")) {
    if (!t->is_string()) return Invalid("authentication.credentialType must be \"Secret\" or \"Certificate\"");
    type = std::string(t->get_string());
  } else {
    type = !secret && pfx ? "Certificate" : "Secret";  // the designer does not write it down
  }
  if (json::EqualsIgnoreCase(type, "Secret")) {
    if (!secret || secret->empty()) {
      return Invalid("ActiveDirectoryOAuth authentication with credentialType Secret needs a string 'secret'");
    }
    s.secret = std::string(*secret);
  } else if (json::EqualsIgnoreCase(type, "Certificate")) {
    if (!pfx) {
      return Invalid("ActiveDirectoryOAuth authentication with credentialType Certificate needs 'pfx' "
                     "(the base64 of a .pfx file) and its 'password'");
    }
    const bj::string* password = Text(auth, "password");
    RUNNEL_TRY(cert, LoadClientCertificate(*pfx, password ? std::string_view(*password) : std::string_view(),
                                           "inputs.authentication.pfx"));
    s.certificate = std::move(cert);
  } else {
    return Invalid("authentication.credentialType must be \"Secret\" or \"Certificate\"; got '" + type + "'");
  }
  return s;
}

}  // namespace

Result<Authentication> ParseAuthentication(const bj::value* authentication) {
  Authentication out;
  if (!authentication || authentication->is_null()) return out;
  if (!authentication->is_object()) return Invalid("inputs.authentication must be an object");
  const bj::object& auth = authentication->get_object();
  const bj::string* type = Text(auth, "type");
  std::string_view t = type ? std::string_view(*type) : "";
  if (json::EqualsIgnoreCase(t, "Basic")) {
    const bj::string* user = Text(auth, "username");
    const bj::string* password = Text(auth, "password");
    if (!user || !password) return Invalid("Basic authentication needs string 'username' and 'password'");
    out.authorization = "Basic " + expr::Base64Encode(std::string(*user) + ":" + std::string(*password));
  } else if (json::EqualsIgnoreCase(t, "Raw")) {
    const bj::string* value = Text(auth, "value");
    if (!value) return Invalid("Raw authentication needs a string 'value'");
    out.authorization = std::string(*value);
  } else if (json::EqualsIgnoreCase(t, "ClientCertificate")) {
    const bj::string* pfx = Text(auth, "pfx");
    if (!pfx) return Invalid("ClientCertificate authentication needs 'pfx': the base64 of a .pfx (PKCS#12) file");
    const bj::string* password = Text(auth, "password");
    RUNNEL_TRY(cert, LoadClientCertificate(*pfx, password ? std::string_view(*password) : std::string_view(),
                                           "inputs.authentication.pfx"));
    out.client_certificate = std::move(cert);
  } else if (json::EqualsIgnoreCase(t, "ActiveDirectoryOAuth")) {
    RUNNEL_TRY(oauth, OAuth(auth));
    out.oauth = std::move(oauth);
  } else if (json::EqualsIgnoreCase(t, "ManagedServiceIdentity")) {
    return Error("AuthenticationTypeNotSupported",
                 "authentication type 'ManagedServiceIdentity' uses the identity Azure gives a resource running "
                 "in Azure, which a Runnel server does not have; register an application in Microsoft Entra ID and "
                 "use ActiveDirectoryOAuth with its tenant, clientId and secret (or certificate), or Raw with a "
                 "bearer token");
  } else {
    return Invalid("inputs.authentication.type must be Basic, Raw, ClientCertificate or ActiveDirectoryOAuth" +
                   (t.empty() ? std::string() : "; got '" + std::string(t) + "'"));
  }
  return out;
}

}  // namespace runnel::connectors

// inputs.authentication of Http-shaped inputs (wdl-digest §5.2; Logic Apps "Secure access and
// data", outbound authentication), read into what the request needs:
//   Basic                 {username, password}            → Authorization: Basic …
//   Raw                   {value}                         → Authorization: <value>
//   ClientCertificate     {pfx (base64 PKCS#12), password} → a client certificate for TLS
//   ActiveDirectoryOAuth  {tenant, audience, clientId, credentialType "Secret" | "Certificate",
//                          secret | pfx + password, authority} → settings for a bearer token
//                          (oauth_token.h); credentialType, absent, follows from which
//                          credential is given
//   ManagedServiceIdentity                                → AuthenticationTypeNotSupported: a
//                          managed identity exists only for resources running in Azure
// Type names and property names are case-insensitive. A pfx is opened here
// (client_certificate.h), so a bad one fails before anything is sent.
#pragma once

#include <boost/json/fwd.hpp>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "connectors/http/http_client.h"
#include "connectors/http/oauth_token.h"

namespace runnel::connectors {

struct Authentication {
  std::optional<std::string> authorization;                     // Basic, Raw
  std::shared_ptr<const ClientCertificate> client_certificate;  // ClientCertificate
  std::optional<OAuthSettings> oauth;                           // ActiveDirectoryOAuth
};

// Reads inputs.authentication (`authentication` may be nullptr or null: no authentication).
// Errors: InvalidAuthentication (naming the property and the fix), AuthenticationTypeNotSupported.
// Messages never contain a secret, password or pfx.
Result<Authentication> ParseAuthentication(const boost::json::value* authentication);

}  // namespace runnel::connectors

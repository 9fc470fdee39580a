// Client certificates (PKCS#12 / pfx) for ClientCertificate authentication and for the
// Certificate credential of ActiveDirectoryOAuth, through OpenSSL.
//
// A definition gives the pfx as base64 text plus a password. LoadClientCertificate checks that
// it decodes and opens before anything is sent, so a typo fails the action with a message that
// says what is wrong (bad base64, wrong password, no private key) instead of a TLS handshake
// error from the far end. pfx files exported by older Windows tools encrypt with RC2 or 3DES;
// OpenSSL 3 keeps RC2 in its "legacy" provider, which is loaded the first time such a file
// needs it.
//
// Thread-safe: the functions share no state except OpenSSL's provider list (loaded once).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "connectors/http/http_client.h"

namespace runnel::connectors {

// Decodes `pfx_base64` and opens it with `password`. Fails with InvalidAuthentication naming
// `where` (e.g. "inputs.authentication.pfx") and the problem; the message never contains the
// password or the pfx.
Result<std::shared_ptr<const ClientCertificate>> LoadClientCertificate(std::string_view pfx_base64,
                                                                       std::string_view password,
                                                                       std::string_view where);

// A signed JWT client assertion (RFC 7523) for the OAuth client-credentials grant, as Microsoft
// Entra ID expects it: header {"alg": "RS256", "typ": "JWT", "x5t": SHA-1 thumbprint of the
// certificate, base64url}; claims aud = `token_url`, iss = sub = `client_id`, jti = `jwt_id`,
// nbf = now, exp = now + 10 minutes. Fails with InvalidAuthentication when the certificate's key
// is not an RSA key.
Result<std::string> SignClientAssertion(const ClientCertificate& certificate, std::string_view client_id,
                                        std::string_view token_url, std::string_view jwt_id, int64_t now_micros);

// A random JWT id (jti): 128 bits from OpenSSL's generator, as hex.
std::string NewJwtId();

// Base64url without padding (RFC 7515 §2), for JWTs.
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace runnel::connectors

// The signature a trigger or status URL must carry, computed with OpenSSL's one-shot HMAC:
// the reference the server's own signing is checked against.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <string_view>

#include "server/signing.h"

namespace runnel::server {

inline std::string OneShotHmac(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &n);
  return Base64Url(std::string_view(reinterpret_cast<const char*>(mac), n));
}

}  // namespace runnel::server

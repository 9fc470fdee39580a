// Signed trigger URLs (docs/http-api.md): HMAC-SHA256 over "{flow}/{trigger}\n{sp}\n{sv}",
// base64url without padding.
//
// A UrlSigner is prepared once per key: the HMAC's inner and outer SHA-256 states after the
// key block are computed at deploy time and copied per request, which costs a third of the
// one-shot HMAC() call (DESIGN.md "hot path").
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace runnel::server {

class UrlSigner {
 public:
  explicit UrlSigner(std::string_view key);
  ~UrlSigner();
  UrlSigner(const UrlSigner&) = delete;
  UrlSigner& operator=(const UrlSigner&) = delete;

  std::string Sign(std::string_view data) const;
  // Constant-time comparison of `signature` with Sign(data).
  bool Verify(std::string_view data, std::string_view signature) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The text a trigger URL's signature covers.
std::string SignedText(std::string_view flow, std::string_view trigger, std::string_view sp, std::string_view sv);

// The `sp` and `sv` of the trigger URLs the server hands out (listCallbackUrl).
std::string CallbackSp(std::string_view trigger);
inline constexpr std::string_view kCallbackSv = "1.0";

// Constant-time comparison of two signatures (no early exit that would time the match).
bool SameSignature(std::string_view a, std::string_view b);

// A new random key: 32 bytes, base64url.
std::string NewSigningKey();

// base64url without padding.
std::string Base64Url(std::string_view bytes);

}  // namespace runnel::server

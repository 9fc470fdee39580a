#include "server/signing.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace runnel::server {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

constexpr size_t kBlock = 64;  // SHA-256 block size

}  // namespace

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

// HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); the two states after the key blocks are
// the prepared part.
struct UrlSigner::Impl {
  MdCtx inner{EVP_MD_CTX_new()};
  MdCtx outer{EVP_MD_CTX_new()};
};

UrlSigner::UrlSigner(std::string_view key) : impl_(std::make_unique<Impl>()) {
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    unsigned int n = 0;
    EVP_Digest(key.data(), key.size(), block, &n, EVP_sha256(), nullptr);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  if (!impl_->inner || !impl_->outer || !EVP_DigestInit_ex(impl_->inner.get(), EVP_sha256(), nullptr) ||
      !EVP_DigestUpdate(impl_->inner.get(), ipad, kBlock) ||
      !EVP_DigestInit_ex(impl_->outer.get(), EVP_sha256(), nullptr) ||
      !EVP_DigestUpdate(impl_->outer.get(), opad, kBlock)) {
    throw std::runtime_error("OpenSSL could not prepare SHA-256");  // out of memory: a bug-level failure
  }
  OPENSSL_cleanse(block, sizeof block);
}

UrlSigner::~UrlSigner() = default;

std::string UrlSigner::Sign(std::string_view data) const {
  thread_local MdCtx ctx{EVP_MD_CTX_new()};
  unsigned char inner_hash[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX_copy_ex(ctx.get(), impl_->inner.get());
  EVP_DigestUpdate(ctx.get(), data.data(), data.size());
  EVP_DigestFinal_ex(ctx.get(), inner_hash, &n);
  EVP_MD_CTX_copy_ex(ctx.get(), impl_->outer.get());
  EVP_DigestUpdate(ctx.get(), inner_hash, n);
  EVP_DigestFinal_ex(ctx.get(), mac, &n);
  return Base64Url(std::string_view(reinterpret_cast<const char*>(mac), n));
}

bool UrlSigner::Verify(std::string_view data, std::string_view signature) const {
  return SameSignature(Sign(data), signature);
}

bool SameSignature(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string CallbackSp(std::string_view trigger) {
  std::string sp = "/triggers/";
  sp.append(trigger).append("/run");
  return sp;
}

std::string SignedText(std::string_view flow, std::string_view trigger, std::string_view sp, std::string_view sv) {
  std::string text;
  text.reserve(flow.size() + trigger.size() + sp.size() + sv.size() + 3);
  text.append(flow).append("/").append(trigger).append("\n").append(sp).append("\n").append(sv);
  return text;
}

std::string NewSigningKey() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("OpenSSL has no randomness");
  return Base64Url(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace runnel::server

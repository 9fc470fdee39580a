#include "server/journal_seal.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>

namespace runnel::server {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Cipher = std::unique_ptr<EVP_CIPHER_CTX, CipherFree>;

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - padding);  // DecodeBlock counts the padding as zero bytes
  return out;
}

Error Unopenable(const std::string& why) {
  return Error("SealedJournalUnreadable", "a sealed journal entry cannot be opened: " + why +
                                              " (was the data directory's journal.key replaced?)");
}

}  // namespace

Result<JournalSeal> JournalSeal::FromKey(std::string_view key) {
  if (key.size() != kKeyBytes) return Error("InvalidJournalKey", "the journal key must be 32 bytes");
  return JournalSeal(std::string(key));
}

Result<JournalSeal> JournalSeal::Ephemeral() {
  std::string key(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return Error("NoRandomness", "cannot draw a journal key from the system's random source");
  }
  return JournalSeal(std::move(key));
}

Result<JournalSeal> JournalSeal::LoadOrCreate(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return Error("UnreadableJournalKey", "cannot read the journal key '" + path + "'");
    if (key.size() != kKeyBytes) {
      return Error("InvalidJournalKey", "the journal key '" + path + "' is not 32 bytes; restore it from the "
                                            "backup of this data directory, or remove it when no run is in flight");
    }
    return JournalSeal(std::move(key));
  }
  RUNNEL_TRY(fresh, Ephemeral());
  std::string key = fresh.key_;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(key.data(), static_cast<std::streamsize>(key.size()));
    if (!out) return Error("CannotWriteJournalKey", "cannot write the journal key '" + path + "'");
  }
  ::chmod(path.c_str(), 0600);
  return JournalSeal(std::move(key));
}

std::string JournalSeal::Seal(std::string_view plaintext) const {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  Cipher ctx{EVP_CIPHER_CTX_new()};
  int len = 0;
  // Failures here are allocation failures inside OpenSSL; an empty result makes Open fail
  // later rather than storing the plaintext.
  if (!ctx || RAND_bytes(bytes, kNonceBytes) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key_.data()),
                         bytes) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes + kNonceBytes, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, bytes + kNonceBytes + plaintext.size()) != 1) {
    return std::string();
  }
  return Base64(out);
}

Result<std::string> JournalSeal::Open(std::string_view sealed) const {
  auto raw = FromBase64(sealed);
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return Unopenable("it is not a sealed value");
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  size_t body = raw->size() - kNonceBytes - kTagBytes;
  std::string out(body, '\0');
  Cipher ctx{EVP_CIPHER_CTX_new()};
  int len = 0;
  std::string tag = raw->substr(kNonceBytes + body);
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key_.data()),
                         bytes) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, bytes + kNonceBytes,
                        static_cast<int>(body)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) != 1) {
    return Unopenable("its authentication tag does not match");
  }
  return out;
}

}  // namespace runnel::server

#include "connectors/http/client_certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "expr/codec.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

constexpr int64_t kAssertionLifetimeSeconds = 600;

struct Pkcs12Deleter {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertDeleter {
  void operator()(X509* c) const { X509_free(c); }
};
struct CertStackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// What a pfx holds once opened.
struct Opened {
  std::unique_ptr<EVP_PKEY, KeyDeleter> key;
  std::unique_ptr<X509, CertDeleter> cert;
};

// Makes RC2-encrypted pfx files (older Windows exports) readable: OpenSSL 3 moved RC2 to the
// legacy provider. Loading a provider explicitly disables the implicit default one, so both are
// loaded. Once per process; a missing legacy module only means such files stay unreadable.
// The providers stay loaded for the life of the process; their handles are kept so they remain
// reachable (leak checkers see them as owned, not lost).
void EnsureLegacyProvider() {
  struct Providers {
    OSSL_PROVIDER* default_provider;
    OSSL_PROVIDER* legacy_provider;
  };
  static const Providers providers = [] {
    Providers loaded{OSSL_PROVIDER_load(nullptr, "default"), OSSL_PROVIDER_load(nullptr, "legacy")};
    ERR_clear_error();
    return loaded;
  }();
  (void)providers;
}

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

Result<std::unique_ptr<PKCS12, Pkcs12Deleter>> Decode(std::string_view der, std::string_view where) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<PKCS12, Pkcs12Deleter> p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  if (!p12) {
    ERR_clear_error();
    return Error("InvalidAuthentication", std::string(where) +
                                              " is base64 but not a PKCS#12 (pfx) file; give the base64 of the "
                                              "whole .pfx/.p12 file");
  }
  return p12;
}

Result<Opened> Open(const std::string& der, const std::string& password, std::string_view where) {
  RUNNEL_TRY(p12, Decode(der, where));
  // An empty password may have been applied as "no password" (NULL) by the exporting tool.
  bool mac_ok = !PKCS12_mac_present(p12.get()) ||
                PKCS12_verify_mac(p12.get(), password.c_str(), static_cast<int>(password.size())) ||
                (password.empty() && PKCS12_verify_mac(p12.get(), nullptr, 0));
  if (!mac_ok) {
    ERR_clear_error();
    return Error("InvalidAuthentication", "the password does not open " + std::string(where) +
                                              " (the pfx's integrity check failed); check the password");
  }
  for (int round = 0; round < 2; ++round) {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* chain = nullptr;
    if (PKCS12_parse(p12.get(), password.c_str(), &key, &cert, &chain)) {
      std::unique_ptr<STACK_OF(X509), CertStackDeleter> chain_owner(chain);
      Opened out{std::unique_ptr<EVP_PKEY, KeyDeleter>(key), std::unique_ptr<X509, CertDeleter>(cert)};
      if (!out.key || !out.cert) {
        return Error("InvalidAuthentication", std::string(where) +
                                                  " holds no private key with its certificate; export the pfx "
                                                  "with the private key");
      }
      return out;
    }
    if (round == 0) {
      ERR_clear_error();
      EnsureLegacyProvider();
      RUNNEL_TRY(again, Decode(der, where));
      p12 = std::move(again);
    }
  }
  return Error("InvalidAuthentication", std::string(where) + " cannot be opened: " + OpenSslError());
}

std::string Sha1(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), n);
}

}  // namespace

std::string NewJwtId() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof(bytes));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string s = expr::Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

Result<std::shared_ptr<const ClientCertificate>> LoadClientCertificate(std::string_view pfx_base64,
                                                                       std::string_view password,
                                                                       std::string_view where) {
  auto der = expr::Base64Decode(pfx_base64);
  if (!der || der->empty()) {
    return Error("InvalidAuthentication", std::string(where) +
                                              " is not valid base64; give the base64-encoded content of the "
                                              ".pfx file (e.g. base64 -w0 client.pfx)");
  }
  auto cert = std::make_shared<ClientCertificate>();
  cert->pkcs12 = std::move(*der);
  cert->password = std::string(password);
  RUNNEL_TRY_STATUS(Open(cert->pkcs12, cert->password, where));
  return std::shared_ptr<const ClientCertificate>(std::move(cert));
}

Result<std::string> SignClientAssertion(const ClientCertificate& certificate, std::string_view client_id,
                                        std::string_view token_url, std::string_view jwt_id, int64_t now_micros) {
  RUNNEL_TRY(opened, Open(certificate.pkcs12, certificate.password, "the certificate"));
  if (EVP_PKEY_get_base_id(opened.key.get()) != EVP_PKEY_RSA) {
    return Error("InvalidAuthentication",
                 "the certificate's private key is not an RSA key; Microsoft Entra ID client assertions are "
                 "signed with RS256");
  }
  unsigned char* der = nullptr;
  int der_length = i2d_X509(opened.cert.get(), &der);
  if (der_length <= 0) return Error("InvalidAuthentication", "the certificate cannot be encoded: " + OpenSslError());
  std::string thumbprint = Sha1(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(der_length)));
  OPENSSL_free(der);

  int64_t now = now_micros / 1'000'000;
  bj::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"x5t", Base64UrlEncode(thumbprint)}};
  bj::object claims{{"aud", token_url},  {"iss", client_id},       {"sub", client_id},
                    {"jti", jwt_id},     {"nbf", now},             {"exp", now + kAssertionLifetimeSeconds}};
  std::string signing_input =
      Base64UrlEncode(bj::serialize(header)) + "." + Base64UrlEncode(bj::serialize(claims));

  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  size_t signature_length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, opened.key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &signature_length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
    return Error("InvalidAuthentication", "the client assertion cannot be signed: " + OpenSslError());
  }
  std::string signature(signature_length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &signature_length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
    return Error("InvalidAuthentication", "the client assertion cannot be signed: " + OpenSslError());
  }
  signature.resize(signature_length);
  return signing_input + "." + Base64UrlEncode(signature);
}

}  // namespace runnel::connectors

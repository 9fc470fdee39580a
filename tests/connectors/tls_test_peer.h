// TLS fixtures for the ClientCertificate and certificate-credential tests, made at test time with
// the `openssl` command line tool (nothing secret is checked in):
//   TestCertificates  a private CA, a server certificate for 127.0.0.1 and a client certificate
//                     signed by it, the client's pfx (password-protected, and a legacy-encrypted
//                     copy) and their base64 as a definition would hold them;
//   TlsTestServer     `openssl s_server -www` on a free loopback port that demands a client
//                     certificate from the CA (TLS 1.2, so a missing certificate fails the
//                     handshake itself), started by the constructor and ready when it returns.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace runnel::testing {

class TestCertificates {
 public:
  TestCertificates();   // makes a fresh temporary directory and the files; ok() tells if it worked
  ~TestCertificates();  // removes the directory
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }  // the failing command when !ok()
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // ca.pem, server.pem, server.key, client.pem, client.pfx, client-legacy.pfx
  std::string ReadFile(const std::string& name) const;

  static constexpr char kPfxPassword[] = "pfx-pa55";
  std::string pfx_base64;         // client.pfx (AES, OpenSSL 3 default)
  std::string legacy_pfx_base64;  // client-legacy.pfx (RC2/3DES, as older Windows exports)

 private:
  bool Run(const std::string& command);
  std::string dir_;
  bool ok_ = false;
  std::string error_;
};

class TlsTestServer {
 public:
  explicit TlsTestServer(const TestCertificates& certs);
  ~TlsTestServer();  // stops the process
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  bool ok() const { return ready_; }  // the server accepted a connection before the deadline
  std::string Url(const std::string& path) const;  // "https://127.0.0.1:<port><path>"

 private:
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace runnel::testing

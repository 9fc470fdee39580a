// The Http action's authentication types end to end: ActiveDirectoryOAuth against a loopback
// token endpoint (secret and certificate credentials, the shared token cache, failures that
// must not leak the secret), ClientCertificate against a real TLS server that demands a client
// certificate, bad pfx files, and ManagedServiceIdentity's explanation.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <map>

#include "http_flow_fixture.h"
#include "tls_test_peer.h"

namespace runnel::connectors::testing {
namespace {

using ::runnel::testing::TestCertificates;
using ::runnel::testing::TlsTestServer;

const std::vector<std::pair<std::string, std::string>> kJson = {{"Content-Type", "application/json"}};
constexpr char kSecret[] = "sup3r-s3cret";

std::string OAuthSecret(const std::string& authority) {
  return R"({"type": "ActiveDirectoryOAuth", "authority": ")" + authority +
         R"(", "tenant": "tenant1", "audience": "https://api.example/", "clientId": "client1",
             "credentialType": "Secret", "secret": ")" + kSecret + R"("})";
}

// The form body of a token request as name -> value.
std::map<std::string, std::string> Form(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t amp = body.find('&', start);
    std::string pair = body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    size_t eq = pair.find('=');
    if (eq != std::string::npos) out[expr::UriComponentDecode(pair.substr(0, eq))] = expr::UriComponentDecode(pair.substr(eq + 1));
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

std::string Base64UrlDecode(std::string s) {
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  return expr::Base64Decode(s).value_or("");
}

class HttpAuthTest : public HttpFlowTest {
 protected:
  void RouteToken(std::vector<TestResponse> script) { server_.Route("/tenant1/oauth2/token", std::move(script)); }
  static TestResponse Token(const std::string& token, const std::string& expires_in = R"("3599")") {
    return {200, kJson, R"({"token_type": "Bearer", "expires_in": )" + expires_in + R"(, "access_token": ")" + token + R"("})"};
  }
};

TEST_F(HttpAuthTest, OAuthSecretTokenIsFetchedOnceAndSentAsBearer) {
  RouteToken({Token("tok-1"), Token("tok-2")});
  server_.Route("/api", {{200, kJson, R"({"ok": true})"}});
  std::string auth = OAuthSecret(server_.Url(""));
  bj::value rec = RunFlow(R"({
    "First": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/api",
              "authentication": )" + auth + R"(}},
    "Second": {"type": "Http", "runAfter": {"First": ["Succeeded"]}, "inputs": {"method": "POST", "uri": "{{base}}/api",
               "headers": {"Authorization": "replaced"}, "authentication": )" + auth + R"(}}})");
  ASSERT_EQ(Action(rec, "First").at("status"), "Succeeded") << Text(Action(rec, "First"));
  ASSERT_EQ(Action(rec, "Second").at("status"), "Succeeded") << Text(Action(rec, "Second"));
  EXPECT_EQ(Action(rec, "First").at("attempts"), 1);  // the token request is not an attempt

  auto tokens = server_.RequestsTo("/tenant1/oauth2/token");
  ASSERT_EQ(tokens.size(), 1u);  // the second action reused the cached token
  EXPECT_EQ(tokens[0].method, "POST");
  EXPECT_EQ(tokens[0].Header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_FALSE(tokens[0].HasHeader("x-ms-workflow-name"));
  auto form = Form(tokens[0].body);
  EXPECT_EQ(form["grant_type"], "client_credentials");
  EXPECT_EQ(form["client_id"], "client1");
  EXPECT_EQ(form["client_secret"], kSecret);
  EXPECT_EQ(form["resource"], "https://api.example/");

  auto calls = server_.RequestsTo("/api");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].Header("Authorization"), "Bearer tok-1");
  EXPECT_EQ(calls[1].Header("Authorization"), "Bearer tok-1");
  // The record hides the secret.
  EXPECT_EQ(Action(rec, "First").at("inputs").at("authentication").at("secret"), "*sanitized*");
  EXPECT_EQ(Text(rec).find(kSecret), std::string::npos);
}

TEST_F(HttpAuthTest, OAuthTokenIsRefreshedBeforeItExpires) {
  // expires_in 400 s, refreshed 300 s early: usable for 100 s. A 2 minute wait outlives it.
  RouteToken({Token("tok-1", "400"), Token("tok-2", "400")});
  server_.Route("/api", {{200, {}, ""}});
  std::string auth = OAuthSecret(server_.Url(""));
  bj::value rec = RunFlow(R"({
    "First": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/api", "authentication": )" + auth + R"(}},
    "Soon": {"type": "Http", "runAfter": {"First": ["Succeeded"]}, "inputs": {"method": "GET", "uri": "{{base}}/api", "authentication": )" + auth + R"(}},
    "Pause": {"type": "Wait", "runAfter": {"Soon": ["Succeeded"]}, "inputs": {"interval": {"count": 2, "unit": "Minute"}}},
    "Later": {"type": "Http", "runAfter": {"Pause": ["Succeeded"]}, "inputs": {"method": "GET", "uri": "{{base}}/api", "authentication": )" + auth + R"(}}})");
  ASSERT_EQ(Action(rec, "Later").at("status"), "Succeeded") << Text(Action(rec, "Later"));
  EXPECT_EQ(server_.RequestsTo("/tenant1/oauth2/token").size(), 2u);
  auto calls = server_.RequestsTo("/api");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1].Header("Authorization"), "Bearer tok-1");
  EXPECT_EQ(calls[2].Header("Authorization"), "Bearer tok-2");
}

TEST_F(HttpAuthTest, OAuthTokenEndpointRejectionFailsWithoutLeakingTheSecret) {
  // An endpoint that echoes the secret back must not get it into the record either.
  RouteToken({{401, kJson, R"({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret ')" +
                                std::string(kSecret) + R"(' provided."})"}});
  server_.Route("/api", {{200, {}, ""}});
  bj::value rec = RunHttp(R"({"method": "GET", "uri": "{{base}}/api", "authentication": )" +
                          OAuthSecret(server_.Url("")) + "}");
  const bj::value& http = Action(rec, "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("error").at("code"), "OAuthTokenRequestFailed");
  std::string message(http.at("error").at("message").as_string());
  EXPECT_NE(message.find(server_.Url("/tenant1/oauth2/token")), std::string::npos) << message;
  EXPECT_NE(message.find("401 (Unauthorized)"), std::string::npos) << message;
  EXPECT_NE(message.find("invalid_client"), std::string::npos) << message;
  EXPECT_EQ(Text(rec).find(kSecret), std::string::npos) << Text(rec);
  EXPECT_TRUE(server_.RequestsTo("/api").empty());
}

TEST_F(HttpAuthTest, OAuthUnreachableAuthorityFailsClearly) {
  uint16_t port = TestHttpServer::UnusedPort();
  std::string authority = "http://127.0.0.1:" + std::to_string(port);
  server_.Route("/api", {{200, {}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/api", "retryPolicy": {"type": "none"},
                                           "authentication": )" + OAuthSecret(authority) + "}"), "Http");
  EXPECT_EQ(http.at("error").at("code"), "OAuthTokenRequestFailed");
  std::string message(http.at("error").at("message").as_string());
  EXPECT_NE(message.find(authority + "/tenant1/oauth2/token"), std::string::npos) << message;
  EXPECT_TRUE(server_.RequestsTo("/api").empty());
}

TEST_F(HttpAuthTest, OAuthSettingsAreChecked) {
  bj::value rec = RunFlow(R"({
    "PlainHttp": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x", "authentication":
       {"type": "ActiveDirectoryOAuth", "authority": "http://login.example", "tenant": "t", "audience": "a", "clientId": "c", "secret": "s"}}},
    "NoSecret": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x", "authentication":
       {"type": "ActiveDirectoryOAuth", "tenant": "t", "audience": "a", "clientId": "c", "credentialType": "Secret"}}},
    "BadType": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x", "authentication":
       {"type": "ActiveDirectoryOAuth", "tenant": "t", "audience": "a", "clientId": "c", "credentialType": "Password"}}},
    "Msi": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x", "authentication":
       {"type": "ManagedServiceIdentity", "audience": "https://vault.azure.net"}}}})");
  auto message = [&](const char* name) { return std::string(Action(rec, name).at("error").at("message").as_string()); };
  EXPECT_EQ(Action(rec, "PlainHttp").at("error").at("code"), "InvalidAuthentication");
  EXPECT_NE(message("PlainHttp").find("must use https"), std::string::npos) << message("PlainHttp");
  EXPECT_NE(message("NoSecret").find("'secret'"), std::string::npos) << message("NoSecret");
  EXPECT_NE(message("BadType").find("credentialType"), std::string::npos) << message("BadType");
  EXPECT_EQ(Action(rec, "Msi").at("error").at("code"), "AuthenticationTypeNotSupported");
  EXPECT_NE(message("Msi").find("ActiveDirectoryOAuth"), std::string::npos) << message("Msi");
  EXPECT_TRUE(server_.Requests().empty());
}

class HttpCertificateTest : public HttpAuthTest {
 protected:
  // RSA key generation takes a while: one set of certificates for the whole suite.
  static void SetUpTestSuite() { shared_ = new TestCertificates(); }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(certs_.ok()) << "openssl failed: " << certs_.error(); }

  static inline TestCertificates* shared_ = nullptr;
  const TestCertificates& certs_ = *shared_;
};

// The client assertion's signature, checked with the certificate's public key.
bool VerifyRs256(const std::string& jwt, const std::string& cert_pem) {
  size_t last_dot = jwt.rfind('.');
  std::string signing_input = jwt.substr(0, last_dot);
  std::string signature = Base64UrlDecode(jwt.substr(last_dot + 1));
  BIO* bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return false;
  EVP_PKEY* key = X509_get_pubkey(cert);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  X509_free(cert);
  return ok;
}

TEST_F(HttpCertificateTest, OAuthCertificateCredentialSendsASignedAssertion) {
  RouteToken({Token("cert-token")});
  server_.Route("/api", {{200, {}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/api", "authentication": {
      "type": "ActiveDirectoryOAuth", "authority": ")" + server_.Url("/") + R"(", "tenant": "tenant1",
      "audience": "https://api.example/", "clientId": "client1", "credentialType": "Certificate",
      "pfx": ")" + certs_.pfx_base64 + R"(", "password": ")" + TestCertificates::kPfxPassword + R"("}})"), "Http");
  ASSERT_EQ(http.at("status"), "Succeeded") << Text(http);
  EXPECT_EQ(http.at("inputs").at("authentication").at("pfx"), "*sanitized*");
  EXPECT_EQ(http.at("inputs").at("authentication").at("password"), "*sanitized*");
  auto tokens = server_.RequestsTo("/tenant1/oauth2/token");
  ASSERT_EQ(tokens.size(), 1u);
  auto form = Form(tokens[0].body);
  EXPECT_EQ(form.count("client_secret"), 0u);
  EXPECT_EQ(form["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  std::string jwt = form["client_assertion"];
  ASSERT_EQ(std::count(jwt.begin(), jwt.end(), '.'), 2) << jwt;
  bj::value header = bj::parse(Base64UrlDecode(jwt.substr(0, jwt.find('.'))));
  bj::value claims = bj::parse(Base64UrlDecode(jwt.substr(jwt.find('.') + 1, jwt.rfind('.') - jwt.find('.') - 1)));
  EXPECT_EQ(header.at("alg"), "RS256");
  EXPECT_EQ(Base64UrlDecode(std::string(header.at("x5t").as_string())).size(), 20u);  // a SHA-1 thumbprint
  EXPECT_EQ(claims.at("aud"), bj::value(server_.Url("/tenant1/oauth2/token")));
  EXPECT_EQ(claims.at("iss"), "client1");
  EXPECT_EQ(claims.at("sub"), "client1");
  EXPECT_EQ(claims.at("nbf").as_int64(), start_micros_ / kSecond);
  EXPECT_EQ(claims.at("exp").as_int64(), start_micros_ / kSecond + 600);
  EXPECT_TRUE(VerifyRs256(jwt, certs_.ReadFile("client.pem")));
  auto calls = server_.RequestsTo("/api");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].Header("Authorization"), "Bearer cert-token");
}

TEST_F(HttpCertificateTest, ClientCertificateOpensTheTlsServer) {
  TlsTestServer tls(certs_);
  ASSERT_TRUE(tls.ok()) << "openssl s_server did not start";
  CurlHttpClientOptions options;
  options.ca_bundle_file = certs_.Path("ca.pem");
  client_ = std::make_shared<CurlHttpClient>(options);
  bj::value rec = RunFlow(R"({
    "WithCertificate": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": ")" + tls.Url("/") + R"(",
        "authentication": {"type": "ClientCertificate", "pfx": ")" + certs_.pfx_base64 + R"(", "password": ")" +
                          TestCertificates::kPfxPassword + R"("}}},
    "Without": {"type": "Http", "runAfter": {"WithCertificate": ["Succeeded", "Failed"]},
                "inputs": {"method": "GET", "uri": ")" + tls.Url("/") + R"(", "retryPolicy": {"type": "none"}}}})");
  const bj::value with = Action(rec, "WithCertificate");
  ASSERT_EQ(with.at("status"), "Succeeded") << Text(with);
  EXPECT_EQ(with.at("outputs").at("statusCode"), 200);
  // s_server -www describes the session; it saw our certificate.
  std::string page(with.at("outputs").at("body").as_string());
  EXPECT_NE(page.find("runnel client"), std::string::npos) << page;
  EXPECT_EQ(with.at("inputs").at("authentication").at("pfx"), "*sanitized*");
  const bj::value without = Action(rec, "Without");
  EXPECT_EQ(without.at("status"), "Failed");
  EXPECT_EQ(without.at("error").at("code"), "TlsFailed") << Text(without);
}

TEST_F(HttpCertificateTest, LegacyEncryptedPfxOpens) {
  server_.Route("/x", {{200, {}, ""}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/x", "authentication": {
      "type": "ClientCertificate", "pfx": ")" + certs_.legacy_pfx_base64 + R"(", "password": ")" +
                                        TestCertificates::kPfxPassword + R"("}})"), "Http");
  EXPECT_EQ(http.at("status"), "Succeeded") << Text(http);
}

TEST_F(HttpCertificateTest, BadPfxFailsBeforeSending) {
  std::string not_pfx = expr::Base64Encode("certainly not a pfx");
  bj::value rec = RunFlow(R"({
    "NotBase64": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x",
                  "authentication": {"type": "ClientCertificate", "pfx": "%%% not base64 %%%", "password": "p"}}},
    "NotPfx": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x",
               "authentication": {"type": "ClientCertificate", "pfx": ")" + not_pfx + R"(", "password": "p"}}},
    "WrongPassword": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x",
                      "authentication": {"type": "ClientCertificate", "pfx": ")" + certs_.pfx_base64 + R"(",
                                         "password": "wrong-password"}}},
    "OAuthWrongPassword": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x",
                           "authentication": {"type": "ActiveDirectoryOAuth", "tenant": "t", "audience": "a",
                                              "clientId": "c", "pfx": ")" + certs_.pfx_base64 + R"(", "password": "nope"}}}})");
  auto message = [&](const char* name) { return std::string(Action(rec, name).at("error").at("message").as_string()); };
  for (const char* name : {"NotBase64", "NotPfx", "WrongPassword", "OAuthWrongPassword"}) {
    EXPECT_EQ(Action(rec, name).at("status"), "Failed") << name;
    EXPECT_EQ(Action(rec, name).at("error").at("code"), "InvalidAuthentication") << name;
    EXPECT_NE(message(name).find("inputs.authentication.pfx"), std::string::npos) << message(name);
  }
  EXPECT_NE(message("NotBase64").find("not valid base64"), std::string::npos) << message("NotBase64");
  EXPECT_NE(message("NotPfx").find("not a PKCS#12"), std::string::npos) << message("NotPfx");
  EXPECT_NE(message("WrongPassword").find("password does not open"), std::string::npos) << message("WrongPassword");
  EXPECT_EQ(message("WrongPassword").find("wrong-password"), std::string::npos);
  EXPECT_NE(message("OAuthWrongPassword").find("password does not open"), std::string::npos);
  EXPECT_TRUE(server_.Requests().empty());
}

}  // namespace
}  // namespace runnel::connectors::testing

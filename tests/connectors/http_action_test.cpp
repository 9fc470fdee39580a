// The Http action end to end, what goes out and what comes back: method, URI, queries,
// headers and the drop list, bodies, authentication, response bodies by content type, status
// mapping, invalid inputs. Retries, polling and timeouts are in http_retry_test.cpp.
#include "http_flow_fixture.h"

namespace runnel::connectors::testing {
namespace {

TEST_F(HttpFlowTest, SendsMethodUriQueriesHeadersAndJsonBody) {
  server_.Route("/orders", {{201, {{"Content-Type", "application/json"}}, R"({"id": 7, "ok": true})"}});
  bj::value rec = RunFlow(R"({
    "Http": {"type": "Http", "runAfter": {}, "inputs": {
      "method": "post", "uri": "{{base}}/orders",
      "queries": {"q": "a b&c", "n": 5},
      "headers": {"X-Custom": "yes", "Accept-Language": "fr", "Host": "evil.example", "Cookie": "c=1",
                  "Content-Length": "999"},
      "body": {"name": "Ann", "items": [1, 2]}}},
    "Use": {"type": "Compose", "runAfter": {"Http": ["Succeeded"]},
            "inputs": "@{outputs('Http')['statusCode']}/@{body('Http')?['id']}"}})");
  ASSERT_TRUE(rec.is_object());
  const bj::value& http = Action(rec, "Http");
  EXPECT_EQ(http.at("status"), "Succeeded") << Text(http);
  EXPECT_EQ(http.at("code"), "Created");
  EXPECT_EQ(http.at("attempts"), 1);
  EXPECT_EQ(http.at("outputs").at("statusCode"), 201);
  EXPECT_EQ(http.at("outputs").at("body").at("id"), 7);
  EXPECT_EQ(http.at("outputs").at("headers").at("Content-Type"), "application/json");
  EXPECT_EQ(Action(rec, "Use").at("outputs"), "201/7");

  auto reqs = server_.RequestsTo("/orders");
  ASSERT_EQ(reqs.size(), 1u);
  const RecordedRequest& r = reqs[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.query, "q=a%20b%26c&n=5");
  EXPECT_EQ(r.Header("X-Custom"), "yes");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_EQ(bj::parse(r.body), bj::parse(R"({"name": "Ann", "items": [1, 2]})"));
  EXPECT_EQ(r.Header("Content-Length"), std::to_string(r.body.size()));
  // Dropped per the hosted engine's list; Host is the real one.
  EXPECT_FALSE(r.HasHeader("Accept-Language"));
  EXPECT_FALSE(r.HasHeader("Cookie"));
  EXPECT_EQ(r.Header("Host"), "127.0.0.1:" + std::to_string(server_.port()));
  // Workflow metadata headers.
  EXPECT_EQ(r.Header("x-ms-workflow-name"), "http_test");
  EXPECT_EQ(r.Header("x-ms-workflow-operation-name"), "Http");
  EXPECT_EQ(r.Header("x-ms-workflow-run-id"), rec.at("runId").as_string().c_str());
  EXPECT_EQ(r.Header("User-Agent"), "runnel");
}

TEST_F(HttpFlowTest, SuppressWorkflowHeadersAndCookieProperty) {
  server_.Route("/x", {{200, {}, ""}});
  bj::value rec = RunHttp(R"({"method": "GET", "uri": "{{base}}/x", "cookie": "session=abc",
                              "headers": {"User-Agent": "mine"}})",
                          R"("operationOptions": "SuppressWorkflowHeaders")");
  EXPECT_EQ(Action(rec, "Http").at("status"), "Succeeded");
  auto reqs = server_.RequestsTo("/x");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_FALSE(reqs[0].HasHeader("x-ms-workflow-name"));
  EXPECT_EQ(reqs[0].Header("Cookie"), "session=abc");
  EXPECT_EQ(reqs[0].Header("User-Agent"), "mine");
  // Empty body: no "body" member.
  EXPECT_FALSE(Action(rec, "Http").at("outputs").as_object().contains("body"));
}

TEST_F(HttpFlowTest, TextAndBinaryResponsesAndEnvelopesPassThrough) {
  server_.Route("/text", {{200, {{"Content-Type", "text/plain; charset=utf-8"}}, "hello"}});
  server_.Route("/png", {{200, {{"Content-Type", "image/png"}}, std::string("\x89PNG\0\1", 6)}});
  server_.Route("/upload", {{200, {}, ""}});
  bj::value rec = RunFlow(R"J({
    "Text": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/text"}},
    "Png": {"type": "Http", "runAfter": {"Text": ["Succeeded"]}, "inputs": {"method": "GET", "uri": "{{base}}/png"}},
    "Upload": {"type": "Http", "runAfter": {"Png": ["Succeeded"]},
               "inputs": {"method": "PUT", "uri": "{{base}}/upload", "body": "@body('Png')"}},
    "Say": {"type": "Http", "runAfter": {"Upload": ["Succeeded"]},
            "inputs": {"method": "POST", "uri": "{{base}}/upload", "body": "@body('Text')"}}})J");
  EXPECT_EQ(Action(rec, "Text").at("outputs").at("body"), "hello");
  const bj::value png = Action(rec, "Png").at("outputs").at("body");
  EXPECT_EQ(png.at("$content-type"), "image/png");
  EXPECT_EQ(png.at("$content"), bj::value(expr::Base64Encode(std::string("\x89PNG\0\1", 6))));
  auto uploads = server_.RequestsTo("/upload");
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(uploads[0].method, "PUT");
  EXPECT_EQ(uploads[0].body, std::string("\x89PNG\0\1", 6));
  EXPECT_EQ(uploads[0].Header("Content-Type"), "image/png");
  EXPECT_EQ(uploads[1].body, "hello");
  EXPECT_EQ(uploads[1].Header("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(HttpFlowTest, MultipartBody) {
  server_.Route("/form", {{200, {}, ""}});
  bj::value rec = RunHttp(R"({"method": "POST", "uri": "{{base}}/form", "body": {
      "$content-type": "multipart/form-data", "$multipart": [
        {"headers": {"Content-Disposition": "form-data; name=\"a\""}, "body": "one"},
        {"headers": {"Content-Disposition": "form-data; name=\"f\"; filename=\"f.bin\""},
         "body": {"$content-type": "application/octet-stream", "$content": "AAE="}}]}})");
  EXPECT_EQ(Action(rec, "Http").at("status"), "Succeeded");
  auto reqs = server_.RequestsTo("/form");
  ASSERT_EQ(reqs.size(), 1u);
  std::string type = reqs[0].Header("Content-Type");
  ASSERT_EQ(type.rfind("multipart/form-data; boundary=", 0), 0u) << type;
  std::string boundary = type.substr(type.find('=') + 1);
  EXPECT_NE(reqs[0].body.find("--" + boundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n"),
            std::string::npos);
  EXPECT_NE(reqs[0].body.find(std::string("\r\n\r\n\0\1\r\n--", 10) + boundary + "--\r\n"), std::string::npos);
}

TEST_F(HttpFlowTest, BasicAuthenticationHeaderAndSanitizedInputs) {
  server_.Route("/secure", {{200, {}, "ok"}});
  bj::value rec = RunHttp(R"({"method": "GET", "uri": "{{base}}/secure",
      "authentication": {"type": "Basic", "username": "ann", "password": "s3cret"}})");
  const bj::value& http = Action(rec, "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(http.at("inputs").at("authentication").at("password"), "*sanitized*");
  auto reqs = server_.RequestsTo("/secure");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].Header("Authorization"), "Basic " + expr::Base64Encode("ann:s3cret"));
}

TEST_F(HttpFlowTest, InvalidInputsFailWithoutSending) {
  bj::value rec = RunFlow(R"({
    "BadMethod": {"type": "Http", "runAfter": {}, "inputs": {"method": "FETCH", "uri": "{{base}}/x"}},
    "BadUri": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "file:///etc/passwd"}},
    "OAuth": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x",
              "authentication": {"type": "ManagedServiceIdentity", "audience": "https://vault.azure.net"}}},
    "BadPolicy": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": "{{base}}/x",
                  "retryPolicy": {"type": "fixed", "count": 500, "interval": "PT5S"}}}})");
  EXPECT_EQ(Action(rec, "BadMethod").at("error").at("code"), "InvalidHttpMethod");
  EXPECT_EQ(Action(rec, "BadUri").at("error").at("code"), "InvalidUri");
  EXPECT_EQ(Action(rec, "OAuth").at("error").at("code"), "AuthenticationTypeNotSupported");
  EXPECT_EQ(Action(rec, "BadPolicy").at("error").at("code"), "InvalidRetryPolicy");
  for (const char* name : {"BadMethod", "BadUri", "OAuth", "BadPolicy"}) {
    EXPECT_EQ(Action(rec, name).at("status"), "Failed") << name;
  }
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(HttpFlowTest, NotFoundFailsWithoutRetry) {
  server_.Route("/missing", {{404, {{"Content-Type", "application/json"}}, R"({"error": "nope"})"}});
  bj::value rec = RunHttp(R"({"method": "GET", "uri": "{{base}}/missing"})");
  const bj::value& http = Action(rec, "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("code"), "NotFound");
  EXPECT_EQ(http.at("error").at("code"), "NotFound");
  EXPECT_EQ(http.at("error").at("message"), "The request failed with status 404 (Not Found)");
  EXPECT_EQ(http.at("outputs").at("body").at("error"), "nope");
  EXPECT_EQ(http.at("attempts"), 1);
  EXPECT_EQ(server_.RequestsTo("/missing").size(), 1u);
  EXPECT_EQ(Elapsed(), 0);
  EXPECT_EQ(rec.at("status"), "Failed");
}

TEST_F(HttpFlowTest, InvalidJsonWithJsonContentTypeFailsAsBadRequest) {
  server_.Route("/broken", {{200, {{"Content-Type", "application/json"}}, "{not json"}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/broken"})"), "Http");
  EXPECT_EQ(http.at("status"), "Failed");
  EXPECT_EQ(http.at("code"), "BadRequest");
  EXPECT_EQ(http.at("outputs").at("body"), "{not json");
}

TEST_F(HttpFlowTest, RedirectsAreFollowed) {
  server_.Route("/old", {{302, {{"Location", "/new"}}, ""}});
  server_.Route("/new", {{200, {}, "moved here"}});
  const bj::value http = Action(RunHttp(R"({"method": "GET", "uri": "{{base}}/old"})"), "Http");
  EXPECT_EQ(http.at("status"), "Succeeded");
  EXPECT_EQ(http.at("outputs").at("body"), "moved here");
}

TEST_F(HttpFlowTest, RepeatedResponseHeadersAreJoinedAndMethodsAnyCase) {
  server_.Route("/h", {{200, {{"X-Multi", "a"}, {"X-Multi", "b"}}, ""}});
  bj::value rec = RunFlow(R"({
    "Delete": {"type": "Http", "runAfter": {}, "inputs": {"method": "delete", "uri": "{{base}}/h"}},
    "Head": {"type": "Http", "runAfter": {"Delete": ["Succeeded"]}, "inputs": {"method": "Head", "uri": "{{base}}/h"}},
    "Options": {"type": "Http", "runAfter": {"Head": ["Succeeded"]}, "inputs": {"method": "OPTIONS", "uri": "{{base}}/h"}}})");
  EXPECT_EQ(Action(rec, "Delete").at("outputs").at("headers").at("X-Multi"), "a, b");
  auto reqs = server_.RequestsTo("/h");
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "DELETE");
  EXPECT_EQ(reqs[1].method, "HEAD");
  EXPECT_EQ(reqs[2].method, "OPTIONS");
  EXPECT_EQ(Action(rec, "Head").at("status"), "Succeeded");
}

}  // namespace
}  // namespace runnel::connectors::testing

// The Http action's pure parts, without a server: retry waits, Retry-After, request building,
// body encoding and response reading.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "connectors/http/http_request_builder.h"
#include "connectors/http/http_response_reader.h"
#include "connectors/http/request_body.h"
#include "connectors/http/retry_policy.h"
#include "connectors/http/status_codes.h"
#include "expr/codec.h"

namespace runnel::connectors {
namespace {

namespace bj = boost::json;
constexpr int64_t kSecond = 1'000'000;

RetryPolicy Parse(std::string_view json) {
  bj::value v = bj::parse(json);
  auto p = ParseRetryPolicy(&v);
  EXPECT_TRUE(p) << p.error().ToString();
  return p ? p.value() : RetryPolicy{};
}

TEST(RetryPolicyTest, DefaultIsTheDocumentedExponentialSample) {
  auto p = ParseRetryPolicy(nullptr);
  ASSERT_TRUE(p);
  EXPECT_EQ(p.value().type, RetryType::kExponential);
  EXPECT_EQ(p.value().count, 4);
  EXPECT_EQ(p.value().interval_micros, 7 * kSecond);
  EXPECT_EQ(p.value().minimum_interval_micros, 5 * kSecond);
  EXPECT_EQ(p.value().maximum_interval_micros, 3600 * kSecond);
  EXPECT_EQ(Parse(R"({"type": "DEFAULT"})").count, 4);
}

TEST(RetryPolicyTest, ExponentialBoundsFollowTheTable) {
  RetryPolicy p = Parse(R"({"type": "exponential", "count": 6, "interval": "PT10S",
                            "minimumInterval": "PT5S", "maximumInterval": "PT1M"})");
  auto b1 = RetryWaitBounds(p, 1);
  EXPECT_EQ(b1.lower_micros, 5 * kSecond);   // max(0, min)
  EXPECT_EQ(b1.upper_micros, 10 * kSecond);  // min(interval, max)
  auto b2 = RetryWaitBounds(p, 2);
  EXPECT_EQ(b2.lower_micros, 10 * kSecond);
  EXPECT_EQ(b2.upper_micros, 20 * kSecond);
  auto b3 = RetryWaitBounds(p, 3);
  EXPECT_EQ(b3.lower_micros, 20 * kSecond);
  EXPECT_EQ(b3.upper_micros, 40 * kSecond);
  auto b4 = RetryWaitBounds(p, 4);
  EXPECT_EQ(b4.lower_micros, 40 * kSecond);
  EXPECT_EQ(b4.upper_micros, 60 * kSecond);  // capped by maximumInterval
  auto b6 = RetryWaitBounds(p, 6);
  EXPECT_EQ(b6.lower_micros, 60 * kSecond);
  EXPECT_EQ(b6.upper_micros, 60 * kSecond);
  EXPECT_EQ(RetryWaitMicros(p, 2, 0.5), 15 * kSecond);
  // 90 retries must not overflow.
  RetryPolicy big = Parse(R"({"type": "exponential", "count": 90, "interval": "P1D", "maximumInterval": "P1D"})");
  EXPECT_EQ(RetryWaitBounds(big, 90).upper_micros, 86'400 * kSecond);
}

TEST(RetryPolicyTest, FixedWaitsExactlyTheInterval) {
  RetryPolicy p = Parse(R"({"type": "fixed", "count": 2, "interval": "PT30S"})");
  EXPECT_EQ(p.type, RetryType::kFixed);
  EXPECT_EQ(p.count, 2);
  EXPECT_EQ(RetryWaitMicros(p, 1, 0.9), 30 * kSecond);
  EXPECT_EQ(RetryWaitMicros(p, 2, 0.0), 30 * kSecond);
}

TEST(RetryPolicyTest, RejectsOutOfRangeValues) {
  for (const char* bad : {R"({"type": "sometimes"})", R"({"type": "fixed", "count": 0, "interval": "PT5S"})",
                          R"({"type": "fixed", "count": 91, "interval": "PT5S"})",
                          R"({"type": "fixed", "count": 2, "interval": "5 seconds"})",
                          R"({"type": "fixed", "count": 2, "interval": "P2D"})",
                          R"({"type": "exponential", "minimumInterval": "PT2H", "maximumInterval": "PT1H"})",
                          R"("fixed")"}) {
    bj::value v = bj::parse(bad);
    auto p = ParseRetryPolicy(&v);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, "InvalidRetryPolicy") << bad;
  }
}

TEST(RetryPolicyTest, RetryableStatuses) {
  for (int s : {408, 429, 500, 502, 503, 504, 599}) EXPECT_TRUE(IsRetryableStatus(s)) << s;
  for (int s : {200, 202, 301, 400, 401, 404, 409}) EXPECT_FALSE(IsRetryableStatus(s)) << s;
}

TEST(RetryAfterTest, SecondsAndHttpDates) {
  // 1994-11-06T08:49:37Z
  const int64_t now = 784111777LL * kSecond;
  EXPECT_EQ(ParseRetryAfter("120", now), 120 * kSecond);
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), 0);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), 30 * kSecond);
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:50:37 GMT", now), 60 * kSecond);
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:47 1994", now), 10 * kSecond);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now), 0);  // in the past
  EXPECT_FALSE(ParseRetryAfter("soon", now));
  EXPECT_FALSE(ParseRetryAfter("-5", now));
  EXPECT_FALSE(ParseRetryAfter("Sun, 31 Feb 1994 08:00:00 GMT", now));
}

TEST(StatusCodesTest, NamesAndPhrases) {
  EXPECT_EQ(StatusName(404), "NotFound");
  EXPECT_EQ(StatusPhrase(404), "Not Found");
  EXPECT_EQ(StatusName(200), "OK");
  EXPECT_EQ(StatusName(429), "TooManyRequests");
  EXPECT_EQ(StatusName(299), "299");
  EXPECT_EQ(StatusPhrase(299), "Unknown");
}

Result<HttpRequest> Build(std::string_view inputs) { return BuildHttpRequest(bj::parse(inputs), RequestExtras{}); }

TEST(RequestBuilderTest, MethodUriAndQueries) {
  auto r = Build(R"({"method": "patch", "uri": "https://example.com/a b?x=1#frag",
                     "queries": {"q": "a&b c", "n": 5, "list": ["1", "2"], "e": null}})");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r.value().method, "PATCH");
  EXPECT_EQ(r.value().url, "https://example.com/a%20b?x=1&q=a%26b%20c&n=5&list=1&list=2&e=#frag");
}

TEST(RequestBuilderTest, RejectsBadMethodsAndUris) {
  EXPECT_EQ(Build(R"({"method": "FETCH", "uri": "http://x"})").error().code, "InvalidHttpMethod");
  EXPECT_EQ(Build(R"({"uri": "http://x"})").error().code, "InvalidHttpMethod");
  EXPECT_EQ(Build(R"({"method": "GET", "uri": "ftp://x/file"})").error().code, "InvalidUri");
  EXPECT_EQ(Build(R"({"method": "GET", "uri": "/relative"})").error().code, "InvalidUri");
  std::string long_uri = "http://x/" + std::string(2100, 'a');
  EXPECT_EQ(Build(R"({"method": "GET", "uri": ")" + long_uri + "\"}").error().code, "InvalidUri");
  EXPECT_EQ(Build(R"({"method": "GET", "uri": "http://x", "queries": {"o": {}}})").error().code,
            "InvalidHttpQueries");
  EXPECT_EQ(Build(R"({"method": "GET", "uri": "http://x", "headers": {"Bad Name": "v"}})").error().code,
            "InvalidHttpHeaders");
  EXPECT_EQ(Build(R"({"method": "GET", "uri": "http://x", "headers": {"X": "a\r\nInjected: 1"}})").error().code,
            "InvalidHttpHeaders");
}

TEST(RequestBuilderTest, DropsTheHeadersTheHostedEngineDrops) {
  EXPECT_TRUE(IsDroppedHeader("Accept-Language", "POST"));
  EXPECT_FALSE(IsDroppedHeader("Accept-Version", "POST"));
  EXPECT_TRUE(IsDroppedHeader("content-length", "POST"));
  EXPECT_FALSE(IsDroppedHeader("Content-Type", "POST"));
  EXPECT_TRUE(IsDroppedHeader("Content-Type", "GET"));
  EXPECT_FALSE(IsDroppedHeader("Content-Disposition", "PUT"));
  for (const char* h : {"Allow", "Cookie", "Expires", "Host", "Last-Modified", "Origin", "Set-Cookie",
                        "Transfer-Encoding"}) {
    EXPECT_TRUE(IsDroppedHeader(h, "POST")) << h;
  }
  EXPECT_FALSE(IsDroppedHeader("X-Custom", "GET"));
  EXPECT_FALSE(IsDroppedHeader("Accept", "GET"));  // only Accept-*, not Accept itself
}

TEST(RequestBuilderTest, AuthenticationTypes) {
  auto basic = Build(R"({"method": "GET", "uri": "http://x", "headers": {"Authorization": "old"},
                         "authentication": {"type": "Basic", "username": "ann", "password": "s3cret"}})");
  ASSERT_TRUE(basic);
  EXPECT_EQ(*FindHeader(basic.value().headers, "authorization"), "Basic " + expr::Base64Encode("ann:s3cret"));
  auto raw = Build(R"({"method": "GET", "uri": "http://x", "authentication": {"type": "raw", "value": "Bearer t"}})");
  ASSERT_TRUE(raw);
  EXPECT_EQ(*FindHeader(raw.value().headers, "Authorization"), "Bearer t");
  auto incomplete = Build(R"({"method": "GET", "uri": "http://x", "authentication": {"type": "ActiveDirectoryOAuth"}})");
  ASSERT_FALSE(incomplete);
  EXPECT_EQ(incomplete.error().code, "InvalidAuthentication");
  EXPECT_NE(incomplete.error().message.find("'tenant'"), std::string::npos) << incomplete.error().message;
  // A complete OAuth authentication: the bearer token is the caller's to add.
  bj::value oauth_inputs = bj::parse(R"({"method": "GET", "uri": "http://x", "headers": {"Authorization": "old"},
      "authentication": {"type": "ActiveDirectoryOAuth", "tenant": "t1", "audience": "https://api.example/",
                         "clientId": "c1", "secret": "s1"}})");
  auto without_out = BuildHttpRequest(oauth_inputs, RequestExtras{});
  ASSERT_FALSE(without_out);
  EXPECT_EQ(without_out.error().code, "AuthenticationTypeNotSupported");
  std::optional<OAuthSettings> settings;
  auto oauth = BuildHttpRequest(oauth_inputs, RequestExtras{}, &settings);
  ASSERT_TRUE(oauth) << oauth.error().ToString();
  EXPECT_EQ(FindHeader(oauth.value().headers, "Authorization"), nullptr);
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->TokenUrl(), "https://login.microsoftonline.com/t1/oauth2/token");
  EXPECT_EQ(settings->secret, "s1");
  EXPECT_EQ(Build(R"({"method": "GET", "uri": "http://x", "authentication": {"type": "Basic"}})").error().code,
            "InvalidAuthentication");
}

TEST(RequestBuilderTest, SanitizesSecretsInRecordedInputs) {
  bj::value in = bj::parse(R"({"authentication": {"type": "Basic", "username": "u", "password": "p"},
                              "headers": {"authorization": "Bearer x", "X": "y"}})");
  bj::value out = SanitizeInputs(in);
  EXPECT_EQ(out.at("authentication").at("password"), "*sanitized*");
  EXPECT_EQ(out.at("authentication").at("username"), "u");
  EXPECT_EQ(out.at("headers").at("authorization"), "*sanitized*");
  EXPECT_EQ(out.at("headers").at("X"), "y");
}

TEST(RequestBodyTest, Forms) {
  bj::value text = "plain";
  EXPECT_EQ(EncodeBody(&text).value()->content_type, "text/plain; charset=utf-8");
  bj::value obj = bj::parse(R"({"a": [1, 2.5, null]})");
  EXPECT_EQ(EncodeBody(&obj).value()->bytes, R"({"a":[1,2.5,null]})");
  EXPECT_EQ(EncodeBody(&obj).value()->content_type, "application/json");
  bj::value env = bj::parse(R"({"$content-type": "image/png", "$content": "AAEC"})");
  auto e = EncodeBody(&env).value();
  EXPECT_EQ(e->bytes, std::string("\0\1\2", 3));
  EXPECT_EQ(e->content_type, "image/png");
  bj::value bad = bj::parse(R"({"$content-type": "image/png", "$content": "!!"})");
  EXPECT_EQ(EncodeBody(&bad).error().code, "InvalidHttpBody");
  bj::value form = bj::parse(R"({"$content-type": "application/x-www-form-urlencoded",
                                 "$formdata": [{"key": "a b", "value": "1&2"}, {"key": "c", "value": 3}]})");
  EXPECT_EQ(EncodeBody(&form).value()->bytes, "a%20b=1%262&c=3");
  bj::value none = nullptr;
  EXPECT_FALSE(EncodeBody(&none).value());
  EXPECT_FALSE(EncodeBody(nullptr).value());
}

TEST(RequestBodyTest, Multipart) {
  bj::value mp = bj::parse(R"({"$content-type": "multipart/form-data", "$multipart": [
      {"headers": {"Content-Disposition": "form-data; name=\"note\""}, "body": "hello"},
      {"headers": {"Content-Disposition": "form-data; name=\"file\"; filename=\"x.bin\""},
       "body": {"$content-type": "application/octet-stream", "$content": "AAEC"}},
      {"headers": {"Content-Disposition": "form-data; name=\"meta\""}, "body": {"k": 1}}]})");
  auto enc = EncodeBody(&mp);
  ASSERT_TRUE(enc) << enc.error().ToString();
  const std::string& type = enc.value()->content_type;
  ASSERT_EQ(type.rfind("multipart/form-data; boundary=", 0), 0u);
  std::string boundary = type.substr(type.find('=') + 1);
  std::string expected = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n" +
                         "Content-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n" + "--" + boundary +
                         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n" +
                         "Content-Type: application/octet-stream\r\n\r\n" + std::string("\0\1\2", 3) + "\r\n" +
                         "--" + boundary + "\r\nContent-Disposition: form-data; name=\"meta\"\r\n" +
                         "Content-Type: application/json\r\n\r\n{\"k\":1}\r\n--" + boundary + "--\r\n";
  EXPECT_EQ(enc.value()->bytes, expected);
  bj::value bad = bj::parse(R"({"$content-type": "multipart/form-data", "$multipart": "x"})");
  EXPECT_EQ(EncodeBody(&bad).error().code, "InvalidHttpBody");
}

HttpResponse Response(int status, std::string content_type, std::string body) {
  HttpResponse r;
  r.status = status;
  if (!content_type.empty()) r.headers.push_back({"Content-Type", content_type});
  r.body = std::move(body);
  return r;
}

TEST(ResponseReaderTest, BodiesByContentType) {
  auto json = ReadResponse(Response(200, "application/json; charset=utf-8", R"({"a":1})"));
  EXPECT_EQ(json.outputs.at("body").at("a"), 1);
  EXPECT_FALSE(json.body_error);
  auto problem = ReadResponse(Response(400, "application/problem+json", R"({"title":"x"})"));
  EXPECT_EQ(problem.outputs.at("body").at("title"), "x");
  auto invalid = ReadResponse(Response(200, "application/json", "not json"));
  ASSERT_TRUE(invalid.body_error);
  EXPECT_EQ(invalid.body_error->code, "BadRequest");
  EXPECT_EQ(invalid.outputs.at("body"), "not json");
  EXPECT_EQ(ReadResponse(Response(200, "text/html", "<p>hi</p>")).outputs.at("body"), "<p>hi</p>");
  EXPECT_EQ(ReadResponse(Response(200, "text/plain; charset=ISO-8859-1", "caf\xE9")).outputs.at("body"),
            "caf\xC3\xA9");
  auto xml = ReadResponse(Response(200, "application/xml", "<a/>"));
  EXPECT_EQ(xml.outputs.at("body").at("$content-type"), "application/xml");
  EXPECT_EQ(xml.outputs.at("body").at("$content"), bj::value(expr::Base64Encode("<a/>")));
  auto bin = ReadResponse(Response(200, "image/png", std::string("\x89PNG", 4)));
  EXPECT_EQ(bin.outputs.at("body").at("$content-type"), "image/png");
  EXPECT_EQ(ReadResponse(Response(200, "", "[1,2]")).outputs.at("body").as_array().size(), 2u);
  EXPECT_EQ(ReadResponse(Response(200, "", "hello")).outputs.at("body"), "hello");
  EXPECT_EQ(ReadResponse(Response(200, "", "\xFF\xFE")).outputs.at("body").at("$content-type"),
            "application/octet-stream");
  auto empty = ReadResponse(Response(204, "application/json", ""));
  EXPECT_FALSE(empty.outputs.as_object().contains("body"));
  EXPECT_EQ(empty.outputs.at("statusCode"), 204);
}

TEST(ResponseReaderTest, DeeplyNestedJsonIsStillJson) {
  // boost::json's default depth limit is 32; a response nested deeper must not read as invalid.
  std::string deep = std::string(60, '[') + std::string(60, ']');
  auto read = ReadResponse(Response(200, "application/json", deep));
  EXPECT_FALSE(read.body_error);
  EXPECT_TRUE(read.outputs.at("body").is_array());
}

TEST(ResponseReaderTest, RepeatedHeadersAreJoined) {
  HttpHeaders h = {{"Set-Cookie", "a=1"}, {"X-One", "1"}, {"set-cookie", "b=2"}};
  bj::object o = HeadersObject(h);
  EXPECT_EQ(o.at("Set-Cookie"), "a=1, b=2");
  EXPECT_EQ(o.at("X-One"), "1");
  EXPECT_EQ(o.size(), 2u);
}

}  // namespace
}  // namespace runnel::connectors

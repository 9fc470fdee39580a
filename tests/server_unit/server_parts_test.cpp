// Unit tests of the server's small parts: URL signing (against OpenSSL's one-shot HMAC),
// query parsing, configuration files, Prometheus rendering, and Response-to-HTTP conversion.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "server/config.h"
#include "server/metrics.h"
#include "server/run_manager.h"
#include "server/signing.h"
#include "reference_hmac.h"
#include "server/url_query.h"

namespace runnel::server {
namespace {

TEST(UrlSigner, MatchesOpenSslHmacForShortAndLongKeys) {
  std::string long_key(100, 'k');  // longer than a SHA-256 block: hashed first, as HMAC says
  for (const std::string& key : {std::string("secret"), long_key, NewSigningKey()}) {
    UrlSigner signer(key);
    std::string text = SignedText("orders", "manual", "/triggers/manual/run", "1.0");
    EXPECT_EQ(signer.Sign(text), OneShotHmac(key, text));
    EXPECT_TRUE(signer.Verify(text, OneShotHmac(key, text)));
    EXPECT_FALSE(signer.Verify(text + "x", signer.Sign(text)));
    EXPECT_FALSE(signer.Verify(text, ""));
  }
}

TEST(UrlSigner, Base64UrlHasNoPaddingOrUnsafeCharacters) {
  EXPECT_EQ(Base64Url("f"), "Zg");
  EXPECT_EQ(Base64Url("fo"), "Zm8");
  EXPECT_EQ(Base64Url("foo"), "Zm9v");
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");
  EXPECT_EQ(NewSigningKey().size(), 43u);
  EXPECT_NE(NewSigningKey(), NewSigningKey());
}

TEST(UrlQuery, DecodesPercentAndPlus) {
  auto q = ParseQuery("sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&name=a+b&flag");
  ASSERT_TRUE(q);
  EXPECT_EQ(*FindParam(q.value(), "SP"), "/triggers/manual/run");
  EXPECT_EQ(*FindParam(q.value(), "name"), "a b");
  EXPECT_EQ(*FindParam(q.value(), "flag"), "");
  EXPECT_EQ(FindParam(q.value(), "missing"), nullptr);
  EXPECT_FALSE(ParseQuery("a=%zz"));
  EXPECT_EQ(SplitPath("/api//orders/x/"), (std::vector<std::string_view>{"api", "orders", "x"}));
  EXPECT_EQ(DecodeSegment("a%20b").value(), "a b");
}

class ConfigFile : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() / ("runnel-config-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(ConfigFile, ReadsEverySection) {
  ServerConfig c;
  auto st = LoadConfigFile(Write("listen: 0.0.0.0:8080\nthreads: 3\ndata: /var/lib/runnel\nretention_days: 7\n"
                                 "store: {sync: full}\nschedules: {overlap: wait}\n"
                                 "limits: {max_body_bytes: 1024, sync_response_seconds: 5}\n"),
                           c);
  ASSERT_TRUE(st) << st.error().ToString();
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.threads, 3);
  EXPECT_EQ(c.retention_days, 7);
  EXPECT_TRUE(c.sync_full);
  EXPECT_FALSE(c.skip_overlapping_ticks);
  EXPECT_EQ(c.http.max_body_bytes, 1024u);
  EXPECT_EQ(c.runs.sync_response_seconds, 5);
}

TEST_F(ConfigFile, UnknownKeysAndBadValuesSayWhere) {
  ServerConfig c;
  auto st = LoadConfigFile(Write("listen: 127.0.0.1:7070\nlimts: {}\n"), c);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("unknown setting 'limts'"), std::string::npos) << st.error().ToString();
  EXPECT_NE(st.error().where.find(":2:"), std::string::npos) << st.error().where;
  EXPECT_FALSE(LoadConfigFile(Write("store: {sync: sometimes}\n"), c));
  EXPECT_FALSE(LoadConfigFile(Write("threads: many\n"), c));
  EXPECT_FALSE(ParseListen("localhost:http", c));
  EXPECT_FALSE(LoadConfigFile("/nonexistent/runnel.yaml", c));
}

TEST(MetricsRender, SumsShardsAndWritesHelpAndType) {
  Metrics m(2);
  std::string series = Series("runnel_runs_total", {{"flow", "a\"b"}, {"status", "Succeeded"}});
  EXPECT_EQ(series, "runnel_runs_total{flow=\"a\\\"b\",status=\"Succeeded\"}");
  m.Increment(0, series);
  m.Increment(1, series);
  m.Observe(1, Metrics::Summary("runnel_run_duration_seconds", "{flow=\"x\"}"), 0.5);
  m.AddGauge("runnel_runs_in_flight", [] { return 3.0; });
  std::string text = m.Render();
  EXPECT_NE(text.find(series + " 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("runnel_run_duration_seconds_sum{flow=\"x\"} 0.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("runnel_run_duration_seconds_count{flow=\"x\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE runnel_run_duration_seconds summary"), std::string::npos) << text;
  EXPECT_NE(text.find("runnel_runs_in_flight 3\n"), std::string::npos) << text;
}

TEST(ResponseConversion, JsonTextEnvelopeAndHeaderInjection) {
  auto json = ToHttpResponse(boost::json::parse(R"({"statusCode": 201, "headers": {"X-A": "1"}, "body": {"ok": true}})"));
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.body, "{\"ok\":true}");
  EXPECT_EQ(json.headers.at(0), (std::pair<std::string, std::string>{"X-A", "1"}));
  auto text = ToHttpResponse(boost::json::parse(R"({"statusCode": 200, "body": "hello"})"));
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  auto bin = ToHttpResponse(boost::json::parse(R"({"body": {"$content-type": "image/png", "$content": "aGk="}})"));
  EXPECT_EQ(bin.content_type, "image/png");
  EXPECT_EQ(bin.body, "hi");
  // A header value with CR/LF from a flow never reaches the wire.
  auto evil = ToHttpResponse(boost::json::parse(R"({"headers": {"X-B": "a\r\nSet-Cookie: x=1"}, "body": null})"));
  EXPECT_TRUE(evil.headers.empty());
}

}  // namespace
}  // namespace runnel::server

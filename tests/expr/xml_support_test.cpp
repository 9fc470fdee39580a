// Internals of the XML and content-envelope support (src/expr/xml) that case files can't reach:
// UTF-8 repair, data URI parsing, empty-tag detection, and the limits that keep hostile XML or
// JSON from exhausting the stack or memory.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "expr/limits.h"
#include "expr/xml/content_envelope.h"
#include "expr/xml/json_to_xml.h"
#include "expr/xml/xml_document.h"
#include "expr/xml/xml_to_json.h"
#include "expr/xml/xpath.h"

namespace runnel::expr {
namespace {

TEST(BytesToText, KeepsValidUtf8AndReplacesTheRest) {
  EXPECT_EQ(BytesToText("h\xC3\xA9llo \xF0\x9F\x98\x80"), "h\xC3\xA9llo \xF0\x9F\x98\x80");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(BytesToText("\xFF"), fffd);
  EXPECT_EQ(BytesToText("a\xC3"), "a" + fffd);                 // truncated sequence
  EXPECT_EQ(BytesToText("\xE2\x98x"), fffd + "x");             // maximal prefix, one U+FFFD
  EXPECT_EQ(BytesToText("\xED\xA0\x80"), fffd + fffd + fffd);  // a UTF-16 surrogate
  EXPECT_EQ(BytesToText("\xC0\xAF"), fffd + fffd);             // overlong
  EXPECT_EQ(BytesToText("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // beyond U+10FFFF
  EXPECT_EQ(BytesToText(std::string("\0x", 2)), std::string("\0x", 2));
}

TEST(ParseDataUri, SplitsTypeAndPayload) {
  auto c = ParseDataUri("data:image/png;base64,AP8=");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, "image/png");
  EXPECT_EQ(c->bytes, std::string("\0\xFF", 2));
  c = ParseDataUri("data:,a%2Cb");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, "text/plain;charset=US-ASCII");
  EXPECT_EQ(c->bytes, "a,b");
  EXPECT_FALSE(ParseDataUri("dat:,x"));
  EXPECT_FALSE(ParseDataUri("data:text/plain"));
  EXPECT_FALSE(ParseDataUri("data:;base64,@@"));
}

TEST(ContentEnvelope, RoundTripsAndRecognizesXml) {
  auto c = ReadContentEnvelope(MakeContentEnvelope("image/png", std::string("\0\x01", 2)));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, "image/png");
  EXPECT_EQ(c->bytes, std::string("\0\x01", 2));
  EXPECT_FALSE(ReadContentEnvelope(boost::json::parse(R"({"$content": "AA=="})")));
  EXPECT_FALSE(ReadContentEnvelope(boost::json::parse(R"({"$content-type": "a", "$content": 1})")));
  EXPECT_TRUE(IsXmlContentType("application/xml;charset=utf-8"));
  EXPECT_TRUE(IsXmlContentType("Text/XML"));
  EXPECT_TRUE(IsXmlContentType("application/atom+xml; charset=utf-8"));
  EXPECT_FALSE(IsXmlContentType("application/json"));
  EXPECT_FALSE(IsXmlContentType("xml"));
}

TEST(Excerpt, CutsOnCharacterBoundaries) {
  EXPECT_EQ(Excerpt("abc"), "'abc'");
  EXPECT_EQ(Excerpt("ab\xC3\xA9", 3), "'ab...'");
  EXPECT_EQ(Excerpt("abcd", 3), "'abc...'");
}

TEST(XmlDocument, TellsEmptyTagsFromEmptyElements) {
  auto doc = XmlDocument::Parse(R"(<r><a/><b x="/>"></b><c x='>' /><d></d ></r>)");
  ASSERT_TRUE(doc) << doc.error().message;
  const XmlDocument& d = *doc.value();
  EXPECT_TRUE(d.IsEmptyTag(d.root().child("a")));
  EXPECT_FALSE(d.IsEmptyTag(d.root().child("b")));
  EXPECT_TRUE(d.IsEmptyTag(d.root().child("c")));
  EXPECT_FALSE(d.IsEmptyTag(d.root().child("d")));
}

TEST(XmlDocument, SkipsAByteOrderMark) {
  auto doc = XmlDocument::Parse("\xEF\xBB\xBF<?xml version=\"1.0\"?><a/>");
  ASSERT_TRUE(doc) << doc.error().message;
}

TEST(XmlDocument, LimitsNesting) {
  std::string deep;
  for (int i = 0; i < kMaxXmlDepth + 1; ++i) deep += "<a>";
  for (int i = 0; i < kMaxXmlDepth + 1; ++i) deep += "</a>";
  auto doc = XmlDocument::Parse(deep);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "LimitExceeded");
  // Far deeper input fails the same way, without recursion.
  std::string very_deep;
  for (int i = 0; i < 200000; ++i) very_deep += "<a>";
  for (int i = 0; i < 200000; ++i) very_deep += "</a>";
  EXPECT_FALSE(XmlDocument::Parse(very_deep));
}

TEST(JsonToXml, LimitsNestingAndSize) {
  boost::json::value v = "x";
  for (int i = 0; i < kMaxXmlDepth + 1; ++i) {
    boost::json::object o;
    o["a"] = std::move(v);
    v = std::move(o);
  }
  auto deep = JsonToXml(v, 1000000);
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, "LimitExceeded");

  boost::json::array nested = {1};
  for (int i = 0; i < 1000; ++i) nested = boost::json::array{boost::json::value(std::move(nested))};
  boost::json::object root;
  root["r"] = boost::json::object{{"a", std::move(nested)}};
  auto arrays = JsonToXml(root, 1000000);
  ASSERT_FALSE(arrays);
  EXPECT_EQ(arrays.error().code, "LimitExceeded");

  boost::json::object big;
  big["r"] = boost::json::object{{"a", std::string(100, 'x')}};
  auto small_limit = JsonToXml(big, 50);
  ASSERT_FALSE(small_limit);
  EXPECT_EQ(small_limit.error().code, "LimitExceeded");
}

TEST(XPath, LimitsResultSize) {
  std::string xml = "<r>";
  for (int i = 0; i < 100; ++i) xml += "<a>0123456789</a>";
  xml += "</r>";
  auto doc = XmlDocument::Parse(xml);
  ASSERT_TRUE(doc);
  Limits limits;
  limits.max_result_items = 50;
  auto items = EvaluateXPath(*doc.value(), "//a", limits);
  ASSERT_FALSE(items);
  EXPECT_EQ(items.error().code, "LimitExceeded");
  limits = Limits();
  limits.max_result_chars = 500;
  auto chars = EvaluateXPath(*doc.value(), "//a", limits);
  ASSERT_FALSE(chars);
  EXPECT_EQ(chars.error().code, "LimitExceeded");
  // A query nested past pugixml's depth limit is an error, not a stack overflow.
  std::string query(5000, '(');
  auto deep = EvaluateXPath(*doc.value(), query, Limits());
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, "InvalidArgumentValue");
}

TEST(XmlToJson, HandlesWideDocuments) {
  std::string xml = "<r>";
  for (int i = 0; i < 20000; ++i) xml += "<e" + std::to_string(i) + "/>";
  xml += "</r>";
  auto doc = XmlDocument::Parse(xml);
  ASSERT_TRUE(doc);
  boost::json::value v = XmlToJson(*doc.value());
  EXPECT_EQ(v.at("r").as_object().size(), 20000u);
}

}  // namespace
}  // namespace runnel::expr

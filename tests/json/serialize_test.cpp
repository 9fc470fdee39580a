#include "json/serialize.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cmath>

#include "json/compare.h"

namespace runnel::json {
namespace {
namespace bj = boost::json;

TEST(Serialize, KeepsDoublesRecognisable) {
  EXPECT_EQ(Serialize(bj::value(3.0)), "3.0");
  EXPECT_EQ(Serialize(bj::value(2.5)), "2.5");
  EXPECT_EQ(Serialize(bj::value(0.1)), "0.1");
  EXPECT_EQ(Serialize(bj::value(1e20)), "1E+20");
  EXPECT_EQ(Serialize(bj::value(int64_t{-7})), "-7");
}

TEST(Serialize, EscapesStringsAndKeepsUnicode) {
  EXPECT_EQ(Serialize(bj::value("a\"b\\c\n\x01 é")), "\"a\\\"b\\\\c\\n\\u0001 é\"");
}

TEST(Serialize, CompactAndPretty) {
  bj::value v = bj::parse(R"({"a":[1,{"b":null}],"c":true})");
  EXPECT_EQ(Serialize(v), R"({"a":[1,{"b":null}],"c":true})");
  EXPECT_EQ(SerializePretty(v), "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": true\n}");
}

TEST(DotNetDouble, MatchesDoubleToString) {
  EXPECT_EQ(DotNetDouble(3.0), "3");
  EXPECT_EQ(DotNetDouble(10.000000000000002), "10.000000000000002");
  EXPECT_EQ(DotNetDouble(123456789012345.0), "123456789012345");
  EXPECT_EQ(DotNetDouble(1234567890123456.0), "1.234567890123456E+15");
  EXPECT_EQ(DotNetDouble(0.0001), "0.0001");
  EXPECT_EQ(DotNetDouble(0.00001), "1E-05");
  EXPECT_EQ(DotNetDouble(-2.5), "-2.5");
  EXPECT_EQ(DotNetDouble(std::nan("")), "NaN");
}

TEST(ToText, FollowsWdlStringConversion) {
  EXPECT_EQ(ToText(bj::value(nullptr)), "");
  EXPECT_EQ(ToText(bj::value(true)), "True");
  EXPECT_EQ(ToText(bj::value("x")), "x");
  EXPECT_EQ(ToText(bj::value(1.5)), "1.5");
  EXPECT_EQ(ToText(bj::parse(R"({"name":"Sophie Owen"})")), R"({"name":"Sophie Owen"})");
}

TEST(Equal, CoercesNumbersAndBooleans) {
  EXPECT_TRUE(Equal(bj::value(1), bj::value(1.0)));
  EXPECT_TRUE(Equal(bj::value(true), bj::value(1)));
  EXPECT_FALSE(Equal(bj::value(true), bj::value("true")));
  EXPECT_TRUE(Equal(bj::parse(R"({"a":1,"b":[2]})"), bj::parse(R"({"b":[2],"a":1})")));
  EXPECT_FALSE(Equal(bj::parse("[1,2]"), bj::parse("[2,1]")));
  EXPECT_FALSE(Equal(bj::value(nullptr), bj::value("")));
}

}  // namespace
}  // namespace runnel::json

// String and collection functions, for what case files can't express: random guid() output
// checked character by character, the result limits (case files run with the default 100 MB
// limit), and the property order of union()/intersection() results (case files compare
// objects without regard to order).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "base/clock.h"
#include "expr/errors.h"
#include "expr/evaluator.h"
#include "expr/json_context.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace {
namespace bj = boost::json;

class StringFunctionsTest : public ::testing::Test {
 protected:
  StringFunctionsTest() {
    context_ = JsonContext::FromJson(bj::value{
                   {"variables",
                    {{"p", {{"a", 1}, {"b", 2}}},
                     {"q", {{"c", 3}, {"a", 4}}},
                     {"r", {{"c", 3}, {"b", 2}, {"a", 1}}},
                     {"many", bj::array(10, "x")}}}})
                   .value();
  }
  Result<Value> Run(std::string_view text) {
    auto e = Expression::Compile(text, limits_);
    if (!e) return e.error();
    EvalEnv env{&context_, &clock_, &limits_};
    return e.value().Evaluate(env);
  }
  std::string Text(std::string_view text) {
    auto r = Run(text);
    EXPECT_TRUE(r) << text << ": " << r.error().message;
    if (!r || !r.value().is_string()) return "";
    return std::string(r.value().json().get_string());
  }
  // Compact JSON, which keeps property order.
  std::string Json(std::string_view text) {
    auto r = Run(text);
    EXPECT_TRUE(r) << text << ": " << r.error().message;
    return r ? json::Serialize(r.value().json()) : "";
  }
  void ExpectLimit(std::string_view text) {
    auto r = Run(text);
    ASSERT_FALSE(r) << text << " gave " << json::Serialize(r.value().json());
    EXPECT_EQ(r.error().code, errc::kLimit) << text << ": " << r.error().message;
  }
  JsonContext context_;
  ManualClock clock_;
  Limits limits_;
};

TEST_F(StringFunctionsTest, GuidFormatsMatchDotNet) {
  const std::string d = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
  EXPECT_TRUE(std::regex_match(Text("guid()"), std::regex(d)));
  EXPECT_TRUE(std::regex_match(Text("guid('D')"), std::regex(d)));
  EXPECT_TRUE(std::regex_match(Text("guid('d')"), std::regex(d)));
  EXPECT_TRUE(std::regex_match(Text("guid('B')"), std::regex("\\{" + d + "\\}")));
  EXPECT_TRUE(std::regex_match(Text("guid('P')"), std::regex("\\(" + d + "\\)")));
  EXPECT_TRUE(std::regex_match(
      Text("guid('N')"), std::regex("[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}")));
  EXPECT_TRUE(std::regex_match(
      Text("guid('X')"),
      std::regex("\\{0x[0-9a-f]{8},0x[0-9a-f]{4},0x4[0-9a-f]{3},\\{0x[89ab][0-9a-f]"
                  "(,0x[0-9a-f]{2}){7}\\}\\}")));
}

TEST_F(StringFunctionsTest, GuidsDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(Text("guid()"));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(StringFunctionsTest, ResultsLargerThanTheLimitFailBeforeTheyAreBuilt) {
  limits_.max_result_chars = 10;
  limits_.max_result_items = 10;
  EXPECT_EQ(Text("concat('12345', '67890')"), "1234567890");
  ExpectLimit("concat('12345', '67890', '!')");
  EXPECT_EQ(Text("replace('aaaaa', 'a', 'bb')"), "bbbbbbbbbb");
  ExpectLimit("replace('aaaaaa', 'a', 'bb')");
  EXPECT_EQ(Text("join(variables('many'), '')"), "xxxxxxxxxx");
  ExpectLimit("join(variables('many'), ',')");
  EXPECT_EQ(Json("length(split('a,b,c,d,e,f,g,h,i,j', ','))"), "10");
  ExpectLimit("split('a,b,c,d,e,f,g,h,i,j,k', ',')");
  ExpectLimit("chunk('abcdefghijk', 1)");
  EXPECT_EQ(Json("length(chunk(variables('many'), 5))"), "2");
}

TEST_F(StringFunctionsTest, UnionKeepsFirstPositionsAndTakesLaterValues) {
  EXPECT_EQ(Json("union(variables('p'), variables('q'))"), R"({"a":4,"b":2,"c":3})");
  EXPECT_EQ(Json("union(variables('q'), variables('p'))"), R"({"c":3,"a":1,"b":2})");
}

TEST_F(StringFunctionsTest, IntersectionFollowsTheFirstObjectsOrder) {
  EXPECT_EQ(Json("intersection(variables('r'), variables('p'))"), R"({"b":2,"a":1})");
  EXPECT_EQ(Json("intersection(variables('p'), variables('r'))"), R"({"a":1,"b":2})");
}

TEST_F(StringFunctionsTest, FirstAndLastBorrowFromTheirArgument) {
  // first()/last() of a context array hand out the element itself, not a copy.
  auto r = Run("first(variables('many'))");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value().is_borrowed());
}

}  // namespace
}  // namespace runnel::expr

// The string classifier (wdl-digest §2.1): which definition strings are expressions.
#include <gtest/gtest.h>

#include "base/clock.h"
#include "expr/evaluator.h"
#include "expr/json_context.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace {
namespace bj = boost::json;

class CompiledStringTest : public ::testing::Test {
 protected:
  CompiledStringTest() {
    context_ = JsonContext::FromJson(bj::value{{"parameters", {{"myAge", 42}, {"name", "Sophia"}}}})
                   .value();
  }
  bj::value Eval(std::string_view text, CompiledString::Kind* kind = nullptr) {
    auto c = CompiledString::Compile(text);
    EXPECT_TRUE(c) << text << ": " << c.error().message;
    if (!c) return nullptr;
    if (kind) *kind = c.value().kind();
    EvalEnv env{&context_, &clock_, &limits_};
    auto v = c.value().Evaluate(env);
    EXPECT_TRUE(v) << text << ": " << v.error().message;
    return v ? std::move(v.value()).Take() : bj::value();
  }
  JsonContext context_;
  ManualClock clock_;
  Limits limits_;
};

TEST_F(CompiledStringTest, WholeValueKeepsTheType) {
  CompiledString::Kind kind;
  EXPECT_EQ(Eval("@parameters('myAge')", &kind), 42);
  EXPECT_EQ(kind, CompiledString::Kind::kExpression);
}

TEST_F(CompiledStringTest, InterpolationAlwaysYieldsText) {
  CompiledString::Kind kind;
  EXPECT_EQ(Eval("@{parameters('myAge')}", &kind), "42");
  EXPECT_EQ(kind, CompiledString::Kind::kTemplate);
  EXPECT_EQ(Eval("My age is @{parameters('myAge')}"), "My age is 42");
  EXPECT_EQ(Eval("@{parameters('name')} is @{parameters('myAge')}!"), "Sophia is 42!");
}

TEST_F(CompiledStringTest, EscapesAndLiterals) {
  CompiledString::Kind kind;
  EXPECT_EQ(Eval("@@", &kind), "@");
  EXPECT_EQ(kind, CompiledString::Kind::kLiteral);
  EXPECT_EQ(Eval("My age is @@{parameters('myAge')}"), "My age is @{parameters('myAge')}");
  EXPECT_EQ(Eval(" @"), " @");
  EXPECT_EQ(Eval("user@example.com"), "user@example.com");
  EXPECT_EQ(Eval("text/@fn(x)/text"), "text/@fn(x)/text");
  EXPECT_EQ(Eval(""), "");
}

TEST_F(CompiledStringTest, BracesInsideStringLiteralsDoNotEndAHole) {
  EXPECT_EQ(Eval("x@{concat('}', '{')}y"), "x}{y");
}

TEST_F(CompiledStringTest, ErrorsPointIntoTheWholeString) {
  auto c = CompiledString::Compile("Hello @{concat('a' 'b')}");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().position, 19);
  c = CompiledString::Compile("@concat(");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().position, 8);
}

}  // namespace
}  // namespace runnel::expr

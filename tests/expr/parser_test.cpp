#include "expr/parser.h"

#include <gtest/gtest.h>

#include "expr/errors.h"
#include "expr/function.h"

namespace runnel::expr {
namespace {

Result<NodePtr> P(std::string_view text, Limits limits = Limits()) {
  return Parse(text, 0, ParseMode::kWhole, limits);
}

TEST(Parser, BuildsCallsWithResolvedFunctions) {
  auto r = P("CONCAT('a', toUpper('b'))");
  ASSERT_TRUE(r) << r.error().message;
  const Node& n = *r.value();
  EXPECT_EQ(n.kind, Node::Kind::kCall);
  EXPECT_EQ(n.function->name, "concat");
  ASSERT_EQ(n.children.size(), 2u);
  EXPECT_EQ(n.children[1]->kind, Node::Kind::kCall);
}

TEST(Parser, AccessorsChainAndRememberNullSafety) {
  auto r = P("triggerBody()?['a'].b?.c[0]");
  ASSERT_TRUE(r) << r.error().message;
  const Node* n = r.value().get();
  EXPECT_EQ(n->kind, Node::Kind::kIndex);
  EXPECT_FALSE(n->null_safe);
  n = n->children[0].get();
  EXPECT_EQ(n->kind, Node::Kind::kMember);
  EXPECT_EQ(n->name, "c");
  EXPECT_TRUE(n->null_safe);
  n = n->children[0].get();
  EXPECT_EQ(n->name, "b");
  EXPECT_FALSE(n->null_safe);
  n = n->children[0].get();
  EXPECT_EQ(n->kind, Node::Kind::kIndex);
  EXPECT_TRUE(n->null_safe);
}

TEST(Parser, Literals) {
  EXPECT_EQ(P("'it''s'").value()->literal, "it's");
  EXPECT_EQ(P("-5").value()->literal, -5);
  EXPECT_EQ(P(".3").value()->literal, 0.3);
  EXPECT_EQ(P("1e3").value()->literal, 1000.0);
  EXPECT_EQ(P("true").value()->literal, true);
  EXPECT_TRUE(P("null").value()->literal.is_null());
  EXPECT_TRUE(P("99999999999999999999").value()->literal.is_double());
}

TEST(Parser, ErrorsPointAtTheProblem) {
  auto r = P("concat('a' 'b')");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kSyntax);
  EXPECT_EQ(r.error().position, 11);

  r = P("concat('abc");
  EXPECT_EQ(r.error().position, 7);
  EXPECT_NE(r.error().message.find("unterminated"), std::string::npos);

  r = P("nosuch(1)");
  EXPECT_EQ(r.error().code, errc::kUnknownFunction);

  r = P("substring('a')");
  EXPECT_EQ(r.error().code, errc::kArity);
  EXPECT_NE(r.error().message.find("2 to 3"), std::string::npos);

  r = P("length(\"x\")");
  EXPECT_NE(r.error().message.find("single quotes"), std::string::npos);

  r = P("variables");
  EXPECT_NE(r.error().message.find("variables(...)"), std::string::npos);

  r = P("add(1, 2))");
  EXPECT_EQ(r.error().position, 9);
}

TEST(Parser, EnforcesLengthAndDepthLimits) {
  Limits limits;
  limits.max_expression_chars = 20;
  EXPECT_EQ(P("concat('aaaaaaaaaaaaaaaaaaaaaa')", limits).error().code, errc::kLimit);
  limits = Limits();
  limits.max_nesting_depth = 10;
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "not(";
  deep += "true";
  for (int i = 0; i < 20; ++i) deep += ")";
  EXPECT_EQ(P(deep, limits).error().code, errc::kLimit);
  std::string chain = "json('{}')";
  for (int i = 0; i < 20; ++i) chain += "?['a']";
  EXPECT_EQ(P(chain, limits).error().code, errc::kLimit);
}

TEST(Parser, TemplateModeStopsAtTheClosingBrace) {
  size_t end = 0;
  std::string s = "x @{add(1, 2)} y";
  auto r = Parse(s, 4, ParseMode::kTemplate, Limits(), &end);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(end, 14u);
  EXPECT_FALSE(Parse("@{add(1, 2)", 2, ParseMode::kTemplate, Limits()));
}

}  // namespace
}  // namespace runnel::expr

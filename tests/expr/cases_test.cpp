// Runs every expression case file in-process: one test per file, each failure reported as
// file:line with the expression, the expected and the actual outcome.

#include <gtest/gtest.h>

#include "base/clock.h"
#include "case_file.h"
#include "expr/evaluator.h"
#include "expr/json_context.h"
#include "expr/timestamp.h"
#include "json/serialize.h"

namespace runnel::testing {
namespace {

class ExprCaseFile : public ::testing::TestWithParam<std::string> {};

std::string Describe(const Result<expr::Value>& r) {
  if (r) return json::Serialize(r.value().json());
  return "error " + r.error().code + " " + r.error().message;
}

TEST_P(ExprCaseFile, Passes) {
  std::string error;
  auto cases = ReadCaseFile(RUNNEL_EXPR_CASES_DIR, GetParam(), &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_FALSE(cases.empty()) << GetParam() << " has no cases";
  for (const ExprCase& c : cases) {
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + ": " + c.text);
    auto now = expr::ParseIsoTimestampMicros(c.now);
    ASSERT_TRUE(now.has_value()) << "bad now: " << c.now;
    ManualClock clock(*now);
    expr::Limits limits;
    expr::JsonContext context;
    if (!c.context.is_null()) {
      auto parsed = expr::JsonContext::FromJson(c.context);
      ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
      context = std::move(parsed.value());
    }
    expr::EvalEnv env{&context, &clock, &limits};
    // A literal's value is borrowed from its compiled form: take ownership before that goes.
    auto owned = [](Result<expr::Value> r) -> Result<expr::Value> {
      if (!r) return r;
      return expr::Value(std::move(r.value()).Take());
    };
    Result<expr::Value> result = Error();
    if (c.is_template) {
      auto compiled = expr::CompiledString::Compile(c.text, limits);
      result = compiled ? owned(compiled.value().Evaluate(env)) : Result<expr::Value>(compiled.error());
    } else {
      auto compiled = expr::Expression::Compile(c.text, limits);
      result = compiled ? owned(compiled.value().Evaluate(env)) : Result<expr::Value>(compiled.error());
    }
    if (c.result) {
      ASSERT_TRUE(result.has_value()) << "expected " << json::Serialize(*c.result) << ", got "
                                      << Describe(result);
      EXPECT_TRUE(SameJson(result.value().json(), *c.result))
          << "expected " << json::Serialize(*c.result) << ", got " << Describe(result);
    } else {
      ASSERT_FALSE(result.has_value()) << "expected error " << c.error_code << ", got "
                                       << Describe(result);
      EXPECT_EQ(result.error().code, c.error_code) << result.error().message;
      EXPECT_NE(result.error().message.find(c.error_fragment), std::string::npos)
          << "message \"" << result.error().message << "\" lacks \"" << c.error_fragment << "\"";
    }
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& ch : name) {
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, ExprCaseFile,
                         ::testing::ValuesIn(FindCaseFiles(RUNNEL_EXPR_CASES_DIR)), TestName);

}  // namespace
}  // namespace runnel::testing

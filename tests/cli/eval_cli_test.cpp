// `runnel eval` end to end: the real binary, its exit codes, its error output, and --jsonl over
// every expression case file (so every documented example passes through the CLI too).

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "../expr/case_file.h"
#include "cli_process.h"
#include "json/parse.h"
#include "json/serialize.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;
namespace fs = std::filesystem;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs the runnel binary with `args` (already quoted) and `input` on stdin.
CliRun RunRunnel(const std::string& args, const std::string& input = "") {
  fs::path dir = fs::temp_directory_path() / ("runnel-cli-" + std::to_string(::getpid()));
  CliRun r = RunBinary(RUNNEL_BINARY, args, dir, input);
  fs::remove_all(dir);
  return r;
}

TEST(EvalCli, PrintsTheResultAsJson) {
  CliRun r = RunRunnel("eval --compact " + ShellQuote("concat('a', '-', string(add(1, 2)))"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "\"a-3\"\n");
}

TEST(EvalCli, SyntaxErrorShowsACaretAndExitsOne) {
  CliRun r = RunRunnel("eval " + ShellQuote("concat('a' 'b')"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ExpressionSyntaxError"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("concat('a' 'b')\n           ^"), std::string::npos) << r.err;
}

TEST(EvalCli, ReadsContextAndNow) {
  fs::path cx = fs::temp_directory_path() / ("runnel-cx-" + std::to_string(::getpid()) + ".json");
  std::ofstream(cx) << R"({"variables": {"n": 41}, "trigger": {"outputs": {"body": {"c": "x"}}}})";
  CliRun r = RunRunnel("eval --compact --context " + cx.string() + " " +
                    ShellQuote("createArray(add(variables('n'), 1), triggerBody()?['c'])"));
  fs::remove(cx);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[42,\"x\"]\n");
}

TEST(EvalCli, BadInputExitsTwo) {
  EXPECT_EQ(RunRunnel("eval --now yesterday " + ShellQuote("utcNow()")).exit_code, 2);
  EXPECT_EQ(RunRunnel("eval --context /nonexistent/context.json " + ShellQuote("1")).exit_code, 2);
  EXPECT_EQ(RunRunnel("eval --no-such-flag 1").exit_code, 2);
}

TEST(EvalCli, JsonLinesAnswerEveryLineInOrderEvenBadOnes) {
  std::string input =
      "{\"expr\": \"add(1, 2)\"}\n"
      "this is not json\n"
      "{\"expr\": \"div(1, 0)\"}\n"
      "{\"nothing\": 1}\n"
      "{\"expr\": \"variables('v')\", \"context\": {\"variables\": {\"v\": [1]}}}\n"
      "{\"expr\": \"utcNow()\", \"now\": \"2018-03-25T00:00:00Z\"}\n"
      "{\"expr\": \"@{add(1, 1)} items\", \"template\": true}\n";
  CliRun r = RunRunnel("eval --jsonl", input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<bj::value> answers;
  for (std::string l; std::getline(lines, l);) answers.push_back(json::Parse(l).value());
  ASSERT_EQ(answers.size(), 7u) << r.out;
  EXPECT_EQ(answers[0], (bj::value{{"ok", true}, {"result", 3}}));
  EXPECT_EQ(answers[1].at("error").at("code"), "InvalidRequest");
  EXPECT_EQ(answers[2].at("error").at("code"), "DivideByZero");
  EXPECT_EQ(answers[3].at("error").at("code"), "InvalidRequest");
  EXPECT_EQ(answers[4].at("result"), bj::array{1});
  EXPECT_EQ(answers[5].at("result"), "2018-03-25T00:00:00.0000000Z");
  EXPECT_EQ(answers[6].at("result"), "2 items");
}

// Every case of every case file, through the CLI in one --jsonl process.
TEST(EvalCli, JsonLinesPassEveryCaseFile) {
  std::vector<ExprCase> all;
  for (const auto& file : FindCaseFiles(RUNNEL_EXPR_CASES_DIR)) {
    std::string error;
    auto cases = ReadCaseFile(RUNNEL_EXPR_CASES_DIR, file, &error);
    ASSERT_TRUE(error.empty()) << error;
    all.insert(all.end(), cases.begin(), cases.end());
  }
  ASSERT_GT(all.size(), 0u);
  std::string input;
  for (const auto& c : all) {
    bj::object req{{"expr", c.text}, {"now", c.now}, {"context", c.context}};
    if (c.is_template) req["template"] = true;
    input += json::Serialize(req) + "\n";
  }
  CliRun r = RunRunnel("eval --jsonl", input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  size_t n = 0;
  for (std::string l; std::getline(lines, l); ++n) {
    ASSERT_LT(n, all.size());
    const ExprCase& c = all[n];
    SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + ": " + c.text);
    bj::value answer = json::Parse(l).value();
    if (c.result) {
      ASSERT_TRUE(answer.at("ok").as_bool()) << l;
      EXPECT_TRUE(SameJson(answer.at("result"), *c.result)) << l;
    } else {
      ASSERT_FALSE(answer.at("ok").as_bool()) << l;
      EXPECT_EQ(answer.at("error").at("code").as_string(), c.error_code) << l;
    }
  }
  EXPECT_EQ(n, all.size());
}

}  // namespace
}  // namespace runnel::testing

// `runnel eval EXPR [--context FILE] [--now ISO8601] [--template]`
// `runnel eval --jsonl` (one {"expr", "context", "now", "template"} per stdin line)
//
// Exit codes: 0 evaluated, 1 the expression failed (syntax or runtime), 2 bad input (unreadable
// context file, bad --now). In --jsonl mode every line gets an answer line and the exit code is 0
// unless stdin itself could not be read.

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/clock.h"
#include "cli/commands.h"
#include "expr/diagnostic.h"
#include "expr/evaluator.h"
#include "expr/json_context.h"
#include "expr/timestamp.h"
#include "json/parse.h"
#include "json/serialize.h"

namespace runnel::cli {
namespace bj = boost::json;

namespace {

struct EvalRequest {
  std::string text;
  bool is_template = false;  // text is a whole definition string: "@expr", "@{...}", literal
  const expr::WorkflowContext* context = nullptr;
  int64_t now_micros = 0;
};

// Compiles and evaluates one request. Errors carry positions into request.text.
Result<bj::value> EvaluateRequest(const EvalRequest& req) {
  expr::Limits limits;
  ManualClock clock(req.now_micros);
  expr::EvalEnv env{req.context, &clock, &limits};
  if (req.is_template) {
    RUNNEL_TRY(compiled, expr::CompiledString::Compile(req.text, limits));
    RUNNEL_TRY(v, compiled.Evaluate(env));
    return std::move(v).Take();
  }
  // Accept a pasted "@expr" too: the '@' is not part of the expression.
  std::string_view text = req.text;
  size_t skip = (!text.empty() && text[0] == '@' && (text.size() < 2 || text[1] != '{')) ? 1 : 0;
  if (skip) {
    RUNNEL_TRY(compiled, expr::CompiledString::Compile(text, limits));
    RUNNEL_TRY(v, compiled.Evaluate(env));
    return std::move(v).Take();
  }
  RUNNEL_TRY(compiled, expr::Expression::Compile(text, limits));
  RUNNEL_TRY(v, compiled.Evaluate(env));
  return std::move(v).Take();
}

Result<int64_t> ParseNow(std::string_view text) {
  auto micros = expr::ParseIsoTimestampMicros(text);
  if (!micros) {
    return Error("InvalidNow", "'" + std::string(text) +
                                   "' is not an ISO 8601 timestamp; write e.g. "
                                   "2018-01-01T08:00:00Z");
  }
  return *micros;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error("UnreadableFile", "cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<expr::JsonContext> ParseContext(const bj::value& doc) {
  if (doc.is_null()) return expr::JsonContext();
  return expr::JsonContext::FromJson(doc);
}

bj::object ErrorObject(const Error& e) {
  bj::object o{{"code", e.code}, {"message", e.message}};
  if (e.position >= 0) o["position"] = e.position;
  return o;
}

// One --jsonl line -> one answer line. Never throws.
std::string AnswerLine(std::string_view line, int64_t default_now) {
  auto fail = [](const Error& e) {
    bj::object o{{"ok", false}, {"error", ErrorObject(e)}};
    return json::Serialize(o);
  };
  auto parsed = json::Parse(line);
  if (!parsed) return fail(Error("InvalidRequest", "the line is not valid JSON: " + parsed.error().message));
  bj::value doc = std::move(parsed.value());
  if (!doc.is_object()) return fail(Error("InvalidRequest", "each line must be a JSON object"));
  const bj::object& o = doc.get_object();
  auto expr_it = o.find("expr");
  if (expr_it == o.end() || !expr_it->value().is_string()) {
    return fail(Error("InvalidRequest", "the line needs an \"expr\" string"));
  }
  EvalRequest req;
  req.text = std::string(expr_it->value().get_string());
  req.now_micros = default_now;
  if (auto it = o.find("template"); it != o.end()) req.is_template = it->value().is_bool() && it->value().get_bool();
  if (auto it = o.find("now"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_string()) return fail(Error("InvalidNow", "\"now\" must be a string"));
    auto now = ParseNow(it->value().get_string());
    if (!now) return fail(now.error());
    req.now_micros = now.value();
  }
  auto cx_it = o.find("context");
  auto context = ParseContext(cx_it == o.end() ? bj::value() : cx_it->value());
  if (!context) return fail(context.error());
  req.context = &context.value();
  auto result = EvaluateRequest(req);
  if (!result) return fail(result.error());
  bj::object ok{{"ok", true}, {"result", std::move(result.value())}};
  return json::Serialize(ok);
}

int RunJsonLines(int64_t default_now) {
  std::string line;
  std::ios::sync_with_stdio(false);
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::string answer;
    try {
      answer = AnswerLine(line, default_now);
    } catch (const std::exception& e) {
      bj::object o{{"ok", false},
                   {"error", ErrorObject(Error("InternalError", e.what()))}};
      answer = json::Serialize(o);
    }
    std::cout << answer << '\n';
    std::cout.flush();
  }
  return std::cin.bad() ? 2 : 0;
}

struct EvalOptions {
  std::string expr;
  std::string context_file;
  std::string now;
  bool is_template = false;
  bool jsonl = false;
  bool compact = false;
};

int RunEval(const EvalOptions& opt) {
  int64_t now = SystemClock::Instance().NowMicros();
  if (!opt.now.empty()) {
    auto parsed = ParseNow(opt.now);
    if (!parsed) {
      std::cerr << "runnel eval: " << parsed.error().message << "\n";
      return 2;
    }
    now = parsed.value();
  }
  if (opt.jsonl) return RunJsonLines(now);
  if (opt.expr.empty()) {
    std::cerr << "runnel eval: give an expression, e.g. runnel eval \"concat('a', 'b')\", or "
                 "--jsonl to read requests from stdin\n";
    return 2;
  }
  expr::JsonContext context;
  if (!opt.context_file.empty()) {
    auto text = ReadFile(opt.context_file);
    if (!text) {
      std::cerr << "runnel eval: " << text.error().message << "\n";
      return 2;
    }
    auto doc = json::Parse(text.value());
    if (!doc) {
      std::cerr << "runnel eval: " << opt.context_file << " is not valid JSON: " << doc.error().message << "\n";
      return 2;
    }
    auto parsed = expr::JsonContext::FromJson(std::move(doc.value()));
    if (!parsed) {
      std::cerr << "runnel eval: " << opt.context_file << ": " << parsed.error().message << "\n";
      return 2;
    }
    context = std::move(parsed.value());
  }
  EvalRequest req{opt.expr, opt.is_template, &context, now};
  auto result = EvaluateRequest(req);
  if (!result) {
    const Error& e = result.error();
    std::cerr << "error: " << e.code << ": " << e.message << "\n";
    std::string caret = expr::Caret(opt.expr, e.position);
    if (!caret.empty()) std::cerr << caret << "\n";
    return 1;
  }
  std::cout << (opt.compact ? json::Serialize(result.value()) : json::SerializePretty(result.value()))
            << "\n";
  return 0;
}

}  // namespace

void AddEvalCommand(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a WDL expression and print the result as JSON");
  cmd->add_option("expr", opt->expr, "The expression (the text after '@'), e.g. \"toUpper('abc')\"");
  cmd->add_option("--context", opt->context_file,
                  "JSON file with parameters, variables, trigger, actions, item, ... "
                  "(docs/expressions.md)");
  cmd->add_option("--now", opt->now, "The time utcNow() returns, ISO 8601 (default: the clock)");
  cmd->add_flag("--template", opt->is_template,
                "Treat the argument as a definition string: \"@expr\", \"text @{expr}\" or a literal");
  cmd->add_flag("--jsonl", opt->jsonl,
                "Read {\"expr\", \"context\", \"now\", \"template\"} lines from stdin, answer one "
                "line each");
  cmd->add_flag("--compact", opt->compact, "Print the result on one line");
  cmd->callback([opt, &exit_code] { exit_code = RunEval(*opt); });
}

}  // namespace runnel::cli

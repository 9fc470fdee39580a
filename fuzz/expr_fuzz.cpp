// Fuzzes the expression parser, classifier and evaluator together: any input must produce a
// value or an Error — never a crash, a sanitizer report, a hang or unbounded memory.
//
// The first byte chooses how the rest is read: as an expression (the text after '@') or as a
// whole definition string ("@...", "@{...}", "@@", literal). Evaluation runs against a context
// that has a trigger, actions, variables and loop items, so workflow functions are exercised
// too, and with limits small enough that the fuzzer cannot spend its time building huge strings.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "base/clock.h"
#include "expr/evaluator.h"
#include "expr/json_context.h"

namespace {

const runnel::expr::JsonContext& Context() {
  static const auto* cx = new runnel::expr::JsonContext(
      runnel::expr::JsonContext::FromJson(boost::json::parse(R"({
        "parameters": {"p": "text", "n": 42, "obj": {"a": [1, 2, {"b": null}]}},
        "variables": {"v": [1, "two", 3.5, true, null, {"k": "v"}], "s": "héllo wörld", "i": 7},
        "trigger": {"name": "manual", "outputs": {"headers": {"x": "1"},
                    "body": {"customer": "contoso", "items": [{"sku": "A-1", "qty": 2}]}}},
        "actions": {"A": {"name": "A", "status": "Succeeded",
                    "outputs": {"statusCode": 200, "body": {"value": [1, 2, 3]}}},
                    "F": {"outputs": {"body": {"$content-type": "application/x-www-form-urlencoded",
                                                "$content": "YT0xJmI9Mg=="}}}},
        "item": {"id": 1}, "items": {"Loop": [1, 2]}, "iterationIndexes": {"Until": 3},
        "result": {"Scope": [{"name": "A", "status": "Failed"}]},
        "workflow": {"name": "wf", "run": {"name": "r1"}}
      })")).value());
  return *cx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool as_definition_string = data[0] & 1;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  runnel::expr::Limits limits;
  limits.max_result_chars = 1 << 16;
  limits.max_result_items = 1 << 12;
  limits.max_range_count = 1000;
  runnel::ManualClock clock(1522000000000000);  // 2018-03-25T17:46:40Z
  runnel::expr::EvalEnv env{&Context(), &clock, &limits};

  if (as_definition_string) {
    auto compiled = runnel::expr::CompiledString::Compile(text, limits);
    if (compiled) (void)compiled.value().Evaluate(env);
  } else {
    auto compiled = runnel::expr::Expression::Compile(text, limits);
    if (compiled) (void)compiled.value().Evaluate(env);
  }
  return 0;
}

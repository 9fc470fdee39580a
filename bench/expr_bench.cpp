// Expressions typical of real flows, evaluated by the engine (parsed once, evaluated many times)
// against hand-written C++ doing the same work on the same boost::json values. The ratio
// Engine/Baseline is the cost of being an expression language; Parse/* is the one-time cost of
// compiling each expression. Results and how to reproduce them: docs/performance.md.

#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdio>

#include "base/clock.h"
#include "expr/evaluator.h"
#include "expr/json_context.h"
#include "ratio_reporter.h"

namespace runnel::bench {
namespace {
namespace bj = boost::json;

// The run state the expressions read: a trigger body, an action output with 50 items, variables.
bj::value MakeState() {
  bj::array items;
  for (int i = 0; i < 50; ++i) items.push_back(bj::object{{"id", i}, {"title", "item"}});
  return bj::object{
      {"trigger", {{"name", "manual"},
                   {"outputs", {{"headers", {{"Content-Type", "application/json"}}},
                                {"body", {{"orderId", 42}, {"customer", "contoso ltd"}}}}}}},
      {"actions", {{"Get_items", {{"status", "Succeeded"},
                                  {"outputs", {{"statusCode", 200}, {"body", {{"value", items}}}}}}}}},
      {"variables", {{"a", "order"}, {"status", "open"}}},
  };
}

struct Fixture {
  Fixture() : state(MakeState()), context(expr::JsonContext::FromJson(state).value()) {}
  bj::value state;
  expr::JsonContext context;
  ManualClock clock{1522000000000000};
  expr::Limits limits;
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

struct Case {
  const char* name;
  const char* text;
};

constexpr Case kCases[] = {
    {"toUpper_triggerBody", "toUpper(triggerBody()?['customer'])"},
    {"length_body", "length(body('Get_items')?['value'])"},
    {"concat_variables", "concat(variables('a'), '-', string(add(1, 2)))"},
    {"formatDateTime_utcNow", "formatDateTime(utcNow(), 'yyyy-MM-dd')"},
    {"if_equals", "if(equals(variables('status'), 'open'), 'yes', 'no')"},
};

void Engine(benchmark::State& st, const char* text) {
  auto compiled = expr::Expression::Compile(text);
  if (!compiled) {
    st.SkipWithError(compiled.error().message.c_str());
    return;
  }
  expr::EvalEnv env{&F().context, &F().clock, &F().limits};
  for (auto _ : st) {
    auto v = compiled.value().Evaluate(env);
    benchmark::DoNotOptimize(v);
  }
}

void Parse(benchmark::State& st, const char* text) {
  for (auto _ : st) {
    auto compiled = expr::Expression::Compile(text);
    benchmark::DoNotOptimize(compiled);
  }
}

// The hand-written baselines read the same JSON state the same way a program would: member
// lookups, then the operation, producing an owned result like the engine does.
const bj::object& Section(const char* name) { return F().state.get_object().at(name).get_object(); }

void Baseline_toUpper_triggerBody(benchmark::State& st) {
  for (auto _ : st) {
    const bj::value& body = Section("trigger").at("outputs").at("body");
    bj::value out;
    if (const bj::value* c = body.get_object().if_contains("customer"); c && c->is_string()) {
      bj::string s = c->get_string();
      for (char& ch : s) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
      }
      out = std::move(s);
    }
    benchmark::DoNotOptimize(out);
  }
}

void Baseline_length_body(benchmark::State& st) {
  for (auto _ : st) {
    const bj::value& body = Section("actions").at("Get_items").at("outputs").at("body");
    const bj::value* v = body.get_object().if_contains("value");
    bj::value out = static_cast<int64_t>(v && v->is_array() ? v->get_array().size() : 0);
    benchmark::DoNotOptimize(out);
  }
}

void Baseline_concat_variables(benchmark::State& st) {
  for (auto _ : st) {
    const bj::value& a = Section("variables").at("a");
    bj::string out = a.get_string();
    out.append("-");
    out.append(std::to_string(1 + 2));
    bj::value v = std::move(out);
    benchmark::DoNotOptimize(v);
  }
}

void Baseline_formatDateTime_utcNow(benchmark::State& st) {
  using namespace std::chrono;
  for (auto _ : st) {
    sys_time<microseconds> now{microseconds{F().clock.NowMicros()}};
    year_month_day ymd{floor<days>(now)};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()));
    bj::value v = bj::string(buf);
    benchmark::DoNotOptimize(v);
  }
}

void Baseline_if_equals(benchmark::State& st) {
  for (auto _ : st) {
    const bj::value& s = Section("variables").at("status");
    bj::value v = bj::string(s.is_string() && s.get_string() == "open" ? "yes" : "no");
    benchmark::DoNotOptimize(v);
  }
}

void Register() {
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark((std::string("Engine/") + c.name).c_str(), Engine, c.text);
  }
  benchmark::RegisterBenchmark("Baseline/toUpper_triggerBody", Baseline_toUpper_triggerBody);
  benchmark::RegisterBenchmark("Baseline/length_body", Baseline_length_body);
  benchmark::RegisterBenchmark("Baseline/concat_variables", Baseline_concat_variables);
  benchmark::RegisterBenchmark("Baseline/formatDateTime_utcNow", Baseline_formatDateTime_utcNow);
  benchmark::RegisterBenchmark("Baseline/if_equals", Baseline_if_equals);
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark((std::string("Parse/") + c.name).c_str(), Parse, c.text);
  }
}

}  // namespace
}  // namespace runnel::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  runnel::bench::Register();
  runnel::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

// The cost of being an engine: whole runs executed in-process, against hand-written C++ doing
// the same work on the same boost::json values in the same process.
//
//  - small:  Request trigger -> Compose with four expressions -> Response (the server benchmark's
//            flow, without HTTP).
//  - data:   Select over 10,000 items, Query on the result, then a sequential Foreach appending
//            each match to an array variable.
// Engine/<case> runs the flow; Baseline/<case> is the hand-written equivalent. With
// --benchmark_repetitions the reporter compares medians. ":threads" variants run one loop per
// thread on all cores. "bytes_per_run" is heap in use after a run while its result is held
// (glibc mallinfo2), i.e. the memory a finished run's record and state cost.

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <boost/json/parse.hpp>

#include "engine/local_runner.h"
#include "flow/definition_builder.h"
#include "flow/loader.h"
#include "ratio_reporter.h"

namespace runnel::bench {
namespace {
namespace bj = boost::json;

constexpr char kSmallFlow[] = R"json({
  "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
  "actions": {
    "Compose": {"type": "Compose", "runAfter": {}, "inputs": {
      "id": "@triggerBody()?['orderId']",
      "customer": "@toUpper(triggerBody()?['customer'])",
      "count": "@length(triggerBody()?['items'])",
      "firstSku": "@triggerBody()?['items']?[0]?['sku']"}},
    "Response": {"type": "Response", "kind": "Http", "runAfter": {"Compose": ["Succeeded"]},
                 "inputs": {"statusCode": 200, "body": "@outputs('Compose')"}}
  }})json";

constexpr char kDataFlow[] = R"json({
  "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
  "actions": {
    "Init": {"type": "InitializeVariable", "runAfter": {},
             "inputs": {"variables": [{"name": "picked", "type": "Array"}]}},
    "Select": {"type": "Select", "runAfter": {"Init": ["Succeeded"]},
               "inputs": {"from": "@triggerBody()?['rows']",
                          "select": {"id": "@item()?['id']", "total": "@mul(item()?['qty'], item()?['price'])"}}},
    "Query": {"type": "Query", "runAfter": {"Select": ["Succeeded"]},
              "inputs": {"from": "@body('Select')", "where": "@greater(item()?['total'], 50)"}},
    "For_each": {"type": "Foreach", "runAfter": {"Query": ["Succeeded"]}, "foreach": "@body('Query')",
                 "operationOptions": "Sequential", "actions": {
      "Append": {"type": "AppendToArrayVariable", "runAfter": {},
                 "inputs": {"name": "picked", "value": "@item()?['id']"}}}}
  }})json";

bj::value SmallBody() {
  return bj::parse(R"({"orderId":42,"customer":"contoso ltd","items":[{"sku":"A-1","qty":2,"price":9.5},
                       {"sku":"B-7","qty":1,"price":20},{"sku":"C-3","qty":5,"price":1.25}]})");
}

bj::value DataBody() {
  bj::array rows;
  for (int i = 0; i < 10000; ++i) {
    rows.push_back(bj::object{{"id", i}, {"qty", i % 10}, {"price", 7.5}});
  }
  return bj::object{{"rows", std::move(rows)}};
}

std::shared_ptr<const engine::Plan> Compile(const char* text) {
  auto files = flow::LoadFlowText(text, "bench.json");
  std::vector<flow::Diagnostic> diags;
  auto def = flow::BuildDefinition(files.value().at(0), flow::BuildOptions(), diags);
  return std::make_shared<const engine::Plan>(std::shared_ptr<const flow::Definition>(std::move(def.value())));
}

struct Fixture {
  std::shared_ptr<const engine::Plan> small = Compile(kSmallFlow);
  std::shared_ptr<const engine::Plan> data = Compile(kDataFlow);
  bj::value small_body = SmallBody();
  bj::value data_body = DataBody();
  engine::HandlerRegistry handlers;
  Fixture() { engine::RegisterBuiltinHandlers(handlers); }
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

void RunEngine(benchmark::State& st, const std::shared_ptr<const engine::Plan>& plan, const bj::value& body) {
  ManualClock clock(1577836800000000);
  engine::LocalLoop loop(clock, &clock);
  engine::LocalRunRequest req;
  req.plan = plan;
  req.flow_name = "bench";
  req.trigger_outputs = bj::object{{"headers", bj::object()}, {"body", body}};
  size_t bytes = 0;
  for (auto _ : st) {
    size_t before = mallinfo2().uordblks;
    auto outcome = engine::RunLocally(req, F().handlers, loop);
    size_t after = mallinfo2().uordblks;
    if (!outcome || outcome.value().runs.at(0).status != engine::Status::kSucceeded) {
      st.SkipWithError("the run did not succeed");
      return;
    }
    bytes = after > before ? after - before : 0;
    benchmark::DoNotOptimize(outcome);
  }
  st.counters["bytes_per_run"] = static_cast<double>(bytes);
}

void Engine_small(benchmark::State& st) { RunEngine(st, F().small, F().small_body); }
void Engine_data(benchmark::State& st) { RunEngine(st, F().data, F().data_body); }

// Hand-written: the same reads and the same owned result a run produces.
void Baseline_small(benchmark::State& st) {
  for (auto _ : st) {
    bj::value trigger = bj::object{{"headers", bj::object()}, {"body", F().small_body}};
    const bj::object& body = trigger.at("body").as_object();
    bj::string customer = body.at("customer").as_string();
    for (char& c : customer) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    const bj::array& items = body.at("items").as_array();
    bj::object composed{{"id", body.at("orderId")},
                        {"customer", std::move(customer)},
                        {"count", static_cast<int64_t>(items.size())},
                        {"firstSku", items.empty() ? bj::value() : items[0].at("sku")}};
    bj::value response = bj::object{{"statusCode", 200}, {"body", std::move(composed)}};
    benchmark::DoNotOptimize(response);
  }
}

void Baseline_data(benchmark::State& st) {
  for (auto _ : st) {
    bj::value trigger = bj::object{{"headers", bj::object()}, {"body", F().data_body}};
    const bj::array& rows = trigger.at("body").at("rows").as_array();
    bj::array selected;
    selected.reserve(rows.size());
    for (const auto& r : rows) {
      const bj::object& o = r.as_object();
      selected.push_back(bj::object{{"id", o.at("id")},
                                    {"total", o.at("qty").to_number<double>() * o.at("price").to_number<double>()}});
    }
    bj::array matched;
    for (const auto& s : selected) {
      if (s.at("total").to_number<double>() > 50) matched.push_back(s);
    }
    bj::array picked;
    for (const auto& m : matched) picked.push_back(m.at("id"));
    benchmark::DoNotOptimize(picked);
  }
}

BENCHMARK(Engine_small)->Name("Engine/small");
BENCHMARK(Baseline_small)->Name("Baseline/small");
BENCHMARK(Engine_small)->Name("Engine/small:threads")->Threads(2)->UseRealTime();
BENCHMARK(Baseline_small)->Name("Baseline/small:threads")->Threads(2)->UseRealTime();
BENCHMARK(Engine_data)->Name("Engine/data")->Unit(benchmark::kMillisecond);
BENCHMARK(Baseline_data)->Name("Baseline/data")->Unit(benchmark::kMillisecond);
BENCHMARK(Engine_data)->Name("Engine/data:threads")->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(Baseline_data)->Name("Baseline/data:threads")->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace runnel::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  runnel::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

// Runs every golden flow (tests/flows/README.md) and compares its run record with expected.json.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/handlers.h"
#include "engine/local_runner.h"
#include "expr/timestamp.h"
#include "flow/definition_builder.h"
#include "flow/loader.h"
#include "flow/parameter_values.h"
#include "json/serialize.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;
namespace fs = std::filesystem;

constexpr char kStart[] = "2020-01-01T00:00:00Z";

std::vector<std::string> FindCases() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(RUNNEL_FLOW_CASES_DIR)) {
    if (e.is_directory() && (fs::exists(e.path() / "flow.json") || fs::exists(e.path() / "flow.yaml"))) {
      out.push_back(fs::relative(e.path(), RUNNEL_FLOW_CASES_DIR).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<bj::value> ReadJson(const fs::path& p) {
  if (!fs::exists(p)) return std::nullopt;
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return bj::parse(ss.str());
}

void Normalize(bj::value& v) {
  if (v.is_array()) {
    for (auto& e : v.as_array()) Normalize(e);
    return;
  }
  if (!v.is_object()) return;
  for (auto& kv : v.as_object()) {
    if (kv.key() == "runId" || kv.key() == "clientTrackingId") {
      kv.value() = "<id>";
    } else {
      Normalize(kv.value());
    }
  }
}

class GoldenFlow : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenFlow, MatchesExpectedRecord) {
  fs::path dir = fs::path(RUNNEL_FLOW_CASES_DIR) / GetParam();
  fs::path file = fs::exists(dir / "flow.json") ? dir / "flow.json" : dir / "flow.yaml";
  auto files = flow::LoadFlowFile(file.string());
  ASSERT_TRUE(files) << files.error().ToString();
  flow::BuildOptions build;
  if (auto p = ReadJson(dir / "parameters.json")) build.parameter_values = flow::ParameterValuesFromJson(*p);
  if (auto s = ReadJson(dir / "settings.json")) {
    auto settings = flow::AppSettingsFromJson(*s);
    ASSERT_TRUE(settings) << settings.error().ToString();
    build.app_settings = std::move(settings).value();
  }
  std::vector<flow::Diagnostic> diagnostics;
  auto def = flow::BuildDefinition(files.value().at(0), build, diagnostics);
  std::string diag_text;
  for (const auto& d : diagnostics) diag_text += d.code + ": " + d.message + " at " + d.pointer + "\n";
  ASSERT_TRUE(def) << diag_text;

  engine::LocalRunRequest req;
  req.flow_name = GetParam();
  req.plan = std::make_shared<const engine::Plan>(std::shared_ptr<const flow::Definition>(std::move(def.value())));
  if (auto t = ReadJson(dir / "trigger.json")) req.trigger_outputs = engine::TriggerOutputsFromFile(std::move(*t));
  if (auto m = ReadJson(dir / "mocks.json")) req.mocks = m->as_object();

  ManualClock clock(*expr::ParseIsoTimestampMicros(kStart));
  engine::LocalLoop loop(clock, &clock);
  auto handlers = cli::MakeLocalHandlers(loop, dir.string(), build);
  auto outcome = engine::RunLocally(req, *handlers, loop);
  ASSERT_TRUE(outcome) << outcome.error().ToString();

  bj::value actual;
  if (!outcome.value().trigger_fired) {
    actual = bj::object{{"status", "Skipped"}, {"reason", outcome.value().skip_reason}};
  } else if (outcome.value().runs.size() == 1) {
    actual = outcome.value().runs[0].record;
  } else {
    bj::array all;
    for (auto& r : outcome.value().runs) all.push_back(r.record);
    actual = std::move(all);
  }
  Normalize(actual);
  if (std::getenv("RUNNEL_REGENERATE_GOLDENS")) {
    std::ofstream(dir / "expected.json") << json::SerializePretty(actual) << "\n";
    return;
  }
  auto expected = ReadJson(dir / "expected.json");
  ASSERT_TRUE(expected) << "no expected.json in " << dir << "; run with RUNNEL_REGENERATE_GOLDENS=1 and review it";
  EXPECT_EQ(json::SerializePretty(actual), json::SerializePretty(*expected));
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Flows, GoldenFlow, ::testing::ValuesIn(FindCases()), TestName);

}  // namespace
}  // namespace runnel::testing

// `runnel validate` end to end: the real binary's output forms and exit codes (0 all valid,
// 1 some flow invalid, 2 some file unreadable).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_process.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;
namespace fs = std::filesystem;

const std::string kData = RUNNEL_FLOW_TEST_DATA;

class ValidateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("runnel-validate-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }

  // Runs `runnel validate` with `args` (paths without spaces or quotes).
  CliRun Validate(const std::string& args) { return RunBinary(RUNNEL_BINARY, "validate " + args, dir_); }

  fs::path dir_;
};

TEST_F(ValidateCli, ValidFilesSayOk) {
  CliRun r = Validate(kData + "/orders.json " + kData + "/orders.yaml " + kData + "/workflow.json");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, kData + "/orders.json: ok\n" + kData + "/orders.yaml: ok\n" + kData +
                       "/workflow.json: ok\n");
}

TEST_F(ValidateCli, InvalidFlowsListDiagnosticsAndExitOne) {
  std::string bad =
      Write("bad.json",
            "{\n"
            "  \"triggers\": {\"manual\": {\"type\": \"Request\", \"kind\": \"Http\"}},\n"
            "  \"actions\": {\n"
            "    \"A\": {\"type\": \"Htttp\"}\n"
            "  }\n"
            "}\n");
  CliRun r = Validate(kData + "/orders.json " + bad);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(
      r.out,
      kData + "/orders.json: ok\n" + bad +
          ":4:19: error: UnknownActionType: unknown action type 'Htttp'; did you mean 'Http'? "
          "(at /actions/A/type)\n");
}

TEST_F(ValidateCli, UnreadableFilesExitTwo) {
  CliRun r = Validate(kData + "/orders.json " + kData + "/syntax_error.json " +
                      (dir_ / "missing.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("syntax_error.json:4:29: error: JsonSyntaxError:"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("missing.json: error: UnreadableFile:"), std::string::npos) << r.out;
  EXPECT_EQ(Validate("").exit_code, 2);  // no files: bad usage
}

TEST_F(ValidateCli, WarningsKeepAFlowValid) {
  std::string warned = Write(
      "warned.json", R"j({"triggers": {}, "actions": {"A": {"type": "Compose", "inputs": 1}}})j");
  CliRun r = Validate(warned);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("warning: NoTrigger:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(warned + ": ok (1 warning)"), std::string::npos) << r.out;
}

TEST_F(ValidateCli, JsonReport) {
  std::string bad =
      Write("bad.json",
            R"j({"triggers": {}, "actions": {"A": {"type": "Xslt"}, "B": {"type": "Agent"}}})j");
  CliRun r =
      Validate("--json " + kData + "/orders.json " + bad + " " + (dir_ / "missing.json").string());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  bj::value report = bj::parse(r.out);
  ASSERT_EQ(report.as_array().size(), 3u);
  const bj::object& ok = report.as_array()[0].as_object();
  EXPECT_EQ(ok.at("file"), bj::value(kData + "/orders.json"));
  EXPECT_EQ(ok.at("flows").as_array()[0].at("name"), bj::value("orders"));
  EXPECT_EQ(ok.at("flows").as_array()[0].at("valid"), bj::value(true));
  const bj::object& flow = report.as_array()[1].at("flows").as_array()[0].as_object();
  EXPECT_EQ(flow.at("valid"), bj::value(false));
  EXPECT_EQ(flow.at("unsupported"), (bj::value{"Xslt", "Agent"}));
  const bj::object& d = flow.at("diagnostics").as_array()[0].as_object();
  for (const char* key : {"severity", "code", "message", "pointer", "line", "column"}) {
    EXPECT_TRUE(d.contains(key)) << key;
  }
  EXPECT_EQ(report.as_array()[2].at("error").at("code"), bj::value("UnreadableFile"));
}

TEST_F(ValidateCli, ParametersFileSuppliesValues) {
  std::string flow =
      Write("p.json", R"j({"triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "parameters": {"who": {"type": "String"}}, "actions": {"A": {"type": "Compose", "inputs": "@parameters('who')"}}})j");
  EXPECT_EQ(Validate(flow).exit_code, 1);
  std::string values = Write("values.json", R"j({"who": "world"})j");
  CliRun r = Validate("--parameters " + values + " " + flow);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Validate("--parameters " + (dir_ / "none.json").string() + " " + flow).exit_code, 2);
}

}  // namespace
}  // namespace runnel::testing

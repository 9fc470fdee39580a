#include "server_fixture.h"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <fstream>
#include <thread>

namespace runnel::testing {
namespace fs = std::filesystem;
namespace bj = boost::json;

namespace {

constexpr std::chrono::milliseconds kPollInterval{5};

// "ServerTest.Name/0" -> "ServerTest.Name_0": a directory name.
std::string SafeName(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  return s;
}

}  // namespace

const bj::value* At(const bj::value& v, std::initializer_list<std::string_view> path) {
  const bj::value* cur = &v;
  for (auto key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->get_object().find(key);
    if (it == cur->get_object().end()) return nullptr;
    cur = &it->value();
  }
  return cur;
}

std::string Str(const bj::value& v, std::initializer_list<std::string_view> path) {
  const bj::value* found = At(v, path);
  return found && found->is_string() ? std::string(found->get_string()) : std::string();
}

std::string Workflow(const std::string& definition, const std::string& kind) {
  return "{\"definition\": " + definition + ", \"kind\": \"" + kind + "\"}";
}

std::string Absolute(const std::string& base_url, const std::string& location) {
  return !location.empty() && location.front() == '/' ? base_url + location : location;
}

void ServerTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = fs::temp_directory_path() /
         ("runnel-server-test-" + std::to_string(::getpid()) + "-" +
          SafeName(std::string(info->test_suite_name()) + "." + info->name()));
  fs::remove_all(dir_);
  fs::create_directories(dir_ / "flows");
  server_ = std::make_unique<ServerProcess>(RUNNEL_BINARY, dir_ / "runnel.yaml");
}

void ServerTest::TearDown() {
  // A crash is as good as a stop here: every test that cares about stopping does it itself.
  server_->Kill();
  if (HasFailure()) {
    std::fprintf(stderr, "server output:\n%s\n(test directory kept: %s)\n", server_->log().c_str(), dir_.c_str());
  } else {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void ServerTest::WriteFlow(const std::string& name, const std::string& document) {
  std::ofstream(dir_ / "flows" / (name + ".json")) << document;
}

void ServerTest::WriteConfig() {
  std::ofstream out(dir_ / "runnel.yaml");
  out << "listen: 127.0.0.1:0\n"
      << "data: data\n"
      << "flows: flows\n"
      << "token: " << kToken << "\n"
      << "threads: 2\n"
      << "testing: {manual_clock: true, start_micros: " << clock_micros_ << "}\n";
  if (!limits_.empty()) out << "limits: {" << limits_ << "}\n";
  out << extra_config_;
}

void ServerTest::StartServer(const std::string& limits) {
  limits_ = limits;
  WriteConfig();
  ASSERT_TRUE(server_->Start());
}

void ServerTest::RestartServer(bool crash, int64_t downtime_seconds) {
  if (crash) {
    server_->Kill();
  } else {
    ASSERT_EQ(server_->Stop(), 0) << server_->log();
  }
  clock_micros_ += downtime_seconds * 1000000;
  WriteConfig();
  ASSERT_TRUE(server_->Start());
}

void ServerTest::DefineTable(const std::string& name, const std::string& definition) {
  HttpCall call;
  call.method = "PUT";
  call.url = Url("/management/tables/" + name);
  call.body = definition;
  call.headers = {std::string("Authorization: Bearer ") + kToken, "Content-Type: application/json"};
  HttpAnswer a = Send(call);
  ASSERT_EQ(a.status, 201) << a.body;
}

HttpAnswer ServerTest::Data(const std::string& method, const std::string& path, const std::string& body,
                           std::vector<std::string> headers) {
  HttpCall call;
  call.method = method;
  call.url = Url("/api/data/v9.2/" + path);
  call.body = body;
  call.headers = {std::string("Authorization: Bearer ") + kToken, "Accept: application/json", "OData-Version: 4.0"};
  if (!body.empty()) call.headers.push_back("Content-Type: application/json");
  for (auto& h : headers) call.headers.push_back(std::move(h));
  return Send(call);
}

HttpAnswer ServerTest::Api(const std::string& method, const std::string& path, const std::string& body) {
  HttpCall call;
  call.method = method;
  call.url = Url(path);
  call.body = body;
  call.headers = {std::string("Authorization: Bearer ") + kToken};
  if (!body.empty()) call.headers.push_back("Content-Type: application/json");
  return Send(call);
}

std::string ServerTest::CallbackUrl(const std::string& flow, const std::string& trigger, const std::string& key_type) {
  std::string path = "/management/flows/" + flow + "/triggers/" + trigger + "/listCallbackUrl";
  if (!key_type.empty()) path += "?keyType=" + key_type;
  HttpAnswer a = Api("POST", path);
  EXPECT_EQ(a.status, 200) << a.body;
  std::string url = Str(a.Json(), {"value"});
  EXPECT_FALSE(url.empty()) << a.body;
  return url;
}

void ServerTest::AdvanceClock(int64_t seconds) {
  HttpAnswer a = Api("POST", "/management/debug/clock", "{\"advanceSeconds\": " + std::to_string(seconds) + "}");
  ASSERT_EQ(a.status, 200) << a.body;
  clock_micros_ += seconds * 1000000;
}

bool ServerTest::Eventually(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(kPollInterval);  // a poll interval, not a synchronization
  }
}

bj::value ServerTest::WaitForRunEnd(const std::string& run_id) {
  bj::value run;
  bool ended = Eventually([&] {
    HttpAnswer a = Api("GET", "/management/runs/" + run_id);
    run = a.Json();
    return a.status == 200 && !Str(run, {"status"}).empty() && Str(run, {"status"}) != "Running";
  });
  EXPECT_TRUE(ended) << "run " << run_id << " did not finish; last answer: " << bj::serialize(run);
  return run;
}

std::vector<bj::value> ServerTest::ListRuns(const std::string& flow, const std::string& status) {
  std::vector<bj::value> runs;
  std::string next = "/management/runs?top=250&flow=" + flow + (status.empty() ? "" : "&status=" + status);
  while (!next.empty()) {
    HttpAnswer a = Api("GET", next);
    EXPECT_EQ(a.status, 200) << a.body;
    bj::value page = a.Json();
    const bj::value* value = At(page, {"value"});
    if (a.status != 200 || !value || !value->is_array()) break;
    for (const auto& run : value->get_array()) runs.push_back(run);
    next = Str(page, {"nextLink"});
  }
  return runs;
}

std::vector<bj::value> ServerTest::TriggerHistory(const std::string& flow) {
  HttpAnswer a = Api("GET", "/management/flows/" + flow + "/triggers/history?top=1000");
  EXPECT_EQ(a.status, 200) << a.body;
  std::vector<bj::value> events;
  bj::value page = a.Json();
  if (const bj::value* value = At(page, {"value"}); value && value->is_array()) {
    for (const auto& e : value->get_array()) events.push_back(e);
  }
  return events;
}

double ServerTest::Metric(const std::string& series) {
  HttpAnswer a = Get(Url("/metrics"));
  EXPECT_EQ(a.status, 200) << a.error;
  std::string prefix = "\n" + series + " ";
  size_t at = ("\n" + a.body).find(prefix);
  if (at == std::string::npos) return -1;
  return std::strtod(a.body.c_str() + at + series.size() + 1, nullptr);
}

}  // namespace runnel::testing

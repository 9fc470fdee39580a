// HttpFlowTest: the fixture of the Http action's end-to-end tests (http_action_test.cpp,
// http_retry_test.cpp). Small flows built from inline JSON run on a LocalLoop with a virtual
// clock against a real local HTTP server (test_http_server.h) through libcurl.
//
// Waits (retries, polls, limit.timeout) happen in virtual time, so a 7 s backoff costs no wall
// time and a test can assert exactly how far the clock moved. Requests in flight are announced
// to the loop (BeginExternal/EndExternal), so the clock never jumps past one.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "connectors/http/curl_http_client.h"
#include "connectors/http/http_action.h"
#include "engine/local_loop.h"
#include "engine/local_runner.h"
#include "engine/plan.h"
#include "expr/codec.h"
#include "expr/timestamp.h"
#include "flow/definition_builder.h"
#include "flow/loader.h"
#include "json/serialize.h"
#include "test_http_server.h"

namespace runnel::connectors::testing {

namespace bj = boost::json;
using ::runnel::testing::RecordedRequest;
using ::runnel::testing::TestHttpServer;
using ::runnel::testing::TestResponse;
using std::chrono::milliseconds;

constexpr int64_t kSecond = 1'000'000;
constexpr char kStart[] = "2020-01-01T00:00:00Z";

inline std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

class HttpFlowTest : public ::testing::Test {
 protected:
  // Runs a flow whose "actions" object is `actions` ("{{base}}" stands for the server's URL)
  // and returns the run record.
  bj::value RunFlow(const std::string& actions) {
    std::string text = R"({"triggers": {"manual": {"type": "Request", "kind": "Http"}}, "actions": )" +
                       ReplaceAll(actions, "{{base}}", server_.Url("")) + "}";
    auto files = flow::LoadFlowText(text, "inline.json");
    EXPECT_TRUE(files) << files.error().ToString();
    if (!files) return nullptr;
    std::vector<flow::Diagnostic> diagnostics;
    auto def = flow::BuildDefinition(files.value().at(0), flow::BuildOptions{}, diagnostics);
    std::string diag_text;
    for (const auto& d : diagnostics) diag_text += d.code + ": " + d.message + " at " + d.pointer + "\n";
    EXPECT_TRUE(def) << diag_text;
    if (!def) return nullptr;

    engine::HandlerRegistry handlers;
    engine::RegisterBuiltinHandlers(handlers);
    HttpActionOptions options = options_;
    options.begin_external = [this] { loop_.BeginExternal(); };
    options.end_external = [this] { loop_.EndExternal(); };
    options.random_unit = [this] { return random_unit_; };
    if (register_more_) register_more_(handlers, options);
    RegisterHttpHandlers(handlers, client_, std::move(options));

    engine::LocalRunRequest req;
    req.flow_name = "http_test";
    req.plan = std::make_shared<const engine::Plan>(std::shared_ptr<const flow::Definition>(std::move(def.value())));
    auto outcome = engine::RunLocally(req, handlers, loop_);
    EXPECT_TRUE(outcome) << outcome.error().ToString();
    if (!outcome || outcome.value().runs.size() != 1) return nullptr;
    return outcome.value().runs[0].record;
  }

  // A flow with one action "Http" of the given inputs (JSON text) and extra action properties.
  bj::value RunHttp(const std::string& inputs, const std::string& extra = "") {
    return RunFlow(R"({"Http": {"type": "Http", "runAfter": {}, "inputs": )" + inputs +
                   (extra.empty() ? "" : ", " + extra) + "}}");
  }

  int64_t Elapsed() const { return clock_.NowMicros() - start_micros_; }

  const int64_t start_micros_ = *expr::ParseIsoTimestampMicros(kStart);
  ManualClock clock_{start_micros_};
  engine::LocalLoop loop_{clock_, &clock_};
  TestHttpServer server_;
  std::shared_ptr<CurlHttpClient> client_ = std::make_shared<CurlHttpClient>();
  HttpActionOptions options_;
  double random_unit_ = 0.5;
  // Registers further handlers with the options RunFlow gives the Http action (before the Http
  // handler, which does not replace another action type's).
  std::function<void(engine::HandlerRegistry&, const HttpActionOptions&)> register_more_;
};

// A copy of one action's record (a copy, so it may be taken from a temporary run record).
inline bj::value Action(const bj::value& record, const char* name) { return record.at("actions").at(name); }

inline std::string Text(const bj::value& v) { return json::Serialize(v); }

}  // namespace runnel::connectors::testing

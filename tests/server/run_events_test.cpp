// GET /management/runs/{id}/events: Server-Sent Events of a stateful run's progress, from a
// subscriber that joins while the run waits on the manual clock until the run ends.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <future>
#include <mutex>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

struct SseEvent {
  std::string event;
  bj::value data;
};

// "event: X\ndata: {...}\n\n" blocks, in order.
std::vector<SseEvent> ParseEvents(const std::string& text) {
  std::vector<SseEvent> events;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    std::string block = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 2;
    SseEvent e;
    size_t line_start = 0;
    while (line_start < block.size()) {
      size_t line_end = block.find('\n', line_start);
      std::string line = block.substr(line_start, line_end == std::string::npos ? std::string::npos : line_end - line_start);
      line_start = line_end == std::string::npos ? block.size() : line_end + 1;
      if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
      if (line.rfind("data: ", 0) == 0) {
        boost::system::error_code ec;
        e.data = bj::parse(line.substr(6), ec);
      }
    }
    if (!e.event.empty()) events.push_back(std::move(e));
  }
  return events;
}

// What a stream has delivered so far, shared between the reading thread and the test.
struct StreamText {
  std::mutex mu;
  std::condition_variable cv;
  std::string text;

  bool WaitFor(const std::string& needle) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, kDeadline, [&] { return text.find(needle) != std::string::npos; });
  }
};

TEST_F(ServerTest, EventsStreamActionsUntilTheRunEnds) {
  WriteFlow("steps", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http"}},
    "actions": {
      "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Minute"}}},
      "Done": {"type": "Compose", "runAfter": {"Wait": ["Succeeded"]}, "inputs": "done"}}})json"));
  StartServer();
  HttpAnswer accepted = PostJson(CallbackUrl("steps"), "{}");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  std::string id = accepted.Header("x-ms-workflow-run-id");

  StreamText stream;
  HttpCall call;
  call.url = Url("/management/runs/" + id + "/events");
  call.headers = {std::string("Authorization: Bearer ") + kToken};
  call.on_data = [&stream](std::string_view piece) {
    std::lock_guard lock(stream.mu);
    stream.text.append(piece);
    stream.cv.notify_all();
    return true;
  };
  auto done = std::async(std::launch::async, [call] { return Send(call); });

  // The subscriber first hears what already happened: the Wait has started.
  ASSERT_TRUE(stream.WaitFor("event: action")) << stream.text;
  AdvanceClock(60);
  ASSERT_EQ(done.wait_for(kDeadline), std::future_status::ready) << "the stream did not end";
  HttpAnswer answer = done.get();
  EXPECT_EQ(answer.status, 200) << answer.error;
  EXPECT_EQ(answer.Header("Content-Type"), "text/event-stream");

  std::vector<SseEvent> events = ParseEvents(answer.body);
  ASSERT_FALSE(events.empty()) << answer.body;
  auto has = [&](const std::string& action, const std::string& status) {
    for (const auto& e : events) {
      if (e.event == "action" && Str(e.data, {"action"}) == action && Str(e.data, {"status"}) == status) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("Wait", "Running")) << answer.body;
  EXPECT_TRUE(has("Wait", "Succeeded")) << answer.body;
  EXPECT_TRUE(has("Done", "Succeeded")) << answer.body;
  EXPECT_EQ(events.back().event, "run") << answer.body;
  EXPECT_EQ(Str(events.back().data, {"status"}), "Succeeded") << answer.body;
  for (size_t i = 0; i + 1 < events.size(); ++i) EXPECT_EQ(events[i].event, "action") << answer.body;
  for (const auto& e : events) EXPECT_EQ(Str(e.data, {"runId"}), id);

  // A finished run's stream is its final status alone.
  HttpAnswer after = Get(call.url, call.headers);
  std::vector<SseEvent> final_only = ParseEvents(after.body);
  ASSERT_EQ(final_only.size(), 1u) << after.body;
  EXPECT_EQ(final_only[0].event, "run");
  EXPECT_EQ(Str(final_only[0].data, {"status"}), "Succeeded");
}

}  // namespace
}  // namespace runnel::testing

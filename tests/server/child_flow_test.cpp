// Child flows on the server: a Workflow action's call is a run of the child flow with a history
// of its own, named after the call, so a parent that resumes after a kill -9 follows the child
// it already started instead of starting (and repeating the side effects of) another one.
#include <boost/json/serialize.hpp>
#include <set>

#include "connectors/test_http_server.h"
#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

std::string CallChild(const std::string& then) {
  return Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Call_child": {"type": "Workflow", "runAfter": {},
        "inputs": {"host": {"workflow": {"id": "child"}, "triggerName": "manual"},
                   "body": {"name": "@triggerBody()?['name']"}}},)json" +
                  then + "}}");
}

// After the call: keep the child's answer in the parent's record.
constexpr char kKeepTheAnswer[] = R"json(
      "Keep": {"type": "Compose", "runAfter": {"Call_child": ["Succeeded"]}, "inputs": "@body('Call_child')"})json";

// A parent that calls the child once for each of 1, 2, 3 (in parallel), body {"n": item},
// followed by `then` (more actions, each preceded by a comma).
std::string CallChildForEach(const std::string& then) {
  return Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Each": {"type": "Foreach", "runAfter": {}, "foreach": "@createArray(1, 2, 3)",
        "actions": {
          "Call_child": {"type": "Workflow", "runAfter": {},
            "inputs": {"host": {"workflow": {"id": "child"}, "triggerName": "manual"}, "body": {"n": "@items('Each')"}}}}})json" +
                  then + "}}");
}

TEST_F(ServerTest, AChildFlowCallIsARunOfItsOwn) {
  WriteFlow("child", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Upper": {"type": "Compose", "runAfter": {}, "inputs": "@toUpper(triggerBody()?['name'])"},
      "Answer": {"type": "Response", "runAfter": {"Upper": ["Succeeded"]},
                 "inputs": {"statusCode": 200, "body": {"upper": "@outputs('Upper')"}}}}})json"));
  WriteFlow("parent", CallChild(R"json(
      "Answer": {"type": "Response", "runAfter": {"Call_child": ["Succeeded"]},
                 "inputs": {"statusCode": 200, "body": "@body('Call_child')"}})json"));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("parent"), R"({"name": "contoso"})");
  ASSERT_EQ(a.status, 200) << a.body << a.error;
  EXPECT_EQ(Str(a.Json(), {"upper"}), "CONTOSO");
  std::string parent_id = a.Header("x-ms-workflow-run-id");

  std::vector<bj::value> children = ListRuns("child");
  ASSERT_EQ(children.size(), 1u);
  std::string child_id = Str(children[0], {"id"});
  bj::value child = WaitForRunEnd(child_id);
  EXPECT_EQ(Str(child, {"status"}), "Succeeded") << bj::serialize(child);
  // The child's trigger says who called it; it shares the parent's time prefix.
  EXPECT_EQ(Str(child, {"record", "trigger", "outputs", "headers", "x-runnel-parent-run-id"}), parent_id)
      << bj::serialize(child);
  EXPECT_EQ(Str(child, {"record", "trigger", "outputs", "headers", "x-runnel-parent-flow"}), "parent");
  EXPECT_EQ(Str(child, {"record", "trigger", "outputs", "headers", "x-runnel-call-depth"}), "1");
  EXPECT_EQ(child_id.substr(0, 16), parent_id.substr(0, 16));
  EXPECT_NE(child_id, parent_id);
}

TEST_F(ServerTest, EachIterationOfALoopCallsAChildRunOfItsOwn) {
  WriteFlow("child", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Answer": {"type": "Response", "runAfter": {},
                 "inputs": {"statusCode": 200, "body": "@mul(triggerBody()?['n'], 10)"}}}})json"));
  WriteFlow("parent", CallChildForEach(R"json(,
      "Answer": {"type": "Response", "runAfter": {"Each": ["Succeeded"]},
                 "inputs": {"statusCode": 200, "body": "done"}})json"));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("parent"), "{}");
  ASSERT_EQ(a.status, 200) << a.body << a.error;
  std::vector<bj::value> children = ListRuns("child");
  ASSERT_EQ(children.size(), 3u);
  std::set<std::string> ids;
  for (const auto& c : children) ids.insert(Str(c, {"id"}));
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(ServerTest, AChildStartedBeforeACrashIsFollowedNotStartedAgain) {
  TestHttpServer target;
  target.Route("/hit", {{200, {{"Content-Type", "application/json"}}, R"json({"ok": true})json"}});
  WriteFlow("child", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Notify": {"type": "Http", "runAfter": {}, "inputs": {"method": "GET", "uri": ")json" +
                              target.Url("/hit") + R"json("}},
      "Wait": {"type": "Wait", "runAfter": {"Notify": ["Succeeded"]},
               "inputs": {"interval": {"count": 1, "unit": "Hour"}}},
      "Answer": {"type": "Response", "runAfter": {"Wait": ["Succeeded"]},
                 "inputs": {"statusCode": 200, "body": "done for @{triggerBody()?['name']}"}}}})json"));
  WriteFlow("parent", CallChild(kKeepTheAnswer));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("parent"), R"({"name": "fabrikam"})");
  ASSERT_EQ(a.status, 202) << a.body << a.error;
  std::string parent_id = a.Header("x-ms-workflow-run-id");
  // The child reached its Wait: its Http call is done and saved.
  ASSERT_TRUE(Eventually([&] { return target.RequestsTo("/hit").size() == 1; }));
  ASSERT_TRUE(Eventually([&] {
    auto runs = ListRuns("child", "Running");
    if (runs.size() != 1) return false;
    bj::value run = Api("GET", "/management/runs/" + Str(runs[0], {"id"})).Json();
    return Str(run, {"record", "actions", "Notify", "status"}) == "Succeeded";
  }));

  RestartServer(/*crash=*/true);
  AdvanceClock(3600);
  bj::value parent = WaitForRunEnd(parent_id);
  EXPECT_EQ(Str(parent, {"status"}), "Succeeded") << bj::serialize(parent);
  EXPECT_EQ(Str(parent, {"record", "actions", "Keep", "outputs"}), "done for fabrikam") << bj::serialize(parent);
  EXPECT_EQ(target.RequestsTo("/hit").size(), 1u);  // the child's call out was not repeated
  std::vector<bj::value> children = ListRuns("child");
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(Str(children[0], {"status"}), "Succeeded");
}

TEST_F(ServerTest, CancellingAParentCancelsItsChild) {
  WriteFlow("child", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Day"}}}}})json"));
  WriteFlow("parent", CallChild(kKeepTheAnswer));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("parent"), R"({"name": "northwind"})");
  ASSERT_EQ(a.status, 202) << a.body << a.error;
  std::string parent_id = a.Header("x-ms-workflow-run-id");
  ASSERT_TRUE(Eventually([&] { return ListRuns("child", "Running").size() == 1; }));
  std::string child_id = Str(ListRuns("child")[0], {"id"});

  EXPECT_EQ(Api("POST", "/management/runs/" + parent_id + "/cancel").status, 202);
  EXPECT_EQ(Str(WaitForRunEnd(parent_id), {"status"}), "Cancelled");
  EXPECT_EQ(Str(WaitForRunEnd(child_id), {"status"}), "Cancelled");
}

TEST_F(ServerTest, AChildThatFailsWithoutAnsweringFailsTheCall) {
  WriteFlow("child", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Stop": {"type": "Terminate", "runAfter": {},
               "inputs": {"runStatus": "Failed", "runError": {"code": "NoStock", "message": "out of stock"}}}}})json",
                              "Stateless"));
  WriteFlow("parent", CallChild(R"json(
      "Keep": {"type": "Compose", "runAfter": {"Call_child": ["Failed"]}, "inputs": "@actions('Call_child')?['error']?['code']"})json"));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("parent"), R"({"name": "adventure works"})");
  ASSERT_EQ(a.status, 202) << a.body << a.error;
  bj::value parent = WaitForRunEnd(a.Header("x-ms-workflow-run-id"));
  EXPECT_EQ(Str(parent, {"record", "actions", "Call_child", "status"}), "Failed") << bj::serialize(parent);
  EXPECT_EQ(Str(parent, {"record", "actions", "Keep", "outputs"}), "ChildFlowFailed") << bj::serialize(parent);
}

// The child's trigger concurrency applies to calls too: of three parallel calls to a child
// that runs one at a time with one waiting place, one runs, one waits (saved as Waiting, started
// when the first ends) and one fails at once.
TEST_F(ServerTest, AChildsTriggerConcurrencyQueuesAndRefusesCalls) {
  WriteFlow("child", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"},
      "runtimeConfiguration": {"concurrency": {"runs": 1, "maximumWaitingRuns": 1}}}},
    "actions": {
      "Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Minute"}}},
      "Answer": {"type": "Response", "runAfter": {"Wait": ["Succeeded"]},
                 "inputs": {"statusCode": 200, "body": "@triggerBody()?['n']"}}}})json"));
  WriteFlow("parent", CallChildForEach(""));
  StartServer();

  HttpAnswer a = PostJson(CallbackUrl("parent"), "{}");
  ASSERT_EQ(a.status, 202) << a.body << a.error;
  std::string parent_id = a.Header("x-ms-workflow-run-id");
  ASSERT_TRUE(Eventually([&] {
    return ListRuns("child", "Running").size() == 1 && ListRuns("child", "Waiting").size() == 1;
  }));
  AdvanceClock(60);  // the first ends, the waiting one starts
  ASSERT_TRUE(Eventually([&] {
    return ListRuns("child", "Succeeded").size() == 1 && ListRuns("child", "Running").size() == 1;
  }));
  AdvanceClock(60);
  bj::value parent = WaitForRunEnd(parent_id);
  EXPECT_EQ(Str(parent, {"status"}), "Failed") << bj::serialize(parent);  // one call was refused
  EXPECT_EQ(ListRuns("child", "Succeeded").size(), 2u);
  EXPECT_EQ(ListRuns("child").size(), 2u);
  EXPECT_NE(bj::serialize(parent).find("waiting list is full"), std::string::npos) << bj::serialize(parent);
}

TEST_F(ServerTest, ACallerCanTightenTheDepthLimitButNotLoosenIt) {
  // A flow that calls itself stops at the depth limit (8): runs at depths 0 to 8.
  WriteFlow("self", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
    "actions": {
      "Again": {"type": "Workflow", "runAfter": {},
        "inputs": {"host": {"workflow": {"id": "self"}, "triggerName": "manual"}, "body": {}}}}})json"));
  StartServer();
  std::string url = CallbackUrl("self");

  auto runs_after = [&](std::vector<std::string> headers) -> size_t {
    size_t before = ListRuns("self").size();
    HttpAnswer a = PostJson(url, "{}", std::move(headers));
    EXPECT_EQ(a.status, 202) << a.body << a.error;
    EXPECT_EQ(Str(WaitForRunEnd(a.Header("x-ms-workflow-run-id")), {"status"}), "Failed");
    return ListRuns("self").size() - before;
  };
  EXPECT_EQ(runs_after({}), 9u);
  EXPECT_EQ(runs_after({"x-runnel-call-depth: 5"}), 4u);    // depths 5 to 8
  EXPECT_EQ(runs_after({"x-runnel-call-depth: -100"}), 9u);  // not 109
}

}  // namespace
}  // namespace runnel::testing

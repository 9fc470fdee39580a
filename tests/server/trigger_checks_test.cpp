// What the trigger endpoint refuses, and that a refusal starts no run (docs/http-api.md, the
// status table): 401, 404, 405, 409, 400, 415, 413, 431, 429, and the access keys.
#include <future>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

// `url` with query parameter `name` removed, or its value replaced.
std::string WithParam(const std::string& url, const std::string& name, const std::string* value) {
  size_t at = url.find("&" + name + "=");
  if (at == std::string::npos) at = url.find("?" + name + "=");
  if (at == std::string::npos) return url;
  size_t end = url.find('&', at + 1);
  std::string rest = end == std::string::npos ? "" : url.substr(end);
  std::string head = url.substr(0, at);
  if (value) return head + url[at] + name + "=" + *value + rest;
  if (url[at] == '?' && !rest.empty()) rest[0] = '?';
  return head + rest;
}

class TriggerChecksTest : public ServerTest {
 protected:
  void StartEcho(const std::string& limits = "") {
    WriteFlow("echo", Workflow(kEchoFlow));
    StartServer(limits);
  }
  std::string ErrorCode(const HttpAnswer& a) { return Str(a.Json(), {"error", "code"}); }
};

TEST_F(TriggerChecksTest, MissingOrWrongSignatureIs401WithoutDetail) {
  StartEcho();
  std::string url = CallbackUrl("echo");
  std::string sig = url.substr(url.find("sig=") + 4);
  std::string wrong = sig;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';

  HttpAnswer missing = PostJson(WithParam(url, "sig", nullptr), "{}");
  HttpAnswer tampered = PostJson(WithParam(url, "sig", &wrong), "{}");
  HttpAnswer no_sp = PostJson(WithParam(url, "sp", nullptr), "{}");
  std::string other_sp = "%2Ftriggers%2Fother%2Frun";
  HttpAnswer wrong_sp = PostJson(WithParam(url, "sp", &other_sp), "{}");
  for (const HttpAnswer* a : {&missing, &tampered, &no_sp, &wrong_sp}) {
    EXPECT_EQ(a->status, 401) << a->body;
    // One answer for every cause: a caller learns nothing about which part was wrong.
    EXPECT_EQ(a->body, missing.body);
    EXPECT_FALSE(a->HasHeader("x-ms-workflow-run-id"));
  }
  EXPECT_EQ(ErrorCode(missing), "Unauthorized");
  EXPECT_EQ(PostJson(url, "{}").status, 200);
  EXPECT_EQ(ListRuns("echo").size(), 1u);
}

TEST_F(TriggerChecksTest, UnknownFlowOrTriggerIs404) {
  StartEcho();
  std::string url = CallbackUrl("echo");
  std::string prefix = Url("/api/echo/triggers/manual/invoke");
  ASSERT_EQ(url.compare(0, prefix.size(), prefix), 0) << url;
  std::string query = url.substr(prefix.size());

  HttpAnswer no_flow = PostJson(Url("/api/nosuchflow/triggers/manual/invoke") + query, "{}");
  EXPECT_EQ(no_flow.status, 404);
  EXPECT_EQ(ErrorCode(no_flow), "FlowNotFound");
  HttpAnswer no_trigger = PostJson(Url("/api/echo/triggers/other/invoke") + query, "{}");
  EXPECT_EQ(no_trigger.status, 404);
  EXPECT_EQ(ErrorCode(no_trigger), "TriggerNotFound");
  EXPECT_EQ(Api("POST", "/management/flows/echo/triggers/other/listCallbackUrl").status, 404);
}

TEST_F(TriggerChecksTest, WrongMethodIs405) {
  StartEcho();
  HttpAnswer a = Get(CallbackUrl("echo"));
  EXPECT_EQ(a.status, 405) << a.body;
  EXPECT_EQ(a.Header("Allow"), "POST");
  EXPECT_TRUE(ListRuns("echo").empty());
}

TEST_F(TriggerChecksTest, DisabledFlowIs409UntilEnabled) {
  StartEcho();
  std::string url = CallbackUrl("echo");
  HttpAnswer disabled = Api("POST", "/management/flows/echo/disable");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.Json().at("enabled"), false);

  HttpAnswer a = PostJson(url, R"json({"n": 1})json");
  EXPECT_EQ(a.status, 409) << a.body;
  EXPECT_EQ(ErrorCode(a), "FlowDisabled");
  EXPECT_TRUE(ListRuns("echo").empty());

  ASSERT_EQ(Api("POST", "/management/flows/echo/enable").status, 200);
  HttpAnswer b = PostJson(url, R"json({"n": 2})json");
  EXPECT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(b.body, R"json({"n":2})json");
}

// Either key signs a working URL; regenerating one invalidates only the URLs signed with it.
TEST_F(TriggerChecksTest, RegeneratedPrimaryKeyInvalidatesOldUrls) {
  StartEcho();
  std::string primary = CallbackUrl("echo");
  std::string secondary = CallbackUrl("echo", "manual", "Secondary");
  ASSERT_NE(primary, secondary);
  EXPECT_EQ(PostJson(primary, "{}").status, 200);
  EXPECT_EQ(PostJson(secondary, "{}").status, 200);

  HttpAnswer regenerated = Api("POST", "/management/flows/echo/regenerateAccessKey", R"json({"keyType": "Primary"})json");
  ASSERT_EQ(regenerated.status, 200) << regenerated.body;
  EXPECT_EQ(PostJson(primary, "{}").status, 401);
  EXPECT_EQ(PostJson(secondary, "{}").status, 200);
  std::string renewed = CallbackUrl("echo");
  EXPECT_NE(renewed, primary);
  EXPECT_EQ(PostJson(renewed, "{}").status, 200);

  ASSERT_EQ(Api("POST", "/management/flows/echo/regenerateAccessKey", R"json({"keyType": "Secondary"})json").status, 200);
  EXPECT_EQ(PostJson(secondary, "{}").status, 401);
  EXPECT_EQ(PostJson(renewed, "{}").status, 200);
  EXPECT_EQ(Api("POST", "/management/flows/echo/regenerateAccessKey", R"json({"keyType": "Tertiary"})json").status, 400);
}

TEST_F(TriggerChecksTest, MalformedJsonIs400) {
  StartEcho();
  HttpAnswer a = PostJson(CallbackUrl("echo"), R"json({"id": )json");
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_EQ(ErrorCode(a), "InvalidJson");
  EXPECT_TRUE(ListRuns("echo").empty());
}

// operationOptions EnableSchemaValidation: a body that breaks the schema is 400, a body that is
// not JSON is 415, and neither starts a run.
TEST_F(TriggerChecksTest, SchemaValidationRejectsMismatchAndNonJson) {
  WriteFlow("typed", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http", "operationOptions": "EnableSchemaValidation",
      "inputs": {"method": "POST", "schema": {"type": "object", "required": ["qty"],
                                               "properties": {"qty": {"type": "integer"}}}}}},
    "actions": {
      "Response": {"type": "Response", "kind": "Http", "runAfter": {},
        "inputs": {"statusCode": 200, "body": "@triggerBody()?['qty']"}}}})json"));
  StartServer();
  std::string url = CallbackUrl("typed");

  HttpAnswer wrong_type = PostJson(url, R"json({"qty": "many"})json");
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  EXPECT_EQ(ErrorCode(wrong_type), "InvalidRequestContent");
  EXPECT_EQ(PostJson(url, "{}").status, 400);
  HttpAnswer text = PostJson(url, "qty=3", {"Content-Type: text/plain"});
  EXPECT_EQ(text.status, 415) << text.body;
  EXPECT_TRUE(ListRuns("typed").empty());

  HttpAnswer ok = PostJson(url, R"json({"qty": 3})json");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "3");
  EXPECT_EQ(ListRuns("typed").size(), 1u);
}

TEST_F(TriggerChecksTest, BodyOverTheLimitIs413) {
  StartEcho("max_body_bytes: 1024");
  std::string url = CallbackUrl("echo");
  std::string big = "\"" + std::string(4096, 'x') + "\"";
  HttpAnswer a = PostJson(url, big);
  EXPECT_EQ(a.status, 413) << a.body << a.error;
  EXPECT_EQ(ErrorCode(a), "RequestTooLarge");
  std::string fits = "\"" + std::string(1000, 'x') + "\"";
  HttpAnswer b = PostJson(url, fits);
  EXPECT_EQ(b.status, 200) << b.body << b.error;
  EXPECT_EQ(ListRuns("echo").size(), 1u);
}

TEST_F(TriggerChecksTest, HeadersOverTheLimitAre431) {
  StartEcho("max_header_bytes: 2048");
  std::string url = CallbackUrl("echo");
  HttpAnswer a = PostJson(url, "{}", {"X-Big: " + std::string(4096, 'y')});
  EXPECT_EQ(a.status, 431) << a.body << a.error;
  EXPECT_EQ(ErrorCode(a), "RequestHeadersTooLarge");
  EXPECT_EQ(PostJson(url, "{}").status, 200);  // the server goes on
  EXPECT_EQ(ListRuns("echo").size(), 1u);
}

// concurrency {runs: 1, maximumWaitingRuns: 1}: with one run in flight (waiting on the manual
// clock) and one queued, a third request is refused with 429 and Retry-After. The queued run is
// accepted at once — 202 with a status URL, status Waiting — so a caller never holds a waiting
// place it cannot see (in Logic Apps it waits as Waiting too).
TEST_F(TriggerChecksTest, OverTheTriggerConcurrencyIs429) {
  WriteFlow("single", Workflow(R"json({
    "triggers": {"manual": {"type": "Request", "kind": "Http",
      "runtimeConfiguration": {"concurrency": {"runs": 1, "maximumWaitingRuns": 1}}}},
    "actions": {"Wait": {"type": "Wait", "runAfter": {}, "inputs": {"interval": {"count": 1, "unit": "Minute"}}}}})json"));
  StartServer();
  std::string url = CallbackUrl("single");
  ASSERT_EQ(PostJson(url, R"json({"n": 1})json").status, 202);

  // The second and third requests race for the one waiting place: exactly one gets it.
  auto second = std::async(std::launch::async, [url] { return PostJson(url, R"json({"n": 2})json"); });
  auto third = std::async(std::launch::async, [url] { return PostJson(url, R"json({"n": 3})json"); });
  ASSERT_EQ(second.wait_for(kDeadline), std::future_status::ready);
  ASSERT_EQ(third.wait_for(kDeadline), std::future_status::ready);
  HttpAnswer a = second.get(), b = third.get();
  HttpAnswer& accepted = a.status == 202 ? a : b;  // a queued run is accepted at once
  HttpAnswer& refused = a.status == 202 ? b : a;
  EXPECT_EQ(accepted.status, 202) << accepted.body << accepted.error;
  EXPECT_EQ(refused.status, 429) << refused.body << refused.error;
  EXPECT_EQ(Str(refused.Json(), {"error", "code"}), "TooManyRuns");
  EXPECT_FALSE(refused.Header("Retry-After").empty());
  std::string location = accepted.Header("Location");
  ASSERT_FALSE(location.empty());
  EXPECT_EQ(Get(Absolute(server().base_url(), location)).status, 202);
  EXPECT_EQ(ListRuns("single", "Waiting").size(), 1u);

  AdvanceClock(60);  // the first run finishes; the queued one starts, and its Wait counts from then
  ASSERT_TRUE(Eventually([&] {
    return ListRuns("single", "Succeeded").size() == 1 && ListRuns("single", "Running").size() == 1;
  }));
  AdvanceClock(60);
  ASSERT_TRUE(Eventually([&] { return ListRuns("single", "Succeeded").size() == 2; }));
  EXPECT_EQ(ListRuns("single").size(), 2u);
}

}  // namespace
}  // namespace runnel::testing

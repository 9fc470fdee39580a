// The table Web API's $batch over real HTTP against the running server: reads and a changeset
// answered exactly as single requests are, $<Content-ID> references in URLs and in
// @odata.bind; a changeset is atomic (a write refused while checking it, or by the data inside
// the store, leaves no row, no change record and no trigger run — and refused changesets do
// not disturb other writes committed beside them); stop at the first failure unless
// odata.continue-on-error; the request and answer limits; malformed bodies refused whole with the part and
// line; and the token, as for the rest of the table API.
#include <boost/json/serialize.hpp>

#include <thread>

#include "server_fixture.h"

namespace runnel::testing {
namespace {
namespace bj = boost::json;

constexpr char kAccount[] = R"({"logicalName": "account", "entitySetName": "accounts", "primaryNameColumn": "name",
  "columns": [{"name": "name", "type": "string", "maxLength": 20, "required": true},
              {"name": "accountnumber", "type": "string", "maxLength": 20}],
  "keys": [{"name": "number_key", "columns": ["accountnumber"]}]})";
constexpr char kContact[] = R"({"logicalName": "contact", "entitySetName": "contacts",
  "columns": [{"name": "fullname", "type": "string"}, {"name": "parentaccountid", "type": "lookup", "target": "account"}]})";

constexpr char kBoundary[] = "batch_5f1c";
constexpr char kChangesetBoundary[] = "changeset_9a2e";

// A request inside a batch: request line, headers, a blank line and the body.
std::string Request(const std::string& method, const std::string& url, const std::string& body = "",
                    const std::vector<std::string>& headers = {}) {
  std::string out = method + " " + url + " HTTP/1.1\r\n";
  if (!body.empty()) out += "Content-Type: application/json; type=entry\r\n";
  for (const auto& h : headers) out += h + "\r\n";
  return out + "\r\n" + body;
}

// A request as a part of the batch or of a changeset.
std::string Part(const std::string& request, const std::string& content_id = "") {
  std::string out = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n";
  if (!content_id.empty()) out += "Content-ID: " + content_id + "\r\n";
  return out + "\r\n" + request;
}

std::string Multipart(const std::vector<std::string>& parts, const std::string& boundary) {
  std::string out;
  for (const auto& p : parts) out += "--" + boundary + "\r\n" + p + "\r\n";
  return out + "--" + boundary + "--\r\n";
}

std::string Changeset(const std::vector<std::string>& parts) {
  return "Content-Type: multipart/mixed; boundary=" + std::string(kChangesetBoundary) + "\r\n\r\n" +
         Multipart(parts, kChangesetBoundary);
}

// One response of a batch answer.
struct PartAnswer {
  bool in_changeset = false;
  std::string content_id;
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return "";
  }
  bj::value Json() const {
    HttpAnswer a;
    a.body = body;
    return a.Json();
  }
};

// Lines of `text` up to a blank line, as headers; `pos` moves past the blank line.
std::vector<std::pair<std::string, std::string>> ReadHeaders(const std::string& text, size_t& pos) {
  std::vector<std::pair<std::string, std::string>> out;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = std::min(end + 2, text.size());
    if (line.empty()) break;
    size_t colon = line.find(':');
    out.emplace_back(line.substr(0, colon), colon == std::string::npos ? "" : line.substr(colon + 2));
  }
  return out;
}

std::string BoundaryOf(const std::string& content_type) {
  size_t at = content_type.find("boundary=");
  return at == std::string::npos ? "" : content_type.substr(at + 9);
}

// Splits a multipart/mixed answer (CRLF lines, as the server writes them) into its responses.
void ParseMultipart(const std::string& body, const std::string& boundary, bool in_changeset,
                    std::vector<PartAnswer>& out) {
  const std::string delimiter = "--" + boundary;
  size_t pos = body.find(delimiter);
  while (pos != std::string::npos && body.compare(pos + delimiter.size(), 2, "--") != 0) {
    size_t start = pos + delimiter.size() + 2;
    size_t next = body.find("\r\n" + delimiter, start);
    ASSERT_NE(next, std::string::npos) << body;
    std::string part = body.substr(start, next - start);
    size_t p = 0;
    auto mime = ReadHeaders(part, p);
    PartAnswer probe;
    probe.headers = mime;
    std::string type = probe.Header("Content-Type");
    if (type.rfind("multipart/mixed", 0) == 0) {
      ParseMultipart(part.substr(p), BoundaryOf(type), true, out);
    } else {
      EXPECT_EQ(type, "application/http");
      PartAnswer answer;
      answer.in_changeset = in_changeset;
      answer.content_id = probe.Header("Content-ID");
      size_t line_end = part.find("\r\n", p);
      std::string status_line = part.substr(p, line_end - p);
      EXPECT_EQ(status_line.rfind("HTTP/1.1 ", 0), 0u) << status_line;
      answer.status = std::strtol(status_line.c_str() + 9, nullptr, 10);
      p = line_end + 2;
      answer.headers = ReadHeaders(part, p);
      answer.body = part.substr(p);
      out.push_back(std::move(answer));
    }
    pos = next + 2;
  }
}

std::vector<PartAnswer> Parts(const HttpAnswer& a) {
  std::vector<PartAnswer> out;
  std::string type = a.Header("Content-Type");
  EXPECT_EQ(type.rfind("multipart/mixed; boundary=batchresponse_", 0), 0u) << type << "\n" << a.body;
  ParseMultipart(a.body, BoundaryOf(type), false, out);
  return out;
}

std::string IdOf(const std::string& entity_url) {
  size_t open = entity_url.rfind('(');
  return open == std::string::npos ? "" : entity_url.substr(open + 1, entity_url.size() - open - 2);
}

class TableBatchTest : public ServerTest {
 protected:
  HttpAnswer Batch(const std::string& body, std::vector<std::string> headers = {},
                   const std::string& content_type = std::string("multipart/mixed; boundary=") + kBoundary) {
    HttpCall call;
    call.method = "POST";
    call.url = Url("/api/data/v9.2/$batch");
    call.body = body;
    call.headers = {std::string("Authorization: Bearer ") + kToken, "Content-Type: " + content_type,
                    "OData-Version: 4.0", "Accept: application/json"};
    for (auto& h : headers) call.headers.push_back(std::move(h));
    call.timeout = std::chrono::milliseconds(60000);
    return Send(call);
  }
  int64_t CountRows(const std::string& set) {
    HttpAnswer a = Data("GET", set + "/$count");
    EXPECT_EQ(a.status, 200) << a.body;
    return std::strtoll(a.body.c_str(), nullptr, 10);
  }
  size_t ChangeRecords(const std::string& table) {
    HttpAnswer a = Api("GET", "/management/tables/" + table + "/changes?top=1000");
    EXPECT_EQ(a.status, 200) << a.body;
    bj::value page = a.Json();
    const bj::value* v = At(page, {"value"});
    return v && v->is_array() ? v->as_array().size() : 0;
  }
  static void ExpectError(const HttpAnswer& a, const std::string& code, const std::string& fragment) {
    EXPECT_EQ(a.status, 400) << a.body;
    bj::value body = a.Json();
    EXPECT_EQ(Str(body, {"error", "innererror", "code"}), code) << a.body;
    EXPECT_NE(Str(body, {"error", "message"}).find(fragment), std::string::npos) << a.body;
  }
};

TEST_F(TableBatchTest, ReadsAndAChangesetAnswerAsSingleRequestsWithContentIdReferences) {
  StartServer();
  DefineTable("account", kAccount);
  DefineTable("contact", kContact);
  HttpAnswer a = Batch(Multipart(
      {Part(Request("GET", "accounts?$select=name")),
       Changeset({Part(Request("POST", "/api/data/v9.2/accounts", R"({"name": "Contoso"})"), "1"),
                  Part(Request("POST", server().base_url() + "/api/data/v9.2/contacts",
                               R"({"fullname": "Ann", "parentaccountid@odata.bind": "$1"})"),
                       "2"),
                  Part(Request("PATCH", "$1", R"({"accountnumber": "A-1"})", {"Prefer: return=representation"}), "3"),
                  Part(Request("PUT", "$2/fullname", R"({"value": "Ann Lee"})"), "4")}),
       Part(Request("GET", "contacts?$select=fullname,_parentaccountid_value"))},
      kBoundary));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Header("OData-Version"), "4.0");
  auto parts = Parts(a);
  ASSERT_EQ(parts.size(), 6u) << a.body;

  EXPECT_FALSE(parts[0].in_changeset);
  EXPECT_EQ(parts[0].status, 200);
  EXPECT_EQ(parts[0].Json().at("value").as_array().size(), 0u) << parts[0].body;  // before the changeset

  for (int i = 1; i <= 4; ++i) {
    EXPECT_TRUE(parts[i].in_changeset) << i;
    EXPECT_EQ(parts[i].content_id, std::to_string(i));
  }
  EXPECT_EQ(parts[1].status, 204);
  std::string account = IdOf(parts[1].Header("OData-EntityId"));
  ASSERT_EQ(account.size(), 36u) << parts[1].Header("OData-EntityId");
  EXPECT_EQ(parts[1].Header("OData-EntityId"), server().base_url() + "/api/data/v9.2/accounts(" + account + ")");
  EXPECT_EQ(parts[1].Header("OData-Version"), "4.0");
  EXPECT_FALSE(parts[1].Header("ETag").empty());
  EXPECT_EQ(parts[2].status, 204);
  std::string contact = IdOf(parts[2].Header("OData-EntityId"));
  EXPECT_EQ(parts[3].status, 200);  // PATCH $1 updated the row created by Content-ID 1
  EXPECT_EQ(parts[3].Header("Preference-Applied"), "return=representation");
  EXPECT_EQ(Str(parts[3].Json(), {"accountid"}), account);
  EXPECT_EQ(Str(parts[3].Json(), {"accountnumber"}), "A-1");
  EXPECT_EQ(Str(parts[3].Json(), {"name"}), "Contoso");
  EXPECT_EQ(parts[4].status, 204);
  EXPECT_FALSE(parts[4].Header("ETag").empty());

  EXPECT_FALSE(parts[5].in_changeset);
  EXPECT_EQ(parts[5].status, 200);
  bj::value after = parts[5].Json();
  ASSERT_EQ(At(after, {"value"})->as_array().size(), 1u) << parts[5].body;
  EXPECT_EQ(Str(after.at("value").at(0), {"fullname"}), "Ann Lee");
  EXPECT_EQ(Str(after.at("value").at(0), {"_parentaccountid_value"}), account);  // the @odata.bind reference

  // The same answers as single requests give.
  HttpAnswer single = Data("GET", "contacts(" + contact + ")?$select=fullname");
  ASSERT_EQ(single.status, 200);
  EXPECT_EQ(Str(single.Json(), {"fullname"}), "Ann Lee");
  HttpAnswer single_get = Data("GET", "contacts?$select=fullname,_parentaccountid_value");
  EXPECT_EQ(single_get.body, parts[5].body);
  EXPECT_EQ(single_get.Header("Content-Type"), parts[5].Header("Content-Type"));
}

TEST_F(TableBatchTest, AChangesetIsAllOrNothingForRowsChangeRecordsAndTriggers) {
  StartServer();
  DefineTable("account", kAccount);
  HttpAnswer deploy = Api("PUT", "/management/flows/watcher", Workflow(R"j({
    "parameters": {"$authentication": {"defaultValue": {}, "type": "SecureObject"}},
    "triggers": {"When_a_row_is_added,_modified_or_deleted": {"type": "OpenApiConnectionWebhook",
      "inputs": {"host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                          "connectionName": "shared_commondataserviceforapps", "operationId": "SubscribeWebhookTrigger"},
                 "parameters": {"subscriptionRequest/message": 7, "subscriptionRequest/entityname": "account"},
                 "authentication": "@parameters('$authentication')"}}},
    "actions": {"Body": {"type": "Compose", "runAfter": {}, "inputs": "@triggerBody()"}}})j"));
  ASSERT_EQ(deploy.status, 201) << deploy.body;

  // Refused while the changeset is checked: the second write names a column the table lacks.
  HttpAnswer bad_column = Batch(Multipart(
      {Changeset({Part(Request("POST", "accounts", R"({"name": "first"})"), "1"),
                  Part(Request("POST", "accounts", R"({"name": "second", "nosuchcolumn": 1})"), "2")})},
      kBoundary));
  EXPECT_EQ(bad_column.status, 400) << bad_column.body;
  auto parts = Parts(bad_column);
  ASSERT_EQ(parts.size(), 1u) << bad_column.body;  // the changeset's one error
  EXPECT_FALSE(parts[0].in_changeset);
  EXPECT_EQ(parts[0].content_id, "2");
  EXPECT_EQ(parts[0].status, 400);
  EXPECT_EQ(Str(parts[0].Json(), {"error", "innererror", "code"}), "ColumnNotFound") << parts[0].body;

  // Refused by the data inside the store, after the first write applied: a duplicate alternate
  // key, and an update of a row that does not exist.
  HttpAnswer duplicate = Batch(Multipart(
      {Changeset({Part(Request("POST", "accounts", R"({"name": "x", "accountnumber": "K-1"})"), "1"),
                  Part(Request("POST", "accounts", R"({"name": "y", "accountnumber": "K-1"})"), "2")})},
      kBoundary));
  EXPECT_EQ(duplicate.status, 412) << duplicate.body;
  parts = Parts(duplicate);
  ASSERT_EQ(parts.size(), 1u) << duplicate.body;
  EXPECT_EQ(parts[0].content_id, "2");
  EXPECT_EQ(Str(parts[0].Json(), {"error", "innererror", "code"}), "DuplicateRecord") << parts[0].body;
  HttpAnswer missing = Batch(Multipart(
      {Changeset({Part(Request("POST", "accounts", R"({"name": "z"})"), "1"),
                  Part(Request("PATCH", "$1", R"({"name": "z2"})"), "2"),
                  Part(Request("DELETE", "accounts(00000000-0000-0000-0000-0000000000aa)"), "3")})},
      kBoundary));
  EXPECT_EQ(missing.status, 404) << missing.body;
  parts = Parts(missing);
  ASSERT_EQ(parts.size(), 1u) << missing.body;
  EXPECT_EQ(parts[0].content_id, "3");
  EXPECT_EQ(Str(parts[0].Json(), {"error", "innererror", "code"}), "RowNotFound") << parts[0].body;

  EXPECT_EQ(CountRows("accounts"), 0);
  EXPECT_EQ(ChangeRecords("account"), 0u);

  // A write after them is the first change of the store: the refused changesets left no
  // record, so its run is the flow's only one.
  HttpAnswer sentinel = Data("POST", "accounts", R"({"name": "sentinel"})");
  ASSERT_EQ(sentinel.status, 204) << sentinel.body;
  EXPECT_EQ(sentinel.Header("ETag"), "W/\"1\"");
  ASSERT_TRUE(Eventually([&] { return !TriggerHistory("watcher").empty() && ListRuns("watcher").size() == 1; }));
  auto history = TriggerHistory("watcher");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(Str(history[0], {"outcome"}), "Fired");

  // A changeset that succeeds is seen whole: both of its changes start runs.
  HttpAnswer good = Batch(Multipart({Changeset({Part(Request("POST", "accounts", R"({"name": "a"})"), "1"),
                                                Part(Request("POST", "accounts", R"({"name": "b"})"), "2")})},
                                    kBoundary));
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(Parts(good).size(), 2u);
  EXPECT_TRUE(Eventually([&] { return ListRuns("watcher").size() == 3; }));
  EXPECT_EQ(ChangeRecords("account"), 3u);
}

TEST_F(TableBatchTest, RefusedChangesetsLeaveWritesCommittedBesideThemAlone) {
  StartServer();
  DefineTable("account", kAccount);
  constexpr int kWrites = 60;
  constexpr int kRefused = 20;
  std::thread refuser([&] {
    for (int i = 0; i < kRefused; ++i) {
      HttpAnswer a = Batch(Multipart(
          {Changeset({Part(Request("POST", "accounts", R"({"name": "r", "accountnumber": "DUP"})"), "1"),
                      Part(Request("POST", "accounts", R"({"name": "r", "accountnumber": "DUP"})"), "2")})},
          kBoundary));
      EXPECT_EQ(a.status, 412) << a.body;
    }
  });
  for (int i = 0; i < kWrites; ++i) {
    HttpAnswer a = Data("POST", "accounts", R"({"name": "w)" + std::to_string(i) + R"("})");
    EXPECT_EQ(a.status, 204) << a.body;
  }
  refuser.join();
  EXPECT_EQ(CountRows("accounts"), kWrites);
  EXPECT_EQ(ChangeRecords("account"), static_cast<size_t>(kWrites));
}

TEST_F(TableBatchTest, StopsAtTheFirstFailureUnlessContinueOnError) {
  StartServer();
  DefineTable("account", kAccount);
  std::string body = Multipart({Part(Request("POST", "accounts", R"({"name": "one"})")),
                                Part(Request("POST", "accounts", R"({"accountnumber": "no name"})")),
                                Part(Request("POST", "accounts", R"({"name": "three"})"))},
                               kBoundary);
  HttpAnswer stopped = Batch(body);
  EXPECT_EQ(stopped.status, 400) << stopped.body;  // the status of the failure, as Dataverse answers
  auto parts = Parts(stopped);
  ASSERT_EQ(parts.size(), 2u) << stopped.body;
  EXPECT_EQ(parts[0].status, 204);
  EXPECT_EQ(parts[1].status, 400);
  EXPECT_EQ(Str(parts[1].Json(), {"error", "innererror", "code"}), "RequiredColumnMissing");
  EXPECT_EQ(CountRows("accounts"), 1);  // the first ran, the third did not

  HttpAnswer all = Batch(body, {"Prefer: odata.continue-on-error"});
  EXPECT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Header("Preference-Applied"), "odata.continue-on-error");
  parts = Parts(all);
  ASSERT_EQ(parts.size(), 3u) << all.body;
  EXPECT_EQ(parts[0].status, 204);
  EXPECT_EQ(parts[1].status, 400);
  EXPECT_EQ(parts[2].status, 204);
  EXPECT_EQ(CountRows("accounts"), 3);
}

std::string CountRequests(int n) {
  std::vector<std::string> parts(static_cast<size_t>(n), Part(Request("GET", "accounts/$count")));
  return Multipart(parts, kBoundary);
}

TEST_F(TableBatchTest, AtMostAThousandRequests) {
  StartServer();
  DefineTable("account", kAccount);
  HttpAnswer over = Batch(CountRequests(1001));
  ExpectError(over, "BatchTooLarge", "more than 1000 requests (limits.table_max_batch_requests)");
  HttpAnswer full = Batch(CountRequests(1000));
  ASSERT_EQ(full.status, 200) << full.body.substr(0, 500);
  auto parts = Parts(full);
  ASSERT_EQ(parts.size(), 1000u);
  EXPECT_EQ(parts.back().status, 200);
  EXPECT_EQ(parts.back().body, "0");
}

TEST_F(TableBatchTest, TheLimitsAreConfigurable) {
  StartServer("table_max_batch_requests: 3, table_max_batch_response_bytes: 400");
  DefineTable("account", kAccount);
  EXPECT_EQ(Batch(CountRequests(3)).status, 200);
  ExpectError(Batch(CountRequests(4)), "BatchTooLarge", "more than 3 requests");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Data("POST", "accounts", R"({"name": "row"})").status, 204);
  // A read whose rows would take the answers past the byte limit answers with an error instead;
  // the write before it is answered as usual.
  HttpAnswer a = Batch(Multipart({Part(Request("POST", "accounts", R"({"name": "sixth"})")),
                                  Part(Request("GET", "accounts")), Part(Request("GET", "accounts/$count"))},
                                 kBoundary),
                       {"Prefer: odata.continue-on-error"});
  ASSERT_EQ(a.status, 200) << a.body;
  auto parts = Parts(a);
  ASSERT_EQ(parts.size(), 3u) << a.body;
  EXPECT_EQ(parts[0].status, 204);
  EXPECT_EQ(parts[1].status, 400);
  EXPECT_EQ(Str(parts[1].Json(), {"error", "innererror", "code"}), "BatchTooLarge") << parts[1].body;
  EXPECT_NE(Str(parts[1].Json(), {"error", "message"}).find("limits.table_max_batch_response_bytes"), std::string::npos);
  EXPECT_EQ(parts[2].status, 200);
  EXPECT_EQ(parts[2].body, "6");
}

TEST_F(TableBatchTest, MalformedBatchesAreRefusedWholeWithWhatAndWhere) {
  StartServer();
  DefineTable("account", kAccount);
  const std::string create = Part(Request("POST", "accounts", R"({"name": "never"})"));
  ExpectError(Batch(Multipart({create}, kBoundary), {}, "multipart/mixed"), "InvalidBatch",
              "Content-Type multipart/mixed needs a boundary parameter");
  ExpectError(Batch(Multipart({create}, kBoundary), {}, "application/json"), "InvalidBatch",
              "Content-Type must be multipart/mixed");
  std::string unclosed = "--" + std::string(kBoundary) + "\r\n" + create + "\r\n";
  ExpectError(Batch(unclosed), "InvalidBatch", "line 1: the batch ends without its closing delimiter");
  std::string not_http = Multipart({create, "Content-Type: application/json\r\n\r\n{\"name\": \"x\"}"}, kBoundary);
  ExpectError(Batch(not_http), "InvalidBatch", "part 2, line 10: the part has Content-Type 'application/json'");
  std::string get_in_changeset =
      Multipart({create, Changeset({Part(Request("POST", "accounts", R"({"name": "y"})")),
                                    Part(Request("GET", "accounts"))})},
                kBoundary);
  ExpectError(Batch(get_in_changeset), "InvalidBatch", "part 2.2, line 24: GET is not allowed inside a changeset");
  std::string reference = Multipart({Part(Request("PATCH", "$1", R"({"name": "z"})"))}, kBoundary);
  ExpectError(Batch(reference), "InvalidBatch", "only requests of the same changeset");
  EXPECT_EQ(CountRows("accounts"), 0);  // none of their requests ran
}

TEST_F(TableBatchTest, NeedsTheTokenAndPost) {
  StartServer();
  DefineTable("account", kAccount);
  HttpCall call;
  call.method = "POST";
  call.url = Url("/api/data/v9.2/$batch");
  call.body = CountRequests(1);
  call.headers = {std::string("Content-Type: multipart/mixed; boundary=") + kBoundary};
  HttpAnswer anonymous = Send(call);
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(Str(anonymous.Json(), {"error", "innererror", "code"}), "Unauthorized");
  call.headers.push_back("Authorization: Bearer wrong");
  EXPECT_EQ(Send(call).status, 401);
  HttpAnswer get = Data("GET", "$batch");
  EXPECT_EQ(get.status, 405) << get.body;
  EXPECT_EQ(Str(get.Json(), {"error", "innererror", "code"}), "MethodNotAllowed");
}

}  // namespace
}  // namespace runnel::testing

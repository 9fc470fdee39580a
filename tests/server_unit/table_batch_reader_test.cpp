// The $batch reader (multipart/mixed bodies of OData batch requests) and the batch answer's
// writer: Dataverse's documented examples, the forms of request URLs, $<Content-ID> references,
// the request limit, and every kind of malformed body refused with its part and line.
#include <gtest/gtest.h>

#include <string>

#include "server/table_batch_reader.h"
#include "server/table_batch_response.h"

namespace runnel::server {
namespace {

std::string Crlf(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// Dataverse's example of a changeset and a GET ("Execute batch operations using the Web API").
constexpr char kDocExample[] = R"(--batch_22975cad
Content-Type: multipart/mixed; boundary="changeset_246e6bfe"

--changeset_246e6bfe
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task 1 in batch"
}
--changeset_246e6bfe
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

POST http://org.example.com/api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{"subject": "Task 2 in batch"}
--changeset_246e6bfe--

--batch_22975cad
Content-Type: application/http
Content-Transfer-Encoding: binary

GET accounts(00000000-0000-0000-0000-000000000001)?$select=name HTTP/1.1


--batch_22975cad--
)";

Result<Batch> Read(const std::string& body, int64_t max_requests = 1000, const std::string& boundary = "b") {
  BatchLimits limits;
  limits.max_requests = max_requests;
  return ReadBatch("multipart/mixed; boundary=" + boundary, body, "v9.2", limits);
}

TEST(TableBatchReader, ReadsDataverseExampleWithCrlfAndWithLf) {
  for (const std::string& body : {Crlf(kDocExample), std::string(kDocExample)}) {
    auto batch = ReadBatch("multipart/mixed; boundary=\"batch_22975cad\"", body, "v9.2", BatchLimits{});
    ASSERT_TRUE(batch) << batch.error().ToString();
    const Batch& b = batch.value();
    ASSERT_EQ(b.entries.size(), 2u);
    EXPECT_EQ(b.request_count, 3);
    ASSERT_TRUE(b.entries[0].changeset);
    ASSERT_EQ(b.entries[0].requests.size(), 2u);
    const BatchRequest& first = b.entries[0].requests[0];
    EXPECT_EQ(first.number, 1);
    EXPECT_EQ(first.content_id, "1");
    EXPECT_EQ(first.method, "POST");
    EXPECT_EQ(first.path, "/api/data/v9.2/tasks");
    ASSERT_EQ(first.headers.size(), 1u);
    EXPECT_EQ(first.headers[0].first, "Content-Type");
    EXPECT_EQ(first.headers[0].second, "application/json; type=entry");
    // The body runs to the line break that belongs to the next delimiter.
    EXPECT_NE(first.body.find("\"Task 1 in batch\""), std::string::npos);
    EXPECT_EQ(first.body.back(), '}');
    const BatchRequest& second = b.entries[0].requests[1];
    EXPECT_EQ(second.path, "/api/data/v9.2/tasks");  // an absolute URL keeps only its path
    EXPECT_EQ(second.body, "{\"subject\": \"Task 2 in batch\"}");
    ASSERT_FALSE(b.entries[1].changeset);
    const BatchRequest& get = b.entries[1].requests[0];
    EXPECT_EQ(get.method, "GET");
    EXPECT_EQ(get.path, "/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)");
    EXPECT_EQ(get.query, "$select=name");
    EXPECT_EQ(get.number, 3);
    EXPECT_EQ(get.where, "part 2, line 30");  // its request line
  }
}

TEST(TableBatchReader, IgnoresPreambleAndEpilogueAndLinesThatOnlyLookLikeDelimiters) {
  std::string body =
      "a preamble\n--b\nContent-Type: application/http\n\nPOST accounts HTTP/1.1\n\n"
      "{\"name\": \"--b is text here\"}\n--bx\n--b \n"
      "Content-Type: application/http\n\nDELETE /api/data/v9.1/accounts(1) HTTP/1.0\n--b--\nan epilogue\n--b\n";
  auto batch = Read(body);
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch.value().entries.size(), 2u);
  EXPECT_EQ(batch.value().entries[0].requests[0].body, "{\"name\": \"--b is text here\"}\n--bx");
  const BatchRequest& del = batch.value().entries[1].requests[0];
  EXPECT_EQ(del.method, "DELETE");
  EXPECT_EQ(del.path, "/api/data/v9.1/accounts(1)");  // the URL's own version
  EXPECT_TRUE(del.body.empty());
}

TEST(TableBatchReader, ReadsContentIdReferencesInsideAChangeset) {
  std::string body =
      "--b\nContent-Type: multipart/mixed; boundary=c\n\n"
      "--c\nContent-Type: application/http\nContent-ID: 1\n\nPOST contacts HTTP/1.1\n\n{}\n"
      "--c\nContent-Type: application/http\nContent-ID: 2\n\nPUT $1/lastname HTTP/1.1\n\n{\"value\": \"x\"}\n"
      "--c\nContent-Type: application/http\n\nPATCH $2?$select=name HTTP/1.1\n\n{}\n"
      "--c--\n--b--\n";
  auto batch = Read(body);
  ASSERT_TRUE(batch) << batch.error().ToString();
  const auto& requests = batch.value().entries.at(0).requests;
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].reference, "1");
  EXPECT_EQ(requests[1].path, "lastname");
  EXPECT_EQ(requests[2].reference, "2");
  EXPECT_EQ(requests[2].path, "");
  EXPECT_EQ(requests[2].query, "$select=name");
  EXPECT_EQ(requests[2].content_id, "");
}

std::string Requests(int n) {
  std::string body;
  for (int i = 0; i < n; ++i) body += "--b\nContent-Type: application/http\n\nGET accounts HTTP/1.1\n\n";
  return body + "--b--\n";
}

TEST(TableBatchReader, CountsRequestsAgainstTheLimitChangesetsIncluded) {
  EXPECT_TRUE(Read(Requests(3), 3));
  auto over = Read(Requests(4), 3);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, batch_errc::kBatchTooLarge);
  EXPECT_NE(over.error().message.find("more than 3 requests (limits.table_max_batch_requests)"), std::string::npos);
  EXPECT_EQ(over.error().where, "part 4, line 19");
  std::string changeset =
      "--b\nContent-Type: multipart/mixed; boundary=c\n\n"
      "--c\nContent-Type: application/http\n\nPOST accounts HTTP/1.1\n\n{}\n"
      "--c\nContent-Type: application/http\n\nPOST accounts HTTP/1.1\n\n{}\n--c--\n";
  auto in_changeset = Read(changeset + "--b\nContent-Type: application/http\n\nGET accounts HTTP/1.1\n\n--b--\n", 2);
  ASSERT_FALSE(in_changeset);
  EXPECT_EQ(in_changeset.error().code, batch_errc::kBatchTooLarge);
}

struct BadBatch {
  const char* name;
  std::string content_type;
  std::string body;
  std::string where;
  std::string fragment;
};

TEST(TableBatchReader, RefusesMalformedBatchesNamingThePartAndLine) {
  const std::string request = "Content-Type: application/http\n\nGET accounts HTTP/1.1\n\n";
  const std::string post = "Content-Type: application/http\n\nPOST accounts HTTP/1.1\n\n{}\n";
  const std::string mixed = "multipart/mixed; boundary=b";
  const BadBatch cases[] = {
      {"no content type", "", Requests(1), "", "Content-Type must be multipart/mixed"},
      {"not multipart", "application/json", Requests(1), "", "found 'application/json'"},
      {"no boundary", "multipart/mixed", Requests(1), "", "needs a boundary parameter"},
      {"bad boundary", "multipart/mixed; boundary=\"a{b\"", Requests(1), "", "boundary 'a{b' is not valid"},
      {"long boundary", "multipart/mixed; boundary=" + std::string(71, 'x'), Requests(1), "", "is not valid"},
      {"no delimiter", mixed, "GET accounts HTTP/1.1\n", "line 1", "has no line '--b'"},
      {"no closing delimiter", mixed, "--b\n" + request, "line 1", "ends without its closing delimiter '--b--'"},
      {"no part content type", mixed, "--b\nContent-ID: 1\n\nGET accounts HTTP/1.1\n--b--", "part 1, line 2",
       "has no Content-Type"},
      {"not application/http", mixed, "--b\nContent-Type: application/json\n\n{}\n--b--", "part 1, line 2",
       "Content-Type 'application/json'"},
      {"base64", mixed, "--b\nContent-Type: application/http\nContent-Transfer-Encoding: base64\n\nR0VU\n--b--",
       "part 1, line 2", "Content-Transfer-Encoding 'base64'"},
      {"no blank line", mixed, "--b\nContent-Type: application/http\n--b--", "part 1, line 2",
       "followed by a blank line"},
      {"bad header", mixed, "--b\nContent-Type: application/http\nnot a header\n\nGET a HTTP/1.1\n--b--",
       "part 1, line 3", "found 'not a header'"},
      {"empty part", mixed, "--b\nContent-Type: application/http\n\n\n--b--", "part 1, line 4", "holds no request"},
      {"bad request line", mixed, "--b\n" + std::string("Content-Type: application/http\n\nGET accounts\n--b--"),
       "part 1, line 4", "expected a request line 'METHOD URL HTTP/1.1'"},
      {"lower-case method", mixed, "--b\nContent-Type: application/http\n\nget accounts HTTP/1.1\n--b--",
       "part 1, line 4", "'get' is not an HTTP method"},
      {"space in url", mixed, "--b\nContent-Type: application/http\n\nGET a?$filter=x eq 1 HTTP/1.1\n--b--",
       "part 1, line 4", "contains a space"},
      {"outside the api", mixed, "--b\nContent-Type: application/http\n\nGET /management/flows HTTP/1.1\n--b--",
       "part 1, line 4", "is not in the table API"},
      {"malformed absolute url", mixed, "--b\nContent-Type: application/http\n\nGET http://[x/api/data HTTP/1.1\n--b--",
       "part 1, line 4", "is malformed"},
      {"json body as header", mixed, "--b\nContent-Type: application/http\n\nPOST a HTTP/1.1\n{\"a\":1}\n--b--",
       "part 1, line 5", "expected a header"},
      {"reference outside changeset", mixed, "--b\nContent-Type: application/http\n\nPATCH $1 HTTP/1.1\n\n{}\n--b--",
       "part 1, line 4", "only requests of the same changeset"},
      {"changeset without boundary", mixed, "--b\nContent-Type: multipart/mixed\n\n--b--", "part 1, line 2",
       "the changeset's Content-Type multipart/mixed needs a boundary"},
      {"empty changeset", mixed, "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c--\n--b--", "part 1, line 2",
       "has no requests"},
      {"changeset not closed", mixed, "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n" + post + "--b--",
       "part 1, line 4", "the changeset ends without its closing delimiter '--c--'"},
      {"nested changeset", mixed,
       "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\nContent-Type: multipart/mixed; boundary=d\n\n"
       "--d--\n--c--\n--b--",
       "part 1.1, line 5", "cannot contain another changeset"},
      {"get in changeset", mixed, "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\n" + request + "--c--\n--b--",
       "part 1.1, line 7", "GET is not allowed inside a changeset"},
      {"undeclared reference", mixed,
       "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\nContent-Type: application/http\nContent-ID: 2\n\n"
       "PATCH $1 HTTP/1.1\n\n{}\n--c\nContent-Type: application/http\nContent-ID: 1\n\nPOST a HTTP/1.1\n\n{}\n"
       "--c--\n--b--",
       "part 1.1, line 8", "Content-ID Reference: '$1' does not exist in the batch context"},
      {"duplicate content id", mixed,
       "--b\nContent-Type: multipart/mixed; boundary=c\n\n--c\nContent-Type: application/http\nContent-ID: 1\n\n"
       "POST a HTTP/1.1\n\n{}\n--c\nContent-Type: application/http\nContent-ID: 1\n\nPOST a HTTP/1.1\n\n{}\n"
       "--c--\n--b--",
       "part 1.2, line 15", "Content-ID '1' is used twice"},
  };
  for (const auto& c : cases) {
    auto batch = ReadBatch(c.content_type, c.body, "v9.2", BatchLimits{});
    ASSERT_FALSE(batch) << c.name;
    EXPECT_EQ(batch.error().code, batch_errc::kInvalidBatch) << c.name;
    EXPECT_EQ(batch.error().where, c.where) << c.name << ": " << batch.error().ToString();
    EXPECT_NE(batch.error().message.find(c.fragment), std::string::npos) << c.name << ": " << batch.error().message;
  }
}

TEST(TableBatchReader, ReadsTheBoundaryParameter) {
  EXPECT_EQ(MultipartBoundary("multipart/mixed;boundary=batch_AAA123").value(), "batch_AAA123");
  EXPECT_EQ(MultipartBoundary("Multipart/Mixed; charset=utf-8; Boundary=\"batch_1 2\"").value(), "batch_1 2");
  EXPECT_FALSE(MultipartBoundary("multipart/mixed; boundary=\"\""));
  EXPECT_FALSE(MultipartBoundary("multipart/related; boundary=x"));
}

TEST(TableBatchResponse, WritesEntriesChangesetsAndContentIds) {
  HttpResponse created;
  created.status = 204;
  created.content_type.clear();
  created.headers = {{"OData-Version", "4.0"}, {"OData-EntityId", "http://h/api/data/v9.2/accounts(1)"}};
  HttpResponse json = HttpResponse::Json(200, "{\"value\":[]}");
  std::vector<BatchEntryResponse> entries = {
      {true, {{"1", created}, {"2", created}}},
      {false, {{"", json}}},
  };
  std::string body = WriteBatchResponse(entries, "batchresponse_x");
  EXPECT_EQ(body.rfind("--batchresponse_x\r\nContent-Type: multipart/mixed; boundary=changesetresponse_", 0), 0u) << body;
  size_t inner_at = body.find("boundary=changesetresponse_") + 9;
  std::string inner = body.substr(inner_at, body.find("\r\n", inner_at) - inner_at);
  EXPECT_NE(body.find("--" + inner + "\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
                                     "Content-ID: 2\r\n\r\nHTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n"
                                     "OData-EntityId: http://h/api/data/v9.2/accounts(1)\r\n\r\n\r\n--" + inner + "--\r\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("--batchresponse_x\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{\"value\":[]}\r\n"
                      "--batchresponse_x--\r\n"),
            std::string::npos)
      << body;
  // The answer is itself a well-formed multipart body with two parts.
  EXPECT_EQ(body.substr(body.size() - 21), "--batchresponse_x--\r\n");
}

}  // namespace
}  // namespace runnel::server

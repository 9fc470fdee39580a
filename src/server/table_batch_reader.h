// The body of a table Web API `$batch` request: OData 4.0's multipart batch format (Part 1,
// §11.7), as Dataverse takes it ("Execute batch operations using the Web API").
//
// A batch is a `multipart/mixed` body whose parts are either one request
// (`Content-Type: application/http`: a request line, headers, a blank line and a body) or a
// changeset (`Content-Type: multipart/mixed; boundary=...`) whose parts are requests, each with
// an optional `Content-ID`. Boost has no multipart parser, so this is a small strict one:
//
// - linear in the size of the body, with no recursion beyond a changeset inside the batch;
// - every part is checked before anything runs, so a malformed batch is refused whole and
//   none of its requests runs;
// - errors name what is wrong and where: `where` is "part 3, line 17" (a part of the batch) or
//   "part 2.4, line 30" (the 4th part of the changeset that is the batch's 2nd part), lines
//   counted from 1 in the body.
//
// What is accepted beyond the letter of RFC 2046: LF line ends as well as CRLF, blank lines
// before a request line, boundaries with or without quotes. What is refused: nested
// changesets, GET (or any read) inside a changeset (OData: a changeset holds only changes),
// `Content-Transfer-Encoding` other than binary/8bit/7bit, a `$<Content-ID>` reference outside
// a changeset or to a Content-ID not declared earlier in the same changeset, and more requests
// than `BatchLimits::max_requests`. An inner request's `Content-Length` is not needed and not
// read: its body runs to the next boundary.
//
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace runnel::server {

namespace batch_errc {
inline constexpr char kInvalidBatch[] = "InvalidBatch";  // the body is not a well-formed batch
inline constexpr char kBatchTooLarge[] = "BatchTooLarge";  // more requests than the limit
}  // namespace batch_errc

struct BatchLimits {
  int64_t max_requests = 1000;  // requests in one batch, changeset requests included (Dataverse's limit)
};

// One request of a batch.
struct BatchRequest {
  int number = 0;           // 1-based position among the batch's requests
  std::string where;        // "part 2.1, line 14": where its part starts, for messages
  std::string content_id;   // its part's Content-ID; "" when none
  std::string method;       // "POST", ...
  // The URL: either a path under /api/data/ ("/api/data/v9.2/accounts(...)", still encoded,
  // resolved from an absolute URL, an absolute path or a path relative to the service root)
  // or, for a reference `$1/name`, the Content-ID in `reference` and the rest in `path`
  // ("name", or "" for `$1` alone).
  std::string reference;
  std::string path;
  std::string query;        // after '?', still encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A request on its own, or a changeset: requests that succeed or fail together.
struct BatchEntry {
  bool changeset = false;
  std::vector<BatchRequest> requests;  // exactly one when not a changeset; at least one in one
};

struct Batch {
  std::vector<BatchEntry> entries;
  int64_t request_count = 0;
};

// Reads the batch whose request had Content-Type `content_type` and body `body`; relative
// request URLs are resolved against `/api/data/<version>/` (the batch URL's version).
// Errors: InvalidBatch, BatchTooLarge (400), with `where` as above.
Result<Batch> ReadBatch(std::string_view content_type, std::string_view body, std::string_view version,
                        const BatchLimits& limits);

// The boundary parameter of a multipart Content-Type ("multipart/mixed; boundary=\"b_1\"" ->
// "b_1"). InvalidBatch when the type is not multipart/mixed or the boundary is missing or not
// a valid RFC 2046 boundary.
Result<std::string> MultipartBoundary(std::string_view content_type);

}  // namespace runnel::server

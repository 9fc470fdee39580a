// The answer to a table Web API `$batch`: a multipart/mixed body with one application/http part
// per request, each holding the response the request would get on its own (status line,
// headers, body), in the order of the requests. A changeset's responses are the parts of a
// nested multipart/mixed part, each with its request's Content-ID; a failed changeset answers
// with its one error response instead (OData 4.0 Part 1, §11.7.4).
#pragma once

#include <string>
#include <vector>

#include "server/http_types.h"

namespace runnel::server {

// One response inside a batch answer.
struct BatchPartResponse {
  std::string content_id;  // echoed when the request had one
  HttpResponse response;
};

// What one entry of the batch (a request, or a changeset) answered.
struct BatchEntryResponse {
  // The responses go in a nested multipart part. A failed changeset is not one: it answers
  // with its one error response as a plain part.
  bool changeset = false;
  std::vector<BatchPartResponse> parts;
};

// The body, with `boundary` between the entries ("batchresponse_<guid>"); changesets get
// boundaries of their own ("changesetresponse_<guid>"). Lines end with CRLF.
std::string WriteBatchResponse(const std::vector<BatchEntryResponse>& entries, const std::string& boundary);

// "HTTP/1.1 204 No Content", the headers (Content-Type first when there is one), a blank line
// and the body: a response as an application/http part carries it.
std::string SerializeResponse(const HttpResponse& response);

}  // namespace runnel::server

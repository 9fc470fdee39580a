#include "server/table_batch_response.h"

#include "tables/column_values.h"

namespace runnel::server {

namespace {

constexpr char kCrlf[] = "\r\n";

void AppendPart(std::string& out, const std::string& boundary, const BatchPartResponse& part) {
  out += "--" + boundary + kCrlf;
  out += "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n";
  if (!part.content_id.empty()) out += "Content-ID: " + part.content_id + kCrlf;
  out += kCrlf;
  out += SerializeResponse(part.response);
  out += kCrlf;  // belongs to the next delimiter
}

}  // namespace

std::string SerializeResponse(const HttpResponse& r) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(StatusText(r.status)) + kCrlf;
  if (!r.content_type.empty()) out += "Content-Type: " + r.content_type + kCrlf;
  for (const auto& [name, value] : r.headers) out += name + ": " + value + kCrlf;
  out += kCrlf;
  out += r.body;
  return out;
}

std::string WriteBatchResponse(const std::vector<BatchEntryResponse>& entries, const std::string& boundary) {
  std::string out;
  for (const auto& entry : entries) {
    if (!entry.changeset) {
      for (const auto& part : entry.parts) AppendPart(out, boundary, part);
      continue;
    }
    std::string inner = "changesetresponse_" + tables::NewGuid();
    out += "--" + boundary + kCrlf;
    out += "Content-Type: multipart/mixed; boundary=" + inner + kCrlf + kCrlf;
    for (const auto& part : entry.parts) AppendPart(out, inner, part);
    out += "--" + inner + "--" + kCrlf;  // then the line break that belongs to the next delimiter
  }
  out += "--" + boundary + "--" + kCrlf;
  return out;
}

}  // namespace runnel::server

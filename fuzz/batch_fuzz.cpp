// Fuzzes the table Web API's $batch reader: any Content-Type and body must give a Batch or an
// Error, never a crash, a sanitizer report, a hang or unbounded memory; and a Batch it gives
// must hold what ReadBatch promises (table_batch_reader.h), since the server acts on it
// without checking again.
//
// The input's first line is the batch request's Content-Type; the rest is its body (seeds in
// fuzz/corpus/batch/).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "server/table_batch_reader.h"

namespace {

using runnel::server::Batch;
using runnel::server::BatchRequest;

constexpr int64_t kMaxRequests = 50;

void Check(bool condition) {
  if (!condition) abort();
}

void CheckBatch(const Batch& batch) {
  int64_t counted = 0;
  for (const auto& entry : batch.entries) {
    Check(entry.changeset ? !entry.requests.empty() : entry.requests.size() == 1);
    std::set<std::string> declared;
    for (const BatchRequest& r : entry.requests) {
      Check(r.number == ++counted);
      Check(!r.method.empty() && !r.where.empty());
      if (r.reference.empty()) {
        Check(r.path.rfind("/api/data/", 0) == 0);  // the server routes it under the table API
      } else {
        Check(entry.changeset && declared.count(r.reference) == 1);  // only to an earlier request
      }
      if (entry.changeset) {
        Check(r.method != "GET");
        Check(r.content_id.empty() || declared.insert(r.content_id).second);
      }
    }
  }
  Check(counted == batch.request_count && counted <= kMaxRequests);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string_view content_type = nl == std::string_view::npos ? text : text.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  runnel::server::BatchLimits limits;
  limits.max_requests = kMaxRequests;
  auto batch = runnel::server::ReadBatch(content_type, body, "v9.2", limits);
  if (batch) CheckBatch(batch.value());
  return 0;
}

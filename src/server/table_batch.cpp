// POST /api/data/v9.2/$batch: a batch's requests run in order through the table API's own
// handlers — each request outside a changeset exactly as if it came alone, answered into a
// Responder that collects the response instead of writing it to a socket — and each changeset
// runs atomically: its requests are routed and prepared like single writes, then applied in one
// store write function (TableStore::WriteChangeset).
//
// Everything here runs on the connection's I/O thread; the store's completions are posted back
// to it. Each entry's answer is posted too, even when a handler answered at once, so a batch of
// a thousand immediate errors never nests a thousand calls on the stack.
#include <boost/json.hpp>

#include <map>

#include "json/parse.h"
#include "json/serialize.h"
#include "server/io_thread.h"
#include "server/table_api.h"
#include "server/table_api_response.h"
#include "server/table_batch_reader.h"
#include "server/table_batch_response.h"
#include "server/url_query.h"
#include "tables/column_values.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

constexpr char kSuppressHeader[] = "MSCRM.SuppressCallbackRegistrationExpanderJob";
constexpr std::string_view kBind = "@odata.bind";

// Takes a handler's one answer instead of a connection.
class CollectingResponder final : public Responder {
 public:
  explicit CollectingResponder(std::function<void(HttpResponse)> done) : done_(std::move(done)) {}
  void Send(HttpResponse response) override {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(response));
  }
  void StartStream(HttpResponse head) override { Send(std::move(head)); }  // the table API never streams
  void Write(std::string) override {}
  void End() override {}
  bool open() const override { return true; }
  void OnClose(std::function<void()>) override {}

 private:
  std::function<void(HttpResponse)> done_;
};

// The segments after /api/data/ of a path that starts with it (the reader made sure).
std::vector<std::string_view> DataSegments(const std::string& path) {
  auto segs = SplitPath(path);
  segs.erase(segs.begin(), segs.begin() + std::min<size_t>(2, segs.size()));
  return segs;
}

// Replaces "$<Content-ID>" values of `x@odata.bind` members with "/<set>(<id>)" of the row that
// request wrote. A body that is not a JSON object is left to the handler to refuse.
Status ResolveBindReferences(std::string& body, const std::map<std::string, std::string>& entities) {
  if (body.find(kBind) == std::string::npos || body.find("\"$") == std::string::npos) return Ok();
  auto parsed = json::Parse(body);
  if (!parsed || !parsed.value().is_object()) return Ok();
  bool changed = false;
  for (auto& kv : parsed.value().get_object()) {
    std::string_view key = kv.key();
    if (key.size() < kBind.size() || key.substr(key.size() - kBind.size()) != kBind || !kv.value().is_string()) continue;
    std::string_view ref = kv.value().get_string();
    if (ref.empty() || ref.front() != '$') continue;
    auto it = entities.find(std::string(ref.substr(1)));
    if (it == entities.end()) {
      return Error(batch_errc::kInvalidBatch, "Content-ID Reference: '" + std::string(ref) + "' in '" + std::string(key) +
                                                  "' does not exist in the batch context (a reference names the "
                                                  "Content-ID of an earlier request of the same changeset)");
    }
    kv.value() = "/" + it->second;
    changed = true;
  }
  if (changed) body = json::Serialize(parsed.value());
  return Ok();
}

}  // namespace

// One batch on its way: the entries run one after the other, and the answer is sent when the
// last one answered, or when one failed without odata.continue-on-error.
class BatchRun : public std::enable_shared_from_this<BatchRun> {
 public:
  BatchRun(TableApi& api, Batch batch, std::string version, const HttpRequest& outer, bool continue_on_error,
           std::shared_ptr<Responder> r, IoThread& thread)
      : api_(api), batch_(std::move(batch)), version_(std::move(version)), continue_on_error_(continue_on_error),
        max_answer_bytes_(api.cx_.tables.options().max_batch_response_bytes), r_(std::move(r)), thread_(thread) {
    if (const std::string* host = outer.Header("Host")) host_ = *host;
    if (const std::string* suppress = outer.Header(kSuppressHeader)) suppress_ = *suppress;
    peer_ = outer.peer;
  }

  void Next() {
    if (next_ == batch_.entries.size()) return Finish();
    const BatchEntry& entry = batch_.entries[next_++];
    if (entry.changeset) return RunChangeset(entry);
    RunRequest(entry.requests.front());
  }

 private:
  // The request as the table API's handlers take it. The batch's Host applies to its requests
  // (for the URLs in answers), and so does a request to trigger no flow.
  HttpRequest ToHttp(const BatchRequest& b, std::string path) const {
    HttpRequest h;
    h.method = b.method;
    h.path = std::move(path);
    h.query = b.query;
    h.headers = b.headers;
    h.body = b.body;
    h.peer = peer_;
    if (host_ && !h.Header("Host")) h.headers.emplace_back("Host", *host_);
    if (suppress_ && !h.Header(kSuppressHeader)) h.headers.emplace_back(kSuppressHeader, *suppress_);
    return h;
  }

  void RunRequest(const BatchRequest& b) {
    HttpRequest h = ToHttp(b, b.path);
    auto segs = DataSegments(h.path);
    auto self = shared_from_this();
    std::string content_id = b.content_id;
    bool read = b.method == "GET";
    auto responder = std::make_shared<CollectingResponder>([self, content_id, read](HttpResponse response) {
      auto shared = std::make_shared<HttpResponse>(std::move(response));
      self->thread_.Post([self, content_id, read, shared] {
        if (read) self->Bound(*shared);
        bool failed = shared->status >= 400;
        self->Answered(BatchEntryResponse{false, {BatchPartResponse{content_id, std::move(*shared)}}}, failed);
      });
    });
    api_.Dispatch(std::move(h), segs, std::move(responder), thread_);
  }

  void RunChangeset(const BatchEntry& entry) {
    std::vector<tables::RowChange> changes;
    auto answers = std::make_shared<std::vector<std::function<HttpResponse(const tables::RowChangeResult&)>>>();
    auto ids = std::make_shared<std::vector<std::string>>();
    std::map<std::string, std::string> entities;  // Content-ID -> "<set>(<key>)" of the row its request writes
    for (const BatchRequest& b : entry.requests) {
      std::string path = b.path;
      if (!b.reference.empty()) {
        auto it = entities.find(b.reference);  // declared earlier in this changeset (the reader checked)
        if (it == entities.end()) {
          return Refused(b, Error(batch_errc::kInvalidBatch, "Content-ID Reference: '$" + b.reference +
                                                                 "' does not exist in the batch context"));
        }
        path = "/api/data/" + version_ + "/" + it->second + (b.path.empty() ? "" : "/" + b.path);
      }
      HttpRequest h = ToHttp(b, std::move(path));
      if (auto st = ResolveBindReferences(h.body, entities); !st) return Refused(b, st.error());
      auto segs = DataSegments(h.path);
      auto routed = api_.Route(h, segs);
      if (!routed) return Refused(b, routed.error());
      auto prepared = api_.PrepareChange(h, routed.value());
      if (!prepared) return Refused(b, prepared.error());
      if (!b.content_id.empty()) entities[b.content_id] = prepared.value().entity;
      changes.push_back(std::move(prepared.value().change));
      answers->push_back(std::move(prepared.value().answer));
      ids->push_back(b.content_id);
    }
    auto self = shared_from_this();
    api_.cx_.tables.WriteChangeset(std::move(changes), [self, answers, ids](tables::ChangesetResult result) {
      auto shared = std::make_shared<tables::ChangesetResult>(std::move(result));
      self->thread_.Post([self, answers, ids, shared] {
        if (shared->error) {
          std::string id = shared->failed >= 0 ? (*ids)[static_cast<size_t>(shared->failed)] : std::string();
          return self->Answered(BatchEntryResponse{false, {BatchPartResponse{id, TableError(*shared->error)}}}, true);
        }
        BatchEntryResponse response{true, {}};
        for (size_t i = 0; i < shared->results.size(); ++i) {
          response.parts.push_back(BatchPartResponse{(*ids)[i], (*answers)[i](shared->results[i])});
        }
        self->Answered(std::move(response), false);
      });
    });
  }

  // A changeset request refused before anything was written: the changeset's one answer.
  void Refused(const BatchRequest& b, const Error& error) {
    auto self = shared_from_this();
    auto shared = std::make_shared<HttpResponse>(TableError(error));
    std::string content_id = b.content_id;
    thread_.Post([self, shared, content_id] {
      self->Answered(BatchEntryResponse{false, {BatchPartResponse{content_id, std::move(*shared)}}}, true);
    });
  }

  // The answers of a batch are held until the last one: a read whose rows would take them past
  // the limit answers with an error instead (a write's answer is kept: its write happened).
  void Bound(HttpResponse& response) const {
    if (answer_bytes_ + static_cast<int64_t>(response.body.size()) <= max_answer_bytes_) return;
    response = TableError(Error(batch_errc::kBatchTooLarge,
                                "this answer (" + std::to_string(response.body.size()) + " bytes) would take the "
                                "batch's answers past " + std::to_string(max_answer_bytes_) +
                                " bytes (limits.table_max_batch_response_bytes); read large collections in pages "
                                "(Prefer: odata.maxpagesize) or outside the batch"));
  }

  void Answered(BatchEntryResponse response, bool failed) {
    for (const auto& part : response.parts) answer_bytes_ += static_cast<int64_t>(part.response.body.size());
    int status = response.parts.empty() ? 200 : response.parts.back().response.status;
    answers_.push_back(std::move(response));
    if (failed && !continue_on_error_) {
      // Dataverse's rule: the batch stops at the first failure and answers with its status.
      stopped_status_ = status;
      return Finish();
    }
    Next();
  }

  void Finish() {
    std::string boundary = "batchresponse_" + tables::NewGuid();
    HttpResponse resp;
    resp.status = stopped_status_ ? stopped_status_ : 200;
    resp.content_type = "multipart/mixed; boundary=" + boundary;
    resp.headers.emplace_back("OData-Version", "4.0");
    if (continue_on_error_) resp.headers.emplace_back("Preference-Applied", "odata.continue-on-error");
    resp.body = WriteBatchResponse(answers_, boundary);
    r_->Send(std::move(resp));
  }

  TableApi& api_;
  Batch batch_;
  std::string version_;
  bool continue_on_error_;
  int64_t max_answer_bytes_;
  std::shared_ptr<Responder> r_;
  IoThread& thread_;
  std::optional<std::string> host_;
  std::optional<std::string> suppress_;
  std::string peer_;
  size_t next_ = 0;
  std::vector<BatchEntryResponse> answers_;
  int64_t answer_bytes_ = 0;  // the bodies of answers_
  int stopped_status_ = 0;  // the status of the failure that stopped the batch
};

void TableApi::RunBatch(HttpRequest&& req, std::string version, std::shared_ptr<Responder> r, IoThread& thread) {
  auto prefs = ReadPreferences(req);
  if (!prefs) return r->Send(TableError(prefs.error()));
  const std::string* type = req.Header("Content-Type");
  BatchLimits limits;
  limits.max_requests = cx_.tables.options().max_batch_requests;
  auto batch = ReadBatch(type ? std::string_view(*type) : std::string_view(), req.body, version, limits);
  if (!batch) return r->Send(TableError(batch.error()));
  auto run = std::make_shared<BatchRun>(*this, std::move(batch).value(), std::move(version), req,
                                        prefs.value().continue_on_error, std::move(r), thread);
  run->Next();
}

}  // namespace runnel::server

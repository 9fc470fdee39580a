// CurlHttpClient: one thread drives all transfers through curl_multi (see the header for why).
//
// Invariants of the transfer thread's loop:
//   - `pending` and `cancels` are the only state shared with other threads (under `mu`); every
//     CURL handle and every Transfer in `active` is touched by the transfer thread alone.
//   - A Transfer's callback runs exactly once: when curl reports it done, when it is cancelled,
//     when its handle cannot be set up, or at shutdown — and each path erases it from `active`
//     first, so no second path can find it.
//   - Callbacks run with no lock held, so they may call Send() or Cancel().
#include "connectors/http/curl_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace runnel::connectors {

namespace {

constexpr int kPollTimeoutMillis = 1000;  // wakeups make this only a safety net

struct Transfer {
  HttpRequestId id = 0;
  HttpRequest request;
  HttpCallback done;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  HttpResponse response;
  int64_t max_body_bytes = 0;
  bool too_large = false;
  char error_buffer[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    if (header_list) curl_slist_free_all(header_list);
  }
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (static_cast<int64_t>(t->response.body.size() + n) > t->max_body_bytes) {
    t->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Called once per header line, status lines included. A status line starts a new response
// (after a redirect or an interim 1xx), so only the final response's headers are kept.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();
    return n;
  }
  if (Trim(line).empty()) return n;
  if ((line.front() == ' ' || line.front() == '\t') && !t->response.headers.empty()) {
    // An obsolete folded continuation line (RFC 9112 §5.2).
    t->response.headers.back().value += " ";
    t->response.headers.back().value += Trim(line);
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  t->response.headers.push_back(
      HttpHeader{std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
  return n;
}

Error TransportError(CURLcode rc, const Transfer& t) {
  std::string detail = t.error_buffer[0] ? t.error_buffer : curl_easy_strerror(rc);
  auto message = [&](std::string_view what) {
    return std::string(what) + " (" + t.request.method + " " + t.request.url + "): " + detail;
  };
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error(http_errc::kTimeout,
                   "no complete response within " + std::to_string(t.request.timeout_micros / 1000) +
                       " ms " + message("for the request"));
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Error(http_errc::kConnectFailed, message("could not connect"));
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return Error(http_errc::kTlsFailed, message("the TLS handshake failed"));
    case CURLE_TOO_MANY_REDIRECTS:
      return Error(http_errc::kTooManyRedirects, message("too many redirects"));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error(http_errc::kInvalidRequest, message("the request cannot be sent"));
    case CURLE_WRITE_ERROR:
      if (t.too_large) {
        return Error(http_errc::kResponseTooLarge,
                     "the response body is larger than " + std::to_string(t.max_body_bytes) +
                         " bytes (" + t.request.method + " " + t.request.url + ")");
      }
      [[fallthrough]];
    default:
      return Error(http_errc::kTransferFailed, message("the request failed"));
  }
}

bool IsMethod(const HttpRequest& r, std::string_view m) { return r.method == m; }

}  // namespace

struct CurlHttpClient::State {
  CurlHttpClientOptions options;
  CURLM* multi = nullptr;
  std::thread thread;

  ~State() {
    if (multi) curl_multi_cleanup(multi);
  }

  std::mutex mu;
  std::vector<std::unique_ptr<Transfer>> pending;  // guarded by mu
  std::vector<HttpRequestId> cancels;              // guarded by mu
  bool stop = false;                               // guarded by mu
  HttpRequestId next_id = 1;                       // guarded by mu

  std::map<HttpRequestId, std::unique_ptr<Transfer>> active;  // transfer thread only

  void Loop();
  // Creates and configures the easy handle; an error when curl refuses the request.
  Result<void> Setup(Transfer& t);
  void Start(std::unique_ptr<Transfer> t);
  void Finish(HttpRequestId id, Result<HttpResponse> result);
};

Result<void> CurlHttpClient::State::Setup(Transfer& t) {
  t.easy = curl_easy_init();
  if (!t.easy) return Error(http_errc::kInvalidRequest, "libcurl could not create a transfer");
  const HttpRequest& r = t.request;
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  if (curl_easy_setopt(e, CURLOPT_URL, r.url.c_str()) != CURLE_OK) {
    return Error(http_errc::kInvalidRequest, "libcurl rejected the URL '" + r.url + "'");
  }
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, r.timeout_micros / 1000)));
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(options.max_redirects));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  if (!options.ca_bundle_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_bundle_file.c_str());
  if (r.client_certificate) {
    // libcurl copies the blob and the password, so the transfer does not depend on the request's
    // lifetime. Connections are only reused for a request with the same client certificate.
    curl_blob blob{const_cast<char*>(r.client_certificate->pkcs12.data()), r.client_certificate->pkcs12.size(),
                   CURL_BLOB_COPY};
    if (curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &blob) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "P12") != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_KEYPASSWD, r.client_certificate->password.c_str()) != CURLE_OK) {
      return Error(http_errc::kInvalidRequest, "libcurl cannot use a client certificate (built without TLS blobs)");
    }
  }

  // The method: GET and HEAD through their own options so redirects keep working as curl
  // intends; the rest as a custom verb. A body is attached for POST/PUT/PATCH (even when empty,
  // so Content-Length: 0 goes out) and for any other method that has one.
  bool send_body = !r.body.empty() || IsMethod(r, "POST") || IsMethod(r, "PUT") || IsMethod(r, "PATCH");
  if (IsMethod(r, "HEAD")) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (IsMethod(r, "POST")) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
  } else if (!IsMethod(r, "GET") || send_body) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  if (send_body && !IsMethod(r, "HEAD")) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
  }

  bool has_content_type = false;
  for (const HttpHeader& h : r.headers) {
    std::string line = h.name + (h.value.empty() ? ";" : ": " + h.value);  // "X;" sends "X:" empty
    has_content_type |= strcasecmp(h.name.c_str(), "Content-Type") == 0;
    t.header_list = curl_slist_append(t.header_list, line.c_str());
  }
  t.header_list = curl_slist_append(t.header_list, "Expect:");
  // POSTFIELDS would otherwise add Content-Type: application/x-www-form-urlencoded.
  if (!has_content_type) t.header_list = curl_slist_append(t.header_list, "Content-Type:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  return Ok();
}

void CurlHttpClient::State::Start(std::unique_ptr<Transfer> t) {
  HttpRequestId id = t->id;
  auto setup = Setup(*t);
  if (!setup) {
    auto done = std::move(t->done);
    t.reset();
    done(setup.error());
    return;
  }
  if (curl_multi_add_handle(multi, t->easy) != CURLM_OK) {
    auto done = std::move(t->done);
    t.reset();
    done(Error(http_errc::kInvalidRequest, "libcurl could not start the transfer"));
    return;
  }
  active.emplace(id, std::move(t));
}

void CurlHttpClient::State::Finish(HttpRequestId id, Result<HttpResponse> result) {
  auto it = active.find(id);
  if (it == active.end()) return;
  std::unique_ptr<Transfer> t = std::move(it->second);
  active.erase(it);
  curl_multi_remove_handle(multi, t->easy);
  auto done = std::move(t->done);
  t.reset();
  done(std::move(result));
}

void CurlHttpClient::State::Loop() {
  for (;;) {
    std::vector<std::unique_ptr<Transfer>> starting;
    std::vector<HttpRequestId> cancelling;
    bool stopping;
    {
      std::lock_guard<std::mutex> lock(mu);
      starting.swap(pending);
      cancelling.swap(cancels);
      stopping = stop;
    }
    for (auto& t : starting) Start(std::move(t));
    for (HttpRequestId id : cancelling) {
      Finish(id, Error(http_errc::kCancelled, "the request was cancelled"));
    }
    if (stopping) break;

    int running = 0;
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      CURLcode rc = msg->data.result;
      if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        t->response.status = static_cast<int>(status);
        Finish(t->id, std::move(t->response));
      } else {
        Finish(t->id, TransportError(rc, *t));
      }
    }
    curl_multi_poll(multi, nullptr, 0, kPollTimeoutMillis, nullptr);
  }
  // Shutdown: everything still in flight ends as cancelled.
  std::vector<HttpRequestId> ids;
  for (const auto& [id, t] : active) ids.push_back(id);
  for (HttpRequestId id : ids) {
    Finish(id, Error(http_errc::kCancelled, "the HTTP client is shutting down"));
  }
}

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options) : state_(std::make_shared<State>()) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  state_->options = options;
  state_->multi = curl_multi_init();
  // The thread shares ownership of the state: see the destructor.
  state_->thread = std::thread([s = state_] { s->Loop(); });
}

CurlHttpClient::~CurlHttpClient() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
  }
  curl_multi_wakeup(state_->multi);
  // A callback that drops the last reference to the client destroys it on the transfer thread
  // itself, which cannot join itself: it detaches, finishes the loop (cancelling what is left)
  // and frees the state when its own reference goes.
  if (state_->thread.get_id() == std::this_thread::get_id()) {
    state_->thread.detach();
  } else {
    state_->thread.join();
  }
}

HttpRequestId CurlHttpClient::Send(HttpRequest request, HttpCallback done) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  t->max_body_bytes = state_->options.max_response_bytes;
  HttpRequestId id;
  bool rejected = false;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    id = state_->next_id++;
    t->id = id;
    if (state_->stop) {
      rejected = true;
    } else {
      state_->pending.push_back(std::move(t));
    }
  }
  if (rejected) {
    t->done(Error(http_errc::kCancelled, "the HTTP client is shutting down"));
    return id;
  }
  curl_multi_wakeup(state_->multi);
  return id;
}

void CurlHttpClient::Cancel(HttpRequestId id) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->stop) return;
    state_->cancels.push_back(id);
  }
  curl_multi_wakeup(state_->multi);
}

}  // namespace runnel::connectors

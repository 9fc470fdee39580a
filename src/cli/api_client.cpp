// SendHttp on libcurl's easy interface, and the management-API conveniences over it.
#include "cli/api_client.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <boost/json/value.hpp>
#include <fstream>
#include <memory>
#include <mutex>

#include "json/parse.h"

namespace runnel::cli {

namespace {

constexpr const char* kUserAgent = "runnel-cli/0.1.0";
constexpr size_t kErrorBodyExcerpt = 200;  // characters of a non-JSON error body we show

struct Transfer {
  const HttpCall* call = nullptr;
  const BodySink* sink = nullptr;
  CURL* easy = nullptr;
  HttpReply reply;
  bool too_large = false;
  bool stopped_by_sink = false;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

struct EasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  bool to_sink = t->sink && *t->sink && status >= 200 && status < 300;
  if (to_sink) {
    if (!(*t->sink)(std::string_view(data, n))) {
      t->stopped_by_sink = true;
      return 0;  // curl ends the transfer with CURLE_WRITE_ERROR, which we then ignore
    }
    return n;
  }
  if (t->reply.body.size() + n > kMaxReplyBytes) {
    t->too_large = true;
    return 0;
  }
  t->reply.body.append(data, n);
  return n;
}

// One call per header line, status lines included; a status line starts a new response (after
// an interim 1xx), so only the final response's headers are kept.
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t->reply.headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (Trim(line).empty() || colon == std::string_view::npos) return n;
  t->reply.headers.push_back(
      HttpHeader{std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
  return n;
}

std::string Seconds(std::chrono::milliseconds ms) {
  auto tenths = ms.count() / 100;
  std::string s = std::to_string(tenths / 10);
  if (tenths % 10) s += "." + std::to_string(tenths % 10);
  return s + " s";
}

Error TransportError(CURLcode rc, const Transfer& t) {
  const HttpCall& call = *t.call;
  std::string detail = t.error_buffer[0] ? t.error_buffer : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Error(client_errc::kUnreachable, "cannot connect to " + call.url + ": " + detail);
    case CURLE_OPERATION_TIMEDOUT: {
      // Not connected within kConnectTimeout is an unreachable server; a whole-request limit
      // shorter than that is the caller's deadline, whatever phase it caught.
      curl_off_t connected_after = 0;
      curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connected_after);
      bool connect_limited = call.timeout.count() == 0 || call.timeout > kConnectTimeout;
      if (connected_after == 0 && connect_limited) {
        return Error(client_errc::kUnreachable,
                     "cannot connect to " + call.url + ": no connection within " + Seconds(kConnectTimeout));
      }
      return Error(client_errc::kTimeout,
                   "no answer from " + call.url + " within " + Seconds(call.timeout) + " (" + detail + ")");
    }
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error(client_errc::kInvalidUrl, "'" + call.url + "' is not a usable http(s) URL (" + detail + ")");
    default:
      if (t.too_large) {
        return Error(client_errc::kTransferFailed,
                     "the answer from " + call.url + " is larger than " + std::to_string(kMaxReplyBytes) + " bytes");
      }
      return Error(client_errc::kTransferFailed, call.method + " " + call.url + " failed: " + detail);
  }
}

bool SendsBody(const HttpCall& c) {
  return !c.body.empty() || c.method == "POST" || c.method == "PUT" || c.method == "PATCH";
}

}  // namespace

Result<HttpReply> SendHttp(const HttpCall& call, const BodySink& sink) {
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return Error(client_errc::kTransferFailed, "libcurl could not create a transfer");
  Transfer t;
  t.call = &call;
  t.sink = &sink;
  t.easy = easy.get();
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  if (curl_easy_setopt(e, CURLOPT_URL, call.url.c_str()) != CURLE_OK) {
    return Error(client_errc::kInvalidUrl, "'" + call.url + "' is not a usable http(s) URL");
  }
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(kConnectTimeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);

  // GET and HEAD through their own options, the rest as a custom verb; a body for POST/PUT/PATCH
  // even when empty, so that Content-Length: 0 goes out.
  if (call.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (call.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
  } else if (call.method != "GET" || SendsBody(call)) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
  if (SendsBody(call) && call.method != "HEAD") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, call.body.data());
  }

  curl_slist* raw_list = nullptr;
  bool has_content_type = false;
  for (const HttpHeader& h : call.headers) {
    std::string line = h.name + (h.value.empty() ? ";" : ": " + h.value);  // "X;" sends "X:" empty
    has_content_type |= strcasecmp(h.name.c_str(), "Content-Type") == 0;
    raw_list = curl_slist_append(raw_list, line.c_str());
  }
  raw_list = curl_slist_append(raw_list, "Expect:");
  // POSTFIELDS would otherwise add Content-Type: application/x-www-form-urlencoded.
  if (!has_content_type) raw_list = curl_slist_append(raw_list, "Content-Type:");
  std::unique_ptr<curl_slist, SlistDeleter> header_list(raw_list);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list.get());

  CURLcode rc = curl_easy_perform(e);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && t.stopped_by_sink)) return TransportError(rc, t);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  t.reply.status = static_cast<int>(status);
  return std::move(t.reply);
}

std::string HttpReply::Header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (h.name.size() == name.size() && strncasecmp(h.name.data(), name.data(), name.size()) == 0) return h.value;
  }
  return "";
}

std::optional<Error> ParseApiError(std::string_view body) {
  auto parsed = json::Parse(body);
  if (!parsed) return std::nullopt;
  const auto* root = parsed.value().if_object();
  const auto* error = root ? root->if_contains("error") : nullptr;
  const auto* fields = error ? error->if_object() : nullptr;
  const auto* code = fields ? fields->if_contains("code") : nullptr;
  const auto* message = fields ? fields->if_contains("message") : nullptr;
  if (!code || !code->is_string()) return std::nullopt;
  return Error(std::string(code->get_string()),
               message && message->is_string() ? std::string(message->get_string()) : "");
}

Error ServerError(const HttpReply& reply) {
  if (auto e = ParseApiError(reply.body)) return *e;
  size_t cut = std::min(reply.body.size(), kErrorBodyExcerpt);
  while (cut < reply.body.size() && cut > 0 && (static_cast<unsigned char>(reply.body[cut]) & 0xC0) == 0x80) --cut;
  std::string excerpt(Trim(std::string_view(reply.body).substr(0, cut)));
  if (cut < reply.body.size()) excerpt += "…";
  return Error("HTTP " + std::to_string(reply.status), excerpt.empty() ? "(no body)" : excerpt);
}

std::string EncodeComponent(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Result<ApiClient> ApiClient::Create(const ClientSettings& settings) {
  ApiClient client;
  std::string url = settings.server.empty() ? kDefaultServer : settings.server;
  if (url.find("://") == std::string::npos) url = "http://" + url;
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return Error(client_errc::kInvalidUrl, "the server '" + url + "' is not an http:// or https:// URL");
  }
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  client.base_url_ = url;

  if (!settings.token.empty()) {
    client.token_ = settings.token;
    client.token_source_ = "--token or RUNNEL_TOKEN";
    return client;
  }
  std::string dir = settings.data_dir.empty() ? kDefaultDataDir : settings.data_dir;
  std::string file = dir + "/" + kTokenFileName;
  client.token_source_ = file;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  if (in && std::getline(in, line)) client.token_ = std::string(Trim(line));
  return client;
}

HttpCall ApiClient::MakeCall(std::string_view method, std::string_view path) const {
  HttpCall call;
  call.method = std::string(method);
  call.url = base_url_ + std::string(path);
  if (!token_.empty()) call.headers.push_back({"Authorization", "Bearer " + token_});
  return call;
}

Error ApiClient::Unreachable(Error e) const {
  if (e.code == client_errc::kUnreachable) {
    e.message += ". Is the Runnel server running? Start it with `runnel serve`, or point --server (or "
                 "RUNNEL_SERVER) at it.";
  }
  return e;
}

Result<HttpReply> ApiClient::Call(std::string_view method, std::string_view path, std::string body,
                                  std::string_view content_type, std::chrono::milliseconds timeout) const {
  HttpCall call = MakeCall(method, path);
  call.headers.push_back({"Accept", "application/json"});
  if (!content_type.empty()) call.headers.push_back({"Content-Type", std::string(content_type)});
  call.body = std::move(body);
  call.timeout = timeout;
  auto reply = SendHttp(call);
  if (!reply) return Unreachable(std::move(reply).error());
  return reply;
}

Result<HttpReply> ApiClient::Stream(std::string_view path, std::string_view accept, const BodySink& sink,
                                    std::chrono::milliseconds timeout) const {
  HttpCall call = MakeCall("GET", path);
  call.headers.push_back({"Accept", std::string(accept)});
  call.timeout = timeout;
  auto reply = SendHttp(call, sink);
  if (!reply) return Unreachable(std::move(reply).error());
  return reply;
}

Result<std::string> ApiClient::PathOf(std::string_view link) const {
  if (link.starts_with("/")) return std::string(link);
  std::string_view base = base_url_;
  if (link.starts_with(base) && (link.size() == base.size() || link[base.size()] == '/' || link[base.size()] == '?')) {
    std::string rest(link.substr(base.size()));
    return rest.empty() || rest.front() != '/' ? "/" + rest : rest;
  }
  return Error(client_errc::kInvalidUrl,
               "the server linked to '" + std::string(link) + "', which is not under " + base_url_);
}

}  // namespace runnel::cli

#include "http_client.h"

#include <curl/curl.h>

#include <boost/json/parse.hpp>
#include <memory>
#include <mutex>

namespace runnel::testing {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

struct Transfer {
  const HttpCall* call;
  HttpAnswer* answer;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view piece(data, size * n);
  t->answer->body.append(piece);
  if (t->call->on_data && !t->call->on_data(piece)) return 0;  // stops the transfer
  return piece.size();
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.substr(0, 5) == "HTTP/") {
    t->answer->headers.clear();  // a new (final or interim) answer starts
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    t->answer->headers.emplace_back(std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
  }
  return line.size();
}

struct EasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string HttpAnswer::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

bool HttpAnswer::HasHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return true;
  }
  return false;
}

boost::json::value HttpAnswer::Json() const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

HttpAnswer Send(const HttpCall& call) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpAnswer answer;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  CURL* e = easy.get();
  char error[CURL_ERROR_SIZE] = {};
  Transfer t{&call, &answer};
  curl_easy_setopt(e, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  bool with_body = !call.body.empty() || call.method == "POST" || call.method == "PUT";
  if (with_body) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, call.body.data());
  }
  if (call.method != "GET" && call.method != "POST") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  } else if (call.method == "GET" && with_body) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "GET");
  }
  std::unique_ptr<curl_slist, ListDeleter> headers;
  bool expect_set = false;
  for (const auto& h : call.headers) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
    expect_set = expect_set || EqualsIgnoreCase(std::string_view(h).substr(0, 7), "Expect:");
  }
  // No "Expect: 100-continue" unless a test asks: every request is sent the same way.
  if (!expect_set) headers.reset(curl_slist_append(headers.release(), "Expect:"));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());

  CURLcode rc = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &answer.status);
  // A stream the caller stopped (on_data returned false) or that hit the timeout keeps the
  // status and what arrived; `error` says why it ended early.
  if (rc != CURLE_OK) answer.error = error[0] ? error : curl_easy_strerror(rc);
  return answer;
}

HttpAnswer Get(const std::string& url, std::vector<std::string> headers) {
  HttpCall call;
  call.url = url;
  call.headers = std::move(headers);
  return Send(call);
}

HttpAnswer PostJson(const std::string& url, const std::string& json, std::vector<std::string> headers) {
  HttpCall call;
  call.method = "POST";
  call.url = url;
  call.body = json;
  bool typed = false;
  for (const auto& h : headers) typed = typed || EqualsIgnoreCase(std::string_view(h).substr(0, 13), "Content-Type:");
  if (!typed) headers.push_back("Content-Type: application/json");
  call.headers = std::move(headers);
  return Send(call);
}

}  // namespace runnel::testing

// A small blocking HTTP/1.1 client for the server tests (libcurl easy, one connection per
// call). Failures to connect or to read an answer are values (status 0 and `error`), so a test
// can assert on them like on any answer.
//
// Thread rule: every function may be called from any thread; nothing is shared between calls.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runnel::testing {

struct HttpAnswer {
  long status = 0;    // 0: no answer (see `error`)
  std::string error;  // why there is no answer
  std::vector<std::pair<std::string, std::string>> headers;  // of the final answer, in order
  std::string body;

  // The first value of header `name` (case-insensitive), or "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
  // The body parsed as JSON; null when it is not JSON.
  boost::json::value Json() const;
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::string body;                  // sent when not empty (or when the method is POST/PUT)
  std::vector<std::string> headers;  // "Name: value"
  std::chrono::milliseconds timeout{10000};
  // Streaming (Server-Sent Events): called with each piece of the body as it arrives, in
  // addition to collecting it into `body`; returning false stops the transfer.
  std::function<bool(std::string_view)> on_data;
};

HttpAnswer Send(const HttpCall& call);

HttpAnswer Get(const std::string& url, std::vector<std::string> headers = {});
// A POST with a JSON body (Content-Type: application/json unless `headers` set one).
HttpAnswer PostJson(const std::string& url, const std::string& json, std::vector<std::string> headers = {});

}  // namespace runnel::testing

// The request and response as the server's handlers see them: plain structs, no Beast, so
// that only http_server.cpp compiles Beast's templates.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runnel::server {

class IoThread;

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string path;     // percent-encoded, without the query
  std::string query;    // without the '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peer;     // "127.0.0.1:5555"

  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse Json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  // {"error":{"code","message"}} — the one error shape of every endpoint.
  static HttpResponse Error(int status, std::string_view code, std::string_view message);
};

// How a handler answers. Send() may be called from any thread, exactly once; a handler that
// streams (Server-Sent Events) calls StartStream() once, then Write() any number of times, then
// End(). After the client went away every call is a no-op.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void Send(HttpResponse response) = 0;
  virtual void StartStream(HttpResponse head) = 0;
  virtual void Write(std::string chunk) = 0;
  virtual void End() = 0;
  // False once the connection closed (the client gave up).
  virtual bool open() const = 0;
  // Called (on the connection's thread) when the connection closes before End()/Send().
  virtual void OnClose(std::function<void()> fn) = 0;
};

// The server's request handler: called on the connection's thread.
using RequestHandler =
    std::function<void(HttpRequest&& request, std::shared_ptr<Responder> responder, IoThread& thread)>;

// "200 OK", "404 Not Found", ...
std::string_view StatusText(int status);

}  // namespace runnel::server

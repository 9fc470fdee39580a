// The only file that compiles Boost.Beast (with io_thread.cpp the only ones with Asio's
// sockets): keep it that way so a rebuild after a change elsewhere stays quick.
#include "server/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <ctime>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "json/lookup.h"

namespace runnel::server {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

const std::string* HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (json::EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

std::string_view StatusText(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

namespace {

int64_t SteadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string HttpDate() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

class Connection;

// What each thread keeps: its acceptor, its connections (for the sweep and CloseAll), the
// Date header of the current second.
struct ThreadState {
  IoThread* thread = nullptr;
  std::optional<tcp::acceptor> acceptor;
  // A connection's last reference may be dropped on any thread (a handler that answered from
  // another one still held it), so it unregisters itself under the lock. The weak reference
  // keeps the connection's memory (make_shared) until the entry is gone: its address cannot be
  // reused by a new connection while the old one is listed.
  std::mutex mu;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
  std::optional<asio::steady_timer> sweep;
  std::string date = HttpDate();

  // The listed connections still alive, as strong references: taken under the lock, used
  // after it (closing one may release another).
  std::vector<std::shared_ptr<Connection>> Live();
};

struct Shared {
  HttpLimits limits;
  RequestHandler handler;
  std::atomic<size_t> open{0};
};

class Connection final : public Responder, public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, ThreadState& ts, Shared& shared)
      : socket_(std::move(socket)), ts_(ts), shared_(shared) {
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) peer_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    socket_.set_option(tcp::no_delay(true), ec);
    socket_.non_blocking(true, ec);  // WriteResponse tries a write without waiting
    shared_.open.fetch_add(1, std::memory_order_relaxed);
  }
  ~Connection() override {
    {
      std::lock_guard lock(ts_.mu);
      ts_.connections.erase(this);
    }
    shared_.open.fetch_sub(1, std::memory_order_relaxed);
  }

  void Start() {
    {
      std::lock_guard lock(ts_.mu);
      ts_.connections[this] = weak_from_this();
    }
    ReadRequest();
  }

  // Closes the socket; pending operations complete with an error and release the connection.
  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    if (on_close_) {
      auto fn = std::move(on_close_);
      on_close_ = nullptr;
      fn();
    }
  }

  // Called by the sweep: past its deadline, and not waiting for a handler's answer.
  void CloseIfExpired(int64_t now_seconds) {
    if (deadline_ && now_seconds >= deadline_) Close();
  }

  // Responder
  void Send(HttpResponse response) override {
    if (!ts_.thread->InThisThread()) {
      asio::post(socket_.get_executor(), [self = shared_from_this(), r = std::move(response)]() mutable {
        self->Send(std::move(r));
      });
      return;
    }
    if (closed_ || answered_) return;
    answered_ = true;
    FormatHead(response, /*stream=*/false);
    body_ = std::move(response.body);
    WriteResponse();
  }

  void StartStream(HttpResponse head) override {
    if (!ts_.thread->InThisThread()) {
      asio::post(socket_.get_executor(), [self = shared_from_this(), h = std::move(head)]() mutable {
        self->StartStream(std::move(h));
      });
      return;
    }
    if (closed_ || answered_) return;
    answered_ = true;
    streaming_ = true;
    keep_alive_ = false;
    FormatHead(head, /*stream=*/true);
    Queue(std::move(head_));
  }

  void Write(std::string chunk) override {
    if (!ts_.thread->InThisThread()) {
      asio::post(socket_.get_executor(), [self = shared_from_this(), c = std::move(chunk)]() mutable {
        self->Write(std::move(c));
      });
      return;
    }
    if (closed_ || !streaming_) return;
    Queue(std::move(chunk));
  }

  void End() override {
    if (!ts_.thread->InThisThread()) {
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->End(); });
      return;
    }
    if (closed_ || !streaming_) return;
    ending_ = true;
    if (!writing_) Close();
  }

  bool open() const override { return !closed_; }
  void OnClose(std::function<void()> fn) override { on_close_ = std::move(fn); }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->body_limit(shared_.limits.max_body_bytes);
    parser_->header_limit(shared_.limits.max_header_bytes);
    deadline_ = SteadySeconds() + shared_.limits.idle_timeout_seconds;
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](boost::system::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(boost::system::error_code ec) {
    if (ec) return OnReadError(ec);
    deadline_ = SteadySeconds() + shared_.limits.request_timeout_seconds;
    if (parser_->is_done()) return OnRequest();
    // curl and others wait for "100 Continue" before sending a large body.
    auto expect = parser_->get().find(http::field::expect);
    if (expect != parser_->get().end() && json::EqualsIgnoreCase(expect->value(), "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(socket_, asio::buffer(kContinue),
                        [self = shared_from_this()](boost::system::error_code ec, size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    // A small body usually arrives in the same segment as the head, so it is in the buffer
    // already: parse it now rather than through another read, which would only complete on the
    // next turn of the event loop.
    boost::system::error_code put_ec;
    while (!parser_->is_done() && buffer_.size() > 0) {
      size_t used = parser_->put(buffer_.data(), put_ec);
      buffer_.consume(used);
      if (put_ec == http::error::need_more) put_ec = {};
      if (put_ec || used == 0) break;
    }
    if (put_ec) return OnReadError(put_ec);
    if (parser_->is_done()) return OnRequest();
    ReadBody();
  }

  void ReadBody() {
    http::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](boost::system::error_code ec, size_t) {
      if (ec) return self->OnReadError(ec);
      self->OnRequest();
    });
  }

  void OnReadError(boost::system::error_code ec) {
    if (closed_) return;
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      return Close();
    }
    keep_alive_ = false;
    answered_ = false;
    if (ec == http::error::body_limit) {
      return Send(HttpResponse::Error(413, "RequestTooLarge",
                                      "the request body is larger than the server's limit of " +
                                          std::to_string(shared_.limits.max_body_bytes) +
                                          " bytes (limits.max_body_bytes)"));
    }
    if (ec == http::error::header_limit) {
      return Send(HttpResponse::Error(431, "RequestHeadersTooLarge",
                                      "the request line and headers are larger than the server's limit of " +
                                          std::to_string(shared_.limits.max_header_bytes) +
                                          " bytes (limits.max_header_bytes)"));
    }
    Send(HttpResponse::Error(400, "BadRequest", "the request is not valid HTTP/1.1: " + ec.message()));
  }

  void OnRequest() {
    deadline_ = 0;  // the handler decides how long an answer may take
    // Reset here, not when the read starts: an answer may be written (and the next read
    // started) while its handler is still on the stack, and a second Send from it must stay a
    // no-op.
    answered_ = false;
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    std::string_view target = msg.target();
    size_t q = target.find('?');
    req.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    req.headers.reserve(8);
    for (const auto& field : msg) req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    req.body = std::move(msg.body());
    req.peer = peer_;
    shared_.handler(std::move(req), shared_from_this(), *ts_.thread);
  }

  void FormatHead(const HttpResponse& r, bool stream) {
    head_.clear();
    head_ += "HTTP/1.1 ";
    head_ += std::to_string(r.status);
    head_ += ' ';
    head_ += StatusText(r.status);
    head_ += "\r\nServer: Runnel\r\nDate: ";
    head_ += ts_.date;
    if (!r.content_type.empty()) {
      head_ += "\r\nContent-Type: ";
      head_ += r.content_type;
    }
    if (!stream) {
      head_ += "\r\nContent-Length: ";
      head_ += std::to_string(r.body.size());
    }
    for (const auto& [k, v] : r.headers) {
      head_ += "\r\n";
      head_ += k;
      head_ += ": ";
      head_ += v;
    }
    if (!keep_alive_) head_ += "\r\nConnection: close";
    head_ += "\r\n\r\n";
  }

  void WriteResponse() {
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    size_t sent = 0;
    if (keep_alive_) {
      // Most answers fit the socket's send buffer: write them now, and read the next request
      // without a turn of the event loop for the write's completion. A socket that takes only
      // part (or nothing) gets the rest written asynchronously.
      boost::system::error_code ec;
      sent = socket_.write_some(buffers, ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return Close();
      if (sent == head_.size() + body_.size()) {
        body_.clear();
        return ReadRequest();
      }
    }
    if (sent > 0) {
      buffers = {sent < head_.size() ? asio::buffer(head_) + sent : asio::const_buffer(),
                 asio::buffer(body_) + (sent > head_.size() ? sent - head_.size() : 0)};
    }
    asio::async_write(socket_, buffers, [self = shared_from_this()](boost::system::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->body_.clear();
      self->ReadRequest();
    });
  }

  // Streaming writes, one at a time.
  void Queue(std::string chunk) {
    pending_.push_back(std::move(chunk));
    if (!writing_) WriteNext();
  }
  void WriteNext() {
    if (pending_.empty()) {
      writing_ = false;
      if (ending_) Close();
      return;
    }
    writing_ = true;
    asio::async_write(socket_, asio::buffer(pending_.front()),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (ec) return self->Close();
                        self->pending_.pop_front();
                        self->WriteNext();
                      });
  }

  tcp::socket socket_;
  ThreadState& ts_;
  Shared& shared_;
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string head_;
  std::string body_;
  std::deque<std::string> pending_;
  std::function<void()> on_close_;
  int64_t deadline_ = 0;
  bool keep_alive_ = true;
  bool answered_ = false;
  bool streaming_ = false;
  bool writing_ = false;
  bool ending_ = false;
  bool closed_ = false;
};

}  // namespace

HttpResponse HttpResponse::Error(int status, std::string_view code, std::string_view message) {
  std::string body = "{\"error\":{\"code\":";
  auto quote = [&body](std::string_view s) {
    body += '"';
    for (char c : s) {
      switch (c) {
        case '"': body += "\\\""; break;
        case '\\': body += "\\\\"; break;
        case '\n': body += "\\n"; break;
        case '\r': body += "\\r"; break;
        case '\t': body += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            body += buf;
          } else {
            body += c;
          }
      }
    }
    body += '"';
  };
  quote(code);
  body += ",\"message\":";
  quote(message);
  body += "}}";
  return Json(status, std::move(body));
}

std::vector<std::shared_ptr<Connection>> ThreadState::Live() {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard lock(mu);
  live.reserve(connections.size());
  for (auto& [ptr, weak] : connections) {
    if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  return live;
}

struct HttpServer::Impl {
  Shared shared;
  std::vector<std::unique_ptr<ThreadState>> threads;
  uint16_t port = 0;

  void Accept(ThreadState& ts) {
    ts.acceptor->async_accept([this, &ts](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !ts.acceptor->is_open()) return;
      if (!ec) std::make_shared<Connection>(std::move(socket), ts, shared)->Start();
      Accept(ts);
    });
  }

  void Sweep(ThreadState& ts) {
    ts.sweep->expires_after(std::chrono::seconds(1));
    ts.sweep->async_wait([this, &ts](boost::system::error_code ec) {
      if (ec) return;
      ts.date = HttpDate();
      int64_t now = SteadySeconds();
      for (auto& c : ts.Live()) c->CloseIfExpired(now);
      Sweep(ts);
    });
  }
};

HttpServer::HttpServer(std::vector<IoThread*> threads, HttpLimits limits, RequestHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->shared.limits = limits;
  impl_->shared.handler = std::move(handler);
  for (IoThread* t : threads) {
    auto ts = std::make_unique<ThreadState>();
    ts->thread = t;
    impl_->threads.push_back(std::move(ts));
  }
}

HttpServer::~HttpServer() = default;

Status HttpServer::Listen(const std::string& host, uint16_t port) {
  RUNNEL_TRY_STATUS(Bind(host, port));
  StartAccepting();
  return Ok();
}

Status HttpServer::Bind(const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Error("InvalidListenAddress", "'" + host + "' is not an IP address (use e.g. 127.0.0.1 or 0.0.0.0)");
  for (auto& ts : impl_->threads) {
    tcp::endpoint ep(address, port);
    ts->acceptor.emplace(ts->thread->context());
    auto& a = *ts->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) {
      int one = 1;
      ::setsockopt(a.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
      a.bind(ep, ec);
    }
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Error("ListenFailed", "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message() +
                                       " (is another server using the port?)");
    }
    port = a.local_endpoint().port();  // the other threads bind the port the first one got
    impl_->port = port;
  }
  return Ok();
}

void HttpServer::StartAccepting() {
  for (auto& ts : impl_->threads) {
    ThreadState* state = ts.get();
    asio::post(state->thread->context(), [this, state] {
      state->sweep.emplace(state->thread->context());
      impl_->Accept(*state);
      impl_->Sweep(*state);
    });
  }
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::StopAccepting() {
  for (auto& ts : impl_->threads) {
    ThreadState* state = ts.get();
    std::promise<void> done;
    asio::post(state->thread->context(), [state, &done] {
      boost::system::error_code ec;
      if (state->acceptor) state->acceptor->close(ec);
      done.set_value();
    });
    done.get_future().wait();
  }
}

void HttpServer::CloseAll() {
  for (auto& ts : impl_->threads) {
    ThreadState* state = ts.get();
    std::promise<void> done;
    asio::post(state->thread->context(), [state, &done] {
      for (auto& c : state->Live()) c->Close();
      if (state->sweep) state->sweep->cancel();
      done.set_value();
    });
    done.get_future().wait();
  }
}

size_t HttpServer::open_connections() const { return impl_->shared.open.load(std::memory_order_relaxed); }

}  // namespace runnel::server

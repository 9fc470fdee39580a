// How the server reads a request and writes its answer on one connection (http_server.cpp): a
// body that came with its head is parsed at once, one that comes later is read; an answer the
// socket does not take at once is finished asynchronously; requests sent back to back on a
// keep-alive connection are answered in order.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "server_fixture.h"

namespace runnel::testing {
namespace {

// A plain TCP connection to the server, for exchanges libcurl would not make (pipelining, a
// body sent only after "100 Continue").
class RawConnection {
 public:
  explicit RawConnection(const std::string& base_url) {
    int port = std::stoi(base_url.substr(base_url.rfind(':') + 1));
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads until `received()` contains `needle` `count` times, the peer closes, or the deadline
  // passes; returns whether it got them.
  bool ReadUntil(const std::string& needle, int count) {
    auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (Count(needle) < count) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      received_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  const std::string& received() const { return received_; }

 private:
  int Count(const std::string& needle) const {
    int n = 0;
    for (size_t at = received_.find(needle); at != std::string::npos; at = received_.find(needle, at + 1)) ++n;
    return n;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string received_;
};

// "POST /api/echo/...?... HTTP/1.1" with `body`, and `extra` header lines (each ending in CRLF).
std::string Request(const std::string& target, const std::string& body, const std::string& extra = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

class HttpExchangeTest : public ServerTest {
 protected:
  void StartEcho() {
    WriteFlow("echo", Workflow(kEchoFlow, "Stateless"));
    StartServer();
    std::string url = CallbackUrl("echo");
    target_ = url.substr(server().base_url().size());
  }
  std::string target_;
};

// Far more than a loopback socket's send buffer: the first write takes part of it, the rest is
// written when the socket has room.
TEST_F(HttpExchangeTest, AnswerLargerThanTheSocketTakesAtOnceArrivesWhole) {
  StartEcho();
  std::string text(16u << 20, 'x');
  HttpAnswer a = PostJson(CallbackUrl("echo"), "\"" + text + "\"");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body.size(), text.size());
  EXPECT_EQ(a.body, text);
}

TEST_F(HttpExchangeTest, RequestsSentBackToBackAreAnsweredInOrder) {
  StartEcho();
  RawConnection c(server().base_url());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Request(target_, R"({"n":1})") + Request(target_, R"({"n":2})") + Request(target_, R"({"n":3})")));
  ASSERT_TRUE(c.ReadUntil("HTTP/1.1 200 OK", 3)) << c.received();
  ASSERT_TRUE(c.ReadUntil(R"({"n":3})", 1)) << c.received();
  size_t first = c.received().find(R"({"n":1})");
  size_t second = c.received().find(R"({"n":2})");
  size_t third = c.received().find(R"({"n":3})");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

// The body is sent only once the server asked for it, so it cannot have come with the head.
TEST_F(HttpExchangeTest, BodySentAfterContinueIsReadAndTheConnectionServesTheNextRequest) {
  StartEcho();
  RawConnection c(server().base_url());
  ASSERT_TRUE(c.connected());
  std::string body = R"({"later":true})";
  std::string head = Request(target_, body, "Expect: 100-continue\r\n");
  head.resize(head.size() - body.size());
  ASSERT_TRUE(c.Send(head));
  ASSERT_TRUE(c.ReadUntil("HTTP/1.1 100 Continue\r\n\r\n", 1)) << c.received();
  ASSERT_TRUE(c.Send(body));
  ASSERT_TRUE(c.ReadUntil(body, 1)) << c.received();
  EXPECT_NE(c.received().find("HTTP/1.1 200 OK"), std::string::npos) << c.received();

  ASSERT_TRUE(c.Send(Request(target_, R"({"again":1})")));
  ASSERT_TRUE(c.ReadUntil(R"({"again":1})", 1)) << c.received();
}

}  // namespace
}  // namespace runnel::testing

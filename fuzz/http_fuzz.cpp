// Fuzzes the server's HTTP request handling end to end: a real `runnel serve` (in this process,
// one I/O thread, small limits) on loopback gets each input over a fresh connection and must
// answer or close it — never crash, leak, or leave the connection hanging.
//
// Random bytes rarely get past the request line and never past a signature, so the first byte
// chooses how the rest is sent:
//   0: as raw bytes (request line, headers, framing: Beast's parser and our limits);
//   1: as the JSON body of a POST to a correctly signed trigger URL (schema validation,
//      trigger conditions, the run, its Response);
//   2: as the relativePath part of that signed URL, then a body (path parameters, signatures);
//   3: as the path of a GET under /management/ with the token (the API's routing and paging);
//   4: as the path of a GET under /api/data/v9.2/ with the token (the table API's parsing).
// Only GETs reach the management and table APIs: a fuzzed deploy could schedule flows that call
// anywhere, and would make the server's state depend on the order of inputs.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "server/server.h"

namespace {

namespace fs = std::filesystem;

constexpr char kToken[] = "fuzz-token";

// Echoes a field of the body back; a relativePath parameter and a schema give the fuzzer more
// to reach.
constexpr char kEchoFlow[] = R"json({"definition": {
  "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {
    "method": "POST", "relativePath": "items/{id}",
    "schema": {"type": "object", "properties": {"n": {"type": "integer"}, "s": {"type": "string"}}}},
    "conditions": [{"expression": "@not(equals(triggerBody()?['s'], 'skip'))"}]}},
  "actions": {
    "Shape": {"type": "Compose", "runAfter": {},
              "inputs": {"id": "@triggerOutputs()?['relativePathParameters']?['id']", "n": "@triggerBody()?['n']",
                         "upper": "@toUpper(string(triggerBody()?['s']))"}},
    "Response": {"type": "Response", "kind": "Http", "runAfter": {"Shape": ["Succeeded"]},
                 "inputs": {"statusCode": 200, "body": "@outputs('Shape')"}}}},
  "kind": "Stateless"})json";

// A stateful flow without Response: callers get 202 and a status URL.
constexpr char kQueueFlow[] = R"json({"definition": {
  "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"splitOn": "@triggerBody()?['items']"}}},
  "actions": {"Count": {"type": "Compose", "runAfter": {}, "inputs": "@length(string(triggerBody()))"}}},
  "kind": "Stateful"})json";

uint16_t g_port = 0;
std::string g_echo_base;   // the echo trigger's signed URL up to its {id} segment: ".../invoke/items/"
std::string g_echo_query;  // and its signed query: "?api-version=...&sig=..."
std::string g_queue_path;  // the queue trigger's signed path and query

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "http_fuzz: %s\n", what.c_str());
  std::abort();
}

// Sends `bytes` on a new connection, half-closes it, and reads until the server closes. The
// server must close within the deadline (its own request timeout is 2 s).
std::string Exchange(std::string_view bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Fail("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(g_port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Fail("cannot connect to the server");
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (413, 431): that is an answer
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) Fail("the server neither answered nor closed the connection within 10 s");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  linger hard_close{1, 0};  // no TIME_WAIT: thousands of connections per run
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard_close, sizeof hard_close);
  ::close(fd);
  return answer;
}

std::string Request(std::string_view method, std::string_view target, std::string_view body, bool token) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: fuzz\r\n");
  if (token) r.append("Authorization: Bearer ").append(kToken).append("\r\n");
  r.append("Content-Type: application/json\r\nContent-Length: ").append(std::to_string(body.size()));
  r.append("\r\nConnection: close\r\n\r\n").append(body);
  return r;
}

// The path and query of a flow's callback URL, from the management API.
std::string CallbackPath(const std::string& flow) {
  std::string answer =
      Exchange(Request("POST", "/management/flows/" + flow + "/triggers/manual/listCallbackUrl", "", true));
  size_t at = answer.find("/api/" + flow + "/");
  if (answer.rfind("HTTP/1.1 200", 0) != 0 || at == std::string::npos) Fail("no callback URL: " + answer);
  size_t end = answer.find('"', at);
  return answer.substr(at, end - at);
}

void Write(const fs::path& file, std::string_view text) {
  std::ofstream out(file);
  out << text;
  if (!out) Fail("cannot write " + file.string());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string dir_template = (fs::temp_directory_path() / "runnel-http-fuzz-XXXXXX").string();
  if (!::mkdtemp(dir_template.data())) Fail("mkdtemp failed");
  fs::path dir(dir_template);
  fs::create_directories(dir / "flows");
  Write(dir / "flows" / "echo.json", kEchoFlow);
  Write(dir / "flows" / "queue.json", kQueueFlow);

  runnel::server::ServerConfig config;
  config.port = 0;
  config.threads = 1;
  config.data_dir = (dir / "data").string();
  config.flows_dir = (dir / "flows").string();
  config.token = kToken;
  config.manual_clock = true;  // no schedules fire, no Wait ends: inputs are independent
  config.http.max_body_bytes = 64 << 10;
  config.http.max_header_bytes = 8 << 10;
  config.http.request_timeout_seconds = 2;
  config.http.idle_timeout_seconds = 2;
  // Lives for the whole process: libFuzzer exits without unwinding.
  static auto* server = new runnel::server::Server(std::move(config));
  if (auto started = server->Start(); !started) Fail("the server did not start: " + started.error().ToString());
  g_port = server->port();
  std::string echo = CallbackPath("echo");
  size_t id = echo.find("{id}");
  if (id == std::string::npos) Fail("the echo URL has no {id} segment: " + echo);
  g_echo_base = echo.substr(0, id);
  g_echo_query = echo.substr(echo.find('?'));
  g_queue_path = CallbackPath("queue");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Modes 2-4 take a path from the first line of the rest and a body from what follows it.
  size_t newline = rest.find('\n');
  std::string_view line = rest.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  // Paths with spaces or line breaks are not a request line; keep them raw (mode 0 covers that).
  auto path_safe = [](std::string_view s) { return s.find_first_of(" \r\n") == std::string_view::npos; };
  switch (data[0] % 5) {
    case 0:
      Exchange(rest);
      break;
    case 1: {
      bool queue = (data[0] / 5) % 2;
      Exchange(Request("POST", queue ? g_queue_path : g_echo_base + "42" + g_echo_query, rest, false));
      break;
    }
    case 2:
      // The line replaces the {id} segment and may add more path, or a query of its own.
      if (path_safe(line)) Exchange(Request("POST", g_echo_base + std::string(line) + g_echo_query, body, false));
      break;
    case 3:
      if (path_safe(line)) Exchange(Request("GET", "/management/" + std::string(line), "", true));
      break;
    case 4:
      if (path_safe(line)) Exchange(Request("GET", "/api/data/v9.2/" + std::string(line), "", true));
      break;
  }
  return 0;
}

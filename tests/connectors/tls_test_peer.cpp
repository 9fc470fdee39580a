#include "tls_test_peer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "expr/codec.h"
#include "test_http_server.h"

extern char** environ;

namespace runnel::testing {

namespace {

bool CanConnect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TestCertificates::TestCertificates() {
  std::string pattern = (std::filesystem::temp_directory_path() / "runnel-tls-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data())) {
    error_ = "cannot create a temporary directory";
    return;
  }
  dir_ = buffer.data();
  const std::string d = "'" + dir_ + "/";
  const std::string pass = std::string("pass:") + kPfxPassword;
  ok_ = Run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "ca.key' -out " + d +
            "ca.pem' -days 2 -subj '/CN=Runnel Test CA'") &&
        Run("openssl req -newkey rsa:2048 -nodes -keyout " + d + "server.key' -out " + d +
            "server.csr' -subj '/CN=127.0.0.1'") &&
        Run("printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > " + d + "server.ext'") &&
        Run("openssl x509 -req -in " + d + "server.csr' -CA " + d + "ca.pem' -CAkey " + d +
            "ca.key' -CAcreateserial -out " + d + "server.pem' -days 2 -extfile " + d + "server.ext'") &&
        Run("openssl req -newkey rsa:2048 -nodes -keyout " + d + "client.key' -out " + d +
            "client.csr' -subj '/CN=runnel client'") &&
        Run("openssl x509 -req -in " + d + "client.csr' -CA " + d + "ca.pem' -CAkey " + d +
            "ca.key' -CAcreateserial -out " + d + "client.pem' -days 2") &&
        Run("openssl pkcs12 -export -in " + d + "client.pem' -inkey " + d + "client.key' -out " + d +
            "client.pfx' -passout " + pass) &&
        Run("openssl pkcs12 -export -legacy -in " + d + "client.pem' -inkey " + d + "client.key' -out " + d +
            "client-legacy.pfx' -passout " + pass);
  if (ok_) {
    pfx_base64 = expr::Base64Encode(ReadFile("client.pfx"));
    legacy_pfx_base64 = expr::Base64Encode(ReadFile("client-legacy.pfx"));
  }
}

TestCertificates::~TestCertificates() {
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

bool TestCertificates::Run(const std::string& command) {
  std::string full = command + " >/dev/null 2>&1";
  if (std::system(full.c_str()) != 0) {
    error_ = command;
    return false;
  }
  return true;
}

std::string TestCertificates::ReadFile(const std::string& name) const {
  std::ifstream in(Path(name), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TlsTestServer::TlsTestServer(const TestCertificates& certs) {
  port_ = TestHttpServer::UnusedPort();
  std::string accept = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> args = {"openssl", "s_server",   "-accept", accept, "-cert", certs.Path("server.pem"),
                                   "-key",    certs.Path("server.key"), "-CAfile", certs.Path("ca.pem"),
                                   "-Verify", "1",          "-www",    "-tls1_2", "-quiet"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);
  int rc = posix_spawnp(&pid_, "openssl", &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (rc != 0) {
    pid_ = -1;
    return;
  }
  // Ready once it accepts a TCP connection; polled (the process has no other signal) until a
  // deadline, and given up early if it exited.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (CanConnect(port_)) {
      ready_ = true;
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TlsTestServer::~TlsTestServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::string TlsTestServer::Url(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace runnel::testing

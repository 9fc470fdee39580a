#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace runnel::testing {
namespace {

constexpr std::string_view kListening = "runnel: listening on http://";

// Exit status as a shell shows it: the code, or 128 + the signal.
int StatusCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ServerProcess::ServerProcess(std::string binary, std::filesystem::path config_file)
    : binary_(std::move(binary)), config_file_(std::move(config_file)) {}

ServerProcess::~ServerProcess() {
  if (running()) Kill();
}

::testing::AssertionResult ServerProcess::Start(std::chrono::milliseconds deadline) {
  if (running()) return ::testing::AssertionFailure() << "the server is already running";
  int fds[2];
  // Close-on-exec: no other child may inherit the pipe, or EOF would wait for it too.
  if (::pipe2(fds, O_CLOEXEC) != 0) return ::testing::AssertionFailure() << "pipe2: " << std::strerror(errno);
  {
    std::lock_guard lock(mu_);
    output_.clear();
    eof_ = false;
  }
  std::string dir = config_file_.parent_path().string();
  std::string config = config_file_.string();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return ::testing::AssertionFailure() << "fork: " << std::strerror(errno);
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    const char* argv[] = {binary_.c_str(), "serve", "--config", config.c_str(), nullptr};
    ::execv(binary_.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(fds[1]);
  pid_ = pid;
  reader_ = std::thread([this, fd = fds[0]] { ReadOutput(fd); });

  std::string line;
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, deadline, [&] {
      size_t at = output_.find(kListening);
      return eof_ || (at != std::string::npos && output_.find('\n', at) != std::string::npos);
    });
    size_t at = output_.find(kListening);
    if (at != std::string::npos && output_.find('\n', at) != std::string::npos) {
      line = output_.substr(at + kListening.size(), output_.find('\n', at) - at - kListening.size());
    }
  }
  // line: "127.0.0.1:PORT (2 threads, data in ...)"
  std::string address = line.substr(0, line.find(' '));
  size_t colon = address.rfind(':');
  unsigned port = 0;
  if (colon != std::string::npos) {
    std::from_chars(address.data() + colon + 1, address.data() + address.size(), port);
  }
  if (port == 0 || port > 65535) {
    Kill();
    return ::testing::AssertionFailure() << "`runnel serve` did not report a listening address within "
                                         << deadline.count() << " ms; it printed:\n"
                                         << log();
  }
  host_ = address.substr(0, colon);
  port_ = static_cast<uint16_t>(port);
  return ::testing::AssertionSuccess();
}

void ServerProcess::ReadOutput(int fd) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mu_);
    if (n <= 0) {
      eof_ = true;
      cv_.notify_all();
      break;
    }
    output_.append(buf, static_cast<size_t>(n));
    cv_.notify_all();
  }
  ::close(fd);
}

int ServerProcess::Reap() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  if (reader_.joinable()) reader_.join();  // the pipe closed with the process
  pid_ = -1;
  return StatusCode(status);
}

int ServerProcess::Stop(std::chrono::milliseconds deadline) {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  bool exited;
  {
    std::unique_lock lock(mu_);
    exited = cv_.wait_for(lock, deadline, [&] { return eof_; });
  }
  if (!exited) {
    Kill();
    return -1;
  }
  return Reap();
}

void ServerProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  Reap();
}

std::string ServerProcess::base_url() const { return "http://" + host_ + ":" + std::to_string(port_); }

std::string ServerProcess::log() const {
  std::lock_guard lock(mu_);
  return output_;
}

bool ServerProcess::WaitForLog(std::string_view text, std::chrono::milliseconds deadline) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, deadline, [&] { return eof_ || output_.find(text) != std::string::npos; }) &&
         output_.find(text) != std::string::npos;
}

}  // namespace runnel::testing

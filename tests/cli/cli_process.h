// Running the real `runnel` binary from tests: its exit code and what it printed.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace runnel::testing {

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `binary args` (args already shell-quoted) with `input` on stdin, using `dir` for the
// captured streams.
inline CliRun RunBinary(const std::string& binary, const std::string& args, const std::filesystem::path& dir,
                        const std::string& input = "") {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "in") << input;
  std::string cmd = binary + " " + args + " <" + (dir / "in").string() + " >" + (dir / "out").string() +
                    " 2>" + (dir / "err").string();
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadAll(dir / "out"), ReadAll(dir / "err")};
}

}  // namespace runnel::testing

// Error: what went wrong, where, and (in the message) how to fix it.
//
// Every layer reports expected failures (bad input, I/O, a failing action) as an Error inside a
// Result<T> (see result.h), never as an exception. `code` is a stable machine-readable name that
// tools may match on; each layer owns its codes (expr/errors.h, ...). `message` is for people and
// names the offending value and the fix. `where` locates the problem in the user's document
// (a JSON pointer, "line:column", or a file name) and is empty when unknown; `position` is the
// zero-based character offset inside an expression, or -1.
#pragma once

#include <string>
#include <utility>

namespace runnel {

struct Error {
  std::string code;
  std::string message;
  std::string where;
  int position = -1;

  Error() = default;
  Error(std::string c, std::string m, int pos = -1)
      : code(std::move(c)), message(std::move(m)), position(pos) {}

  // "code: message" with the location prefixed when known; for logs and the CLI.
  std::string ToString() const;
};

}  // namespace runnel

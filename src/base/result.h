// Result<T>: a value or an Error (base/error.h).
//
// An alias over Boost.Outcome so that failures are ordinary return values: cheap on the failing
// path, visible at every call site, and impossible to lose inside a coroutine. Observing the
// value of a Result that holds an error is a bug and terminates the process.
//
//   Result<int> ParsePort(std::string_view s);
//   RUNNEL_TRY(port, ParsePort(text));   // returns the error to our caller on failure
#pragma once

#include <boost/outcome/result.hpp>
#include <utility>

#include "base/error.h"

namespace runnel {

template <class T>
using Result = boost::outcome_v2::basic_result<T, Error, boost::outcome_v2::policy::terminate>;

using Status = Result<void>;

inline Status Ok() { return boost::outcome_v2::success(); }

}  // namespace runnel

// RUNNEL_TRY(var, expr): evaluates expr (a Result); on error returns that error from the
// enclosing function; otherwise declares `auto var` holding the (moved) value.
#define RUNNEL_TRY(var, ...) RUNNEL_TRY_IMPL_(RUNNEL_TRY_NAME_(__LINE__), var, __VA_ARGS__)
#define RUNNEL_TRY_IMPL_(tmp, var, ...)          \
  auto tmp = (__VA_ARGS__);                      \
  if (!tmp) return std::move(tmp).error();       \
  auto var = std::move(tmp).value()
#define RUNNEL_TRY_NAME_(line) RUNNEL_TRY_CONCAT_(runnel_try_, line)
#define RUNNEL_TRY_CONCAT_(a, b) a##b

// RUNNEL_TRY_STATUS(expr): evaluates expr (a Status); on error returns that error.
#define RUNNEL_TRY_STATUS(...) RUNNEL_TRY_STATUS_IMPL_(RUNNEL_TRY_NAME_(__LINE__), __VA_ARGS__)
#define RUNNEL_TRY_STATUS_IMPL_(tmp, ...) \
  if (auto tmp = (__VA_ARGS__); !tmp) return std::move(tmp).error()

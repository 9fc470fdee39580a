// Parsing JSON text the way Runnel always does: strict syntax, bounded depth, and an error that
// says where. (Boost 1.81's parser may round the 17th significant digit of a double; exact
// number parsing arrives with a newer Boost.)
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "base/result.h"

namespace runnel::json {

inline constexpr size_t kMaxParseDepth = 128;

// Parses `text`; on failure the error says what and at which line:column.
Result<boost::json::value> Parse(std::string_view text);

}  // namespace runnel::json

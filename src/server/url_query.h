// Query strings and path segments of request URLs, percent-decoded with Boost.URL.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace runnel::server {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}} ('+' is a space, as in forms). Fails on a malformed
// percent escape.
Result<QueryParams> ParseQuery(std::string_view query);

// The value of the first parameter named `name` (case-insensitive), or nullptr.
const std::string* FindParam(const QueryParams& params, std::string_view name);

// Percent-decodes one path segment; nullopt-like error on a malformed escape.
Result<std::string> DecodeSegment(std::string_view segment);

// Splits "/a/b/c" into {"a","b","c"} (still encoded); empty segments are dropped.
std::vector<std::string_view> SplitPath(std::string_view path);

// Percent-encodes a query parameter value (for building URLs).
std::string EncodeQueryValue(std::string_view value);

}  // namespace runnel::server

// JSON pointers (RFC 6901) as the flow layer builds them: for diagnostics and source maps.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace runnel::flow {

// `parent` + "/" + `key`, with '~' and '/' in the key escaped.
std::string PointerChild(std::string_view parent, std::string_view key);
std::string PointerChild(std::string_view parent, size_t index);

// The pointer without its last token; "" for the root and for "".
std::string_view PointerParent(std::string_view pointer);

}  // namespace runnel::flow

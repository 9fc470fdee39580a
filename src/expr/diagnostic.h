// Showing people where an expression went wrong.
#pragma once

#include <string>
#include <string_view>

namespace runnel::expr {

// Two lines: the line of `source` that holds `position` (shortened around it when long) and a
// caret under the position. Empty when position < 0.
//
//   concat('a' 'b')
//              ^
std::string Caret(std::string_view source, int position);

}  // namespace runnel::expr

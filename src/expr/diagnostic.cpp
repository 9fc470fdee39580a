#include "expr/diagnostic.h"

#include <algorithm>

namespace runnel::expr {

std::string Caret(std::string_view source, int position) {
  if (position < 0) return {};
  size_t pos = std::min(static_cast<size_t>(position), source.size());
  size_t line_start = source.rfind('\n', pos == 0 ? 0 : pos - 1);
  line_start = (line_start == std::string_view::npos || line_start >= pos) ? 0 : line_start + 1;
  if (pos > 0 && source[pos - 1] == '\n') line_start = pos;
  size_t line_end = source.find('\n', pos);
  if (line_end == std::string_view::npos) line_end = source.size();
  constexpr size_t kWidth = 100;  // keep the window readable in a terminal
  size_t from = line_start, to = line_end;
  if (to - from > kWidth) {
    from = pos > from + kWidth / 2 ? pos - kWidth / 2 : from;
    to = std::min(to, from + kWidth);
  }
  std::string out;
  if (from > line_start) out += "...";
  out.append(source.substr(from, to - from));
  if (to < line_end) out += "...";
  out += '\n';
  out.append((from > line_start ? 3 : 0) + (pos - from), ' ');
  out += '^';
  return out;
}

}  // namespace runnel::expr

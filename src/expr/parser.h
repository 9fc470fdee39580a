// Parser: expression text -> syntax tree (ast.h), with functions resolved and arities checked.
//
// Grammar (reconstructed from the WDL reference; see docs/expressions.md):
//   expr     := primary accessor*
//   primary  := 'string' | number | true | false | null | name '(' [expr (',' expr)*] ')'
//   accessor := '.' name | '?.' name | '[' expr ']' | '?[' expr ']'
// Whitespace (including newlines) may appear between tokens. Names are case-insensitive.
#pragma once

#include <string_view>

#include "base/result.h"
#include "expr/ast.h"
#include "expr/limits.h"

namespace runnel::expr {

enum class ParseMode {
  kWhole,     // the expression must run to the end of the text
  kTemplate,  // the expression ends at a '}' (an @{...} hole); the '}' is consumed
};

// Parses the expression that starts at offset `start` of `source`. Error positions are offsets
// into `source`, so a caller that parses part of a larger string gets positions in that string.
// On success *end (when given) is the offset just after the expression (after the '}' in
// kTemplate mode).
Result<NodePtr> Parse(std::string_view source, size_t start, ParseMode mode, const Limits& limits,
                      size_t* end = nullptr);

}  // namespace runnel::expr

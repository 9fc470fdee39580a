// Limits that keep any expression from crashing, hanging or exhausting memory.
//
// The defaults are the documented Logic Apps limits where one exists; all are configurable
// (the engine passes its configured values; tests and the fuzzer pass smaller ones).
#pragma once

#include <cstddef>
#include <cstdint>

namespace runnel::expr {

struct Limits {
  // Characters in one expression ("Expression evaluation limit", Logic Apps limits page).
  size_t max_expression_chars = 8192;
  // Nesting of calls, accessors and brackets in one expression; bounds parser and evaluator
  // recursion.
  int max_nesting_depth = 64;
  // Characters in any string an expression produces (concat(), join(), replace(), ...), and the
  // number of elements of any array it produces. The function reference gives 104,857,600.
  size_t max_result_chars = 104857600;
  size_t max_result_items = 1000000;
  // range() count (documented: 100,000).
  int64_t max_range_count = 100000;
};

}  // namespace runnel::expr

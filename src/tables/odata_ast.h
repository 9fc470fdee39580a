// The syntax tree of a parsed $filter (Filter::Node), shared by the parser, the binder (which
// checks it against a schema) and nothing else. Values are kept as written; what they mean
// depends on the column they meet, which only binding knows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tables/odata_query.h"

namespace runnel::tables {

struct FilterLiteral {
  enum class Kind : uint8_t { kNull, kString, kInteger, kDecimal, kBoolean, kGuid, kDateTime };
  Kind kind = Kind::kNull;
  std::string text;  // kString: the value; kGuid: lower-case; kDateTime: normalized UTC text
  int64_t integer = 0;
  double decimal = 0;
  bool boolean = false;
  bool has_fraction = false;  // kDateTime: non-zero fractional seconds were truncated
  // A string from a Dataverse function's PropertyValues (["5","2000"]): those are always JSON
  // strings, so their text is read as the column's kind instead of being a type mismatch.
  bool text_form = false;
  int position = 0;
};

struct FilterOperand {
  bool is_path = false;
  std::vector<std::string> path;  // a column, or a range variable and a column
  FilterLiteral literal;
  int position = 0;
  std::string source;  // as written, for messages
};

enum class CompareOp : uint8_t { kEq, kNe, kGt, kGe, kLt, kLe };
enum class StringFunction : uint8_t { kContains, kStartsWith, kEndsWith };

struct Filter::Node {
  enum class Kind : uint8_t { kOr, kAnd, kNot, kCompare, kStringFunction, kLambda, kIn, kBetween };
  Kind kind = Kind::kCompare;
  int position = 0;
  std::vector<std::unique_ptr<Node>> children;  // kOr/kAnd: two or more; kNot: one; kLambda: the body, if any
  CompareOp op = CompareOp::kEq;                // kCompare
  StringFunction function = StringFunction::kContains;
  FilterOperand left, right;            // kCompare; kStringFunction (column, text); kIn/kBetween: left
  std::vector<FilterLiteral> values;    // kIn, kBetween (two)
  bool negated = false;                 // NotIn, NotBetween
  bool all = false;                     // kLambda: all (true) or any
  std::vector<std::string> collection;  // kLambda: [range variable,] navigation property
  std::string variable;                 // kLambda: the range variable, empty for any()
};

const char* CompareOpName(CompareOp op);
const char* StringFunctionName(StringFunction f);

}  // namespace runnel::tables

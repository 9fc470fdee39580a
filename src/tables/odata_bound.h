// A $filter checked against a schema (BoundNode): every column resolved to its SQL name and
// kind, every literal converted to the stored form of the column it meets. ToSql and Matches
// both work on this tree, so the SQL and the in-memory evaluation see the same values and the
// same rewrites; only the last step differs.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "store/sql_value.h"
#include "tables/odata_ast.h"
#include "tables/odata_query.h"

namespace runnel::tables {

struct BoundColumn {
  std::string sql_name;
  std::string odata_name;
  ValueKind kind = ValueKind::kString;
  int scope = 0;  // 0: the queried table; n > 0: the rows of lambda n (SQL alias "odata_l<n>")
};

struct BoundOperand {
  bool is_column = false;
  BoundColumn column;
  store::SqlValue value;  // when !is_column
};

struct BoundNode {
  enum class Kind : uint8_t { kAnd, kOr, kNot, kCompare, kIsNull, kLike, kIn, kLambda };
  Kind kind = Kind::kCompare;
  std::vector<BoundNode> children;                      // kAnd/kOr; kNot: one; kLambda: the body, if any
  CompareOp op = CompareOp::kEq;                        // kCompare: left is a column, right a column or a value
  BoundOperand left, right;                             // kIsNull, kLike, kIn: left is the column
  bool negated = false;                                 // kIsNull: IS NOT NULL; kIn: NOT IN
  StringFunction function = StringFunction::kContains;  // kLike
  std::string needle;                                   // kLike: the text searched for
  std::vector<store::SqlValue> values;                  // kIn
  // kLambda: rows of `collection` whose foreign key points at the parent row.
  bool all = false;
  QueryCollection collection;
  int scope = 0;         // the scope this lambda's rows form
  int parent_scope = 0;  // the scope of the row that owns the collection
};

enum class BindTarget { kSql, kMemory };

// Resolves `root` against `schema`. For kMemory, lambdas are an error (a changed row's image has
// no related collections). Errors are "InvalidFilter" with the offending position.
Result<BoundNode> BindFilter(const Filter::Node& root, const QuerySchema& schema, BindTarget target);

// True for the kinds stored as text (compared byte by byte).
inline bool IsTextKind(ValueKind kind) {
  return kind == ValueKind::kString || kind == ValueKind::kGuid || kind == ValueKind::kDateTime;
}

}  // namespace runnel::tables

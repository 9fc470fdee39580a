// Filter::ToSql: a bound $filter as a SQLite boolean expression. Identifiers come only from the
// schema and are quoted; every value is a `?` parameter, appended in the order it appears.
//
// Semantics the SQL pins down rather than leaving to the table's declaration:
// - text kinds compare with COLLATE NOCASE (Dataverse compares strings ignoring case; the table
//   store declares text columns NOCASE too, so their indexes serve these comparisons);
// - contains/startswith/endswith use LIKE with '\' as the escape character and the search text
//   escaped, so '%' and '_' in it match themselves; SQLite's LIKE ignores case for ASCII letters
//   only, which Matches reproduces;
// - any(...) is `key IN (SELECT fk ... WHERE fk IS NOT NULL AND body)` and all(...) is
//   `key NOT IN (SELECT fk ... WHERE fk IS NOT NULL AND (body) IS NOT TRUE)`: the outer key is
//   named unqualified, so the fragment needs no table alias from the caller.

#include "tables/odata_bound.h"

namespace runnel::tables {

namespace {

void Quote(std::string_view identifier, std::string& out) {
  out += '"';
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void ScopeAlias(int scope, std::string& out) {
  out += "\"odata_l";
  out += std::to_string(scope);
  out += '"';
}

void ColumnRef(int scope, std::string_view sql_name, std::string& out) {
  if (scope > 0) {
    ScopeAlias(scope, out);
    out += '.';
  }
  Quote(sql_name, out);
}

void ColumnRef(const BoundColumn& column, std::string& out) {
  ColumnRef(column.scope, column.sql_name, out);
  if (IsTextKind(column.kind)) out += " COLLATE NOCASE";
}

const char* SqlOperator(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return " = ";
    case CompareOp::kNe: return " <> ";
    case CompareOp::kGt: return " > ";
    case CompareOp::kGe: return " >= ";
    case CompareOp::kLt: return " < ";
    case CompareOp::kLe: return " <= ";
  }
  return " = ";
}

std::string LikePattern(StringFunction f, std::string_view needle) {
  std::string out;
  out.reserve(needle.size() + 2);
  if (f != StringFunction::kStartsWith) out += '%';
  for (char c : needle) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  if (f != StringFunction::kEndsWith) out += '%';
  return out;
}

class SqlWriter {
 public:
  explicit SqlWriter(SqlFragment* out) : out_(out) {}

  void Emit(const BoundNode& node) {
    std::string& sql = out_->sql;
    switch (node.kind) {
      case BoundNode::Kind::kAnd:
      case BoundNode::Kind::kOr: {
        const char* glue = node.kind == BoundNode::Kind::kAnd ? " AND " : " OR ";
        sql += '(';
        for (size_t i = 0; i < node.children.size(); ++i) {
          if (i > 0) sql += glue;
          Emit(node.children[i]);
        }
        sql += ')';
        return;
      }
      case BoundNode::Kind::kNot:
        sql += "NOT (";
        Emit(node.children.front());
        sql += ')';
        return;
      case BoundNode::Kind::kCompare:
        ColumnRef(node.left.column, sql);
        sql += SqlOperator(node.op);
        if (node.right.is_column) {
          ColumnRef(node.right.column.scope, node.right.column.sql_name, sql);
        } else {
          Param(node.right.value);
        }
        return;
      case BoundNode::Kind::kIsNull:
        ColumnRef(node.left.column.scope, node.left.column.sql_name, sql);
        sql += node.negated ? " IS NOT NULL" : " IS NULL";
        return;
      case BoundNode::Kind::kLike:
        ColumnRef(node.left.column.scope, node.left.column.sql_name, sql);
        sql += " LIKE ? ESCAPE '\\'";
        out_->params.emplace_back(LikePattern(node.function, node.needle));
        return;
      case BoundNode::Kind::kIn:
        ColumnRef(node.left.column, sql);
        sql += node.negated ? " NOT IN (" : " IN (";
        for (size_t i = 0; i < node.values.size(); ++i) {
          if (i > 0) sql += ", ";
          Param(node.values[i]);
        }
        sql += ')';
        return;
      case BoundNode::Kind::kLambda: EmitLambda(node); return;
    }
  }

 private:
  void Param(const store::SqlValue& value) {
    out_->sql += '?';
    out_->params.push_back(value);
  }

  void EmitLambda(const BoundNode& node) {
    std::string& sql = out_->sql;
    const QueryCollection& c = node.collection;
    ColumnRef(node.parent_scope, c.sql_parent_key, sql);
    sql += node.all ? " NOT IN (SELECT " : " IN (SELECT ";
    ColumnRef(node.scope, c.sql_foreign_key, sql);
    sql += " FROM ";
    Quote(c.sql_table, sql);
    sql += " AS ";
    ScopeAlias(node.scope, sql);
    sql += " WHERE ";
    ColumnRef(node.scope, c.sql_foreign_key, sql);
    sql += " IS NOT NULL";  // NOT IN over a NULL would make every row unknown
    if (!node.children.empty()) {
      sql += " AND (";
      Emit(node.children.front());
      sql += node.all ? ") IS NOT TRUE" : ")";
    }
    sql += ')';
  }

  SqlFragment* out_;
};

}  // namespace

Result<SqlFragment> Filter::ToSql(const QuerySchema& schema) const {
  if (!root_) return Error("InvalidFilter", "$filter: the filter was moved from", 0);
  RUNNEL_TRY(bound, BindFilter(*root_, schema, BindTarget::kSql));
  SqlFragment out;
  SqlWriter(&out).Emit(bound);
  return out;
}

}  // namespace runnel::tables

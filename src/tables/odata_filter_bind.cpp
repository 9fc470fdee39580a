// BindFilter: resolves a parsed $filter against a table's schema. This is where a literal gets
// its meaning: 5 next to an integer column is an integer, '2024-01-31' next to a date-time
// column is midnight UTC, true next to a yes/no column is 1.

#include <charconv>
#include <cmath>

#include "tables/odata_bound.h"
#include "tables/odata_errors.h"
#include "tables/odata_literal.h"

namespace runnel::tables {

namespace {

using LitKind = FilterLiteral::Kind;

const char* KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString: return "a text";
    case ValueKind::kInteger: return "an integer";
    case ValueKind::kDecimal: return "a decimal";
    case ValueKind::kFloat: return "a floating-point";
    case ValueKind::kBoolean: return "a yes/no (boolean)";
    case ValueKind::kDateTime: return "a date-time";
    case ValueKind::kGuid: return "a GUID";
  }
  return "a";
}

const char* KindExample(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString: return "a value in single quotes, e.g. 'Contoso'";
    case ValueKind::kInteger: return "a number without quotes, e.g. 42";
    case ValueKind::kDecimal:
    case ValueKind::kFloat: return "a number without quotes, e.g. 12.5";
    case ValueKind::kBoolean: return "true or false";
    case ValueKind::kDateTime: return "a date-time such as 2024-01-31T10:00:00Z or a date such as 2024-01-31";
    case ValueKind::kGuid: return "a GUID without quotes, e.g. 00000000-0000-0000-0000-000000000001";
  }
  return "a value";
}

bool IsNumeric(ValueKind kind) {
  return kind == ValueKind::kInteger || kind == ValueKind::kDecimal || kind == ValueKind::kFloat;
}

std::string DescribeLiteral(const FilterLiteral& lit) {
  switch (lit.kind) {
    case LitKind::kString: return "the string '" + lit.text.substr(0, 40) + (lit.text.size() > 40 ? "...'" : "'");
    case LitKind::kInteger: return "the number " + std::to_string(lit.integer);
    case LitKind::kDecimal: return "a number";
    case LitKind::kBoolean: return lit.boolean ? "true" : "false";
    case LitKind::kGuid: return "the GUID " + lit.text;
    case LitKind::kDateTime: return "the date-time " + lit.text;
    case LitKind::kNull: return "null";
  }
  return "a value";
}

CompareOp Mirror(CompareOp op) {
  switch (op) {
    case CompareOp::kGt: return CompareOp::kLt;
    case CompareOp::kGe: return CompareOp::kLe;
    case CompareOp::kLt: return CompareOp::kGt;
    case CompareOp::kLe: return CompareOp::kGe;
    default: return op;
  }
}

struct Scope {
  std::string variable;  // empty for the queried table
  const QuerySchema* schema;
  int index;
};

class Binder {
 public:
  Binder(const QuerySchema& schema, BindTarget target) : target_(target) { scopes_.push_back({"", &schema, 0}); }

  Result<BoundNode> Bind(const Filter::Node& node) {
    using K = Filter::Node::Kind;
    switch (node.kind) {
      case K::kOr:
      case K::kAnd:
      case K::kNot: {
        BoundNode out;
        out.kind = node.kind == K::kOr    ? BoundNode::Kind::kOr
                   : node.kind == K::kAnd ? BoundNode::Kind::kAnd
                                          : BoundNode::Kind::kNot;
        for (const auto& child : node.children) {
          RUNNEL_TRY(bound, Bind(*child));
          out.children.push_back(std::move(bound));
        }
        return out;
      }
      case K::kCompare: return BindCompare(node);
      case K::kStringFunction: return BindStringFunction(node);
      case K::kIn: return BindIn(node);
      case K::kBetween: return BindBetween(node);
      case K::kLambda: return BindLambda(node);
    }
    return FilterError(node.position, "unsupported condition");
  }

 private:
  Result<BoundColumn> ResolveColumn(const FilterOperand& operand) const {
    const Scope* scope = &scopes_.front();
    std::string_view name = operand.path.back();
    if (operand.path.size() == 2) {
      for (const auto& s : scopes_) {
        if (s.variable == operand.path.front()) scope = &s;
      }
    }
    auto column = scope->schema->Column(name);
    if (!column) {
      std::string where = scope->index == 0 ? "" : " in the rows of range variable '" + scope->variable + "'";
      return FilterError(operand.position, "unknown column '" + std::string(name) + "'" + where +
                                               " (lookup columns are named _<name>_value)");
    }
    BoundColumn out;
    out.sql_name = std::move(column->sql_name);
    out.odata_name = std::string(name);
    out.kind = column->kind;
    out.scope = scope->index;
    return out;
  }

  // The stored form of `lit` in a column of `column`'s kind, or an error naming both.
  Result<store::SqlValue> Convert(const FilterLiteral& lit, const BoundColumn& column) const {
    auto mismatch = [&]() {
      return FilterError(lit.position, "column '" + column.odata_name + "' is " + KindName(column.kind) +
                                           " column and cannot be compared with " + DescribeLiteral(lit) + "; write " +
                                           KindExample(column.kind));
    };
    if (lit.kind == LitKind::kNull) return store::SqlValue(nullptr);
    switch (column.kind) {
      case ValueKind::kString:
        if (lit.kind == LitKind::kString) return store::SqlValue(lit.text);
        return mismatch();
      case ValueKind::kInteger:
      case ValueKind::kDecimal:
      case ValueKind::kFloat:
        if (lit.kind == LitKind::kInteger) return store::SqlValue(lit.integer);
        if (lit.kind == LitKind::kDecimal) return store::SqlValue(lit.decimal);
        if (lit.kind == LitKind::kString && lit.text_form) return NumberFromText(lit, column);
        return mismatch();
      case ValueKind::kBoolean:
        if (lit.kind == LitKind::kBoolean) return store::SqlValue(int64_t{lit.boolean ? 1 : 0});
        if (lit.kind == LitKind::kString && lit.text_form && (lit.text == "true" || lit.text == "false")) {
          return store::SqlValue(int64_t{lit.text == "true" ? 1 : 0});
        }
        return mismatch();
      case ValueKind::kDateTime:
        if (lit.kind == LitKind::kDateTime) return store::SqlValue(lit.text);
        if (lit.kind == LitKind::kString) {
          // Accepted in quotes too: flows often build filters as '@{utcNow()}'.
          bool ok = false;
          std::string message;
          DateTimeValue v = ParseDateTime(lit.text, &ok, &message);
          if (!ok)
            return FilterError(lit.position, "column '" + column.odata_name + "' holds date-times, but " + message);
          return store::SqlValue(std::move(v.utc));
        }
        return mismatch();
      case ValueKind::kGuid:
        if (lit.kind == LitKind::kGuid) return store::SqlValue(lit.text);
        if (lit.kind == LitKind::kString) {  // Dataverse's own examples quote GUIDs
          if (auto guid = NormalizeGuid(lit.text)) return store::SqlValue(std::move(*guid));
          return FilterError(lit.position, "column '" + column.odata_name + "' holds GUIDs, but " +
                                               DescribeLiteral(lit) + " is not one; write " + KindExample(column.kind));
        }
        return mismatch();
    }
    return mismatch();
  }

  Result<store::SqlValue> NumberFromText(const FilterLiteral& lit, const BoundColumn& column) const {
    const char* begin = lit.text.data();
    const char* end = begin + lit.text.size();
    int64_t i = 0;
    if (auto r = std::from_chars(begin, end, i); r.ec == std::errc() && r.ptr == end) return store::SqlValue(i);
    double d = 0;
    if (auto r = std::from_chars(begin, end, d); r.ec == std::errc() && r.ptr == end && std::isfinite(d)) {
      return store::SqlValue(d);
    }
    return FilterError(lit.position, "column '" + column.odata_name + "' is " + KindName(column.kind) +
                                         " column, but " + DescribeLiteral(lit) + " is not a number");
  }

  static BoundNode MakeCompare(const BoundColumn& column, CompareOp op, store::SqlValue value) {
    BoundNode out;
    out.kind = BoundNode::Kind::kCompare;
    out.op = op;
    out.left.is_column = true;
    out.left.column = column;
    out.right.value = std::move(value);
    return out;
  }

  static BoundNode MakePair(BoundNode::Kind kind, BoundNode a, BoundNode b) {
    BoundNode out;
    out.kind = kind;
    out.children.push_back(std::move(a));
    out.children.push_back(std::move(b));
    return out;
  }

  // column <op> literal. Stored date-times have whole seconds, so a literal with a fraction is
  // compared through its whole second: v >= 10:00:00.5 holds exactly when v > 10:00:00.
  Result<BoundNode> CompareWithLiteral(const BoundColumn& column, CompareOp op, const FilterLiteral& lit) const {
    if (lit.kind == LitKind::kNull && (op == CompareOp::kEq || op == CompareOp::kNe)) {
      BoundNode out;
      out.kind = BoundNode::Kind::kIsNull;
      out.negated = op == CompareOp::kNe;
      out.left.is_column = true;
      out.left.column = column;
      return out;
    }
    RUNNEL_TRY(value, Convert(lit, column));
    bool fraction = column.kind == ValueKind::kDateTime && lit.kind == LitKind::kDateTime && lit.has_fraction;
    if (column.kind == ValueKind::kDateTime && lit.kind == LitKind::kString) {
      bool ok = false;
      std::string message;
      fraction = ParseDateTime(lit.text, &ok, &message).has_fraction;
    }
    if (!fraction) return MakeCompare(column, op, std::move(value));
    switch (op) {
      case CompareOp::kGt:
      case CompareOp::kGe: return MakeCompare(column, CompareOp::kGt, std::move(value));
      case CompareOp::kLt:
      case CompareOp::kLe: return MakeCompare(column, CompareOp::kLe, std::move(value));
      case CompareOp::kEq:  // never equal, yet unknown (not false) for a null column
        return MakePair(BoundNode::Kind::kAnd, MakeCompare(column, CompareOp::kLt, value),
                        MakeCompare(column, CompareOp::kGt, value));
      case CompareOp::kNe:
        return MakePair(BoundNode::Kind::kOr, MakeCompare(column, CompareOp::kLe, value),
                        MakeCompare(column, CompareOp::kGt, value));
    }
    return MakeCompare(column, op, std::move(value));
  }

  Result<BoundNode> BindCompare(const Filter::Node& node) const {
    const FilterOperand* left = &node.left;
    const FilterOperand* right = &node.right;
    CompareOp op = node.op;
    if (!left->is_path) {  // 5 lt age  ->  age gt 5
      std::swap(left, right);
      op = Mirror(op);
    }
    RUNNEL_TRY(column, ResolveColumn(*left));
    if (!right->is_path) return CompareWithLiteral(column, op, right->literal);
    RUNNEL_TRY(other, ResolveColumn(*right));
    if (column.kind != other.kind && !(IsNumeric(column.kind) && IsNumeric(other.kind))) {
      return FilterError(node.position, "cannot compare column '" + column.odata_name + "' (" + KindName(column.kind) +
                                            " column) with column '" + other.odata_name + "' (" + KindName(other.kind) +
                                            " column)");
    }
    BoundNode out;
    out.kind = BoundNode::Kind::kCompare;
    out.op = op;
    out.left.is_column = true;
    out.left.column = std::move(column);
    out.right.is_column = true;
    out.right.column = std::move(other);
    return out;
  }

  Result<BoundNode> BindStringFunction(const Filter::Node& node) const {
    const char* name = StringFunctionName(node.function);
    RUNNEL_TRY(column, ResolveColumn(node.left));
    if (column.kind != ValueKind::kString) {
      return FilterError(node.left.position, std::string(name) + " works on text columns; '" + column.odata_name +
                                                 "' is " + KindName(column.kind) + " column");
    }
    if (node.right.is_path || node.right.literal.kind != LitKind::kString) {
      return FilterError(node.right.position, std::string("the second argument of ") + name +
                                                  " must be a string in single quotes, e.g. 'abc'");
    }
    BoundNode out;
    out.kind = BoundNode::Kind::kLike;
    out.function = node.function;
    out.left.is_column = true;
    out.left.column = std::move(column);
    out.needle = node.right.literal.text;
    return out;
  }

  Result<BoundNode> BindIn(const Filter::Node& node) const {
    RUNNEL_TRY(column, ResolveColumn(node.left));
    BoundNode out;
    out.kind = BoundNode::Kind::kIn;
    out.negated = node.negated;
    for (const auto& lit : node.values) {
      if (column.kind == ValueKind::kDateTime) {
        bool ok = true;
        std::string message;
        bool fraction = lit.kind == LitKind::kDateTime ? lit.has_fraction
                        : lit.kind == LitKind::kString ? ParseDateTime(lit.text, &ok, &message).has_fraction
                                                       : false;
        if (fraction) {
          return FilterError(lit.position,
                             "date-times are stored to the second, so a value with fractional seconds "
                             "can never be In the list; remove the fraction");
        }
      }
      RUNNEL_TRY(value, Convert(lit, column));
      out.values.push_back(std::move(value));
    }
    out.left.is_column = true;
    out.left.column = std::move(column);
    return out;
  }

  // Between(low, high) is low <= column <= high, bound through the comparisons so that
  // date-times with fractions get the same treatment as in a comparison.
  Result<BoundNode> BindBetween(const Filter::Node& node) const {
    RUNNEL_TRY(column, ResolveColumn(node.left));
    RUNNEL_TRY(low, CompareWithLiteral(column, CompareOp::kGe, node.values[0]));
    RUNNEL_TRY(high, CompareWithLiteral(column, CompareOp::kLe, node.values[1]));
    BoundNode range = MakePair(BoundNode::Kind::kAnd, std::move(low), std::move(high));
    if (!node.negated) return range;
    BoundNode out;
    out.kind = BoundNode::Kind::kNot;
    out.children.push_back(std::move(range));
    return out;
  }

  Result<BoundNode> BindLambda(const Filter::Node& node) {
    if (target_ == BindTarget::kMemory) {
      return FilterError(node.position,
                         "any/all over related rows is not available for filter rows: a changed row "
                         "is evaluated on its own, without its related collections");
    }
    const Scope* parent = &scopes_.front();
    if (node.collection.size() == 2) {
      for (const auto& s : scopes_) {
        if (s.variable == node.collection.front()) parent = &s;
      }
    }
    BoundNode out;
    out.kind = BoundNode::Kind::kLambda;
    out.all = node.all;
    const QuerySchema* rows = parent->schema->Collection(node.collection.back(), &out.collection);
    if (rows == nullptr) {
      return FilterError(node.position, "unknown collection '" + node.collection.back() +
                                            "' (any/all needs a one-to-many relationship of the table)");
    }
    out.parent_scope = parent->index;
    out.scope = ++last_scope_;
    if (node.children.empty()) return out;
    scopes_.push_back({node.variable, rows, out.scope});
    auto body = Bind(*node.children.front());
    scopes_.pop_back();
    if (!body) return std::move(body).error();
    out.children.push_back(std::move(body).value());
    return out;
  }

  BindTarget target_;
  std::vector<Scope> scopes_;  // the queried table first, then enclosing lambdas
  int last_scope_ = 0;
};

}  // namespace

Result<BoundNode> BindFilter(const Filter::Node& root, const QuerySchema& schema, BindTarget target) {
  return Binder(schema, target).Bind(root);
}

}  // namespace runnel::tables

// Filter::Matches: a bound $filter evaluated on one row in memory, with exactly the results the
// SQL of ToSql gives on the same row in SQLite (tests/tables/odata_parity_test.cpp holds them
// to that). Hence SQL's three-valued logic: a comparison with null is unknown, `not unknown` is
// unknown, and only a true result matches. Text compares as SQLite's NOCASE collation does (bytes,
// with the 26 ASCII capitals folded to lower case: Dataverse compares strings ignoring case),
// integers and reals compare exactly as SQLite compares them, and contains/startswith/endswith
// ignore the case of ASCII letters only, as SQLite's LIKE does.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <limits>

#include "tables/odata_bound.h"
#include "tables/odata_errors.h"

namespace runnel::tables {

namespace {

enum class Truth { kFalse, kTrue, kUnknown };

Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

// A row or literal value in the shape SQLite stores it.
struct Value {
  enum class Type { kNull, kInteger, kReal, kText };
  Type type = Type::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string_view text;
};

Value FromSql(const store::SqlValue& v) {
  Value out;
  if (const auto* i = std::get_if<int64_t>(&v)) {
    out.type = Value::Type::kInteger;
    out.integer = *i;
  } else if (const auto* d = std::get_if<double>(&v)) {
    out.type = Value::Type::kReal;
    out.real = *d;
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    out.type = Value::Type::kText;
    out.text = *s;
  }
  return out;
}

// -1, 0 or 1 comparing an integer with a real exactly (no rounding of the integer to double).
int CompareIntReal(int64_t i, double r) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (r >= kTwo63) return -1;
  if (r < -kTwo63) return 1;
  double whole = std::trunc(r);
  auto w = static_cast<int64_t>(whole);  // exact: |whole| < 2^63
  if (i != w) return i < w ? -1 : 1;
  return r > whole ? -1 : r < whole ? 1 : 0;
}

template <class T>
int Sign(T a, T b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// SQLite's NOCASE: byte order after folding A-Z to a-z; a prefix sorts first.
int CompareNoCase(std::string_view a, std::string_view b) {
  auto fold = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int ca = fold(static_cast<unsigned char>(a[i])), cb = fold(static_cast<unsigned char>(b[i]));
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  return Sign(a.size(), b.size());
}

// Both values non-null. Numbers sort before text, as in SQLite (binding keeps kinds apart, so
// this order only matters for rows that break their schema).
int Compare(const Value& a, const Value& b) {
  using T = Value::Type;
  if (a.type == T::kText || b.type == T::kText) {
    if (a.type != b.type) return a.type == T::kText ? 1 : -1;
    return CompareNoCase(a.text, b.text);
  }
  if (a.type == T::kInteger && b.type == T::kInteger) return Sign(a.integer, b.integer);
  if (a.type == T::kReal && b.type == T::kReal) return Sign(a.real, b.real);
  if (a.type == T::kInteger) return CompareIntReal(a.integer, b.real);
  return -CompareIntReal(b.integer, a.real);
}

bool Holds(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq: return c == 0;
    case CompareOp::kNe: return c != 0;
    case CompareOp::kGt: return c > 0;
    case CompareOp::kGe: return c >= 0;
    case CompareOp::kLt: return c < 0;
    case CompareOp::kLe: return c <= 0;
  }
  return false;
}

char FoldAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualFolded(std::string_view a, std::string_view b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (FoldAscii(a[i]) != FoldAscii(b[i])) return false;
  }
  return true;
}

bool LikeMatches(StringFunction f, std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return false;
  switch (f) {
    case StringFunction::kStartsWith: return EqualFolded(text.substr(0, needle.size()), needle);
    case StringFunction::kEndsWith: return EqualFolded(text.substr(text.size() - needle.size()), needle);
    case StringFunction::kContains:
      for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
        if (EqualFolded(text.substr(i, needle.size()), needle)) return true;
      }
      return false;
  }
  return false;
}

class Evaluator {
 public:
  explicit Evaluator(const boost::json::object& row) : row_(row) {}

  Result<Truth> Eval(const BoundNode& node) {
    switch (node.kind) {
      case BoundNode::Kind::kAnd: {
        Truth acc = Truth::kTrue;
        for (const auto& child : node.children) {
          RUNNEL_TRY(t, Eval(child));
          if (t == Truth::kFalse) return Truth::kFalse;
          if (t == Truth::kUnknown) acc = Truth::kUnknown;
        }
        return acc;
      }
      case BoundNode::Kind::kOr: {
        Truth acc = Truth::kFalse;
        for (const auto& child : node.children) {
          RUNNEL_TRY(t, Eval(child));
          if (t == Truth::kTrue) return Truth::kTrue;
          if (t == Truth::kUnknown) acc = Truth::kUnknown;
        }
        return acc;
      }
      case BoundNode::Kind::kNot: {
        RUNNEL_TRY(t, Eval(node.children.front()));
        return t == Truth::kUnknown ? t : FromBool(t == Truth::kFalse);
      }
      case BoundNode::Kind::kCompare: {
        RUNNEL_TRY(a, Read(node.left.column));
        Value b;
        if (node.right.is_column) {
          RUNNEL_TRY(v, Read(node.right.column));
          b = v;
        } else {
          b = FromSql(node.right.value);
        }
        if (a.type == Value::Type::kNull || b.type == Value::Type::kNull) return Truth::kUnknown;
        return FromBool(Holds(node.op, Compare(a, b)));
      }
      case BoundNode::Kind::kIsNull: {
        RUNNEL_TRY(a, Read(node.left.column));
        return FromBool((a.type == Value::Type::kNull) != node.negated);
      }
      case BoundNode::Kind::kLike: {
        RUNNEL_TRY(a, Read(node.left.column));
        if (a.type == Value::Type::kNull) return Truth::kUnknown;
        return FromBool(LikeMatches(node.function, a.text, node.needle));
      }
      case BoundNode::Kind::kIn: return EvalIn(node);
      case BoundNode::Kind::kLambda: break;  // rejected when binding for memory
    }
    return Error(errc::kInvalidFilter, "$filter: any/all is not available for filter rows", 0);
  }

 private:
  // x IN (list) is true when some element equals x, else unknown when the list holds a null,
  // else false; NOT IN negates that (unknown stays unknown).
  Result<Truth> EvalIn(const BoundNode& node) {
    RUNNEL_TRY(a, Read(node.left.column));
    if (a.type == Value::Type::kNull) return Truth::kUnknown;
    Truth found = Truth::kFalse;
    for (const auto& v : node.values) {
      Value b = FromSql(v);
      if (b.type == Value::Type::kNull) {
        found = Truth::kUnknown;
      } else if (Compare(a, b) == 0) {
        found = Truth::kTrue;
        break;
      }
    }
    if (!node.negated || found == Truth::kUnknown) return found;
    return FromBool(found == Truth::kFalse);
  }

  // The row's value of `column` in its stored shape; a missing key is null.
  Result<Value> Read(const BoundColumn& column) {
    Value out;
    auto it = row_.find(column.odata_name);
    if (it == row_.end() || it->value().is_null()) return out;
    const boost::json::value& v = it->value();
    auto mismatch = [&](const char* expected) {
      return Error(errc::kInvalidRow, "the row's value of column '" + column.odata_name + "' is not " + expected);
    };
    switch (column.kind) {
      case ValueKind::kString:
      case ValueKind::kGuid:
      case ValueKind::kDateTime:
        if (!v.is_string()) return mismatch("a string");
        out.type = Value::Type::kText;
        out.text = v.get_string();
        return out;
      case ValueKind::kBoolean:
        if (v.is_bool()) {
          out.type = Value::Type::kInteger;
          out.integer = v.get_bool() ? 1 : 0;
          return out;
        }
        if (!v.is_int64() && !v.is_uint64()) return mismatch("true or false");
        [[fallthrough]];
      case ValueKind::kInteger:
      case ValueKind::kDecimal:
      case ValueKind::kFloat:
        if (v.is_int64()) {
          out.type = Value::Type::kInteger;
          out.integer = v.get_int64();
        } else if (v.is_uint64() && v.get_uint64() <= uint64_t(std::numeric_limits<int64_t>::max())) {
          out.type = Value::Type::kInteger;
          out.integer = static_cast<int64_t>(v.get_uint64());
        } else if (v.is_uint64()) {
          out.type = Value::Type::kReal;
          out.real = static_cast<double>(v.get_uint64());
        } else if (v.is_double()) {
          out.type = Value::Type::kReal;
          out.real = v.get_double();
        } else {
          return mismatch("a number");
        }
        return out;
    }
    return out;
  }

  const boost::json::object& row_;
};

}  // namespace

Result<RowFilter> Filter::Bind(const QuerySchema& schema) const {
  if (!root_) return Error(errc::kInvalidFilter, "$filter: the filter was moved from", 0);
  RUNNEL_TRY(bound, BindFilter(*root_, schema, BindTarget::kMemory));
  return RowFilter(std::make_shared<const BoundNode>(std::move(bound)));
}

Result<bool> RowFilter::Matches(const boost::json::object& row) const {
  RUNNEL_TRY(truth, Evaluator(row).Eval(*bound_));
  return truth == Truth::kTrue;
}

Result<bool> Filter::Matches(const boost::json::object& row, const QuerySchema& schema) const {
  RUNNEL_TRY(bound, Bind(schema));
  return bound.Matches(row);
}

}  // namespace runnel::tables

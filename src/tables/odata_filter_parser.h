// FilterParser: $filter text -> syntax tree (Filter::Node), by recursive descent with the
// precedence or < and < not < comparison. Used only by Filter::Parse.
//
// `and`/`or` chains become one n-ary node, so a long chain costs no recursion; parentheses,
// `not` and lambdas count against QueryLimits::max_depth, comparisons, function calls and
// In/Between values against max_terms, so no input can exhaust the stack or run long.
//
// The grammar is split by concept: odata_filter_parser.cpp (conditions, comparisons, paths),
// odata_filter_values.cpp (literals and parameter aliases), odata_filter_calls.cpp (functions
// and lambdas).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tables/odata_ast.h"
#include "tables/odata_lexer.h"

namespace runnel::tables {

using FilterNodePtr = std::unique_ptr<Filter::Node>;

class FilterParser {
 public:
  // `aliases` is null where parameter aliases are not available (the trigger's Filter rows).
  FilterParser(std::string_view text, const QueryLimits& limits, const ParameterAliases* aliases)
      : text_(text), lexer_(text), limits_(limits), aliases_(aliases) {}

  // The whole text as one condition; errors are "InvalidFilter" with the offending position.
  Result<FilterNodePtr> ParseAll();

 private:
  using Kind = OdataToken::Kind;

  // Conditions, comparisons and paths (odata_filter_parser.cpp).
  Status Advance();
  Status Enter(int position);
  Status CountTerm(int position);
  Result<FilterNodePtr> ParseChain(Filter::Node::Kind kind, std::string_view keyword);
  Result<FilterNodePtr> ParseOr() { return ParseChain(Filter::Node::Kind::kOr, "or"); }
  Result<FilterNodePtr> ParseAnd() { return ParseChain(Filter::Node::Kind::kAnd, "and"); }
  Result<FilterNodePtr> ParseUnary();
  Result<FilterNodePtr> ParsePrimary();
  // After a name that is not a function call: a column (then a comparison), or a path ending in
  // a lambda operator (`orders/any(o: ...)`, `c/orders/all(o: ...)`).
  Result<FilterNodePtr> ParsePathCondition(const OdataToken& first);
  // Paths name a column, or (inside a lambda) a range variable and its column.
  Status CheckPath(const FilterOperand& operand) const;
  bool IsVariable(std::string_view name) const;
  Result<FilterNodePtr> ParseComparison(FilterOperand left);
  // A value or a column: the operand of a comparison or of a function.
  Result<FilterOperand> ParseOperand();
  bool IsKeyword(std::string_view word) const { return tok_.kind == Kind::kIdent && tok_.text == word; }
  static bool IsLiteralKeyword(std::string_view s) { return s == "true" || s == "false" || s == "null"; }

  // Literals and parameter aliases (odata_filter_values.cpp).
  Result<FilterLiteral> LiteralFromToken(const OdataToken& t);
  static Result<FilterLiteral> NumberLiteral(std::string_view text, int position);
  static Result<FilterLiteral> DateTimeLiteral(std::string_view text, int position);
  // The text assigned to `alias`, or nullptr when the query does not assign it.
  Result<const std::string*> AliasValue(const OdataToken& alias) const;
  // An alias stands for one value (or a column, as in `$filter=@p1 ne @p2&@p1=revenue`); its
  // text is read with a lexer of its own, and any error points at the alias in the filter.
  Result<FilterOperand> OperandFromAlias(const OdataToken& alias, FilterOperand out);
  // The current token, or the single token an alias's value lexes to.
  Result<OdataToken> ResolveAliasToken();
  Status ParsePropertyValues(const OdataToken& t, Filter::Node* node);

  // Function calls and lambdas (odata_filter_calls.cpp).
  Result<FilterNodePtr> ParseFunction(const OdataToken& name);
  // contains(column,'text'), startswith(...), endswith(...); tok_ is the '('.
  Result<FilterNodePtr> ParseStringFunction(StringFunction f, int position);
  // Microsoft.Dynamics.CRM.<Name>(PropertyName='col',PropertyValues=[...]); tok_ is the '('.
  Result<FilterNodePtr> ParseDataverseFunction(const OdataToken& name);
  // coll/any(v: body) or coll/any(); tok_ is the '('.
  Result<FilterNodePtr> ParseLambda(std::vector<std::string> collection, bool all, int position);

  std::string_view text_;
  OdataLexer lexer_;
  const QueryLimits& limits_;
  const ParameterAliases* aliases_;
  OdataToken tok_;
  int prev_end_ = 0;  // the offset just past the previous token
  int depth_ = 0;
  int terms_ = 0;
  std::vector<std::string> variables_;  // lambda range variables in scope, innermost last
};

}  // namespace runnel::tables

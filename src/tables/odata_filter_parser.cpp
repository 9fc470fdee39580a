// Filter::Parse and the core of the $filter grammar: and/or/not, parentheses, comparisons
// and the paths that name columns (see odata_filter_parser.h).

#include "tables/odata_filter_parser.h"

#include "tables/odata_errors.h"
#include "tables/odata_literal.h"

namespace runnel::tables {

namespace {

std::optional<CompareOp> CompareOpFromName(std::string_view name) {
  static constexpr std::pair<std::string_view, CompareOp> kOps[] = {{"eq", CompareOp::kEq}, {"ne", CompareOp::kNe},
                                                                    {"gt", CompareOp::kGt}, {"ge", CompareOp::kGe},
                                                                    {"lt", CompareOp::kLt}, {"le", CompareOp::kLe}};
  for (const auto& [n, op] : kOps) {
    if (n == name) return op;
  }
  return std::nullopt;
}

Result<FilterNodePtr> ParseTree(std::string_view text, const QueryLimits& limits, const ParameterAliases* aliases) {
  if (text.size() > limits.max_filter_chars) {
    return FilterError(static_cast<int>(limits.max_filter_chars),
                       "the filter is longer than " + std::to_string(limits.max_filter_chars) + " characters");
  }
  if (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    return FilterError(static_cast<int>(bad), "the filter is not valid UTF-8");
  }
  return FilterParser(text, limits, aliases).ParseAll();
}

}  // namespace

Result<FilterNodePtr> FilterParser::ParseAll() {
  RUNNEL_TRY_STATUS(Advance());
  if (tok_.kind == Kind::kEnd) return FilterError(0, "the filter is empty; write a condition such as name eq 'x'");
  RUNNEL_TRY(root, ParseOr());
  if (tok_.kind != Kind::kEnd) {
    std::string what = "unexpected " + DescribeToken(tok_) + " after a complete condition";
    if (tok_.kind == Kind::kIdent) what += " (join conditions with 'and' or 'or')";
    return FilterError(tok_.position, what);
  }
  return root;
}

Status FilterParser::Advance() {
  prev_end_ = static_cast<int>(lexer_.offset());
  RUNNEL_TRY(t, lexer_.Next());
  tok_ = std::move(t);
  return Ok();
}

Status FilterParser::Enter(int position) {
  if (++depth_ > limits_.max_depth) {
    return FilterError(position, "the filter nests deeper than " + std::to_string(limits_.max_depth) +
                                     " levels (parentheses, not, any/all); simplify it");
  }
  return Ok();
}

Status FilterParser::CountTerm(int position) {
  if (++terms_ > limits_.max_terms) {
    return FilterError(position, "the filter has more than " + std::to_string(limits_.max_terms) +
                                     " conditions and values; split the query");
  }
  return Ok();
}

Result<FilterNodePtr> FilterParser::ParseChain(Filter::Node::Kind kind, std::string_view keyword) {
  auto next = [&]() { return kind == Filter::Node::Kind::kOr ? ParseAnd() : ParseUnary(); };
  int position = tok_.position;
  RUNNEL_TRY(first, next());
  if (!IsKeyword(keyword)) return first;
  auto node = std::make_unique<Filter::Node>();
  node->kind = kind;
  node->position = position;
  node->children.push_back(std::move(first));
  while (IsKeyword(keyword)) {
    RUNNEL_TRY_STATUS(Advance());
    RUNNEL_TRY(operand, next());
    node->children.push_back(std::move(operand));
  }
  return node;
}

Result<FilterNodePtr> FilterParser::ParseUnary() {
  if (!IsKeyword("not")) return ParsePrimary();
  int position = tok_.position;
  RUNNEL_TRY_STATUS(Enter(position));
  RUNNEL_TRY_STATUS(Advance());
  RUNNEL_TRY(operand, ParseUnary());
  --depth_;
  auto node = std::make_unique<Filter::Node>();
  node->kind = Filter::Node::Kind::kNot;
  node->position = position;
  node->children.push_back(std::move(operand));
  return node;
}

Result<FilterNodePtr> FilterParser::ParsePrimary() {
  if (tok_.kind == Kind::kLParen) {
    int open = tok_.position;
    RUNNEL_TRY_STATUS(Enter(open));
    RUNNEL_TRY_STATUS(Advance());
    RUNNEL_TRY(inner, ParseOr());
    if (tok_.kind != Kind::kRParen) {
      return FilterError(tok_.position, "expected ')' to close the '(' at position " + std::to_string(open) +
                                            ", found " + DescribeToken(tok_));
    }
    RUNNEL_TRY_STATUS(Advance());
    --depth_;
    return inner;
  }
  if (IsKeyword("and") || IsKeyword("or")) {
    return FilterError(tok_.position, "expected a condition before '" + tok_.text + "'");
  }
  if (tok_.kind == Kind::kIdent && !IsLiteralKeyword(tok_.text)) {
    OdataToken name = tok_;
    RUNNEL_TRY_STATUS(Advance());
    if (tok_.kind == Kind::kLParen) return ParseFunction(name);
    return ParsePathCondition(name);
  }
  if (tok_.kind == Kind::kRParen || tok_.kind == Kind::kEnd || tok_.kind == Kind::kComma || tok_.kind == Kind::kSlash ||
      tok_.kind == Kind::kColon || tok_.kind == Kind::kEquals) {
    return FilterError(
        tok_.position,
        "expected a condition (such as name eq 'x', contains(name,'x'), not or '(') but found " + DescribeToken(tok_));
  }
  RUNNEL_TRY(left, ParseOperand());
  return ParseComparison(std::move(left));
}

Result<FilterNodePtr> FilterParser::ParsePathCondition(const OdataToken& first) {
  std::vector<std::string> path{first.text};
  while (tok_.kind == Kind::kSlash) {
    RUNNEL_TRY_STATUS(Advance());
    if (tok_.kind != Kind::kIdent) {
      return FilterError(tok_.position, "expected a name after '/', found " + DescribeToken(tok_));
    }
    OdataToken segment = tok_;
    RUNNEL_TRY_STATUS(Advance());
    if ((segment.text == "any" || segment.text == "all") && tok_.kind == Kind::kLParen) {
      return ParseLambda(std::move(path), segment.text == "all", first.position);
    }
    path.push_back(segment.text);
  }
  FilterOperand left;
  left.is_path = true;
  left.position = first.position;
  left.source = AbbreviateForMessage(text_.substr(first.position, prev_end_ - first.position));
  left.path = std::move(path);
  RUNNEL_TRY_STATUS(CheckPath(left));
  return ParseComparison(std::move(left));
}

Status FilterParser::CheckPath(const FilterOperand& operand) const {
  const auto& path = operand.path;
  bool starts_with_variable = IsVariable(path.front());
  if (!variables_.empty() && !starts_with_variable) {
    return FilterError(operand.position, "inside any/all, name columns through the range variable, e.g. " +
                                             variables_.back() + "/" + path.front());
  }
  size_t expected = starts_with_variable ? 2 : 1;
  if (path.size() == expected) return Ok();
  if (path.size() < expected) {
    return FilterError(operand.position, "'" + path.front() + "' is a range variable; name one of its columns, e.g. " +
                                             path.front() + "/name");
  }
  std::string lookup = path[expected - 1];
  return FilterError(operand.position, "paths through a lookup ('" + operand.source +
                                           "') are not supported; compare the lookup's value column _" + lookup +
                                           "_value, or use any/all over a collection");
}

bool FilterParser::IsVariable(std::string_view name) const {
  for (const auto& v : variables_) {
    if (v == name) return true;
  }
  return false;
}

Result<FilterNodePtr> FilterParser::ParseComparison(FilterOperand left) {
  std::optional<CompareOp> op;
  if (tok_.kind == Kind::kIdent) op = CompareOpFromName(tok_.text);
  if (!op) {
    std::string what = "expected a comparison operator (eq, ne, gt, ge, lt, le) after '" + left.source + "'";
    if (tok_.kind == Kind::kIdent && CompareOpFromName(AsciiLower(tok_.text))) {
      what += "; operators are lower-case ('" + AsciiLower(tok_.text) + "')";
    } else if (tok_.kind == Kind::kEnd) {
      what += ", found the end of the filter";
    } else {
      what += ", found " + DescribeToken(tok_);
    }
    return FilterError(tok_.kind == Kind::kEnd ? prev_end_ : tok_.position, what);
  }
  auto node = std::make_unique<Filter::Node>();
  node->kind = Filter::Node::Kind::kCompare;
  node->position = left.position;
  node->op = *op;
  RUNNEL_TRY_STATUS(CountTerm(left.position));
  int op_position = tok_.position;
  RUNNEL_TRY_STATUS(Advance());
  if (tok_.kind == Kind::kEnd || tok_.kind == Kind::kRParen) {
    return FilterError(tok_.kind == Kind::kEnd ? prev_end_ : tok_.position,
                       std::string("expected a value or a column after '") + CompareOpName(*op) + "'");
  }
  RUNNEL_TRY(right, ParseOperand());
  if (!left.is_path && !right.is_path) {
    return FilterError(op_position, "a comparison needs a column on at least one side ('" + left.source + " " +
                                        CompareOpName(*op) + " " + right.source + "')");
  }
  node->left = std::move(left);
  node->right = std::move(right);
  return node;
}

Result<FilterOperand> FilterParser::ParseOperand() {
  FilterOperand out;
  out.position = tok_.position;
  if (tok_.kind == Kind::kAlias) {
    OdataToken alias = tok_;
    RUNNEL_TRY_STATUS(Advance());
    out.source = "@" + alias.text;
    return OperandFromAlias(alias, std::move(out));
  }
  if (tok_.kind == Kind::kIdent && !IsLiteralKeyword(tok_.text)) {
    out.is_path = true;
    out.path.push_back(tok_.text);
    RUNNEL_TRY_STATUS(Advance());
    while (tok_.kind == Kind::kSlash) {
      RUNNEL_TRY_STATUS(Advance());
      if (tok_.kind != Kind::kIdent) {
        return FilterError(tok_.position, "expected a name after '/', found " + DescribeToken(tok_));
      }
      out.path.push_back(tok_.text);
      RUNNEL_TRY_STATUS(Advance());
    }
    out.source = AbbreviateForMessage(text_.substr(out.position, prev_end_ - out.position));
    RUNNEL_TRY_STATUS(CheckPath(out));
    return out;
  }
  RUNNEL_TRY(literal, LiteralFromToken(tok_));
  out.literal = std::move(literal);
  RUNNEL_TRY_STATUS(Advance());
  out.source = AbbreviateForMessage(text_.substr(out.position, prev_end_ - out.position));
  return out;
}

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "eq";
    case CompareOp::kNe: return "ne";
    case CompareOp::kGt: return "gt";
    case CompareOp::kGe: return "ge";
    case CompareOp::kLt: return "lt";
    case CompareOp::kLe: return "le";
  }
  return "?";
}

const char* StringFunctionName(StringFunction f) {
  switch (f) {
    case StringFunction::kContains: return "contains";
    case StringFunction::kStartsWith: return "startswith";
    case StringFunction::kEndsWith: return "endswith";
  }
  return "?";
}

Result<Filter> Filter::Parse(std::string_view text, const QueryLimits& limits) {
  RUNNEL_TRY(root, ParseTree(text, limits, nullptr));
  return Filter(std::move(root), std::string(text));
}

Result<Filter> Filter::Parse(std::string_view text, const QueryLimits& limits, const ParameterAliases& aliases) {
  RUNNEL_TRY(root, ParseTree(text, limits, &aliases));
  return Filter(std::move(root), std::string(text));
}

Filter::Filter(std::unique_ptr<Node> root, std::string text) : root_(std::move(root)), text_(std::move(text)) {}
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;
const std::string& Filter::text() const { return text_; }

}  // namespace runnel::tables

// The calls of the $filter grammar: contains/startswith/endswith, the Dataverse query
// functions Runnel has (In, NotIn, Between, NotBetween) and the lambda operators any/all.

#include "tables/odata_errors.h"
#include "tables/odata_filter_parser.h"

namespace runnel::tables {

namespace {

constexpr std::string_view kDataverseNamespace = "Microsoft.Dynamics.CRM.";

}  // namespace

Result<FilterNodePtr> FilterParser::ParseFunction(const OdataToken& name) {
  static constexpr std::pair<std::string_view, StringFunction> kStringFunctions[] = {
      {"contains", StringFunction::kContains},
      {"startswith", StringFunction::kStartsWith},
      {"endswith", StringFunction::kEndsWith}};
  for (const auto& [n, f] : kStringFunctions) {
    if (n == name.text) return ParseStringFunction(f, name.position);
  }
  if (name.text.starts_with(kDataverseNamespace)) return ParseDataverseFunction(name);
  for (const auto& [n, f] : kStringFunctions) {
    if (n == AsciiLower(name.text)) {
      return FilterError(name.position, "unknown function '" + name.text + "'; function names are lower-case ('" +
                                            std::string(n) + "')");
    }
  }
  return FilterError(name.position, "unknown function '" + AbbreviateForMessage(name.text) +
                                        "'; supported: contains, startswith, endswith, "
                                        "Microsoft.Dynamics.CRM.In, NotIn, Between, NotBetween");
}

Result<FilterNodePtr> FilterParser::ParseStringFunction(StringFunction f, int position) {
  RUNNEL_TRY_STATUS(CountTerm(position));
  const std::string fname = StringFunctionName(f);
  RUNNEL_TRY_STATUS(Advance());
  if (tok_.kind != Kind::kIdent || IsLiteralKeyword(tok_.text)) {
    return FilterError(tok_.position,
                       "the first argument of " + fname + " must be a column, found " + DescribeToken(tok_));
  }
  RUNNEL_TRY(column, ParseOperand());
  if (tok_.kind != Kind::kComma) {
    return FilterError(tok_.position,
                       "expected ',' and a string after the column in " + fname + ", found " + DescribeToken(tok_));
  }
  RUNNEL_TRY_STATUS(Advance());
  if (tok_.kind == Kind::kIdent && !IsLiteralKeyword(tok_.text)) {
    return FilterError(tok_.position, "the second argument of " + fname + " must be a string in single quotes, found " +
                                          DescribeToken(tok_));
  }
  RUNNEL_TRY(value, ParseOperand());
  if (tok_.kind != Kind::kRParen) {
    return FilterError(tok_.position, "expected ')' to close " + fname + ", found " + DescribeToken(tok_));
  }
  RUNNEL_TRY_STATUS(Advance());
  auto node = std::make_unique<Filter::Node>();
  node->kind = Filter::Node::Kind::kStringFunction;
  node->position = position;
  node->function = f;
  node->left = std::move(column);
  node->right = std::move(value);
  return node;
}

Result<FilterNodePtr> FilterParser::ParseDataverseFunction(const OdataToken& name) {
  std::string_view short_name = std::string_view(name.text).substr(kDataverseNamespace.size());
  bool in = short_name == "In" || short_name == "NotIn";
  bool between = short_name == "Between" || short_name == "NotBetween";
  if (!in && !between) {
    return FilterError(name.position,
                       "the Dataverse query function " + AbbreviateForMessage(name.text) +
                           " is not supported; supported: In, NotIn, Between, NotBetween "
                           "(for dates, compare with a date-time, e.g. createdon ge 2024-01-31T00:00:00Z)");
  }
  RUNNEL_TRY_STATUS(CountTerm(name.position));
  auto node = std::make_unique<Filter::Node>();
  node->kind = in ? Filter::Node::Kind::kIn : Filter::Node::Kind::kBetween;
  node->position = name.position;
  node->negated = short_name.starts_with("Not");
  bool have_name = false, have_values = false;
  RUNNEL_TRY_STATUS(Advance());
  while (tok_.kind != Kind::kRParen) {
    if (have_name || have_values) {
      if (tok_.kind != Kind::kComma) {
        return FilterError(tok_.position, "expected ',' or ')' in " + name.text + ", found " + DescribeToken(tok_));
      }
      RUNNEL_TRY_STATUS(Advance());
    }
    if (tok_.kind != Kind::kIdent || (tok_.text != "PropertyName" && tok_.text != "PropertyValues")) {
      return FilterError(tok_.position, "expected PropertyName= or PropertyValues= in " + name.text + ", found " +
                                            DescribeToken(tok_));
    }
    bool is_name = tok_.text == "PropertyName";
    if (is_name ? have_name : have_values) {
      return FilterError(tok_.position, tok_.text + " is given twice in " + name.text);
    }
    RUNNEL_TRY_STATUS(Advance());
    if (tok_.kind != Kind::kEquals) {
      return FilterError(tok_.position, "expected '=' after the parameter name in " + name.text);
    }
    RUNNEL_TRY_STATUS(Advance());
    RUNNEL_TRY(value, ResolveAliasToken());
    if (is_name) {
      have_name = true;
      if (value.kind != Kind::kString) {
        return FilterError(value.position, "PropertyName must be a column name in single quotes, e.g. 'name'");
      }
      node->left.is_path = true;
      node->left.path = {value.text};
      node->left.position = value.position;
      node->left.source = AbbreviateForMessage(value.text);
      if (!variables_.empty()) {
        return FilterError(value.position, name.text + " cannot be used inside any/all");
      }
      RUNNEL_TRY_STATUS(CheckPath(node->left));
    } else {
      have_values = true;
      RUNNEL_TRY_STATUS(ParsePropertyValues(value, node.get()));
    }
    RUNNEL_TRY_STATUS(Advance());
  }
  if (!have_name || !have_values) {
    return FilterError(tok_.position, name.text + " needs PropertyName='column' and PropertyValues=[...]");
  }
  if (between && node->values.size() != 2) {
    return FilterError(name.position, name.text + " needs exactly two PropertyValues (low and high), found " +
                                          std::to_string(node->values.size()));
  }
  if (node->values.empty()) return FilterError(name.position, name.text + " needs at least one PropertyValue");
  RUNNEL_TRY_STATUS(Advance());
  return node;
}

Result<FilterNodePtr> FilterParser::ParseLambda(std::vector<std::string> collection, bool all, int position) {
  const char* op = all ? "all" : "any";
  if (!variables_.empty() && !IsVariable(collection.front())) {
    return FilterError(position, "inside any/all, name collections through the range variable, e.g. " +
                                     variables_.back() + "/" + collection.front());
  }
  size_t expected = !variables_.empty() ? 2 : 1;
  if (collection.size() != expected) {
    return FilterError(position,
                       "any/all applies to a collection of this table (or of a range variable); "
                       "collections reached through a lookup are not supported");
  }
  RUNNEL_TRY_STATUS(Enter(position));
  RUNNEL_TRY_STATUS(CountTerm(position));
  auto node = std::make_unique<Filter::Node>();
  node->kind = Filter::Node::Kind::kLambda;
  node->position = position;
  node->all = all;
  node->collection = std::move(collection);
  RUNNEL_TRY_STATUS(Advance());
  if (tok_.kind == Kind::kRParen) {
    if (all) return FilterError(tok_.position, "all() needs a condition, e.g. all(t: t/statecode eq 1)");
  } else {
    if (tok_.kind != Kind::kIdent || IsLiteralKeyword(tok_.text) || tok_.text.find('.') != std::string::npos) {
      return FilterError(tok_.position, std::string("expected a range variable name after '") + op + "(', e.g. " + op +
                                            "(t: t/name eq 'x')");
    }
    if (IsVariable(tok_.text)) {
      return FilterError(tok_.position, "the range variable '" + tok_.text + "' is already in use; pick another name");
    }
    node->variable = tok_.text;
    RUNNEL_TRY_STATUS(Advance());
    if (tok_.kind != Kind::kColon) {
      return FilterError(tok_.position, "expected ':' after the range variable '" + node->variable + "'");
    }
    RUNNEL_TRY_STATUS(Advance());
    variables_.push_back(node->variable);
    RUNNEL_TRY(body, ParseOr());
    variables_.pop_back();
    node->children.push_back(std::move(body));
    if (tok_.kind != Kind::kRParen) {
      return FilterError(tok_.position, std::string("expected ')' to close ") + op + "(, found " + DescribeToken(tok_));
    }
  }
  RUNNEL_TRY_STATUS(Advance());
  --depth_;
  return node;
}

}  // namespace runnel::tables

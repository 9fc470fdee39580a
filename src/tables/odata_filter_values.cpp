// The values of the $filter grammar: literals (checked here, given meaning by the column they
// meet when binding), parameter aliases, and the JSON arrays of the Dataverse functions.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>

#include "tables/odata_errors.h"
#include "tables/odata_filter_parser.h"
#include "tables/odata_literal.h"

namespace runnel::tables {

Result<const std::string*> FilterParser::AliasValue(const OdataToken& alias) const {
  if (aliases_ == nullptr) {
    return FilterError(alias.position, "parameter aliases ('@" + alias.text +
                                           "') can only be used in a request's query string; write the value itself");
  }
  auto it = aliases_->find(alias.text);
  if (it == aliases_->end()) return nullptr;
  if (it->second.size() > limits_.max_filter_chars) {
    return FilterError(alias.position, "the value of parameter alias @" + alias.text + " is longer than " +
                                           std::to_string(limits_.max_filter_chars) + " characters");
  }
  if (FindInvalidUtf8(it->second) != std::string_view::npos) {
    return FilterError(alias.position, "the value of parameter alias @" + alias.text + " is not valid UTF-8");
  }
  return &it->second;
}

Result<FilterOperand> FilterParser::OperandFromAlias(const OdataToken& alias, FilterOperand out) {
  RUNNEL_TRY(value, AliasValue(alias));
  if (value == nullptr) return out;  // unassigned: null
  auto fail = [&](const Error& e) {
    // The inner message's own "$filter:" prefix and position refer to the alias's text.
    std::string what = e.message.substr(e.message.find(' ') + 1);
    what = what.substr(0, what.rfind(" at position "));
    return FilterError(alias.position, "in the value of parameter alias @" + alias.text + ": " + what);
  };
  OdataLexer lexer(*value);
  auto first = lexer.Next();
  if (!first) return fail(first.error());
  auto second = lexer.Next();
  if (!second) return fail(second.error());
  const OdataToken& t = first.value();
  if (second.value().kind != Kind::kEnd || t.kind == Kind::kEnd || t.kind == Kind::kAlias) {
    return FilterError(alias.position,
                       "the value of parameter alias @" + alias.text + " must be one value or one column name");
  }
  if (t.kind == Kind::kIdent && !IsLiteralKeyword(t.text)) {
    out.is_path = true;
    out.path.push_back(t.text);
    RUNNEL_TRY_STATUS(CheckPath(out));
    return out;
  }
  auto literal = LiteralFromToken(t);
  if (!literal) return fail(literal.error());
  out.literal = std::move(literal).value();
  out.literal.position = alias.position;
  return out;
}

Result<FilterLiteral> FilterParser::LiteralFromToken(const OdataToken& t) {
  FilterLiteral lit;
  lit.position = t.position;
  switch (t.kind) {
    case Kind::kString:
      lit.kind = FilterLiteral::Kind::kString;
      lit.text = t.text;
      return lit;
    case Kind::kNumber: return NumberLiteral(t.text, t.position);
    case Kind::kGuid:
      lit.kind = FilterLiteral::Kind::kGuid;
      lit.text = *NormalizeGuid(t.text);
      return lit;
    case Kind::kDateTime: return DateTimeLiteral(t.text, t.position);
    case Kind::kIdent:
      if (t.text == "null") return lit;
      if (t.text == "true" || t.text == "false") {
        lit.kind = FilterLiteral::Kind::kBoolean;
        lit.boolean = t.text == "true";
        return lit;
      }
      break;
    default: break;
  }
  return FilterError(t.position,
                     "expected a value (such as 'text', 42, true, null or a date-time) but found " + DescribeToken(t));
}

Result<FilterLiteral> FilterParser::NumberLiteral(std::string_view text, int position) {
  FilterLiteral lit;
  lit.position = position;
  bool integral = text.find_first_of(".eE") == std::string_view::npos;
  if (integral) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) {
      lit.kind = FilterLiteral::Kind::kInteger;
      lit.integer = v;
      return lit;
    }
  }
  // Beyond 64 bits an integer is still a valid decimal value; only a double can hold it.
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d)) {
    return FilterError(position, "the number " + AbbreviateForMessage(text) + " is out of range");
  }
  lit.kind = FilterLiteral::Kind::kDecimal;
  lit.decimal = d;
  return lit;
}

Result<FilterLiteral> FilterParser::DateTimeLiteral(std::string_view text, int position) {
  bool ok = false;
  std::string message;
  DateTimeValue v = ParseDateTime(text, &ok, &message);
  if (!ok) return FilterError(position, message);
  FilterLiteral lit;
  lit.kind = FilterLiteral::Kind::kDateTime;
  lit.position = position;
  lit.text = std::move(v.utc);
  lit.has_fraction = v.has_fraction;
  return lit;
}

Result<OdataToken> FilterParser::ResolveAliasToken() {
  if (tok_.kind != Kind::kAlias) return tok_;
  RUNNEL_TRY(value, AliasValue(tok_));
  if (value == nullptr) {
    return FilterError(tok_.position, "the parameter alias @" + tok_.text + " is not assigned in the query string");
  }
  OdataLexer lexer(*value);
  auto t = lexer.Next();
  auto end = t ? lexer.Next() : t;
  if (!t || !end || end.value().kind != Kind::kEnd) {
    return FilterError(tok_.position,
                       "the value of parameter alias @" + tok_.text + " must be one string or one JSON array");
  }
  OdataToken out = std::move(t).value();
  out.position = tok_.position;
  return out;
}

Status FilterParser::ParsePropertyValues(const OdataToken& t, Filter::Node* node) {
  if (t.kind != Kind::kArray) {
    return FilterError(t.position, "PropertyValues must be a JSON array of strings, e.g. [\"a\",\"b\"]");
  }
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(t.text, ec);
  if (ec || !parsed.is_array()) {
    return FilterError(t.position, "PropertyValues is not a valid JSON array (" + ec.message() +
                                       "); write strings in double quotes, e.g. [\"a\",\"b\"]");
  }
  for (const auto& element : parsed.as_array()) {
    RUNNEL_TRY_STATUS(CountTerm(t.position));
    FilterLiteral lit;
    lit.position = t.position;
    if (element.is_string()) {
      lit.kind = FilterLiteral::Kind::kString;
      lit.text = std::string(element.as_string());
      lit.text_form = true;
    } else if (element.is_int64() || element.is_uint64() || element.is_double()) {
      std::string number = boost::json::serialize(element);
      RUNNEL_TRY(n, NumberLiteral(number, t.position));
      lit = std::move(n);
    } else if (element.is_bool()) {
      lit.kind = FilterLiteral::Kind::kBoolean;
      lit.boolean = element.as_bool();
    } else if (!element.is_null()) {
      return FilterError(t.position, "PropertyValues may hold only strings, numbers, booleans and null");
    }
    node->values.push_back(std::move(lit));
  }
  return Ok();
}

}  // namespace runnel::tables

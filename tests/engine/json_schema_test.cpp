// The ParseJson schema validator (engine/actions/json_schema.h), keyword by keyword: each rule
// is shown accepting a valid instance and reporting an invalid one with its path.
#include "engine/actions/json_schema.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace runnel::engine {
namespace {
namespace bj = boost::json;

// "path: message" for every violation of `instance` (JSON text) against `schema` (JSON text),
// or "error <code>: <message>" when the schema is unusable.
std::vector<std::string> Check(std::string_view schema, std::string_view instance, size_t max = kMaxSchemaViolations) {
  auto r = ValidateJsonSchema(bj::parse(instance), bj::parse(schema), max);
  if (!r) return {"error " + r.error().code + ": " + r.error().message};
  std::vector<std::string> out;
  for (const auto& v : r.value().violations) out.push_back(v.path + ": " + v.message + " [" + v.keyword + "]");
  return out;
}

using Lines = std::vector<std::string>;

TEST(JsonSchema, TypeNames) {
  EXPECT_EQ(Check(R"j({"type": "string"})j", R"j("a")j"), Lines{});
  EXPECT_EQ(Check(R"j({"type": "string"})j", "1"), Lines{"$: expected string, got integer [type]"});
  EXPECT_EQ(Check(R"j({"type": "boolean"})j", "true"), Lines{});
  EXPECT_EQ(Check(R"j({"type": "boolean"})j", "0"), Lines{"$: expected boolean, got integer [type]"});
  EXPECT_EQ(Check(R"j({"type": "null"})j", "null"), Lines{});
  EXPECT_EQ(Check(R"j({"type": "object"})j", "[]"), Lines{"$: expected object, got array [type]"});
  EXPECT_EQ(Check(R"j({"type": "array"})j", "{}"), Lines{"$: expected array, got object [type]"});
}

TEST(JsonSchema, IntegerIsANumberWithoutFraction) {
  EXPECT_EQ(Check(R"j({"type": "integer"})j", "3"), Lines{});
  EXPECT_EQ(Check(R"j({"type": "integer"})j", "3.0"), Lines{});
  EXPECT_EQ(Check(R"j({"type": "integer"})j", "3.5"), Lines{"$: expected integer, got number [type]"});
  EXPECT_EQ(Check(R"j({"type": "integer"})j", R"j("3")j"), Lines{"$: expected integer, got string [type]"});
  EXPECT_EQ(Check(R"j({"type": "number"})j", "3"), Lines{});
  EXPECT_EQ(Check(R"j({"type": "number"})j", "3.5"), Lines{});
}

TEST(JsonSchema, TypeArrayAcceptsAnyOfItsTypes) {
  EXPECT_EQ(Check(R"j({"type": ["string", "null"]})j", "null"), Lines{});
  EXPECT_EQ(Check(R"j({"type": ["string", "null"]})j", R"j("x")j"), Lines{});
  EXPECT_EQ(Check(R"j({"type": ["string", "integer", "null"]})j", "true"),
            Lines{"$: expected string, integer or null, got boolean [type]"});
}

TEST(JsonSchema, PropertiesAndRequiredReportNestedPaths) {
  constexpr char kSchema[] = R"j({"type": "object", "required": ["id"], "properties": {
      "id": {"type": "integer"},
      "customer": {"type": "object", "required": ["name", "e-mail"], "properties": {"name": {"type": "string"}}}}})j";
  EXPECT_EQ(Check(kSchema, R"j({"id": 1, "customer": {"name": "a", "e-mail": "x"}})j"), Lines{});
  EXPECT_EQ(Check(kSchema, R"j({"customer": {"name": 5}})j"),
            (Lines{"$.id: required property is missing [required]",
                   "$.customer['e-mail']: required property is missing [required]",
                   "$.customer.name: expected string, got integer [type]"}));
}

TEST(JsonSchema, RequiredNamesAreCaseSensitive) {
  EXPECT_EQ(Check(R"j({"required": ["Id"]})j", R"j({"id": 1})j"), Lines{"$.Id: required property is missing [required]"});
}

TEST(JsonSchema, AdditionalProperties) {
  constexpr char kClosed[] = R"j({"properties": {"a": {}}, "additionalProperties": false})j";
  EXPECT_EQ(Check(kClosed, R"j({"a": 1})j"), Lines{});
  EXPECT_EQ(Check(kClosed, R"j({"a": 1, "b": 2})j"), Lines{"$.b: property is not allowed by the schema [additionalProperties]"});
  constexpr char kTyped[] = R"j({"properties": {"a": {}}, "additionalProperties": {"type": "integer"}})j";
  EXPECT_EQ(Check(kTyped, R"j({"a": "any", "b": 2})j"), Lines{});
  EXPECT_EQ(Check(kTyped, R"j({"a": "any", "b": "2"})j"), Lines{"$.b: expected integer, got string [type]"});
  EXPECT_EQ(Check(R"j({"additionalProperties": true})j", R"j({"z": 1})j"), Lines{});
}

TEST(JsonSchema, ItemsAsOneSchemaOrPositional) {
  EXPECT_EQ(Check(R"j({"items": {"type": "integer"}})j", "[1, 2, 3]"), Lines{});
  EXPECT_EQ(Check(R"j({"items": {"type": "integer"}})j", R"j([1, "2", 3, null])j"),
            (Lines{"$[1]: expected integer, got string [type]", "$[3]: expected integer, got null [type]"}));
  constexpr char kTuple[] = R"j({"items": [{"type": "string"}, {"type": "integer"}]})j";
  EXPECT_EQ(Check(kTuple, R"j(["a", 1, "extra elements are allowed"])j"), Lines{});
  EXPECT_EQ(Check(kTuple, R"j([1, "a"])j"),
            (Lines{"$[0]: expected string, got integer [type]", "$[1]: expected integer, got string [type]"}));
}

TEST(JsonSchema, EnumComparesStrictly) {
  constexpr char kSchema[] = R"j({"enum": ["a", 1, true, {"k": [1]}]})j";
  EXPECT_EQ(Check(kSchema, R"j("a")j"), Lines{});
  EXPECT_EQ(Check(kSchema, "1.0"), Lines{});
  EXPECT_EQ(Check(kSchema, R"j({"k": [1]})j"), Lines{});
  EXPECT_EQ(Check(R"j({"enum": [1]})j", "true"), Lines{"$: must be one of [1], got true [enum]"});
  EXPECT_EQ(Check(R"j({"enum": ["a"]})j", R"j("A")j"), Lines{R"j($: must be one of ["a"], got "A" [enum])j"});
}

TEST(JsonSchema, MinimumAndMaximum) {
  EXPECT_EQ(Check(R"j({"minimum": 1, "maximum": 5})j", "1"), Lines{});
  EXPECT_EQ(Check(R"j({"minimum": 1, "maximum": 5})j", "5"), Lines{});
  EXPECT_EQ(Check(R"j({"minimum": 1, "maximum": 5})j", "0.5"), Lines{"$: must be >= 1, got 0.5 [minimum]"});
  EXPECT_EQ(Check(R"j({"minimum": 1, "maximum": 5})j", "6"), Lines{"$: must be <= 5, got 6 [maximum]"});
  // Draft-04's boolean modifiers.
  EXPECT_EQ(Check(R"j({"minimum": 1, "exclusiveMinimum": true})j", "1"), Lines{"$: must be > 1, got 1 [exclusiveMinimum]"});
  EXPECT_EQ(Check(R"j({"maximum": 5, "exclusiveMaximum": true})j", "5"), Lines{"$: must be < 5, got 5 [exclusiveMaximum]"});
  EXPECT_EQ(Check(R"j({"minimum": 1, "exclusiveMinimum": false})j", "1"), Lines{});
  // Draft-06's numeric bounds.
  EXPECT_EQ(Check(R"j({"exclusiveMinimum": 0})j", "0"), Lines{"$: must be > 0, got 0 [exclusiveMinimum]"});
  EXPECT_EQ(Check(R"j({"exclusiveMaximum": 10})j", "9.5"), Lines{});
  // Bounds do not apply to other types.
  EXPECT_EQ(Check(R"j({"minimum": 1})j", R"j("0")j"), Lines{});
}

TEST(JsonSchema, StringLengthCountsCharactersNotBytes) {
  EXPECT_EQ(Check(R"j({"minLength": 2, "maxLength": 3})j", R"j("été")j"), Lines{});
  EXPECT_EQ(Check(R"j({"minLength": 2})j", R"j("é")j"), Lines{"$: must be at least 2 characters long, got 1 [minLength]"});
  EXPECT_EQ(Check(R"j({"maxLength": 3})j", R"j("abcd")j"), Lines{"$: must be at most 3 characters long, got 4 [maxLength]"});
}

TEST(JsonSchema, PatternIsSearchedAnywhere) {
  EXPECT_EQ(Check(R"j({"pattern": "[0-9]{3}"})j", R"j("ab123cd")j"), Lines{});
  EXPECT_EQ(Check(R"j({"pattern": "^[A-Z]+$"})j", R"j("ABC")j"), Lines{});
  EXPECT_EQ(Check(R"j({"pattern": "^[A-Z]+$"})j", R"j("AbC")j"), Lines{"$: does not match the pattern '^[A-Z]+$' [pattern]"});
  EXPECT_EQ(Check(R"j({"pattern": "^\\p{L}{2}$"})j", R"j("éß")j"), Lines{});
}

TEST(JsonSchema, ArrayLength) {
  EXPECT_EQ(Check(R"j({"minItems": 1, "maxItems": 2})j", "[1]"), Lines{});
  EXPECT_EQ(Check(R"j({"minItems": 1})j", "[]"), Lines{"$: must have at least 1 items, got 0 [minItems]"});
  EXPECT_EQ(Check(R"j({"maxItems": 2})j", "[1, 2, 3]"), Lines{"$: must have at most 2 items, got 3 [maxItems]"});
}

TEST(JsonSchema, IgnoredKeywordsDoNotFail) {
  EXPECT_EQ(Check(R"j({"$schema": "http://json-schema.org/draft-04/schema#", "title": "t", "format": "date-time",
                      "anyOf": [{"type": "integer"}], "type": "string"})j",
                  R"j("not a date")j"),
            Lines{});
  EXPECT_EQ(Check("{}", R"j({"anything": [1, null]})j"), Lines{});
  // Draft-03's "required": true on a property is ignored rather than rejected.
  EXPECT_EQ(Check(R"j({"properties": {"a": {"type": "string", "required": true}}})j", "{}"), Lines{});
}

TEST(JsonSchema, TypeMismatchStopsTheCheckBelowIt) {
  EXPECT_EQ(Check(R"j({"type": "object", "required": ["a"], "properties": {"a": {}}})j", R"j("text")j"),
            Lines{"$: expected object, got string [type]"});
}

TEST(JsonSchema, BooleanSchemas) {
  EXPECT_EQ(Check(R"j({"properties": {"a": true, "b": false}})j", R"j({"a": 1})j"), Lines{});
  EXPECT_EQ(Check(R"j({"properties": {"a": true, "b": false}})j", R"j({"b": 1})j"), Lines{"$.b: no value is allowed here [false]"});
}

TEST(JsonSchema, OddPropertyNamesAreQuotedInPaths) {
  EXPECT_EQ(Check(R"j({"properties": {"a b": {"type": "string"}, "it's": {"type": "string"}, "9x": {"type": "string"}}})j",
                  R"j({"a b": 1, "it's": 2, "9x": 3})j"),
            (Lines{"$['a b']: expected string, got integer [type]", "$['it\\'s']: expected string, got integer [type]",
                   "$['9x']: expected string, got integer [type]"}));
}

TEST(JsonSchema, ViolationsAreCappedAndMarkedTruncated) {
  auto r = ValidateJsonSchema(bj::parse("[1, 2, 3, 4, 5]"), bj::parse(R"j({"items": {"type": "string"}})j"), 3);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r.value().violations.size(), 3u);
  EXPECT_TRUE(r.value().truncated);
  auto all = ValidateJsonSchema(bj::parse("[1, 2, 3]"), bj::parse(R"j({"items": {"type": "string"}})j"), 3);
  ASSERT_TRUE(all);
  EXPECT_FALSE(all.value().truncated);
}

TEST(JsonSchema, UnusableSchemasAreErrors) {
  EXPECT_EQ(Check(R"j({"type": "date"})j", "1").at(0).rfind("error InvalidSchema: unknown type 'date'", 0), 0u);
  EXPECT_EQ(Check(R"j({"pattern": "(a"})j", R"j("a")j").at(0).rfind("error InvalidSchema: the schema's pattern '(a'", 0), 0u);
  EXPECT_EQ(Check(R"j({"minLength": "3"})j", R"j("a")j").at(0).rfind("error InvalidSchema: the schema keyword 'minLength'", 0),
            0u);
  EXPECT_EQ(Check("[]", "1").at(0).rfind("error InvalidSchema: a schema must be a JSON object", 0), 0u);
  // A pattern is only compiled when a string reaches it.
  EXPECT_EQ(Check(R"j({"pattern": "(a"})j", "1"), Lines{});
}

TEST(JsonSchema, CatastrophicPatternFailsTheValueInsteadOfHanging) {
  std::string subject = "\"" + std::string(40, 'a') + "!\"";
  auto lines = Check(R"j({"pattern": "^(a+)+$"})j", subject);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("took too long"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace runnel::engine

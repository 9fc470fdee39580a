// JSON Schema validation for ParseJson: the draft-04 subset the Logic Apps / Power Automate
// designer emits ("Use sample payload to generate schema") and people hand-edit.
//
// Supported keywords: type (a name or an array of names; "integer" is a number without a
// fraction, "number" any number, plus "string", "boolean", "null", "array", "object", and
// draft-03's "any"), properties, required (an array; draft-03's boolean form is ignored),
// additionalProperties (boolean or schema), items (one schema for every element, or an array for
// positional elements), enum, minimum/maximum with draft-04's boolean exclusiveMinimum/
// exclusiveMaximum (draft-06's numeric form is accepted too), minLength/maxLength (in Unicode
// code points), minItems/maxItems, pattern (ICU regular expression, searched anywhere in the
// string as ECMA 262 does). Every other keyword — format, title, description, $schema, anyOf,
// $ref, ... — is ignored, so a schema using them validates less rather than failing.
//
// Thread-safe: no state survives a call.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "base/result.h"

namespace runnel::engine {

// One place where the instance breaks the schema.
struct SchemaViolation {
  std::string path;     // JSONPath-like location in the instance: "$", "$.items[2].qty", "$['a b']"
  std::string keyword;  // the schema keyword that failed: "type", "required", "pattern", ...
  std::string message;  // e.g. "expected integer, got string"
};

struct SchemaValidation {
  std::vector<SchemaViolation> violations;  // in document order of the instance
  bool truncated = false;                   // more violations than max_violations were found
};

// Default cap on reported violations: a 10,000-element array of wrong types should produce a
// readable error, not a 10,000-entry one.
inline constexpr size_t kMaxSchemaViolations = 100;

// Validates `instance` against `schema`, collecting every violation (up to max_violations).
// An empty result means the instance is valid. Fails with code "InvalidSchema" only when the
// schema itself cannot be applied: an unknown type name, a pattern that is not a valid regular
// expression, a keyword whose value has the wrong JSON type (e.g. "minLength": "3"), or nesting
// deeper than 256 levels.
Result<SchemaValidation> ValidateJsonSchema(const boost::json::value& instance, const boost::json::value& schema,
                                            size_t max_violations = kMaxSchemaViolations);

}  // namespace runnel::engine

// The function table against the function reference: every one of the 127 documented names
// resolves, case-insensitively, and nothing undocumented sneaks in except named aliases.
#include "expr/registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace runnel::expr {
namespace {

// The 127 functions of the WDL function reference (2023-04 and 2025-10 category tables).
constexpr std::string_view kReferenceFunctions[] = {
    "action", "actionBody", "actionOutputs", "actions", "add", "addDays", "addHours", "addMinutes",
    "addProperty", "addSeconds", "addToTime", "and", "array", "base64", "base64ToBinary",
    "base64ToString", "binary", "body", "bool", "chunk", "coalesce", "concat", "contains",
    "convertFromUtc", "convertTimeZone", "convertToUtc", "createArray", "dataUri",
    "dataUriToBinary", "dataUriToString", "dateDifference", "dayOfMonth", "dayOfWeek",
    "dayOfYear", "decimal", "decodeBase64", "decodeDataUri", "decodeUriComponent", "div",
    "empty", "encodeUriComponent", "endsWith", "equals", "first", "float", "formatDateTime",
    "formatNumber", "formDataMultiValues", "formDataValue", "getFutureTime", "getPastTime",
    "greater", "greaterOrEquals", "guid", "if", "indexOf", "int", "intersection", "isFloat",
    "isInt", "item", "items", "iterationIndexes", "join", "json", "last", "lastIndexOf", "length",
    "less", "lessOrEquals", "listCallbackUrl", "max", "min", "mod", "mul", "multipartBody", "not",
    "nthIndexOf", "or", "outputs", "parameters", "parseDateTime", "rand", "range",
    "removeProperty", "replace", "result", "reverse", "setProperty", "skip", "slice", "sort",
    "split", "startOfDay", "startOfHour", "startOfMonth", "startsWith", "string", "sub",
    "substring", "subtractFromTime", "take", "ticks", "toLower", "toUpper", "trigger",
    "triggerBody", "triggerFormDataMultiValues", "triggerFormDataValue", "triggerMultipartBody",
    "triggerOutputs", "trim", "union", "uriComponent", "uriComponentToBinary",
    "uriComponentToString", "uriHost", "uriPath", "uriPathAndQuery", "uriPort", "uriQuery",
    "uriScheme", "utcNow", "variables", "workflow", "xml", "xpath",
};

// Names we accept beyond the reference, each for a documented reason (docs/expressions.md,
// docs/functions.md): triggers() is in the schema reference's examples; appsetting() is Logic
// Apps Standard's.
constexpr std::string_view kAliases[] = {"triggers", "appsetting"};

TEST(Registry, HasEveryReferenceFunction) {
  ASSERT_EQ(std::size(kReferenceFunctions), 127u);
  for (std::string_view name : kReferenceFunctions) {
    const FunctionDef* f = FindFunction(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->name, name);
    EXPECT_NE(f->impl, nullptr) << name;
  }
}

TEST(Registry, NamesAreCaseInsensitive) {
  EXPECT_EQ(FindFunction("TRIGGERBODY"), FindFunction("triggerBody"));
  EXPECT_EQ(FindFunction("utcnow"), FindFunction("utcNow"));
  EXPECT_EQ(FindFunction("noSuchFunction"), nullptr);
}

TEST(Registry, HoldsNothingElse) {
  std::set<std::string> expected(std::begin(kReferenceFunctions), std::end(kReferenceFunctions));
  expected.insert(std::begin(kAliases), std::end(kAliases));
  for (const FunctionDef& f : AllFunctions()) {
    EXPECT_EQ(expected.count(std::string(f.name)), 1u) << "undocumented function " << f.name;
  }
  EXPECT_EQ(AllFunctions().size(), expected.size());
}

}  // namespace
}  // namespace runnel::expr

// The per-type rules: control flow (If, Switch, Foreach, Until), where Response and Terminate
// may stand, variables, required inputs, parameters, outputs and static results.
#include <gtest/gtest.h>

#include "flow/errors.h"
#include "flow_test_util.h"

namespace runnel::flow {
namespace {

using testing::BuildText;
using testing::Built;
using testing::WithActions;

Built BuildActions(std::string_view actions, std::string_view extra = {}) {
  return BuildText(WithActions(actions, extra));
}

TEST(IfRule, ExpressionIsRequiredAndItsObjectFormIsChecked) {
  auto built = BuildActions(R"j({
    "Missing": {"type": "If", "actions": {}},
    "Two_keys": {"type": "If", "expression": {"and": [], "or": []}},
    "Unknown_op": {"type": "If", "expression": {"xor": [1, 2]}},
    "Arity": {"type": "If", "expression": {"and": [{"equals": [1]}]}},
    "Empty_and": {"type": "If", "expression": {"and": []}},
    "Bad_not": {"type": "If", "expression": {"not": [{"equals": [1, 1]}]}},
    "Number": {"type": "If", "expression": 5},
    "Good": {"type": "If", "expression": {"or": [{"not": {"Contains": ["@string(1)", "1"]}},
                                                 {"and": [{"greaterorequals": [2, 1]}, {"endsWith": ["ab", "b"]}]}, true]},
             "else": {"actions": {}}},
    "Bad_else": {"type": "If", "expression": "@true", "else": []}})j");
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Missing"), nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidCondition, "/actions/Two_keys/expression"), nullptr);
  const Diagnostic* op = built.Find(errc::kInvalidCondition, "/actions/Unknown_op/expression/xor");
  ASSERT_NE(op, nullptr);
  EXPECT_NE(op->message.find("unknown condition operator 'xor'"), std::string::npos);
  EXPECT_NE(built.Find(errc::kInvalidCondition, "/actions/Arity/expression/and/0/equals"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidCondition, "/actions/Empty_and/expression/and"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidCondition, "/actions/Bad_not/expression/not"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidCondition, "/actions/Number/expression"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Bad_else/else"), nullptr);
  for (const Diagnostic& d : built.diagnostics)
    EXPECT_EQ(d.pointer.find("/actions/Good"), std::string::npos) << d.message;
}

TEST(HttpWebhookRule, SubscribeIsARequestAndUnsubscribeMayNameItsAddressUrl) {
  auto built = BuildActions(R"j({
    "No_subscribe": {"type": "HttpWebhook", "inputs": {"unsubscribe": {"method": "POST", "uri": "http://x"}}},
    "Not_object": {"type": "HttpWebhook", "inputs": {"subscribe": 5}},
    "No_uri": {"type": "HttpWebhook", "inputs": {"subscribe": {"method": "POST"}}},
    "Url_in_subscribe": {"type": "HttpWebhook", "inputs": {"subscribe": {"method": "POST", "url": "http://x"}}},
    "Good": {"type": "HttpWebhook", "inputs": {
      "subscribe": {"method": "POST", "uri": "http://x", "body": {"cb": "@{listCallbackUrl()}"}},
      "unsubscribe": {"method": "POST", "url": "http://x/off"}}},
    "Computed": {"type": "HttpWebhook", "inputs": {"subscribe": "@triggerBody()"}},
    "Half_unsubscribe": {"type": "HttpWebhook", "inputs": {"subscribe": {"method": "GET", "uri": "http://x"},
                                                           "unsubscribe": {"body": "unsub"}}}})j");
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/No_subscribe/inputs"), nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Not_object/inputs/subscribe"), nullptr);
  const Diagnostic* uri = built.Find(errc::kMissingProperty, "/actions/No_uri/inputs/subscribe");
  ASSERT_NE(uri, nullptr);
  EXPECT_NE(uri->message.find("inputs.subscribe uri"), std::string::npos) << uri->message;
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Url_in_subscribe/inputs/subscribe"), nullptr);
  const Diagnostic* half = built.Find(errc::kMissingProperty, "/actions/Half_unsubscribe/inputs/unsubscribe");
  ASSERT_NE(half, nullptr);
  EXPECT_EQ(half->severity, Diagnostic::Severity::kWarning);
  EXPECT_NE(half->message.find("nothing is sent"), std::string::npos) << half->message;
  for (const Diagnostic& d : built.diagnostics) {
    EXPECT_EQ(d.pointer.find("/actions/Good"), std::string::npos) << d.message;
    EXPECT_EQ(d.pointer.find("/actions/Computed"), std::string::npos) << d.message;
  }
}

TEST(HttpRule, PaginationNeedsAnItemCountInRange) {
  auto built = BuildActions(R"j({
    "Zero": {"type": "Http", "inputs": {"method": "GET", "uri": "http://x"},
             "runtimeConfiguration": {"paginationPolicy": {"minimumItemCount": 0}}},
    "Missing": {"type": "Http", "inputs": {"method": "GET", "uri": "http://x"},
                "runtimeConfiguration": {"paginationPolicy": {}}},
    "Huge": {"type": "Http", "inputs": {"method": "GET", "uri": "http://x"},
             "runtimeConfiguration": {"paginationPolicy": {"minimumItemCount": 100001}}},
    "Good": {"type": "Http", "inputs": {"method": "GET", "uri": "http://x"},
             "runtimeConfiguration": {"paginationPolicy": {"minimumItemCount": 5000}}}})j");
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Zero/runtimeConfiguration/paginationPolicy/minimumItemCount"),
            nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Missing/runtimeConfiguration/paginationPolicy"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Huge/runtimeConfiguration/paginationPolicy/minimumItemCount"),
            nullptr);
  for (const Diagnostic& d : built.diagnostics) EXPECT_EQ(d.pointer.find("/actions/Good"), std::string::npos) << d.message;
}

TEST(IfRule, YamlObjectForm) {
  auto built = BuildText(
      "triggers: {manual: {type: Request, kind: Http}}\n"
      "actions:\n"
      "  Check:\n"
      "    type: If\n"
      "    expression:\n"
      "      and:\n"
      "        - equals: [\"@triggerBody()?['ok']\", true]\n"
      "        - lessOrEquals: [1]\n"
      "    actions: {}\n",
      BuildOptions(), "flow.yaml");
  const Diagnostic* d =
      built.Find(errc::kInvalidCondition, "/actions/Check/expression/and/1/lessOrEquals");
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_EQ(d->line, 8);
  EXPECT_EQ(built.Errors(), 1u);
}

TEST(SwitchRule, CasesAreUniqueConstantsAndAtMost25) {
  auto built = BuildActions(R"j({
    "S": {"type": "Switch", "expression": "@triggerBody()",
          "cases": {"A": {"case": "x", "actions": {}}, "B": {"case": "x", "actions": {}},
                    "C": {"case": "@variables('v')", "actions": {}}, "D": {"case": [1], "actions": {}},
                    "E": {"actions": {}}, "F": {"case": 1}, "G": {"case": "1"}}},
    "No_expression": {"type": "Switch", "cases": {}},
    "Object_expression": {"type": "Switch", "expression": {"a": 1}}})j");
  const Diagnostic* dup = built.Find(errc::kInvalidSwitchCase, "/actions/S/cases/B/case");
  ASSERT_NE(dup, nullptr) << built.Dump();
  EXPECT_NE(dup->message.find("repeats the value of case 'A'"), std::string::npos);
  EXPECT_NE(built.Find(errc::kInvalidSwitchCase, "/actions/S/cases/C/case"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidSwitchCase, "/actions/S/cases/D/case"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidSwitchCase, "/actions/S/cases/E"), nullptr);
  EXPECT_EQ(built.Count(errc::kInvalidSwitchCase), 4u);  // 1 and "1" are different values
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/No_expression"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Object_expression/expression"), nullptr);

  std::string cases;
  for (int i = 0; i < 26; ++i) {
    cases += std::string(i ? "," : "") + "\"C" + std::to_string(i) +
             "\": {\"case\": " + std::to_string(i) + "}";
  }
  auto many = BuildActions("{\"S\": {\"type\": \"Switch\", \"expression\": \"@1\", \"cases\": {" +
                           cases + "}}}");
  EXPECT_NE(many.Find(errc::kTooManyCases, "/actions/S/cases"), nullptr) << many.Dump();
}

TEST(ForeachRule, NeedsItemsAndOneConcurrencySetting) {
  auto built = BuildActions(R"j({
    "Missing": {"type": "Foreach", "actions": {}},
    "Both": {"type": "Foreach", "foreach": "@createArray(1)", "operationOptions": "Sequential",
             "runtimeConfiguration": {"concurrency": {"repetitions": 1}}},
    "Too_many": {"type": "Foreach", "foreach": "@createArray(1)",
                 "runtimeConfiguration": {"concurrency": {"repetitions": 51}}},
    "Text_number": {"type": "Foreach", "foreach": [1, 2],
                    "runtimeConfiguration": {"concurrency": {"repetitions": "5"}}},
    "Object": {"type": "Foreach", "foreach": {"a": 1}}})j");
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Missing"), nullptr) << built.Dump();
  const Diagnostic* both = built.Find(errc::kInvalidLoopSetting,
                                      "/actions/Both/runtimeConfiguration/concurrency/repetitions");
  ASSERT_NE(both, nullptr);
  EXPECT_NE(both->message.find("set one"), std::string::npos) << both->message;
  EXPECT_NE(built.Find(errc::kInvalidLoopSetting,
                       "/actions/Too_many/runtimeConfiguration/concurrency/repetitions"),
            nullptr);
  EXPECT_EQ(built.Count(errc::kInvalidLoopSetting), 2u);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Object/foreach"), nullptr);
}

TEST(UntilRule, NeedsAnExpressionAndLimitsInRange) {
  auto built = BuildActions(R"j({
    "Missing": {"type": "Until", "actions": {}},
    "Count": {"type": "Until", "expression": "@true", "limit": {"count": 5001}},
    "Zero": {"type": "Until", "expression": "@true", "limit": {"count": 0, "timeout": "one hour"}},
    "Ok": {"type": "Until", "expression": {"equals": [1, 1]}, "limit": {"count": 5000, "timeout": "PT1H"}}})j");
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Missing"), nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidLoopSetting, "/actions/Count/limit/count"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidLoopSetting, "/actions/Zero/limit/count"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidLoopSetting, "/actions/Zero/limit/timeout"), nullptr);
  EXPECT_EQ(built.Count(errc::kInvalidLoopSetting), 3u);
}

TEST(LoopPlacement, ResponseIsAnErrorTerminateAWarning) {
  auto built = BuildActions(R"j({
    "Loop": {"type": "Foreach", "foreach": "@createArray(1)", "actions": {
      "Scope": {"type": "Scope", "actions": {
        "Respond": {"type": "Response", "kind": "Http", "inputs": {"statusCode": 200}},
        "Stop": {"type": "Terminate", "inputs": {"runStatus": "Failed"}}}}}}})j");
  const Diagnostic* respond =
      built.Find(errc::kNotAllowedInLoop, "/actions/Loop/actions/Scope/actions/Respond");
  ASSERT_NE(respond, nullptr) << built.Dump();
  EXPECT_EQ(respond->severity, Diagnostic::Severity::kError);
  EXPECT_NE(respond->message.find("inside the loop 'Loop'"), std::string::npos);
  const Diagnostic* stop =
      built.Find(errc::kNotAllowedInLoop, "/actions/Loop/actions/Scope/actions/Stop");
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(built.Errors(), 1u);
}

TEST(WaitRule, IntervalOrUntil) {
  auto built = BuildActions(R"j({
    "None": {"type": "Wait", "inputs": {}},
    "Both": {"type": "Wait", "inputs": {"interval": {"count": 1, "unit": "Minute"}, "until": {"timestamp": "2030-01-01T00:00:00Z"}}},
    "Bad_unit": {"type": "Wait", "inputs": {"interval": {"count": 1, "unit": "Fortnight"}}},
    "Ok": {"type": "Wait", "inputs": {"interval": {"count": 1, "unit": "second"}}}})j");
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/None/inputs"), nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Both/inputs"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Bad_unit/inputs/interval"), nullptr);
  EXPECT_EQ(built.Errors(), 3u);
}

TEST(VariableRules, DeclaredAtTopLevelWithAValidType) {
  auto built = BuildActions(R"j({
    "Nested": {"type": "Scope", "actions": {
      "Init_inner": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "a", "type": "String"}]}}}},
    "Empty": {"type": "InitializeVariable", "inputs": {"variables": []}},
    "Bad_type": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "b", "type": "Number"}]}},
    "No_name": {"type": "InitializeVariable", "inputs": {"variables": [{"type": "String"}]}},
    "Several": {"type": "initializeVariable", "inputs": {"variables": [{"name": "c", "type": "array"}, {"name": "d", "type": "BOOLEAN"}]}},
    "Again": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "C", "type": "Array"}]}},
    "No_inputs": {"type": "InitializeVariable"}})j");
  EXPECT_NE(built.Find(errc::kVariableNotTopLevel, "/actions/Nested/actions/Init_inner"), nullptr)
      << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidVariable, "/actions/Empty/inputs/variables"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidVariable, "/actions/Bad_type/inputs/variables/0/type"),
            nullptr);
  EXPECT_NE(built.Find(errc::kInvalidVariable, "/actions/No_name/inputs/variables/0"), nullptr);
  EXPECT_NE(built.Find(errc::kDuplicateVariable, "/actions/Again/inputs/variables/0/name"),
            nullptr);
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/No_inputs"), nullptr);
  EXPECT_EQ(built.Errors(), 6u);
}

TEST(InputRules, RequiredInputsAndKnownValues) {
  auto built = BuildActions(R"j({
    "Call": {"type": "Http", "inputs": {"method": "GET"}},
    "Parse": {"type": "ParseJson", "inputs": {"content": "{}"}},
    "Filter": {"type": "Query", "inputs": {"from": []}},
    "Map": {"type": "Select", "inputs": {"select": {}}},
    "Glue": {"type": "Join", "inputs": {"from": []}},
    "Grid": {"type": "Table", "inputs": {"from": [], "format": "XLSX"}},
    "Stop": {"type": "Terminate", "inputs": {"runStatus": "Aborted"}},
    "Now": {"type": "Expression", "kind": "Yesterday", "inputs": {}},
    "Whole": {"type": "Http", "inputs": "@variables('request')"}})j");
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Call/inputs"), nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Parse/inputs"), nullptr);
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Filter/inputs"), nullptr);
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Map/inputs"), nullptr);
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/Glue/inputs"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Grid/inputs/format"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Stop/inputs/runStatus"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/Now"), nullptr);
  // Inputs written as one expression are checked at run time only (here: an unknown variable).
  EXPECT_EQ(built.Find(errc::kMissingProperty, "/actions/Whole/inputs"), nullptr);
}

TEST(StaticResults, AnEnabledStaticResultMustExist) {
  auto built = BuildActions(R"j({
    "A": {"type": "Http", "inputs": {"method": "GET", "uri": "https://x"},
          "runtimeConfiguration": {"staticResult": {"name": "Missing0", "staticResultOptions": "Enabled"}}},
    "B": {"type": "Http", "inputs": {"method": "GET", "uri": "https://x"},
          "runtimeConfiguration": {"staticResult": {"name": "Missing1", "staticResultOptions": "Disabled"}}}})j",
                            R"j("staticResults": {"Other0": {"status": "Succeeded"}})j");
  EXPECT_NE(
      built.Find(errc::kUnknownStaticResult, "/actions/A/runtimeConfiguration/staticResult/name"),
      nullptr)
      << built.Dump();
  EXPECT_EQ(built.Errors(), 1u);
  EXPECT_EQ(built.Find(errc::kUnknownStaticResult)->subject, "Missing0");
}

TEST(ParameterRules, TypesValuesAndAllowedValues) {
  auto built = BuildActions(
      R"j({"A": {"type": "Compose", "inputs": ["@parameters('needed')", "@parameters('wrong')"]}})j",
      R"j("parameters": {
      "bad_type": {"type": "Integer", "defaultValue": 1},
      "wrong": {"type": "Int", "defaultValue": "five"},
      "choice": {"type": "String", "defaultValue": "c", "allowedValues": ["a", "b"]},
      "needed": {"type": "String"},
      "unused": {"type": "Object"},
      "$connections": {"type": "Object", "defaultValue": {}}})j");
  EXPECT_NE(built.Find(errc::kInvalidParameter, "/parameters/bad_type/type"), nullptr)
      << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidParameter, "/parameters/wrong"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidParameter, "/parameters/choice"), nullptr);
  const Diagnostic* needed = built.Find(errc::kMissingParameterValue, "/parameters/needed");
  ASSERT_NE(needed, nullptr);
  EXPECT_EQ(needed->severity, Diagnostic::Severity::kError);
  const Diagnostic* unused = built.Find(errc::kMissingParameterValue, "/parameters/unused");
  ASSERT_NE(unused, nullptr);
  EXPECT_EQ(unused->severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(built.Errors(), 4u);

  BuildOptions options;
  options.parameter_values["needed"] = "given";
  auto supplied =
      BuildText(WithActions(R"j({"A": {"type": "Compose", "inputs": "@parameters('needed')"}})j",
                            R"j("parameters": {"needed": {"type": "String"}})j"),
                options);
  EXPECT_TRUE(supplied.ok()) << supplied.Dump();
}

TEST(OutputRules, TypedValuesAtMostTen) {
  std::string outputs;
  for (int i = 0; i < 11; ++i) {
    outputs += std::string(i ? "," : "") + "\"o" + std::to_string(i) +
               "\": {\"type\": \"Int\", \"value\": " + std::to_string(i) + "}";
  }
  auto many = BuildActions("{}", "\"outputs\": {" + outputs + "}");
  EXPECT_NE(many.Find(errc::kTooManyOutputs, "/outputs"), nullptr) << many.Dump();
  auto bad = BuildActions(
      "{}", R"j("outputs": {"a": {"type": "Number", "value": 1}, "b": {"type": "String"}})j");
  EXPECT_NE(bad.Find(errc::kInvalidProperty, "/outputs/a/type"), nullptr) << bad.Dump();
  EXPECT_NE(bad.Find(errc::kMissingProperty, "/outputs/b"), nullptr);
}

}  // namespace
}  // namespace runnel::flow

// Static reference checks: names written as literals in expressions and variable actions must
// exist, and loops/scopes must be the right kind and in the right place.
#include <gtest/gtest.h>

#include "flow/errors.h"
#include "flow_test_util.h"

namespace runnel::flow {
namespace {

using testing::BuildText;
using testing::WithActions;

const char kVariables[] = R"j({
  "Init": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "Count", "type": "integer", "value": 0}]}},
  "Init_text": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "text", "type": "String"}]}})j";

TEST(References, Parameters) {
  auto built =
      BuildText(WithActions(R"j({"A": {"type": "Compose", "inputs": "@parameters('Limit')"},
                                           "B": {"type": "Compose", "inputs": "@{parameters('limt')}"}})j",
                            R"j("parameters": {"limit": {"type": "int", "defaultValue": 1}})j"));
  EXPECT_EQ(built.Find(errc::kUndeclaredParameter, "/actions/A/inputs"), nullptr) << built.Dump();
  const Diagnostic* d = built.Find(errc::kUndeclaredParameter, "/actions/B/inputs");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("parameters('limt')"), std::string::npos);
  EXPECT_NE(d->message.find("did you mean 'limit'?"), std::string::npos) << d->message;
  EXPECT_EQ(d->subject, "limt");
}

TEST(References, SuppliedParameterValuesCountAsDeclared) {
  BuildOptions options;
  options.parameter_values["HostUrl"] = "https://example.com";
  auto built = BuildText(
      WithActions(R"j({"A": {"type": "Compose", "inputs": "@parameters('HostUrl')"}})j"), options);
  EXPECT_TRUE(built.ok()) << built.Dump();
}

TEST(References, Variables) {
  std::string actions = std::string(kVariables) + R"j(,
    "Read": {"type": "Compose", "inputs": "@{variables('count')} @{variables('missing')}"},
    "Set": {"type": "SetVariable", "inputs": {"name": "Text", "value": "x"}},
    "Set_missing": {"type": "SetVariable", "inputs": {"name": "nope", "value": 1}},
    "Set_dynamic": {"type": "SetVariable", "inputs": {"name": "@{variables('text')}", "value": 1}},
    "Add": {"type": "IncrementVariable", "inputs": {"name": "text"}},
    "Append": {"type": "AppendToArrayVariable", "inputs": {"name": "Count", "value": 1}},
    "Append_text": {"type": "AppendToStringVariable", "inputs": {"name": "text", "value": "!"}}})j";
  auto built = BuildText(WithActions(actions));
  EXPECT_EQ(built.Count(errc::kUninitializedVariable), 2u) << built.Dump();
  EXPECT_NE(built.Find(errc::kUninitializedVariable, "/actions/Read/inputs"), nullptr);
  EXPECT_NE(built.Find(errc::kUninitializedVariable, "/actions/Set_missing/inputs/name"), nullptr);
  EXPECT_NE(built.Find(errc::kVariableTypeMismatch, "/actions/Add/inputs/name"), nullptr);
  EXPECT_NE(built.Find(errc::kVariableTypeMismatch, "/actions/Append/inputs/name"), nullptr);
  EXPECT_EQ(built.Count(errc::kVariableTypeMismatch), 2u);
}

TEST(References, ActionsResolveLikeTheEngine) {
  auto built = BuildText(WithActions(R"j({
    "Get_user": {"type": "Compose", "inputs": 1},
    "A": {"type": "Compose", "inputs": ["@body('Get user')", "@outputs('get_USER')", "@actions('Get_user')",
                                        "@{body('Get_usr')}", "@body(concat('Get', '_user'))"]},
    "B": {"type": "Compose", "inputs": "@body('manual')"}})j"));
  EXPECT_EQ(built.Count(errc::kUnknownAction), 2u) << built.Dump();
  const Diagnostic* typo = built.Find(errc::kUnknownAction, "/actions/A/inputs/3");
  ASSERT_NE(typo, nullptr);
  EXPECT_NE(typo->message.find("did you mean 'Get_user'?"), std::string::npos) << typo->message;
  const Diagnostic* trigger = built.Find(errc::kUnknownAction, "/actions/B/inputs");
  ASSERT_NE(trigger, nullptr);
  EXPECT_NE(trigger->message.find("is the trigger"), std::string::npos);
}

TEST(References, ItemsNamesAnEnclosingLoop) {
  auto built = BuildText(WithActions(R"j({
    "Outer": {"type": "Foreach", "foreach": "@createArray(1)", "actions": {
      "Inner": {"type": "Foreach", "foreach": "@items('Outer')", "actions": {
        "Use": {"type": "Compose", "inputs": ["@items('Outer')", "@items('Inner')", "@items('Other')", "@items('Use')"]}}}}},
    "Other": {"type": "Foreach", "foreach": "@createArray(1)", "actions": {}},
    "Top": {"type": "Compose", "inputs": "@items('Outer')"},
    "Self": {"type": "Foreach", "foreach": "@items('Self')", "actions": {}},
    "Poll": {"type": "Until", "expression": "@equals(iterationIndexes('Poll'), 3)", "actions": {
      "Idx": {"type": "Compose", "inputs": "@iterationIndexes('Poll')"}}}})j"));
  EXPECT_EQ(built.Count(errc::kNotAnEnclosingLoop), 4u) << built.Dump();
  const Diagnostic* other =
      built.Find(errc::kNotAnEnclosingLoop, "/actions/Outer/actions/Inner/actions/Use/inputs/2");
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other->message.find("'Other' is a loop, but this expression is not inside it"),
            std::string::npos);
  EXPECT_NE(other->message.find("the enclosing loops are 'Inner', 'Outer'"), std::string::npos)
      << other->message;
  const Diagnostic* use =
      built.Find(errc::kNotAnEnclosingLoop, "/actions/Outer/actions/Inner/actions/Use/inputs/3");
  ASSERT_NE(use, nullptr);
  EXPECT_NE(use->message.find("not a loop"), std::string::npos);
  const Diagnostic* top = built.Find(errc::kNotAnEnclosingLoop, "/actions/Top/inputs");
  ASSERT_NE(top, nullptr);
  EXPECT_NE(top->message.find("not inside any loop"), std::string::npos);
  // A Foreach's own "foreach" is evaluated before the loop starts.
  EXPECT_NE(built.Find(errc::kNotAnEnclosingLoop, "/actions/Self/foreach"), nullptr);
}

TEST(References, ResultNamesAScopeOrLoop) {
  auto built = BuildText(WithActions(R"j({
    "Try": {"type": "Scope", "actions": {}},
    "Plain": {"type": "Compose", "inputs": 1},
    "Catch": {"type": "Compose", "inputs": ["@result('Try')", "@result('Plain')", "@result('Nope')"],
              "runAfter": {"Try": ["Failed"]}}})j"));
  EXPECT_EQ(built.Count(errc::kNotAScope), 2u) << built.Dump();
  EXPECT_NE(
      built.Find(errc::kNotAScope, "/actions/Catch/inputs/1")->message.find("'Plain' is Compose"),
      std::string::npos);
}

TEST(References, ExpressionErrorsGiveThePositionInTheString) {
  auto built = BuildText(WithActions(R"j({
    "A": {"type": "Compose", "inputs": {"x": "Hello @{concat('a',, 'b')} there"}},
    "B": {"type": "Compose", "inputs": "@noSuchFunction(1)"},
    "C": {"type": "Compose", "inputs": "@@{not an expression}"},
    "D": {"type": "Compose", "inputs": "plain text with an @ sign"}})j"));
  const Diagnostic* a = built.Find("ExpressionSyntaxError", "/actions/A/inputs/x");
  ASSERT_NE(a, nullptr) << built.Dump();
  EXPECT_NE(a->message.find("at character 20"), std::string::npos) << a->message;
  EXPECT_NE(built.Find("UnknownFunction", "/actions/B/inputs"), nullptr);
  EXPECT_EQ(built.Errors(), 2u);
}

TEST(References, TriggerAndOutputsAreChecked) {
  auto built = BuildText(R"j({
    "triggers": {"manual": {"type": "Request", "kind": "Http",
                            "conditions": [{"expression": "@equals(parameters('mode'), 'on')"}]}},
    "actions": {},
    "outputs": {"o": {"type": "String", "value": "@body('Missing')"}}})j");
  EXPECT_NE(built.Find(errc::kUndeclaredParameter, "/triggers/manual/conditions/0/expression"),
            nullptr)
      << built.Dump();
  EXPECT_NE(built.Find(errc::kUnknownAction, "/outputs/o/value"), nullptr);
}

}  // namespace
}  // namespace runnel::flow

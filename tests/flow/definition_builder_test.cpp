// Building the typed Definition: the model the engine executes (containers, branches, compiled
// values, settings) and the general rules (types, names, limits, diagnostics' places).
#include "flow/definition_builder.h"

#include <gtest/gtest.h>

#include "flow/errors.h"
#include "flow_test_util.h"

namespace runnel::flow {
namespace {

using testing::BuildText;
using testing::WithActions;

const char kFlow[] = R"j({
  "parameters": {
    "limit": {"type": "Int", "defaultValue": 3},
    "secret": {"type": "SecureString", "defaultValue": "s3cret"}
  },
  "triggers": {"manual": {"type": "Request", "kind": "Http", "splitOn": "@triggerBody()?['items']",
                          "conditions": [{"expression": "@equals(1, 1)"}]}},
  "actions": {
    "Check": {
      "type": "If",
      "expression": {"and": [{"greater": ["@parameters('limit')", 1]}]},
      "actions": {"Yes": {"type": "Compose", "inputs": "yes"}},
      "else": {"actions": {"No": {"type": "Compose", "inputs": "no"}}},
      "runAfter": {"Start": ["Succeeded"]}
    },
    "Start": {
      "type": "InitializeVariable",
      "inputs": {"variables": [{"name": "n", "type": "Integer", "value": 0}]},
      "runtimeConfiguration": {"secureData": {"properties": ["inputs", "outputs"]},
                               "staticResult": {"name": "Start0", "staticResultOptions": "Enabled"}}
    },
    "Loop": {
      "type": "foreach",
      "foreach": "@createArray(1, 2)",
      "operationOptions": "Sequential",
      "actions": {"Add": {"type": "IncrementVariable", "inputs": {"name": "n", "value": "@item()"}}},
      "runAfter": {"Check": ["Succeeded", "FAILED"]}
    },
    "Pick": {
      "type": "Switch",
      "expression": "@variables('n')",
      "cases": {"One": {"case": 1, "actions": {}}, "Two": {"case": "two", "actions": {"T": {"type": "Compose", "inputs": 2}}}},
      "default": {"actions": {}},
      "runAfter": {"Loop": ["Succeeded"]}
    },
    "Wait_a_bit": {"type": "Until", "expression": "@equals(iterationIndexes('Wait_a_bit'), 2)",
                   "limit": {"count": 10, "timeout": "PT1M"}, "actions": {}, "runAfter": {"Pick": ["Succeeded"]}}
  },
  "outputs": {"total": {"type": "Int", "value": "@variables('n')"}},
  "staticResults": {"Start0": {"status": "Succeeded", "outputs": {}}}
})j";

std::vector<std::string> Names(const Container& c) {
  std::vector<std::string> names;
  for (const auto& a : c.actions) names.push_back(a->name);
  return names;
}

TEST(DefinitionBuilder, BuildsTheModel) {
  auto built = BuildText(kFlow);
  ASSERT_TRUE(built.ok()) << built.Dump();
  const Definition& def = *built.definition;
  EXPECT_EQ(def.kind, "Stateful");
  // Top level in runAfter order, ties in document order.
  EXPECT_EQ(Names(def.actions),
            (std::vector<std::string>{"Start", "Check", "Loop", "Pick", "Wait_a_bit"}));
  EXPECT_EQ(def.by_name.size(), 9u);

  ASSERT_EQ(def.triggers.size(), 1u);
  const Trigger& t = def.triggers[0];
  EXPECT_EQ(t.type, TriggerType::kRequest);
  EXPECT_EQ(t.kind, "Http");
  EXPECT_EQ(t.pointer, "/triggers/manual");
  EXPECT_EQ(t.conditions.size(), 1u);
  EXPECT_TRUE(t.split_on.has_value());
  EXPECT_TRUE(t.inputs.is_constant());

  const Action& check = *def.FindAction("Check");
  EXPECT_EQ(check.type, ActionType::kIf);
  ASSERT_EQ(check.branches.size(), 2u);
  EXPECT_EQ(check.branches[0].name, "actions");
  EXPECT_EQ(check.branches[1].name, "else");
  EXPECT_EQ(Names(check.branches[1].body), (std::vector<std::string>{"No"}));
  ASSERT_TRUE(check.expression.has_value());
  EXPECT_FALSE(check.expression->is_constant());
  ASSERT_EQ(check.run_after.size(), 1u);
  EXPECT_EQ(check.run_after[0].predecessor, "Start");
  EXPECT_EQ(check.run_after[0].statuses, kStatusSucceeded);

  const Action& no = *def.FindAction("No");
  EXPECT_EQ(no.parent, &check);
  EXPECT_EQ(no.depth, 1);
  EXPECT_EQ(no.pointer, "/actions/Check/else/actions/No");
  EXPECT_TRUE(no.json->is_object());
  EXPECT_EQ(no.inputs.source(), boost::json::value("no"));

  const Action& start = *def.FindAction("Start");
  EXPECT_TRUE(start.secure_inputs);
  EXPECT_TRUE(start.secure_outputs);
  EXPECT_EQ(start.static_result, "Start0");
  EXPECT_NE(start.runtime_configuration, nullptr);

  const Action& loop = *def.FindAction("Loop");
  EXPECT_EQ(loop.type, ActionType::kForeach);
  EXPECT_EQ(loop.type_name, "foreach");
  EXPECT_EQ(loop.operation_options, "Sequential");
  EXPECT_EQ(loop.run_after[0].statuses, kStatusSucceeded | kStatusFailed);
  EXPECT_EQ(loop.branches.size(), 1u);
  EXPECT_FALSE(def.FindAction("Add")->inputs.is_constant());

  const Action& pick = *def.FindAction("Pick");
  ASSERT_EQ(pick.branches.size(), 3u);
  EXPECT_EQ(pick.branches[0].name, "One");
  EXPECT_EQ(*pick.branches[0].case_value, boost::json::value(1));
  EXPECT_EQ(*pick.branches[1].case_value, boost::json::value("two"));
  EXPECT_EQ(pick.branches[2].name, "default");
  EXPECT_FALSE(pick.branches[2].case_value.has_value());

  const Action& until = *def.FindAction("Wait_a_bit");
  ASSERT_NE(until.limit, nullptr);
  EXPECT_EQ(until.limit->at("count"), boost::json::value(10));

  EXPECT_EQ(def.parameters.at("limit").default_value, boost::json::value(3));
  EXPECT_TRUE(def.parameters.at("secret").secure);
  ASSERT_EQ(def.outputs.size(), 1u);
  EXPECT_EQ(def.outputs[0].name, "total");
  EXPECT_NE(def.static_results, nullptr);
  // Actions without inputs get a constant null, which the engine may read.
  EXPECT_TRUE(def.FindAction("Wait_a_bit")->inputs.source().is_null());
}

TEST(DefinitionBuilder, FindActionResolvesLikeExpressions) {
  auto built = BuildText(WithActions(R"j({"Get_user": {"type": "Compose", "inputs": 1}})j"));
  ASSERT_TRUE(built.ok()) << built.Dump();
  EXPECT_NE(built.definition->FindAction("Get_user"), nullptr);
  EXPECT_NE(built.definition->FindAction("get_USER"), nullptr);
  EXPECT_NE(built.definition->FindAction("Get user"), nullptr);
  EXPECT_EQ(built.definition->FindAction("Get-user"), nullptr);
}

TEST(DefinitionBuilder, ParameterValuesOverrideDefaults) {
  BuildOptions options;
  options.parameter_values["limit"] = 7;
  options.parameter_values["fromParametersJson"] =
      "x";  // Standard keeps these outside the definition
  auto built = BuildText(std::string(kFlow), options);
  ASSERT_TRUE(built.ok()) << built.Dump();
  EXPECT_EQ(built.definition->parameters.at("limit").default_value, boost::json::value(7));
  EXPECT_EQ(built.definition->parameters.at("fromParametersJson").type, "string");
}

// An ARM template's resource parameters are values of the definition's parameters; one left to
// the deployment ("[parameters('apiBase')]") must be given at load, which also overrides.
TEST(DefinitionBuilder, ArmTemplateParameterValuesApplyAndLoadValuesOverrideThem) {
  auto files = LoadFlowFile(std::string(RUNNEL_FLOW_TEST_DATA) + "/arm_template.json");
  ASSERT_TRUE(files) << files.error().ToString();
  const FlowFile& file = files.value()[0];
  std::vector<Diagnostic> diagnostics;
  EXPECT_FALSE(BuildDefinition(file, BuildOptions(), diagnostics));
  bool names_api_base = false;
  for (const Diagnostic& d : diagnostics) names_api_base = names_api_base || d.message.find("apiBase") != std::string::npos;
  EXPECT_TRUE(names_api_base);

  BuildOptions options;
  options.parameter_values["apiBase"] = "https://erp.example.com";
  diagnostics.clear();
  auto def = BuildDefinition(file, options, diagnostics);
  ASSERT_TRUE(def) << def.error().ToString();
  EXPECT_EQ(def.value()->parameters.at("greeting").default_value, boost::json::value("bonjour"));
  options.parameter_values["greeting"] = "hola";
  def = BuildDefinition(file, options, diagnostics);
  ASSERT_TRUE(def) << def.error().ToString();
  EXPECT_EQ(def.value()->parameters.at("greeting").default_value, boost::json::value("hola"));
}

TEST(DefinitionBuilder, DiagnosticsPointIntoTheFile) {
  const char text[] =
      "{\n"
      "  \"definition\": {\n"
      "    \"triggers\": {\"manual\": {\"type\": \"Request\", \"kind\": \"Http\"}},\n"
      "    \"actions\": {\n"
      "      \"A\": {\"type\": \"Htttp\", \"inputs\": {}}\n"
      "    }\n"
      "  },\n"
      "  \"kind\": \"Stateful\"\n"
      "}\n";
  auto built = BuildText(text);
  ASSERT_FALSE(built.ok());
  const Diagnostic* d = built.Find(errc::kUnknownActionType);
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_EQ(d->pointer, "/definition/actions/A/type");
  EXPECT_EQ(d->line, 5);
  EXPECT_EQ(d->column, 21);
  EXPECT_EQ(d->subject, "Htttp");
  EXPECT_NE(d->message.find("did you mean 'Http'?"), std::string::npos) << d->message;
  // The summary error names the first problem and where it is.
  ASSERT_TRUE(built.error);
  EXPECT_EQ(built.error->code, errc::kUnknownActionType);
  EXPECT_EQ(built.error->where, "test.json:5:21");
}

TEST(DefinitionBuilder, YamlDiagnosticsHaveLines) {
  auto built = BuildText(
      "triggers:\n"
      "  manual: {type: Request, kind: Http}\n"
      "actions:\n"
      "  Compose:\n"
      "    type: Compose\n"
      "    inputs: \"@concat('a' 'b')\"\n",
      BuildOptions(), "flow.yaml");
  const Diagnostic* d = built.Find("ExpressionSyntaxError", "/actions/Compose/inputs");
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_EQ(d->line, 6);
  EXPECT_EQ(d->column, 13);
  EXPECT_NE(d->message.find("at character 13"), std::string::npos) << d->message;
}

TEST(DefinitionBuilder, UnknownAndUnsupportedTypes) {
  auto built = BuildText(WithActions(R"j({
    "A": {"type": "Xslt", "inputs": {}},
    "B": {"type": "JavaScriptCode", "inputs": {}},
    "C": {"type": "Composse"},
    "D": {"inputs": {}},
    "E": "not an object",
    "F": {"type": 5},
    "G": {"type": "Condition"}})j"));
  EXPECT_FALSE(built.ok());
  const Diagnostic* xslt = built.Find(errc::kUnsupportedActionType, "/actions/A/type");
  ASSERT_NE(xslt, nullptr) << built.Dump();
  EXPECT_EQ(xslt->message, "action type 'Xslt' is not supported by Runnel yet");
  EXPECT_EQ(xslt->subject, "Xslt");
  EXPECT_NE(built.Find(errc::kUnsupportedActionType, "/actions/B/type"), nullptr);
  EXPECT_NE(built.Find(errc::kUnknownActionType, "/actions/C/type")->message.find("'Compose'"),
            std::string::npos);
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/D"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions/E"), nullptr);
  EXPECT_NE(built.Find(errc::kMissingProperty, "/actions/F/type"), nullptr);
  EXPECT_NE(
      built.Find(errc::kUnknownActionType, "/actions/G/type")->message.find("\"type\": \"If\""),
      std::string::npos);
}

TEST(DefinitionBuilder, TriggerRules) {
  auto built = BuildText(R"j({"triggers": {
      "a": {"type": "SlidingWindow"},
      "b": {"type": "Recurence"},
      "c": {"type": "Recurrence"},
      "d": {"type": "recurrence", "recurrence": {"frequency": "Fortnight", "interval": 0}},
      "e": {"type": "Request", "conditions": [{"expression": "always"}], "splitOn": "items"},
      "f": {"type": "Recurrence", "recurrence": {"frequency": "Day", "interval": "@parameters('p')"}}},
    "parameters": {"p": {"type": "int", "defaultValue": 1}},
    "actions": {}})j");
  EXPECT_NE(built.Find(errc::kUnsupportedTriggerType, "/triggers/a/type"), nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kUnknownTriggerType, "/triggers/b/type")->message.find("'Recurrence'"),
            std::string::npos);
  EXPECT_NE(built.Find(errc::kMissingProperty, "/triggers/c"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/triggers/d/recurrence/frequency"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/triggers/d/recurrence/interval"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidCondition, "/triggers/e/conditions/0/expression"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/triggers/e/splitOn"), nullptr);
  EXPECT_EQ(built.Find(errc::kInvalidProperty, "/triggers/f/recurrence/interval"), nullptr);
}

TEST(DefinitionBuilder, TriggersWrappedTwiceAreNamed) {
  auto built =
      BuildText(R"j({"triggers": {"triggers": {"When_x": {"type": "Request", "kind": "Http"}}},
                             "actions": {}})j");
  const Diagnostic* d = built.Find(errc::kTriggersWrappedTwice, "/triggers/triggers");
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_NE(d->message.find("Move them up one level"), std::string::npos);
}

TEST(DefinitionBuilder, NoTriggerIsAWarning) {
  auto built =
      BuildText(R"j({"triggers": {}, "actions": {"A": {"type": "Compose", "inputs": 1}}})j");
  EXPECT_TRUE(built.ok()) << built.Dump();
  const Diagnostic* d = built.Find(errc::kNoTrigger);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->severity, Diagnostic::Severity::kWarning);
}

TEST(DefinitionBuilder, Limits) {
  std::string many = "{";
  for (int i = 0; i < 6; ++i)
    many += std::string(i ? "," : "") + "\"A" + std::to_string(i) + "\": {\"type\": \"Compose\"}";
  many += "}";
  BuildOptions options;
  options.max_actions = 5;
  EXPECT_NE(BuildText(WithActions(many), options).Find(errc::kTooManyActions, "/actions"), nullptr);

  // Nine containers deep: the ninth level of actions is over the limit of 8.
  std::string nested = R"j({"type": "Compose"})j";
  for (int i = 8; i >= 0; --i) {
    nested =
        R"j({"type": "Scope", "actions": {"S)j" + std::to_string(i + 1) + "\": " + nested + "}}";
  }
  auto deep = BuildText(WithActions("{\"S0\": " + nested + "}"));
  ASSERT_EQ(deep.Count(errc::kNestingTooDeep), 1u) << deep.Dump();

  std::string long_name(81, 'x');
  EXPECT_NE(BuildText(WithActions("{\"" + long_name + "\": {\"type\": \"Compose\"}}"))
                .Find(errc::kNameTooLong),
            nullptr);
  EXPECT_EQ(BuildText(WithActions("{\"" + std::string(80, 'x') + "\": {\"type\": \"Compose\"}}"))
                .Errors(),
            0u);
}

TEST(DefinitionBuilder, NamesAreUniqueAcrossContainers) {
  auto built = BuildText(WithActions(R"j({"A": {"type": "Compose"},
      "S": {"type": "Scope", "actions": {"A": {"type": "Compose"}}}})j"));
  const Diagnostic* d = built.Find(errc::kDuplicateName, "/actions/S/actions/A");
  ASSERT_NE(d, nullptr) << built.Dump();
  EXPECT_NE(d->message.find("/actions/A"), std::string::npos);
}

TEST(DefinitionBuilder, KindComesFromWorkflowJson) {
  auto stateless =
      BuildText(R"j({"definition": {"triggers": {}, "actions": {}}, "kind": "stateless"})j");
  ASSERT_TRUE(stateless.ok()) << stateless.Dump();
  EXPECT_EQ(stateless.definition->kind, "Stateless");
  auto agentic =
      BuildText(R"j({"definition": {"triggers": {}, "actions": {}}, "kind": "Agentic"})j");
  const Diagnostic* d = agentic.Find(errc::kInvalidKind, "/kind");
  ASSERT_NE(d, nullptr) << agentic.Dump();
}

TEST(DefinitionBuilder, DefinitionMustBeAnObject) {
  FlowFile file;
  file.name = "x";
  file.origin = "x.json";
  file.definition = boost::json::array{1, 2};
  std::vector<Diagnostic> diagnostics;
  auto built = BuildDefinition(file, BuildOptions(), diagnostics);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code, errc::kInvalidProperty);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].line, 0);  // no source map: location unknown
}

TEST(DefinitionBuilder, SectionsMustBeObjects) {
  auto built = BuildText(R"j({"triggers": [], "actions": "none", "parameters": 1})j");
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/triggers"), nullptr) << built.Dump();
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/actions"), nullptr);
  EXPECT_NE(built.Find(errc::kInvalidProperty, "/parameters"), nullptr);
}

TEST(DefinitionBuilder, ArmTemplateExpressionsAreOneWarning) {
  auto built = BuildText(R"j({"triggers": {"r": {"type": "Recurrence",
        "recurrence": {"frequency": "Day", "interval": "[parameters('days')]"}}},
      "parameters": {"n": {"type": "Int", "defaultValue": "[parameters('n')]"}},
      "actions": {"A": {"type": "Http", "inputs": {"method": "GET", "uri": "[concat('https://', 'x')]"}}}})j");
  EXPECT_TRUE(built.ok()) << built.Dump();
  ASSERT_EQ(built.Count(errc::kDeployTimeExpression), 1u) << built.Dump();
  EXPECT_NE(built.Find(errc::kDeployTimeExpression)->message.find("3 ARM template expressions"),
            std::string::npos);
}

}  // namespace
}  // namespace runnel::flow

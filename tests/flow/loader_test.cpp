// Loading flow files: the accepted shapes, JSON and YAML, and every kind of bad input failing
// with a clear Error (never a crash).
#include "flow/loader.h"

#include <gtest/gtest.h>

#include <string>

#include "flow/errors.h"
#include "flow/load_limits.h"

namespace runnel::flow {
namespace {

namespace bj = boost::json;

const std::string kData = RUNNEL_FLOW_TEST_DATA;

FlowFile LoadOne(std::string_view text, const std::string& origin = "flow.json") {
  auto files = LoadFlowText(text, origin);
  EXPECT_TRUE(files) << (files ? "" : files.error().ToString());
  if (!files || files.value().size() != 1) return FlowFile();
  return std::move(files.value()[0]);
}

Error LoadError(std::string_view text, const std::string& origin = "flow.json") {
  auto files = LoadFlowText(text, origin);
  EXPECT_FALSE(files) << "loaded: " << text;
  return files ? Error() : files.error();
}

TEST(Loader, BareDefinition) {
  auto files = LoadFlowFile(kData + "/orders.json");
  ASSERT_TRUE(files) << files.error().ToString();
  ASSERT_EQ(files.value().size(), 1u);
  const FlowFile& f = files.value()[0];
  EXPECT_EQ(f.name, "orders");
  EXPECT_EQ(f.origin, kData + "/orders.json");
  EXPECT_EQ(f.definition_pointer, "");
  EXPECT_EQ(f.kind, "");
  EXPECT_TRUE(f.definition.as_object().contains("actions"));
  EXPECT_TRUE(f.connection_references.is_null());
  ASSERT_NE(f.source_map, nullptr);
  EXPECT_EQ(f.source_map->Find("/actions/Response").line, 20);
}

TEST(Loader, YamlGivesTheSameDefinitionAsJson) {
  auto json = LoadFlowFile(kData + "/orders.json");
  auto yaml = LoadFlowFile(kData + "/orders.yaml");
  ASSERT_TRUE(json && yaml) << (yaml ? "" : yaml.error().ToString());
  const bj::object& j = json.value()[0].definition.as_object();
  const bj::object& y = yaml.value()[0].definition.as_object();
  EXPECT_EQ(j.at("actions"), y.at("actions"));
  EXPECT_EQ(j.at("triggers").at("manual").at("type"), y.at("triggers").at("manual").at("type"));
  EXPECT_EQ(yaml.value()[0].name, "orders");
  EXPECT_EQ(yaml.value()[0].source_map->Find("/actions/Response/runAfter").line, 19);
  EXPECT_EQ(yaml.value()[0].source_map->Find("/actions/Response/runAfter").column, 5);
  EXPECT_EQ(yaml.value()[0].source_map->Find("/actions/Compose_greeting/inputs").column, 13);
}

TEST(Loader, LogicAppsStandardWorkflowJson) {
  auto files = LoadFlowFile(kData + "/workflow.json");
  ASSERT_TRUE(files) << files.error().ToString();
  const FlowFile& f = files.value()[0];
  EXPECT_EQ(f.name, "workflow");
  EXPECT_EQ(f.kind, "Stateless");
  EXPECT_EQ(f.definition_pointer, "/definition");
  EXPECT_TRUE(f.definition.as_object().contains("triggers"));
  // Pointers given to the source map are relative to the file.
  EXPECT_EQ(f.source_map->Find("/definition/actions/Compose").line, 9);
}

TEST(Loader, PowerAutomateSolutionFlow) {
  auto files = LoadFlowFile(kData + "/power_automate_flow.json");
  ASSERT_TRUE(files) << files.error().ToString();
  const FlowFile& f = files.value()[0];
  EXPECT_EQ(f.definition_pointer, "/properties/definition");
  ASSERT_TRUE(f.connection_references.is_object());
  EXPECT_TRUE(f.connection_references.as_object().contains("shared_office365"));
  EXPECT_TRUE(f.definition.as_object().contains("actions"));
}

// A Consumption logic app's "Export template": one flow per Microsoft.Logic/workflows resource,
// named by the resource (its parameter's default when the name is one), with the parameter
// values the resource gives unless they are deploy-time expressions.
TEST(Loader, ArmTemplateYieldsEachWorkflowResource) {
  auto files = LoadFlowFile(kData + "/arm_template.json");
  ASSERT_TRUE(files) << files.error().ToString();
  ASSERT_EQ(files.value().size(), 2u);
  const FlowFile& f = files.value()[0];
  EXPECT_EQ(f.name, "order-intake");
  EXPECT_EQ(f.definition_pointer, "/resources/1/properties/definition");
  EXPECT_TRUE(f.definition.as_object().contains("actions"));
  EXPECT_EQ(f.parameter_values, (bj::object{{"greeting", "bonjour"}}));
  EXPECT_EQ(f.source_map->Find("/resources/1/properties/definition/actions/Compose").line, 27);
  EXPECT_EQ(files.value()[1].name, "arm_template_2");  // a computed name: the file's, numbered
  EXPECT_TRUE(files.value()[1].parameter_values.empty());

  Error none = LoadError(R"j({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                              "resources": [{"type": "Microsoft.Web/sites", "name": "x"}]})j");
  EXPECT_EQ(none.code, errc::kNoDefinition);
  EXPECT_NE(none.message.find("Microsoft.Logic/workflows"), std::string::npos) << none.message;
  Error bad = LoadError(R"j({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                             "resources": [{"type": "Microsoft.Logic/workflows", "name": "x", "properties": {}}]})j");
  EXPECT_NE(bad.message.find("/resources/0 has no properties.definition"), std::string::npos) << bad.message;
}

TEST(Loader, JsonSyntaxErrorHasLineAndColumn) {
  auto files = LoadFlowFile(kData + "/syntax_error.json");
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, errc::kJsonSyntax);
  EXPECT_EQ(files.error().where, kData + "/syntax_error.json:4:29");
}

TEST(Loader, JsonIsStrict) {
  EXPECT_EQ(LoadError("{\"actions\": {}, }").code, errc::kJsonSyntax);          // trailing comma
  EXPECT_EQ(LoadError("{\"actions\": {} // note\n}").code, errc::kJsonSyntax);  // comment
  EXPECT_EQ(LoadError("{\"actions\": {}} {}").code, errc::kJsonSyntax);         // extra text
  Error e = LoadError("{\n  \"actions\": {\n    \"A\": [1, 2\n");
  EXPECT_EQ(e.code, errc::kJsonSyntax);
  EXPECT_NE(e.message.find("end of the text"), std::string::npos) << e.message;
}

TEST(Loader, ByteOrderMarkIsSkipped) {
  FlowFile f = LoadOne("\xEF\xBB\xBF{\"triggers\": {}, \"actions\": {}}");
  EXPECT_TRUE(f.definition.is_object());
}

TEST(Loader, BadInputFailsClearly) {
  EXPECT_EQ(LoadError("").code, errc::kEmptyFile);
  EXPECT_EQ(LoadError(" \n\t ").code, errc::kEmptyFile);
  EXPECT_EQ(LoadError(std::string("\x00\x01\x02garbage\xff", 11)).code, errc::kUnknownFormat);
  EXPECT_EQ(LoadError("[1, 2, 3]").code, errc::kNoDefinition);
  EXPECT_EQ(LoadError("\"just a string\"").code, errc::kNoDefinition);
  EXPECT_EQ(LoadError("{\"name\": \"not a flow\"}").code, errc::kNoDefinition);
  Error e = LoadError("{\"definition\": 42}");
  EXPECT_EQ(e.code, errc::kNoDefinition);
  EXPECT_NE(e.message.find("a number"), std::string::npos) << e.message;
  EXPECT_EQ(LoadError("{\"properties\": {\"definition\": []}}").code, errc::kNoDefinition);
  EXPECT_EQ(LoadError("just some words\n").code, errc::kNoDefinition);  // a YAML string
  EXPECT_EQ(LoadError("# only a comment\n").code, errc::kEmptyFile);    // an empty YAML document
}

TEST(Loader, DeepNestingIsAnErrorNotACrash) {
  std::string deep_json(100000, '[');
  EXPECT_EQ(LoadError("{\"a\": " + deep_json).code, errc::kTooDeep);
  std::string deep_yaml = "a: " + std::string(100000, '[');
  Error e = LoadError(deep_yaml);
  EXPECT_TRUE(e.code == errc::kYamlSyntax || e.code == errc::kTooDeep) << e.ToString();
  // Within the limits, nesting is fine.
  std::string ok = "{\"triggers\": {}, \"actions\": {}, \"x\": " + std::string(100, '[') +
                   std::string(100, ']') + "}";
  LoadOne(ok);
}

TEST(Loader, YamlScalarsFollowTheCoreSchema) {
  FlowFile f = LoadOne(R"yaml(actions: {}
triggers: {}
values:
  plain_true: true
  plain_false: False
  plain_null: ~
  plain_null2: null
  empty:
  int: 42
  negative: -7
  plus: +3
  octal: 0o17
  hex: 0x1F
  float: 1.5
  exp: 2e3
  dot: .5
  quoted_true: "true"
  quoted_int: '42'
  block: |
    line
  tagged: !!str 12
  version: 1.2.3
  yes_is_text: yes
  at: "@concat('a', 'b')"
)yaml",
                       "flow.yaml");
  const bj::object& v = f.definition.at("values").as_object();
  EXPECT_EQ(v.at("plain_true"), bj::value(true));
  EXPECT_EQ(v.at("plain_false"), bj::value(false));
  EXPECT_TRUE(v.at("plain_null").is_null());
  EXPECT_TRUE(v.at("plain_null2").is_null());
  EXPECT_TRUE(v.at("empty").is_null());
  EXPECT_EQ(v.at("int"), bj::value(42));
  EXPECT_EQ(v.at("negative"), bj::value(-7));
  EXPECT_EQ(v.at("plus"), bj::value(3));
  EXPECT_EQ(v.at("octal"), bj::value(15));
  EXPECT_EQ(v.at("hex"), bj::value(31));
  EXPECT_EQ(v.at("float"), bj::value(1.5));
  EXPECT_EQ(v.at("exp"), bj::value(2000.0));
  EXPECT_EQ(v.at("dot"), bj::value(0.5));
  EXPECT_EQ(v.at("quoted_true"), bj::value("true"));
  EXPECT_EQ(v.at("quoted_int"), bj::value("42"));
  EXPECT_EQ(v.at("block"), bj::value("line\n"));
  EXPECT_EQ(v.at("tagged"), bj::value("12"));
  EXPECT_EQ(v.at("version"), bj::value("1.2.3"));
  EXPECT_EQ(v.at("yes_is_text"), bj::value("yes"));  // YAML 1.1's booleans are strings in 1.2
  EXPECT_EQ(v.at("at"), bj::value("@concat('a', 'b')"));
}

TEST(Loader, YamlKeepsKeyOrder) {
  FlowFile f = LoadOne(
      "triggers: {}\nactions:\n  zeta: {type: Compose}\n  alpha: {type: Compose}\n  mid: {type: "
      "Compose}\n",
      "flow.yaml");
  std::vector<std::string> keys;
  for (const auto& kv : f.definition.at("actions").as_object()) keys.emplace_back(kv.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(Loader, YamlErrorsHaveLineAndColumn) {
  Error e = LoadError("triggers: {}\nactions:\n  a: [1,\n  b: }\n", "flow.yaml");
  EXPECT_EQ(e.code, errc::kYamlSyntax);
  EXPECT_EQ(e.where.rfind("flow.yaml:", 0), 0u) << e.where;
  Error dup = LoadError("triggers: {}\nactions: {}\nactions: {}\n", "flow.yaml");
  EXPECT_EQ(dup.code, errc::kYamlSyntax);
  EXPECT_EQ(dup.where, "flow.yaml:3:1");
  EXPECT_NE(dup.message.find("duplicate key 'actions'"), std::string::npos);
  EXPECT_EQ(LoadError("triggers: {}\nactions: {}\nx: .inf\n", "flow.yaml").code, errc::kYamlSyntax);
  EXPECT_EQ(LoadError("triggers: {}\nactions: {}\n? [a, b]\n: 1\n", "flow.yaml").code,
            errc::kYamlSyntax);
}

TEST(Loader, YamlAliasBombIsRefused) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + "]\n";
    prev = c;
  }
  bomb += "triggers: {}\nactions: {}\n";
  Error e = LoadError(bomb, "bomb.yaml");
  EXPECT_EQ(e.code, errc::kFileTooLarge) << e.ToString();
}

TEST(Loader, FileErrors) {
  auto missing = LoadFlowFile(kData + "/no_such_file.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::kUnreadableFile);
  auto folder = LoadFlowFile(kData);
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().code, errc::kUnreadableFile);
}

}  // namespace
}  // namespace runnel::flow

// Source maps: a JSON pointer of a loaded file back to the line and column where its value
// starts, for JSON (scanned from the text) and YAML (recorded while converting).
#include <gtest/gtest.h>

#include "flow/json_source_map.h"
#include "flow/loader.h"

namespace runnel::flow {
namespace {

std::shared_ptr<const SourceMap> MapOf(std::string_view text,
                                       const std::string& origin = "f.json") {
  auto files = LoadFlowText(text, origin);
  EXPECT_TRUE(files) << (files ? "" : files.error().ToString());
  return files ? files.value()[0].source_map : std::make_shared<EmptySourceMap>();
}

void ExpectAt(const SourceMap& map, std::string_view pointer, int line, int column) {
  SourceLocation at = map.Find(pointer);
  EXPECT_EQ(at.line, line) << pointer;
  EXPECT_EQ(at.column, column) << pointer;
}

TEST(JsonSourceMap, FindsObjectMembersAndArrayItems) {
  auto map = MapOf(
      "{\n"
      "  \"triggers\": {},\n"
      "  \"actions\": {\n"
      "    \"A\": {\"type\": \"Compose\", \"inputs\": [1, {\"x\": true}, \"s\"]}\n"
      "  }\n"
      "}\n");
  ExpectAt(*map, "", 1, 1);
  ExpectAt(*map, "/triggers", 2, 15);
  ExpectAt(*map, "/actions/A", 4, 10);
  ExpectAt(*map, "/actions/A/type", 4, 19);
  ExpectAt(*map, "/actions/A/inputs", 4, 40);
  ExpectAt(*map, "/actions/A/inputs/0", 4, 41);
  ExpectAt(*map, "/actions/A/inputs/1/x", 4, 50);
  ExpectAt(*map, "/actions/A/inputs/2", 4, 57);
}

TEST(JsonSourceMap, MissingPointersFallBackToTheNearestAncestor) {
  auto map = MapOf("{\"triggers\": {},\n \"actions\": {\"A\": {}}}");
  ExpectAt(*map, "/actions/A/inputs/deep", 2, 19);
  ExpectAt(*map, "/nothing", 1, 1);
}

TEST(JsonSourceMap, DecodesKeysAndEscapesPointerTokens) {
  // Keys with escapes, '/', '~' and non-ASCII text: pointers use the decoded key, RFC 6901-escaped.
  auto map = MapOf(
      "{\"triggers\": {}, \"actions\": {\n"
      "\"a/b\": 1,\n"
      "\"t~n\": 2,\n"
      "\"\\u00e9t\\u00e9\": 3,\n"
      "\"q\\\"k\": 4,\n"
      "\"\xC3\xA9\xC3\xA9\": {\"v\": 5}}}\n");
  ExpectAt(*map, "/actions/a~1b", 2, 8);
  ExpectAt(*map, "/actions/t~0n", 3, 8);
  ExpectAt(*map, "/actions/\xC3\xA9t\xC3\xA9", 4, 18);
  ExpectAt(*map, "/actions/q\"k", 5, 9);
  // Columns count characters: "éé" is two columns, four bytes.
  ExpectAt(*map, "/actions/\xC3\xA9\xC3\xA9/v", 6, 13);
}

TEST(JsonSourceMap, CrLfLineEndings) {
  auto map = MapOf("{\r\n\"triggers\": {},\r\n\"actions\": {\"A\": 1}\r\n}");
  ExpectAt(*map, "/actions/A", 3, 18);
}

TEST(YamlSourceMap, FindsValuesAndBlockMembers) {
  auto map = MapOf(
      "triggers: {}\n"
      "actions:\n"
      "  A:\n"
      "    type: Compose\n"
      "    inputs: [1, 2]\n"
      "  B: {type: Compose}\n",
      "f.yaml");
  ExpectAt(*map, "/actions/A", 3, 3);  // a block mapping: the key's place
  ExpectAt(*map, "/actions/A/type", 4, 11);
  ExpectAt(*map, "/actions/A/inputs/1", 5, 17);
  ExpectAt(*map, "/actions/B", 6, 6);
  ExpectAt(*map, "/actions/B/missing", 6, 6);
}

TEST(LineIndex, LocatesOffsets) {
  LineIndex index("ab\ncd\n\xC3\xA9x");
  EXPECT_EQ(index.Locate(0).line, 1);
  EXPECT_EQ(index.Locate(4).column, 2);
  EXPECT_EQ(index.Locate(3).line, 2);
  EXPECT_EQ(index.Locate(8).line, 3);
  EXPECT_EQ(index.Locate(8).column, 2);   // after "é"
  EXPECT_EQ(index.Locate(1000).line, 3);  // clamped to the end
}

}  // namespace
}  // namespace runnel::flow

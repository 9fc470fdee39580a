// Zip packages: Power Automate export packages, Dataverse solutions and Logic Apps Standard
// projects, built in memory with libzip; and archives that must fail cleanly (corrupt, empty of
// flows, a member over the size limit).
#include "flow/package.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstring>
#include <map>

#include "flow/errors.h"
#include "flow/loader.h"

namespace runnel::flow {
namespace {

// Builds a zip archive in memory from path -> content.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& members) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  EXPECT_NE(archive, nullptr);
  for (const auto& [path, content] : members) {
    // libzip copies nothing until close: keep the bytes alive in a heap copy it frees.
    void* copy = malloc(content.size() + 1);
    memcpy(copy, content.data(), content.size());
    zip_source_t* source = zip_source_buffer(archive, copy, content.size(), 1);
    EXPECT_GE(zip_file_add(archive, path.c_str(), source, ZIP_FL_OVERWRITE), 0);
  }
  EXPECT_EQ(zip_close(archive), 0);
  zip_source_open(buffer);
  zip_source_seek(buffer, 0, SEEK_END);
  zip_int64_t size = zip_source_tell(buffer);
  zip_source_seek(buffer, 0, SEEK_SET);
  std::string out(static_cast<size_t>(size), '\0');
  zip_source_read(buffer, out.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

const char kDefinition[] = R"({"triggers": {"manual": {"type": "Request", "kind": "Button"}},
  "actions": {"Compose": {"type": "Compose", "inputs": 1, "runAfter": {}}}})";

std::string Wrapped() {
  return std::string(R"({"name": "x", "properties": {"definition": )") + kDefinition + "}}";
}

TEST(Package, ExportPackage) {
  std::string zip = MakeZip({
      {"manifest.json", "{}"},
      {"Microsoft.Flow/flows/1a2b/definition.json", Wrapped()},
      {"Microsoft.Flow/flows/1a2b/apisMap.json", "{}"},
      {"Microsoft.Flow/flows/3c4d/definition.json", Wrapped()},
  });
  ASSERT_TRUE(LooksLikeZip(zip));
  auto flows = LoadFlowText(zip, "export.zip");
  ASSERT_TRUE(flows) << flows.error().ToString();
  ASSERT_EQ(flows.value().size(), 2u);
  EXPECT_EQ(flows.value()[0].name, "1a2b");
  EXPECT_EQ(flows.value()[0].origin, "export.zip!Microsoft.Flow/flows/1a2b/definition.json");
  EXPECT_EQ(flows.value()[0].definition_pointer, "/properties/definition");
  EXPECT_EQ(flows.value()[1].name, "3c4d");
  EXPECT_EQ(flows.value()[1].source_map->Find("/properties/definition/actions/Compose").line, 2);
}

TEST(Package, SolutionAndStandardProject) {
  std::string solution = MakeZip({
      {"solution.xml", "<xml/>"},
      {"Workflows/Orders-1234.json", Wrapped()},
      {"Workflows/Orders-1234.json.data.xml", "<xml/>"},
  });
  auto flows = LoadFlowText(solution, "solution.zip");
  ASSERT_TRUE(flows) << flows.error().ToString();
  ASSERT_EQ(flows.value().size(), 1u);
  EXPECT_EQ(flows.value()[0].name, "Orders-1234");

  std::string project = MakeZip({
      {"host.json", "{}"},
      {"Orders/workflow.json",
       std::string(R"({"definition": )") + kDefinition + R"(, "kind": "Stateful"})"},
  });
  flows = LoadFlowText(project, "project.zip");
  ASSERT_TRUE(flows) << flows.error().ToString();
  EXPECT_EQ(flows.value()[0].name, "Orders");
  EXPECT_EQ(flows.value()[0].kind, "Stateful");
}

TEST(Package, IsToldApartByContentNotName) {
  std::string zip = MakeZip({{"Workflows/A.json", Wrapped()}});
  auto flows = LoadFlowText(zip, "looks-like.json");
  ASSERT_TRUE(flows) << flows.error().ToString();
  EXPECT_EQ(flows.value()[0].name, "A");
}

TEST(Package, FailuresAreClear) {
  auto none = LoadFlowText(MakeZip({{"readme.txt", "hi"}}), "empty.zip");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, errc::kNoDefinition);
  EXPECT_EQ(none.error().where, "empty.zip");

  std::string zip = MakeZip({{"Workflows/A.json", Wrapped()}});
  std::string truncated = zip.substr(0, zip.size() / 2);
  auto corrupt = LoadFlowText(truncated, "broken.zip");
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, errc::kInvalidPackage);

  auto bad_member = LoadFlowText(MakeZip({{"Workflows/A.json", "{not json"}}), "bad.zip");
  ASSERT_FALSE(bad_member);
  EXPECT_EQ(bad_member.error().code, errc::kJsonSyntax);
  EXPECT_EQ(bad_member.error().where, "bad.zip!Workflows/A.json:1:2");
}

TEST(Package, MemberSizeIsCapped) {
  // A zip bomb in miniature: 4 MiB of one byte compresses to a few KiB.
  std::string zeros(4 << 20, ' ');
  std::string zip = MakeZip({{"Workflows/A.json", zeros}});
  EXPECT_LT(zip.size(), size_t{64} << 10);
  PackageLimits limits;
  limits.max_member_bytes = 1 << 20;
  auto members = ReadPackage(zip, limits);
  ASSERT_FALSE(members);
  EXPECT_EQ(members.error().code, errc::kFileTooLarge);
  limits.max_member_bytes = 8 << 20;
  limits.max_total_bytes = 2 << 20;
  members = ReadPackage(zip, limits);
  ASSERT_FALSE(members);
  EXPECT_EQ(members.error().code, errc::kFileTooLarge);
}

}  // namespace
}  // namespace runnel::flow

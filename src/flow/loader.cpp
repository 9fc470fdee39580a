#include "flow/loader.h"

#include "flow/build_context.h"

#include <boost/json/stream_parser.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flow/errors.h"
#include "flow/json_source_map.h"
#include "flow/load_limits.h"
#include "flow/package.h"
#include "flow/yaml_to_json.h"
#include "json/lookup.h"

namespace runnel::flow {
namespace bj = boost::json;

namespace {

struct Document {
  bj::value root;
  std::shared_ptr<const SourceMap> source_map;
};

std::string Located(const std::string& origin, SourceLocation at) {
  if (at.line == 0) return origin;
  return origin + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

Error LoadError(const char* code, std::string message, std::string where) {
  Error e(code, std::move(message));
  e.where = std::move(where);
  return e;
}

// The file name without folders and its last extension: the default flow name.
std::string Stem(std::string_view origin) {
  std::string path(origin.substr(0, origin.find('!')));
  return std::filesystem::path(path).stem().string();
}

bool LooksBinary(std::string_view text) {
  // A NUL or most C0 controls never appear in JSON or YAML text.
  std::string_view head = text.substr(0, 64 * 1024);
  for (unsigned char c : head) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return true;
  }
  return false;
}

Result<Document> ParseJsonText(std::string_view text, const std::string& origin) {
  bj::parse_options options;
  options.max_depth = kMaxDocumentDepth;
  bj::stream_parser parser({}, options);
  boost::system::error_code ec;
  size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    size_t offset = std::min(consumed, text.size());
    SourceLocation at = LocateOffset(text, offset);
    if (ec == bj::error::too_deep) {
      return LoadError(
          errc::kTooDeep,
          "the document nests deeper than " + std::to_string(kMaxDocumentDepth) + " levels",
          Located(origin, at));
    }
    std::string message = "invalid JSON: " + ec.message();
    if (offset < text.size()) {
      unsigned char c = static_cast<unsigned char>(text[offset]);
      if (c >= 0x20 && c < 0x7f) message += std::string(" at '") + static_cast<char>(c) + "'";
    } else {
      message += " at the end of the text (unclosed object, array or string?)";
    }
    return LoadError(errc::kJsonSyntax, message, Located(origin, at));
  }
  Document doc;
  doc.root = parser.release();
  doc.source_map = std::make_shared<JsonSourceMap>(std::make_shared<const std::string>(text));
  return doc;
}

Result<Document> ParseDocument(std::string_view text, const std::string& origin) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return LoadError(errc::kEmptyFile,
                     "the file is empty; a flow file holds a definition in JSON or YAML", origin);
  }
  if (LooksBinary(text)) {
    return LoadError(errc::kUnknownFormat,
                     "the file is neither JSON, YAML nor a zip package (it holds binary data)",
                     origin);
  }
  if (text[first] == '{' || text[first] == '[') return ParseJsonText(text, origin);
  auto yaml = YamlToJson(text);
  if (!yaml) {
    Error e = yaml.error();
    e.where = e.where.empty() ? origin : origin + ":" + e.where;
    return e;
  }
  return Document{std::move(yaml.value().value), std::move(yaml.value().source_map)};
}

bool IsDefinitionShape(const bj::object& o) {
  if (o.contains("triggers") || o.contains("actions")) return true;
  auto it = o.find("$schema");
  return it != o.end() && it->value().is_string() &&
         std::string_view(it->value().get_string()).find("workflowdefinition.json") !=
             std::string_view::npos;
}

// v[keys[0]][keys[1]]... (names matched as WDL does), or nullptr.
const bj::value* MemberPath(const bj::value& v, std::initializer_list<std::string_view> keys) {
  const bj::value* at = &v;
  for (std::string_view key : keys) {
    at = at->is_object() ? json::FindMember(at->get_object(), key) : nullptr;
    if (!at) return nullptr;
  }
  return at;
}

bool IsArmTemplate(const bj::object& o) {
  auto schema = o.find("$schema");
  auto resources = o.find("resources");
  return resources != o.end() && resources->value().is_array() && schema != o.end() &&
         schema->value().is_string() &&
         std::string_view(schema->value().get_string()).find("deploymentTemplate.json") != std::string_view::npos;
}

// A template resource's name: a literal, or "[parameters('p')]" resolved to p's literal default.
std::string ArmResourceName(const bj::object& root, const bj::value* name) {
  if (!name || !name->is_string()) return "";
  std::string_view text = name->get_string();
  if (!build::IsDeployTimeExpression(text)) return std::string(text);
  constexpr std::string_view kPrefix = "[parameters('";
  constexpr std::string_view kSuffix = "')]";
  if (!text.starts_with(kPrefix) || !text.ends_with(kSuffix)) return "";
  std::string_view parameter = text.substr(kPrefix.size(), text.size() - kPrefix.size() - kSuffix.size());
  const bj::value* parameters = json::FindMember(root, "parameters");
  const bj::value* declared = parameters ? MemberPath(*parameters, {parameter, "defaultValue"}) : nullptr;
  if (!declared || !declared->is_string() || build::IsDeployTimeExpression(declared->get_string())) return "";
  return std::string(declared->get_string());
}

// Every Microsoft.Logic/workflows resource of an ARM template, as its own FlowFile.
Result<std::vector<FlowFile>> UnwrapArmTemplate(Document doc, const std::string& origin, const std::string& stem) {
  const bj::object& root = doc.root.get_object();
  const bj::array& resources = root.at("resources").get_array();
  std::vector<FlowFile> flows;
  for (size_t i = 0; i < resources.size(); ++i) {
    const bj::value* type = resources[i].is_object() ? json::FindMember(resources[i].get_object(), "type") : nullptr;
    if (!type || !type->is_string() || !json::EqualsIgnoreCase(type->get_string(), "Microsoft.Logic/workflows")) continue;
    const bj::object& resource = resources[i].get_object();
    std::string at = "/resources/" + std::to_string(i);
    const bj::value* definition = MemberPath(resources[i], {"properties", "definition"});
    if (!definition || !definition->is_object()) {
      return LoadError(errc::kNoDefinition,
                       "the Microsoft.Logic/workflows resource at " + at +
                           " has no properties.definition object",
                       Located(origin, doc.source_map->Find(at)));
    }
    FlowFile file;
    file.name = ArmResourceName(root, json::FindMember(resource, "name"));
    if (file.name.empty()) file.name = flows.empty() ? stem : stem + "_" + std::to_string(flows.size() + 1);
    file.origin = origin;
    file.source_map = doc.source_map;
    file.definition_pointer = at + "/properties/definition";
    file.definition = *definition;
    if (const bj::value* values = MemberPath(resources[i], {"properties", "parameters"}); values && values->is_object()) {
      for (const auto& kv : values->get_object()) {
        const bj::value* value = kv.value().is_object() ? json::FindMember(kv.value().get_object(), "value") : nullptr;
        // "[parameters('x')]" and the like are the deployment's to resolve: not a value here.
        if (!value || (value->is_string() && build::IsDeployTimeExpression(value->get_string()))) continue;
        file.parameter_values[kv.key()] = *value;
      }
    }
    flows.push_back(std::move(file));
  }
  if (flows.empty()) {
    return LoadError(errc::kNoDefinition,
                     "this ARM template has no resource of type Microsoft.Logic/workflows, so no flow to load",
                     Located(origin, doc.source_map->Find("/resources")));
  }
  return flows;
}

// Finds the definition in one of the accepted shapes (loader.h) and fills a FlowFile.
Result<FlowFile> Unwrap(Document doc, const std::string& origin, std::string name) {
  const std::string where = Located(origin, doc.source_map->Find(""));
  if (doc.root.is_null()) {
    return LoadError(errc::kEmptyFile, "the document is empty; a flow file holds a definition",
                     origin);
  }
  if (!doc.root.is_object()) {
    return LoadError(
        errc::kNoDefinition,
        "the document is " + build::DescribeKind(doc.root) +
            "; a flow file holds one object: a definition (with \"triggers\" and "
            "\"actions\"), a workflow.json ({\"definition\": ...}) or a Power Automate "
            "flow ({\"properties\": {\"definition\": ...}})",
        where);
  }
  bj::object& root = doc.root.get_object();
  FlowFile file;
  file.name = std::move(name);
  file.origin = origin;
  file.source_map = doc.source_map;
  bj::value* definition = nullptr;
  if (IsDefinitionShape(root)) {
    file.definition = std::move(doc.root);
    return file;
  }
  if (auto it = root.find("definition"); it != root.end()) {
    definition = &it->value();
    file.definition_pointer = "/definition";
    if (auto kind = root.find("kind"); kind != root.end()) {
      if (!kind->value().is_string()) {
        return LoadError(errc::kNoDefinition, "\"kind\" must be \"Stateful\" or \"Stateless\"",
                         Located(origin, doc.source_map->Find("/kind")));
      }
      file.kind = std::string(kind->value().get_string());
    }
  } else if (auto props = root.find("properties");
             props != root.end() && props->value().is_object() &&
             props->value().get_object().contains("definition")) {
    bj::object& properties = props->value().get_object();
    definition = &properties["definition"];
    file.definition_pointer = "/properties/definition";
    if (auto refs = properties.find("connectionReferences"); refs != properties.end()) {
      file.connection_references = refs->value();
    }
  } else {
    return LoadError(
        errc::kNoDefinition,
        "no flow definition found: expected \"triggers\" and \"actions\" (a definition), "
        "\"definition\" (a Logic Apps workflow.json) or \"properties\": {\"definition\"} "
        "(a Power Automate flow)",
        where);
  }
  if (!definition->is_object()) {
    return LoadError(errc::kNoDefinition,
                     "the definition at " + file.definition_pointer + " is " +
                         build::DescribeKind(*definition) +
                         "; it must be an object with \"triggers\" and \"actions\"",
                     Located(origin, doc.source_map->Find(file.definition_pointer)));
  }
  file.definition = std::move(*definition);
  return file;
}

Result<std::vector<FlowFile>> LoadPackage(std::string_view data, const std::string& origin) {
  auto members = ReadPackage(data);
  if (!members) {
    Error e = members.error();
    e.where = origin;
    return e;
  }
  std::vector<FlowFile> flows;
  for (PackageMember& member : members.value()) {
    std::string member_origin = origin + "!" + member.path;
    RUNNEL_TRY(doc, ParseDocument(member.text, member_origin));
    RUNNEL_TRY(file, Unwrap(std::move(doc), member_origin, std::move(member.flow_name)));
    flows.push_back(std::move(file));
  }
  return flows;
}

}  // namespace

Result<std::vector<FlowFile>> LoadFlowText(std::string_view text, const std::string& origin) {
  if (LooksLikeZip(text)) return LoadPackage(text, origin);
  RUNNEL_TRY(doc, ParseDocument(text, origin));
  if (doc.root.is_object() && IsArmTemplate(doc.root.get_object())) {
    return UnwrapArmTemplate(std::move(doc), origin, Stem(origin));
  }
  RUNNEL_TRY(file, Unwrap(std::move(doc), origin, Stem(origin)));
  std::vector<FlowFile> flows;
  flows.push_back(std::move(file));
  return flows;
}

Result<std::vector<FlowFile>> LoadFlowFile(const std::string& path) {
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return LoadError(errc::kUnreadableFile, "no such file", path);
  }
  if (!std::filesystem::is_regular_file(status)) {
    return LoadError(errc::kUnreadableFile, "not a regular file (a folder?)", path);
  }
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFlowFileBytes) {
    return LoadError(errc::kFileTooLarge,
                     "the file is " + std::to_string(size) + " bytes; flow files are limited to " +
                         std::to_string(kMaxFlowFileBytes),
                     path);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return LoadError(errc::kUnreadableFile, "cannot open the file for reading", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return LoadError(errc::kUnreadableFile, "reading the file failed", path);
  return LoadFlowText(buffer.str(), path);
}

}  // namespace runnel::flow

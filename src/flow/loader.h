// Loading flow files: JSON or YAML documents and Power Automate / Logic Apps packages, unwrapped
// to the definition object they carry.
//
// Accepted shapes (any of them in JSON or YAML):
//   - a bare definition: {"$schema": ..., "triggers": ..., "actions": ...}
//   - a Logic Apps Standard workflow.json: {"definition": ..., "kind": "Stateful" | "Stateless"}
//   - a Power Automate solution flow: {"properties": {"definition": ..., "connectionReferences": ...}}
//   - a Power Automate export package (.zip with Microsoft.Flow/flows/<id>/definition.json)
//   - a solution package (.zip with Workflows/*.json)
//   - an ARM deployment template (a Consumption logic app's "Export template"): each resource of
//     type Microsoft.Logic/workflows, with the parameter values its resource gives
// A package or template yields one FlowFile per flow it contains.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace runnel::flow {

// 1-based line and column; 0 when unknown.
struct SourceLocation {
  int line = 0;
  int column = 0;
};

// Maps a JSON pointer of the loaded document to where its value starts in the file.
class SourceMap {
 public:
  virtual ~SourceMap() = default;
  // The location of the value at `pointer` (RFC 6901, relative to the file's root), or of its
  // nearest existing ancestor; {0, 0} when unknown.
  virtual SourceLocation Find(std::string_view pointer) const = 0;
};

struct FlowFile {
  std::string name;    // the flow's name: the file stem, or the package's flow id / file stem
  std::string origin;  // "orders.json", or "export.zip!Microsoft.Flow/flows/<id>/definition.json"
  std::string kind;    // "Stateful", "Stateless", or "" when the file does not say
  boost::json::value definition;    // the definition object
  std::string definition_pointer;   // where it sits in the file: "", "/definition", "/properties/definition"
  boost::json::value connection_references;  // Power Automate connectionReferences, or null
  // Parameter values the file itself gives (an ARM template resource's "parameters", minus
  // values that are deploy-time expressions); values given at load override them.
  boost::json::object parameter_values;
  std::shared_ptr<const SourceMap> source_map;  // locations in the file (never null)
};

// Reads `path` (JSON, YAML, or a zip package, told apart by content). Fails — with line:column
// for syntax errors — when the file cannot be read or parsed, or holds no definition.
Result<std::vector<FlowFile>> LoadFlowFile(const std::string& path);

// The same for text already in memory; `origin` names it in errors.
Result<std::vector<FlowFile>> LoadFlowText(std::string_view text, const std::string& origin);

}  // namespace runnel::flow

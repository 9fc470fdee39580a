// YAML flow files: the same document as the JSON form, in another serialization.
//
// Scalars follow the YAML 1.2 core schema: quoted and block scalars are strings; plain `true`,
// `false`, `null`, `~`, integers (decimal, 0o octal, 0x hex) and floats are typed; everything
// else plain is a string. Explicit tags (!!str, !!int, ...) win. Mapping order is kept.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "flow/json_source_map.h"

namespace runnel::flow {

struct YamlDocument {
  boost::json::value value;                    // null for an empty document
  std::shared_ptr<TableSourceMap> source_map;  // the start of every value
};

// Converts the first document of `text`. Errors: YamlSyntaxError (where = "line:column") for
// invalid YAML, duplicate keys, non-scalar keys and values JSON cannot hold (.inf, .nan);
// DocumentTooDeep past kMaxDocumentDepth; FileTooLarge past the value limit (load_limits.h: alias
// expansion).
// Never throws.
Result<YamlDocument> YamlToJson(std::string_view text);

}  // namespace runnel::flow

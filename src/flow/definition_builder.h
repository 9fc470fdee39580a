// Building a Definition (definition.h) from a loaded FlowFile, validating it on the way.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <vector>

#include "base/result.h"
#include "expr/limits.h"
#include "flow/definition.h"
#include "flow/diagnostic.h"
#include "flow/loader.h"

namespace runnel::flow {

struct BuildOptions {
  expr::Limits limits;
  int max_actions = 500;      // Logic Apps limits page (the schema page's older figure is 250)
  int max_depth = 8;          // action nesting depth
  int max_name_length = 80;   // trigger and action names
  // Values for declared parameters (`runnel run --parameters FILE`); override defaultValue.
  boost::json::object parameter_values;
  // What appsetting(name) reads (Logic Apps Standard's app settings: `runnel run --settings`,
  // the server's app_settings); null: none set.
  std::shared_ptr<const boost::json::object> app_settings;
};

// Builds and validates. Every problem goes to `diagnostics` (errors and warnings, each with the
// JSON pointer and line:column in the file and a how-to-fix message). Returns the Definition when
// there are no errors; otherwise an Error summarising the first one.
Result<std::unique_ptr<Definition>> BuildDefinition(const FlowFile& file, const BuildOptions& options,
                                                    std::vector<Diagnostic>& diagnostics);

}  // namespace runnel::flow

// Parameter values and app settings supplied when a flow is loaded (`runnel run --parameters
// FILE --settings FILE`).
#pragma once

#include <boost/json/value.hpp>

#include <memory>

#include "base/result.h"

namespace runnel::flow {

// Accepts {"name": value} and the ARM parameters-file form {"name": {"value": value}} (also
// inside a top-level "parameters" member, as ARM parameter files have it).
boost::json::object ParameterValuesFromJson(const boost::json::value& file);

// What appsetting() reads: {"name": value}, or a Logic Apps Standard project's
// local.settings.json ({"IsEncrypted": false, "Values": {...}}). Anything else is an error.
Result<std::shared_ptr<const boost::json::object>> AppSettingsFromJson(const boost::json::value& file);

}  // namespace runnel::flow

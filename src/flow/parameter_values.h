// Parameter values supplied when a flow is loaded (`runnel run --parameters FILE`).
#pragma once

#include <boost/json/value.hpp>

namespace runnel::flow {

// Accepts {"name": value} and the ARM parameters-file form {"name": {"value": value}} (also
// inside a top-level "parameters" member, as ARM parameter files have it).
boost::json::object ParameterValuesFromJson(const boost::json::value& file);

}  // namespace runnel::flow

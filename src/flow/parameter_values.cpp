#include "flow/parameter_values.h"

namespace runnel::flow {
namespace bj = boost::json;

bj::object ParameterValuesFromJson(const bj::value& file) {
  bj::object out;
  if (!file.is_object()) return out;
  const bj::object* values = &file.get_object();
  // An ARM parameters file: {"$schema": ..., "parameters": {"name": {"value": ...}}}.
  if (values->contains("$schema") && values->contains("parameters") && values->at("parameters").is_object()) {
    values = &values->at("parameters").get_object();
  }
  for (const auto& kv : *values) {
    const bj::value& v = kv.value();
    if (v.is_object() && v.get_object().size() == 1 && v.get_object().contains("value")) {
      out[kv.key()] = v.get_object().at("value");
    } else {
      out[kv.key()] = v;
    }
  }
  return out;
}

Result<std::shared_ptr<const bj::object>> AppSettingsFromJson(const bj::value& file) {
  const bj::value* values = &file;
  if (values->is_object() && values->as_object().contains("Values")) values = &values->as_object().at("Values");
  if (!values->is_object()) {
    return Error("InvalidSettings",
                 "app settings must be an object of names to values, or local.settings.json's {\"Values\": {...}}");
  }
  return std::make_shared<const bj::object>(values->get_object());
}

}  // namespace runnel::flow

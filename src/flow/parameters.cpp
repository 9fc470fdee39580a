// Parameters and outputs of a definition (wdl-digest §1.1, §1.2).
#include <boost/json/object.hpp>

#include "flow/action_builder.h"
#include "flow/definition_sections.h"
#include "flow/errors.h"
#include "flow/expression_compiler.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

constexpr size_t kMaxOutputs = 10;
constexpr std::string_view kValueTypes[] = {"int",   "float",  "string",       "bool",
                                            "array", "object", "securestring", "secureobject"};

std::string TypeList() {
  std::string out;
  for (std::string_view t : kValueTypes) out += (out.empty() ? "" : ", ") + std::string(t);
  return out;
}

// Whether `v` has the JSON shape of a declared type (canonical spelling).
bool Fits(std::string_view type, const bj::value& v) {
  if (type == "int") return v.is_int64() || v.is_uint64();
  if (type == "float") return v.is_number();
  if (type == "string" || type == "securestring") return v.is_string();
  if (type == "bool") return v.is_bool();
  if (type == "array") return v.is_array();
  return v.is_object();  // object, secureobject
}

// The declared type a supplied value would have.
std::string TypeOf(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::string:
      return "string";
    case bj::kind::bool_:
      return "bool";
    case bj::kind::double_:
      return "float";
    case bj::kind::int64:
    case bj::kind::uint64:
      return "int";
    case bj::kind::array:
      return "array";
    default:
      return "object";
  }
}

const bj::value* FindValue(const bj::object& values, std::string_view name) {
  return json::FindMember(values, name);
}

}  // namespace

std::optional<std::string_view> CanonicalValueType(std::string_view type) {
  for (std::string_view t : kValueTypes) {
    if (json::EqualsIgnoreCase(t, type)) return t;
  }
  return std::nullopt;
}

void BuildParameters(BuildContext& ctx, Definition& def, const bj::object& root) {
  const bj::object& supplied = ctx.options().parameter_values;
  const bj::value* section = Member(root, "parameters");
  if (section && !section->is_object()) {
    ctx.Error("/parameters", errc::kInvalidProperty,
              "\"parameters\" must be an object of declarations");
    section = nullptr;
  }
  if (section) {
    for (const auto& kv : section->get_object()) {
      std::string name(kv.key());
      std::string at = PointerChild("/parameters", name);
      const bj::object* decl = kv.value().is_object() ? &kv.value().get_object() : nullptr;
      const bj::value* type = decl ? Member(*decl, "type") : nullptr;
      // "" when the type is missing or unknown (reported below).
      std::string_view canonical;
      if (type && type->is_string())
        canonical = CanonicalValueType(type->get_string()).value_or("");
      Parameter parameter;
      if (canonical.empty()) {
        ctx.Error(type ? PointerChild(at, "type") : at, errc::kInvalidParameter,
                  "parameter '" + name + "' needs a \"type\": one of " + TypeList(), name);
      } else {
        parameter.type = std::string(type->get_string());
        parameter.secure = canonical == "securestring" || canonical == "secureobject";
      }
      const bj::value* value = FindValue(supplied, name);
      if (!value) value = FindValue(ctx.file().parameter_values, name);
      if (!value && decl) value = Member(*decl, "defaultValue");
      if (!value) {
        // An error only if something reads it: decided once references are known.
        ctx.parameters_without_value.push_back(name);
      } else if (value->is_string() && IsDeployTimeExpression(value->get_string())) {
        ctx.NoteDeployTimeExpression(PointerChild(at, "defaultValue"), value->get_string());
        parameter.default_value = *value;
      } else {
        if (!canonical.empty() && !Fits(canonical, *value)) {
          ctx.Error(at, errc::kInvalidParameter,
                    "parameter '" + name + "' is declared " + std::string(canonical) +
                        " but its value is " + DescribeKind(*value),
                    name);
        }
        const bj::value* allowed = decl ? Member(*decl, "allowedValues") : nullptr;
        if (allowed && allowed->is_array() && !allowed->get_array().empty()) {
          bool listed = false;
          for (const bj::value& a : allowed->get_array()) listed = listed || a == *value;
          if (!listed) {
            ctx.Error(at, errc::kInvalidParameter,
                      "the value of parameter '" + name + "' is not one of its allowedValues",
                      name);
          }
        }
        parameter.default_value = *value;
      }
      def.parameters.emplace(std::move(name), std::move(parameter));
    }
  }
  // A supplied value the definition does not declare is a parameter too: Logic Apps Standard
  // keeps a project's parameters in parameters.json, outside every workflow.json.
  for (const auto& kv : supplied) {
    bool declared = false;
    for (const auto& [name, p] : def.parameters)
      declared = declared || json::EqualsIgnoreCase(name, kv.key());
    if (declared) continue;
    Parameter parameter;
    parameter.type = TypeOf(kv.value());
    parameter.default_value = kv.value();
    def.parameters.emplace(std::string(kv.key()), std::move(parameter));
  }
}

void CheckParameterValues(BuildContext& ctx, const Definition& def) {
  for (const std::string& name : ctx.parameters_without_value) {
    bool used = false;
    for (const ReferenceUse& use : ctx.references) {
      used = used ||
             (use.kind == ReferenceUse::Kind::kParameter && json::EqualsIgnoreCase(use.name, name));
    }
    std::string message = "parameter '" + name +
                          "' has no value: add a \"defaultValue\" or supply one "
                          "(--parameters FILE)";
    std::string at = PointerChild("/parameters", name);
    if (used) {
      ctx.Error(at, errc::kMissingParameterValue, message, name);
    } else {
      ctx.Warning(at, errc::kMissingParameterValue, message + "; no expression reads it yet", name);
    }
  }
}

void BuildOutputs(BuildContext& ctx, Definition& def, const bj::object& root) {
  const bj::value* section = Member(root, "outputs");
  if (!section) return;
  if (!section->is_object()) {
    ctx.Error("/outputs", errc::kInvalidProperty,
              "\"outputs\" must be an object: {\"name\": {\"type\", \"value\"}}");
    return;
  }
  const bj::object& outputs = section->get_object();
  if (outputs.size() > kMaxOutputs) {
    ctx.Error("/outputs", errc::kTooManyOutputs,
              "the definition has " + std::to_string(outputs.size()) + " outputs; the limit is " +
                  std::to_string(kMaxOutputs));
  }
  for (const auto& kv : outputs) {
    std::string name(kv.key());
    std::string at = PointerChild("/outputs", name);
    const bj::object* o = kv.value().is_object() ? &kv.value().get_object() : nullptr;
    const bj::value* type = o ? Member(*o, "type") : nullptr;
    const bj::value* value = o ? Member(*o, "value") : nullptr;
    if (!type || !type->is_string() || !CanonicalValueType(type->get_string())) {
      ctx.Error(type ? PointerChild(at, "type") : at, errc::kInvalidProperty,
                "output '" + name + "' needs a \"type\": one of " + TypeList(), name);
    }
    if (!value) {
      ctx.Error(at, errc::kMissingProperty, "output '" + name + "' needs a \"value\"", name);
      continue;
    }
    auto compiled = CompileValue(ctx, *value, PointerChild(at, "value"), nullptr);
    if (!compiled) continue;
    def.outputs.push_back({name, type && type->is_string() ? std::string(type->get_string()) : "",
                           std::move(*compiled)});
  }
}

}  // namespace runnel::flow::build

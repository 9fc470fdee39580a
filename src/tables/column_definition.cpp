// One column of a table definition: its type, settings and their limits (table_schema.h shows
// the document; Dataverse's limits per column type are the defaults and bounds).
#include <set>

#include "json/lookup.h"
#include "tables/definition_reader.h"

namespace runnel::tables {
namespace definition {

namespace {

// Dataverse's limits for the column types (learn.microsoft.com: "Column data types").
constexpr int64_t kDefaultStringLength = 100;
constexpr int64_t kMaxStringLength = 4000;
constexpr int64_t kDefaultMemoLength = 2000;
constexpr int64_t kMaxMemoLength = 1048576;
constexpr int kDefaultPrecision = 2;
constexpr int kMaxDecimalPrecision = 10;
constexpr int kMaxFloatPrecision = 5;
constexpr double kDecimalLimit = 100000000000.0;  // ±100 billion, decimal and float
constexpr double kInt32Min = -2147483648.0;
constexpr double kInt32Max = 2147483647.0;

struct TypeName {
  std::string_view name;
  ColumnType type;
};
constexpr TypeName kTypeNames[] = {
    {"string", ColumnType::kString}, {"memo", ColumnType::kMemo},         {"int", ColumnType::kInt},
    {"bigint", ColumnType::kBigInt}, {"decimal", ColumnType::kDecimal},   {"float", ColumnType::kFloat},
    {"bool", ColumnType::kBool},     {"datetime", ColumnType::kDateTime}, {"guid", ColumnType::kGuid},
    {"choice", ColumnType::kChoice}, {"lookup", ColumnType::kLookup},
};

Result<ColumnType> ParseType(const std::string& text, const std::string& pointer) {
  for (const auto& t : kTypeNames) {
    if (json::EqualsIgnoreCase(t.name, text)) return t.type;
  }
  std::string list;
  for (const auto& t : kTypeNames) list += (list.empty() ? "" : ", ") + std::string(t.name);
  return Invalid(pointer, "unknown column type '" + text + "' (types: " + list + ")");
}

Status CheckRange(ColumnDef& c, double low, double high, const std::string& pointer) {
  double min = c.min_value.value_or(low), max = c.max_value.value_or(high);
  if (min < low || max > high || min > max) {
    return Invalid(pointer, "column '" + c.name + "': minValue and maxValue must satisfy " + std::to_string(static_cast<int64_t>(low)) +
                                " <= minValue <= maxValue <= " + std::to_string(static_cast<int64_t>(high)));
  }
  c.min_value = min;
  c.max_value = max;
  return Ok();
}

Status ParseOptions(const bj::value* v, ColumnDef& c, const std::string& pointer) {
  if (!v || !v->is_array() || v->get_array().empty()) {
    return Invalid(pointer, "choice column '" + c.name + "' needs 'options': [{\"value\": 1, \"label\": \"...\"}, ...]");
  }
  std::set<int64_t> seen;
  size_t i = 0;
  for (const auto& item : v->get_array()) {
    std::string at = pointer + "/" + std::to_string(i++);
    if (!item.is_object()) return Invalid(at, "an option is {\"value\": <whole number>, \"label\": \"...\"}");
    ObjectReader r(item.get_object(), at, {"value", "label"});
    RUNNEL_TRY_STATUS(r.CheckKeys());
    RUNNEL_TRY(value, r.Int("value"));
    if (!value || *value < kInt32Min || *value > kInt32Max) {
      return Invalid(r.At("value"), "an option's 'value' must be a whole number from -2147483648 to 2147483647");
    }
    if (!seen.insert(*value).second) return Invalid(r.At("value"), "option value " + std::to_string(*value) + " appears twice");
    RUNNEL_TRY(label, r.String("label"));
    c.options.push_back({*value, label, -1});
  }
  return Ok();
}

}  // namespace

Result<ColumnDef> ParseColumnDefinition(const bj::value& v, const std::string& name_hint, const std::string& pointer) {
  if (!v.is_object()) return Invalid(pointer, "a column is an object with at least \"name\" and \"type\"");
  ObjectReader r(v.get_object(), pointer,
                 {"name", "type", "displayName", "description", "required", "maxLength", "precision", "minValue",
                  "maxValue", "options", "target", "relationshipName"});
  RUNNEL_TRY_STATUS(r.CheckKeys());
  ColumnDef c;
  RUNNEL_TRY(name, r.String("name", name_hint, kMaxNameLength + 1));
  if (!name_hint.empty() && name != name_hint) {
    return Invalid(r.At("name"), "the column's 'name' ('" + name + "') differs from its key ('" + name_hint + "')");
  }
  if (!IsLogicalName(name)) {
    return Invalid(name.empty() ? pointer : r.At("name"),
                   "column name '" + name + "' must be lower case letters, digits and '_', start with a letter, "
                   "and have at most 50 characters");
  }
  c.name = name;
  RUNNEL_TRY(type_text, r.String("type"));
  if (type_text.empty()) return Invalid(pointer, "column '" + name + "' needs a 'type'");
  RUNNEL_TRY(type, ParseType(type_text, r.At("type")));
  c.type = type;
  RUNNEL_TRY(display, r.String("displayName", name));
  RUNNEL_TRY(description, r.String("description"));
  RUNNEL_TRY(required, r.Bool("required", false));
  c.display_name = display;
  c.description = description;
  c.required = required;
  RUNNEL_TRY(max_length, r.Int("maxLength"));
  RUNNEL_TRY(precision, r.Int("precision"));
  RUNNEL_TRY(min_value, r.Number("minValue"));
  RUNNEL_TRY(max_value, r.Number("maxValue"));
  c.min_value = min_value;
  c.max_value = max_value;
  auto refuse = [&](std::string_view key) -> Status {
    if (r.Get(key)) {
      return Invalid(r.At(key), "'" + std::string(key) + "' does not apply to a " + std::string(ColumnTypeName(c.type)) +
                                    " column");
    }
    return Ok();
  };
  bool text = c.type == ColumnType::kString || c.type == ColumnType::kMemo;
  bool ranged = c.type == ColumnType::kInt || c.type == ColumnType::kDecimal || c.type == ColumnType::kFloat;
  bool fractional = c.type == ColumnType::kDecimal || c.type == ColumnType::kFloat;
  if (!text) RUNNEL_TRY_STATUS(refuse("maxLength"));
  if (!ranged) RUNNEL_TRY_STATUS(refuse("minValue"));
  if (!ranged) RUNNEL_TRY_STATUS(refuse("maxValue"));
  if (!fractional) RUNNEL_TRY_STATUS(refuse("precision"));
  if (c.type != ColumnType::kChoice) RUNNEL_TRY_STATUS(refuse("options"));
  if (c.type != ColumnType::kLookup) RUNNEL_TRY_STATUS(refuse("target"));
  if (c.type != ColumnType::kLookup) RUNNEL_TRY_STATUS(refuse("relationshipName"));
  if (text) {
    int64_t limit = c.type == ColumnType::kString ? kMaxStringLength : kMaxMemoLength;
    c.max_length = max_length.value_or(c.type == ColumnType::kString ? kDefaultStringLength : kDefaultMemoLength);
    if (c.max_length < 1 || c.max_length > limit) {
      return Invalid(r.At("maxLength"), "'maxLength' of a " + std::string(ColumnTypeName(c.type)) +
                                            " column must be from 1 to " + std::to_string(limit));
    }
  }
  if (fractional) {
    int limit = c.type == ColumnType::kDecimal ? kMaxDecimalPrecision : kMaxFloatPrecision;
    int64_t p = precision.value_or(kDefaultPrecision);
    if (p < 0 || p > limit) return Invalid(r.At("precision"), "'precision' must be from 0 to " + std::to_string(limit));
    c.precision = static_cast<int>(p);
  }
  switch (c.type) {
    case ColumnType::kInt: RUNNEL_TRY_STATUS(CheckRange(c, kInt32Min, kInt32Max, pointer)); break;
    case ColumnType::kDecimal:
    case ColumnType::kFloat: RUNNEL_TRY_STATUS(CheckRange(c, -kDecimalLimit, kDecimalLimit, pointer)); break;
    case ColumnType::kChoice: RUNNEL_TRY_STATUS(ParseOptions(r.Get("options"), c, r.At("options"))); break;
    case ColumnType::kLookup: {
      RUNNEL_TRY(target, r.String("target", "", kMaxNameLength + 1));
      if (!IsLogicalName(target)) {
        return Invalid(r.At("target"), "lookup column '" + name + "' needs 'target': the logical name of the table it points to");
      }
      c.target = target;
      RUNNEL_TRY(relationship, r.String("relationshipName", "", kMaxEntitySetLength + 1));
      c.relationship = relationship;
      break;
    }
    default: break;
  }
  return c;
}

}  // namespace definition

std::string_view ColumnTypeName(ColumnType type) {
  for (const auto& t : definition::kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}

const ChoiceOption* ColumnDef::FindOption(int64_t value) const {
  for (const auto& o : options) {
    if (o.value == value) return &o;
  }
  return nullptr;
}

}  // namespace runnel::tables

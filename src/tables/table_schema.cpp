#include "tables/table_schema.h"

#include <boost/json.hpp>

#include <set>

#include "tables/definition_reader.h"

namespace runnel::tables {
namespace bj = boost::json;

namespace {

using definition::Escape;
using definition::Invalid;
using definition::kMaxEntitySetLength;
using definition::kMaxNameLength;
using definition::kMaxTextLength;
using definition::ObjectReader;

bool IsEntitySetName(std::string_view s) {
  if (s.empty() || s.size() > kMaxEntitySetLength) return false;
  auto alpha = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'; };
  if (!alpha(s[0])) return false;
  for (char ch : s) {
    if (!alpha(ch) && !(ch >= '0' && ch <= '9')) return false;
  }
  return true;
}

}  // namespace

bool IsLogicalName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || name[0] < 'a' || name[0] > 'z') return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

Result<TableSchema> TableSchema::Parse(const bj::value& document, std::string_view expected_name,
                                       const TableLimitsForSchemas& limits) {
  if (!document.is_object()) return Invalid("", "a table definition is a JSON or YAML object");
  ObjectReader r(document.get_object(), "",
                 {"logicalName", "entitySetName", "displayName", "description", "primaryNameColumn", "columns", "keys"});
  RUNNEL_TRY_STATUS(r.CheckKeys());
  TableSchema t;
  RUNNEL_TRY(logical, r.String("logicalName", std::string(expected_name), kMaxNameLength + 1));
  if (!IsLogicalName(logical)) {
    return Invalid(logical.empty() ? "/" : "/logicalName",
                   "the table's logicalName '" + logical + "' must be lower case letters, digits and '_', start with "
                   "a letter, and have at most 50 characters");
  }
  if (!expected_name.empty() && logical != expected_name) {
    return Invalid("/logicalName", "the definition's logicalName '" + logical + "' differs from '" +
                                       std::string(expected_name) + "' in the URL or file name");
  }
  t.logical_name_ = logical;
  RUNNEL_TRY(set, r.String("entitySetName", logical + "s", kMaxEntitySetLength + 1));
  if (!IsEntitySetName(set)) {
    return Invalid("/entitySetName", "entitySetName '" + set + "' must be letters, digits and '_' (at most 64), "
                                     "starting with a letter");
  }
  t.entity_set_name_ = set;
  RUNNEL_TRY(display, r.String("displayName", logical));
  RUNNEL_TRY(description, r.String("description"));
  t.display_name_ = display;
  t.description_ = description;
  t.sql_table_ = "t_" + logical;

  // The primary id comes first; the user columns follow in definition order.
  t.columns_.push_back(ColumnDef{});
  std::set<std::string> names;
  const std::string id_name = logical + "id";
  const std::set<std::string> standard = {id_name, "createdon", "modifiedon", "versionnumber",
                                          "statecode", "statuscode", "ownerid"};
  auto add_column = [&](const bj::value& v, const std::string& hint, const std::string& at) -> Status {
    RUNNEL_TRY(c, definition::ParseColumnDefinition(v, hint, at));
    if (standard.count(c.name)) {
      return Invalid(at, "'" + c.name + "' is a standard column every table has; choose another name");
    }
    if (!names.insert(c.name).second) return Invalid(at, "column '" + c.name + "' is defined twice");
    t.columns_.push_back(std::move(c));
    return Ok();
  };
  if (const bj::value* cols = r.Get("columns")) {
    if (cols->is_array()) {
      size_t i = 0;
      for (const auto& c : cols->get_array()) RUNNEL_TRY_STATUS(add_column(c, "", "/columns/" + std::to_string(i++)));
    } else if (cols->is_object()) {
      for (const auto& kv : cols->get_object()) {
        RUNNEL_TRY_STATUS(add_column(kv.value(), std::string(kv.key()), "/columns/" + Escape(kv.key())));
      }
    } else {
      return Invalid("/columns", "'columns' is a list of columns (or a mapping from column name to column)");
    }
  }
  if (t.columns_.size() - 1 > limits.max_columns) {
    return Invalid("/columns", "a table has at most " + std::to_string(limits.max_columns) + " columns");
  }
  RUNNEL_TRY(primary_name, r.String("primaryNameColumn", "", kMaxNameLength + 1));
  if (!primary_name.empty()) {
    const ColumnDef* c = nullptr;
    for (const auto& col : t.columns_) c = col.name == primary_name ? &col : c;
    if (!c || c->type != ColumnType::kString) {
      return Invalid("/primaryNameColumn", "primaryNameColumn '" + primary_name + "' must name a string column of the table");
    }
  }
  t.primary_name_column_ = primary_name;
  t.AddStandardColumns();
  t.IndexColumns();

  if (const bj::value* keys = r.Get("keys")) {
    if (!keys->is_array()) return Invalid("/keys", "'keys' is a list of {\"name\": ..., \"columns\": [...]}");
    if (keys->get_array().size() > limits.max_keys) {
      return Invalid("/keys", "a table has at most " + std::to_string(limits.max_keys) + " alternate keys");
    }
    std::set<std::string> key_names;
    std::set<std::set<std::string>> key_sets;
    size_t i = 0;
    for (const auto& k : keys->get_array()) {
      std::string at = "/keys/" + std::to_string(i++);
      if (!k.is_object()) return Invalid(at, "a key is {\"name\": ..., \"columns\": [...]}");
      ObjectReader kr(k.get_object(), at, {"name", "columns"});
      RUNNEL_TRY_STATUS(kr.CheckKeys());
      AlternateKey key;
      RUNNEL_TRY(key_name, kr.String("name", "", kMaxNameLength + 1));
      if (!IsLogicalName(key_name)) return Invalid(kr.At("name"), "a key needs a 'name' (lower case letters, digits, '_')");
      if (!key_names.insert(key_name).second) return Invalid(kr.At("name"), "key '" + key_name + "' is defined twice");
      key.name = key_name;
      const bj::value* cols = kr.Get("columns");
      if (!cols || !cols->is_array() || cols->get_array().empty() ||
          cols->get_array().size() > limits.max_key_columns) {
        return Invalid(kr.At("columns"), "key '" + key_name + "' needs 'columns': 1 to " +
                                             std::to_string(limits.max_key_columns) + " column names");
      }
      std::set<std::string> set;
      for (const auto& cv : cols->get_array()) {
        const ColumnDef* c = cv.is_string() ? t.FindColumn(cv.get_string()) : nullptr;
        if (!c || c->standard) {
          return Invalid(kr.At("columns"), "key '" + key_name + "' names " +
                                               (cv.is_string() ? "'" + std::string(cv.get_string()) + "'" : "a non-string") +
                                               ", which is not a column defined in 'columns'");
        }
        if (c->type == ColumnType::kMemo || c->type == ColumnType::kFloat || c->type == ColumnType::kBool) {
          return Invalid(kr.At("columns"), "key '" + key_name + "': a " + std::string(ColumnTypeName(c->type)) +
                                               " column cannot be part of a key");
        }
        if (!set.insert(c->name).second) return Invalid(kr.At("columns"), "key '" + key_name + "' names a column twice");
        key.columns.push_back(c->name);
      }
      if (!key_sets.insert(set).second) return Invalid(kr.At("columns"), "two keys have the same columns");
      t.keys_.push_back(std::move(key));
    }
  }
  return t;
}

void TableSchema::AddStandardColumns() {
  ColumnDef& id = columns_[0];
  id.name = logical_name_ + "id";
  id.type = ColumnType::kGuid;
  id.display_name = display_name_;
  id.standard = true;
  id.access = ColumnAccess::kCreateOnly;
  auto add = [this](std::string name, ColumnType type, ColumnAccess access) -> ColumnDef& {
    ColumnDef c;
    c.name = std::move(name);
    c.type = type;
    c.display_name = c.name;
    c.standard = true;
    c.access = access;
    columns_.push_back(std::move(c));
    return columns_.back();
  };
  add("createdon", ColumnType::kDateTime, ColumnAccess::kReadOnly);
  add("modifiedon", ColumnType::kDateTime, ColumnAccess::kReadOnly);
  add("versionnumber", ColumnType::kBigInt, ColumnAccess::kReadOnly);
  add("statecode", ColumnType::kChoice, ColumnAccess::kWritable).options = {{0, "Active", -1}, {1, "Inactive", -1}};
  add("statuscode", ColumnType::kChoice, ColumnAccess::kWritable).options = {{1, "Active", 0}, {2, "Inactive", 1}};
  ColumnDef& owner = add("ownerid", ColumnType::kLookup, ColumnAccess::kWritable);
  owner.target = "systemuser";
}

void TableSchema::IndexColumns() {
  for (auto& c : columns_) {
    c.odata_name = c.type == ColumnType::kLookup ? "_" + c.name + "_value" : c.name;
    c.sql_name = "c_" + c.name;
    if (c.type == ColumnType::kLookup && c.relationship.empty() && !c.standard) {
      c.relationship = logical_name_ + "_" + c.name;
    }
  }
}

int TableSchema::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int TableSchema::ODataColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].odata_name == name) return static_cast<int>(i);
  }
  return -1;
}

const ColumnDef* TableSchema::FindColumn(std::string_view name) const {
  int i = ColumnIndex(name);
  return i < 0 ? nullptr : &columns_[static_cast<size_t>(i)];
}

std::vector<std::string> TableSchema::UserColumnNames() const {
  std::vector<std::string> out;
  for (const auto& c : columns_) {
    if (!c.standard) out.push_back(c.name);
  }
  return out;
}

bj::value TableSchema::ToDocument() const {
  bj::array columns;
  for (const auto& c : columns_) {
    if (c.standard) continue;
    bj::object o{{"name", c.name}, {"type", ColumnTypeName(c.type)}, {"displayName", c.display_name}};
    if (!c.description.empty()) o["description"] = c.description;
    o["required"] = c.required;
    if (c.max_length) o["maxLength"] = c.max_length;
    if (c.type == ColumnType::kDecimal || c.type == ColumnType::kFloat) o["precision"] = c.precision;
    if (c.min_value) o["minValue"] = *c.min_value;
    if (c.max_value) o["maxValue"] = *c.max_value;
    if (c.type == ColumnType::kChoice) {
      bj::array options;
      for (const auto& opt : c.options) options.push_back(bj::object{{"value", opt.value}, {"label", opt.label}});
      o["options"] = std::move(options);
    }
    if (c.type == ColumnType::kLookup) {
      o["target"] = c.target;
      o["relationshipName"] = c.relationship;
    }
    columns.push_back(std::move(o));
  }
  bj::array keys;
  for (const auto& k : keys_) {
    bj::array cols;
    for (const auto& c : k.columns) cols.push_back(bj::string(c));
    keys.push_back(bj::object{{"name", k.name}, {"columns", std::move(cols)}});
  }
  bj::object doc{{"logicalName", logical_name_}, {"entitySetName", entity_set_name_}, {"displayName", display_name_}};
  if (!description_.empty()) doc["description"] = description_;
  if (!primary_name_column_.empty()) doc["primaryNameColumn"] = primary_name_column_;
  doc["columns"] = std::move(columns);
  doc["keys"] = std::move(keys);
  return doc;
}

}  // namespace runnel::tables

// TableSchema: one user table's definition — names, columns, keys — as deployed.
//
// A definition is a JSON document (YAML is converted to the same document by the caller):
//
//   {"logicalName": "account", "entitySetName": "accounts", "displayName": "Account",
//    "primaryNameColumn": "name",
//    "columns": [{"name": "name", "type": "string", "maxLength": 100, "required": true},
//                {"name": "industrycode", "type": "choice", "options": [{"value": 1, "label": "Retail"}]},
//                {"name": "primarycontactid", "type": "lookup", "target": "contact"}],
//    "keys": [{"name": "accountnumber_key", "columns": ["accountnumber"]}]}
//
// Parsing validates everything that depends on the document alone and reports the JSON
// pointer of the first problem; what depends on other tables (lookup targets, unique entity
// set names) and on the previous version (allowed changes) is checked by the catalog
// (table_catalog.h). Every table also has the standard columns (<logicalname>id, createdon,
// modifiedon, versionnumber, statecode, statuscode, ownerid), added by parsing.
//
// A parsed schema is immutable and shared (shared_ptr<const TableSchema>) between threads.
#pragma once

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace runnel::tables {

enum class ColumnType { kString, kMemo, kInt, kBigInt, kDecimal, kFloat, kBool, kDateTime, kGuid, kChoice, kLookup };

std::string_view ColumnTypeName(ColumnType type);

struct ChoiceOption {
  int64_t value = 0;
  std::string label;
  int64_t state = -1;  // statuscode options only: the statecode they belong to
};

// Who may write a column through the Web API.
enum class ColumnAccess {
  kWritable,    // user columns, statecode, statuscode, ownerid
  kCreateOnly,  // the primary id: may be given on create, never changed
  kReadOnly,    // createdon, modifiedon, versionnumber: set by the store
};

struct ColumnDef {
  std::string name;           // logical name, [a-z][a-z0-9_]*
  ColumnType type = ColumnType::kString;
  std::string display_name;
  std::string description;
  bool required = false;
  int64_t max_length = 0;     // string, memo: in characters
  int precision = 0;          // decimal, float: digits after the point
  std::optional<double> min_value, max_value;  // int, bigint, decimal, float
  std::vector<ChoiceOption> options;           // choice
  std::string target;         // lookup: the target table's logical name
  std::string relationship;   // lookup: the collection-valued navigation property on the target
  bool standard = false;      // one of the standard columns every table has
  ColumnAccess access = ColumnAccess::kWritable;

  // The name in the Web API: `_<name>_value` for lookups, else the logical name.
  std::string odata_name;
  // The name in SQL: `c_<name>` (never a keyword, never quoted).
  std::string sql_name;

  const ChoiceOption* FindOption(int64_t value) const;
};

struct AlternateKey {
  std::string name;
  std::vector<std::string> columns;  // logical names
};

struct TableLimitsForSchemas {
  size_t max_columns = 1000;         // user columns per table
  size_t max_keys = 10;
  size_t max_key_columns = 16;
};

class TableSchema {
 public:
  // Parses and validates a definition. `expected_name`, when not empty, is the logical name the
  // definition must have (the URL's); a definition without "logicalName" takes it.
  // Errors: code "InvalidTableDefinition", `where` = JSON pointer of the problem.
  static Result<TableSchema> Parse(const boost::json::value& document, std::string_view expected_name = {},
                                   const TableLimitsForSchemas& limits = {});

  const std::string& logical_name() const { return logical_name_; }
  const std::string& entity_set_name() const { return entity_set_name_; }
  const std::string& display_name() const { return display_name_; }
  const std::string& description() const { return description_; }
  const std::string& primary_name_column() const { return primary_name_column_; }
  const std::string& primary_id_column() const { return columns_[0].name; }
  const std::string& sql_table() const { return sql_table_; }

  // Every column: the primary id first, then the user columns in definition order, then the
  // other standard columns.
  const std::vector<ColumnDef>& columns() const { return columns_; }
  const std::vector<AlternateKey>& keys() const { return keys_; }

  // Where the standard columns are in columns() (the primary id is at 0).
  int createdon_index() const { return Standard(6); }
  int modifiedon_index() const { return Standard(5); }
  int versionnumber_index() const { return Standard(4); }
  int statecode_index() const { return Standard(3); }
  int statuscode_index() const { return Standard(2); }
  int ownerid_index() const { return Standard(1); }

  // By logical name; -1 when absent.
  int ColumnIndex(std::string_view logical_name) const;
  // By Web API name (`_x_value` for lookups); -1 when absent.
  int ODataColumnIndex(std::string_view odata_name) const;
  const ColumnDef* FindColumn(std::string_view logical_name) const;

  // The definition as a document (what Parse reads back to an equal schema): user columns
  // only, every default made explicit.
  boost::json::value ToDocument() const;
  // The names of the user columns (in order).
  std::vector<std::string> UserColumnNames() const;

 private:
  void AddStandardColumns();
  void IndexColumns();
  int Standard(int from_end) const { return static_cast<int>(columns_.size()) - from_end; }

  std::string logical_name_;
  std::string entity_set_name_;
  std::string display_name_;
  std::string description_;
  std::string primary_name_column_;
  std::string sql_table_;
  std::vector<ColumnDef> columns_;
  std::vector<AlternateKey> keys_;
};

// "[a-z][a-z0-9_]*", at most 50 characters: logical names of tables, columns and keys.
bool IsLogicalName(std::string_view name);

// The owner of rows written without one: Runnel's built-in system user.
inline constexpr char kSystemUserId[] = "00000000-0000-0000-0000-000000000001";

}  // namespace runnel::tables

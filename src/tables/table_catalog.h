// Catalog: the deployed table definitions, as one immutable snapshot.
//
// The table store keeps the current snapshot behind a shared_ptr and replaces it after a
// definition change commits; readers on any thread take the pointer and keep a consistent
// view for as long as they hold it. Besides lookups by name, the catalog answers which lookup
// columns point at a table (for deletes and the any/all operators of $filter).
#pragma once

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/store.h"
#include "tables/table_schema.h"

namespace runnel::tables {

struct CatalogEntry {
  std::shared_ptr<const TableSchema> schema;
  int64_t version = 0;
  int64_t created_micros = 0;
  int64_t modified_micros = 0;
};

// A lookup column that points at some table.
struct Reference {
  std::shared_ptr<const TableSchema> table;  // the table holding the lookup
  int column = 0;                            // its index in table->columns()
};

class Catalog {
 public:
  // Builds the catalog from stored definitions (at start). A stored definition that no
  // longer parses is an error naming the table: the store was changed by hand.
  static Result<Catalog> FromRecords(const std::vector<store::TableDefinitionRecord>& records);

  const CatalogEntry* Find(std::string_view logical_name) const;
  std::shared_ptr<const TableSchema> ByLogicalName(std::string_view logical_name) const;
  // Exact match; entity set names are case-sensitive in URLs, as in OData.
  std::shared_ptr<const TableSchema> ByEntitySet(std::string_view entity_set) const;
  std::vector<const CatalogEntry*> All() const;
  std::vector<Reference> ReferencesTo(std::string_view logical_name) const;
  size_t size() const { return entries_.size(); }

  // A catalog where `entries` replace or add tables, after checking what spans tables: entity
  // set names are unique, and every lookup targets a table of the result.
  Result<Catalog> With(const std::vector<CatalogEntry>& entries) const;

 private:
  std::map<std::string, CatalogEntry, std::less<>> entries_;  // by logical name
  std::map<std::string, std::string, std::less<>> by_set_;    // entity set -> logical name
};

}  // namespace runnel::tables

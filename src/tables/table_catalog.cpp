#include "tables/table_catalog.h"

#include <boost/json.hpp>

#include "json/parse.h"
#include "tables/errors.h"

namespace runnel::tables {

Result<Catalog> Catalog::FromRecords(const std::vector<store::TableDefinitionRecord>& records) {
  std::vector<CatalogEntry> entries;
  for (const auto& r : records) {
    auto doc = json::Parse(r.document);
    if (!doc) return Error(errc::kInvalidDefinition, "the stored definition of table '" + r.logical_name + "' is not JSON");
    auto schema = TableSchema::Parse(doc.value(), r.logical_name);
    if (!schema) {
      return Error(errc::kInvalidDefinition, "the stored definition of table '" + r.logical_name +
                                                 "' no longer parses: " + schema.error().ToString());
    }
    entries.push_back({std::make_shared<const TableSchema>(std::move(schema).value()), r.version, r.created_micros,
                       r.modified_micros});
  }
  return Catalog().With(entries);
}

const CatalogEntry* Catalog::Find(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : &it->second;
}

std::shared_ptr<const TableSchema> Catalog::ByLogicalName(std::string_view name) const {
  const CatalogEntry* e = Find(name);
  return e ? e->schema : nullptr;
}

std::shared_ptr<const TableSchema> Catalog::ByEntitySet(std::string_view set) const {
  auto it = by_set_.find(set);
  return it == by_set_.end() ? nullptr : ByLogicalName(it->second);
}

std::vector<const CatalogEntry*> Catalog::All() const {
  std::vector<const CatalogEntry*> out;
  for (const auto& [name, e] : entries_) out.push_back(&e);
  return out;
}

std::vector<Reference> Catalog::ReferencesTo(std::string_view name) const {
  std::vector<Reference> out;
  for (const auto& [table_name, e] : entries_) {
    const auto& cols = e.schema->columns();
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i].type == ColumnType::kLookup && !cols[i].standard && cols[i].target == name) {
        out.push_back({e.schema, static_cast<int>(i)});
      }
    }
  }
  return out;
}

Result<Catalog> Catalog::With(const std::vector<CatalogEntry>& entries) const {
  Catalog next = *this;
  for (const auto& e : entries) next.entries_[e.schema->logical_name()] = e;
  next.by_set_.clear();
  for (const auto& [name, e] : next.entries_) {
    auto [it, inserted] = next.by_set_.emplace(e.schema->entity_set_name(), name);
    if (!inserted) {
      Error err(errc::kInvalidDefinition, "entitySetName '" + e.schema->entity_set_name() + "' of table '" + name +
                                              "' is already the entity set of table '" + it->second + "'");
      err.where = "/entitySetName";
      return err;
    }
  }
  for (const auto& [name, e] : next.entries_) {
    const auto& cols = e.schema->columns();
    for (size_t i = 0; i < cols.size(); ++i) {
      const ColumnDef& c = cols[i];
      if (c.type != ColumnType::kLookup || c.standard || next.entries_.count(c.target)) continue;
      Error err(errc::kInvalidDefinition, "lookup column '" + c.name + "' of table '" + name + "' targets table '" +
                                              c.target + "', which is not defined (define it first, or in the same "
                                              "directory)");
      err.where = "/columns/" + std::to_string(i - 1) + "/target";
      return err;
    }
  }
  return next;
}

}  // namespace runnel::tables

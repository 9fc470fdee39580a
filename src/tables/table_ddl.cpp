#include "tables/table_ddl.h"

#include <set>

#include "tables/errors.h"

namespace runnel::tables {

namespace {

std::string SqlType(const ColumnDef& c) {
  switch (c.type) {
    case ColumnType::kString:
    case ColumnType::kMemo:
      return "TEXT COLLATE NOCASE";
    case ColumnType::kGuid:
    case ColumnType::kLookup:
    case ColumnType::kDateTime:
      return "TEXT";
    case ColumnType::kDecimal:
    case ColumnType::kFloat:
      return "REAL";
    default:
      return "INTEGER";
  }
}

std::string KeyIndexName(const TableSchema& t, const AlternateKey& k) { return "k_" + t.logical_name() + "__" + k.name; }
std::string LookupIndexName(const TableSchema& t, const ColumnDef& c) { return "l_" + t.logical_name() + "__" + c.name; }

std::string CreateKeyIndex(const TableSchema& t, const AlternateKey& k) {
  std::string cols;
  for (const auto& c : k.columns) cols += (cols.empty() ? "" : ", ") + t.FindColumn(c)->sql_name;
  return "CREATE UNIQUE INDEX " + KeyIndexName(t, k) + " ON " + t.sql_table() + " (" + cols + ")";
}

std::string CreateLookupIndex(const TableSchema& t, const ColumnDef& c) {
  return "CREATE INDEX " + LookupIndexName(t, c) + " ON " + t.sql_table() + " (" + c.sql_name + ")";
}

Error Incompatible(const std::string& where, std::string message) {
  Error e(errc::kIncompatibleChange, std::move(message) + "; stored rows would lose or break data. Keep the column as "
                                                          "it was (or add a new column)");
  e.where = where;
  return e;
}

Status CheckColumnChange(const TableSchema& next, const ColumnDef& old, const ColumnDef& now, size_t index) {
  std::string where = "/columns/" + std::to_string(index - 1);
  std::string what = "column '" + now.name + "' of table '" + next.logical_name() + "'";
  if (old.type != now.type) {
    return Incompatible(where, what + " cannot change its type from " + std::string(ColumnTypeName(old.type)) + " to " +
                                   std::string(ColumnTypeName(now.type)));
  }
  if (now.max_length < old.max_length) {
    return Incompatible(where, what + " cannot shorten its maxLength from " + std::to_string(old.max_length) + " to " +
                                   std::to_string(now.max_length));
  }
  if (old.target != now.target) return Incompatible(where, what + " cannot point at another table");
  for (const auto& o : old.options) {
    if (!now.FindOption(o.value)) {
      return Incompatible(where, what + " cannot remove its option " + std::to_string(o.value) + " ('" + o.label + "')");
    }
  }
  return Ok();
}

}  // namespace

std::string SelectList(const TableSchema& t) {
  std::string out;
  for (const auto& c : t.columns()) {
    if (!out.empty()) out += ", ";
    out += c.sql_name;
  }
  return out;
}

Result<std::vector<std::string>> MigrationStatements(const TableSchema* current, const TableSchema& next) {
  std::vector<std::string> out;
  if (!current) {
    std::string cols;
    for (const auto& c : next.columns()) {
      cols += (cols.empty() ? "" : ", ") + c.sql_name + " " + SqlType(c);
      if (&c == &next.columns()[0]) cols += " PRIMARY KEY";
      else if (c.standard) cols += " NOT NULL";
    }
    out.push_back("CREATE TABLE " + next.sql_table() + " (" + cols + ")");
    for (const auto& c : next.columns()) {
      if (c.type == ColumnType::kLookup) out.push_back(CreateLookupIndex(next, c));
    }
    for (const auto& k : next.keys()) out.push_back(CreateKeyIndex(next, k));
    return out;
  }
  if (current->entity_set_name() != next.entity_set_name()) {
    return Incompatible("/entitySetName", "table '" + next.logical_name() + "' cannot change its entitySetName from '" +
                                              current->entity_set_name() + "' to '" + next.entity_set_name() +
                                              "' (clients and flows address it by that name)");
  }
  std::set<std::string> kept;
  for (size_t i = 0; i < next.columns().size(); ++i) {
    const ColumnDef& now = next.columns()[i];
    if (now.standard) continue;
    if (const ColumnDef* old = current->FindColumn(now.name)) {
      RUNNEL_TRY_STATUS(CheckColumnChange(next, *old, now, i));
      kept.insert(now.name);
      continue;
    }
    // New columns start empty in every stored row.
    out.push_back("ALTER TABLE " + next.sql_table() + " ADD COLUMN " + now.sql_name + " " + SqlType(now));
    if (now.type == ColumnType::kLookup) out.push_back(CreateLookupIndex(next, now));
  }
  for (const auto& old : current->columns()) {
    if (!old.standard && !kept.count(old.name)) {
      return Incompatible("/columns", "column '" + old.name + "' of table '" + next.logical_name() +
                                          "' is missing from the new definition; a column cannot be removed");
    }
  }
  auto same_key = [](const AlternateKey& a, const AlternateKey& b) { return a.name == b.name && a.columns == b.columns; };
  for (const auto& old : current->keys()) {
    bool still = false;
    for (const auto& k : next.keys()) still = still || same_key(old, k);
    if (!still) out.push_back("DROP INDEX " + KeyIndexName(*current, old));
  }
  for (const auto& k : next.keys()) {
    bool existed = false;
    for (const auto& old : current->keys()) existed = existed || same_key(old, k);
    if (!existed) out.push_back(CreateKeyIndex(next, k));
  }
  return out;
}

}  // namespace runnel::tables

#include "tables/row_writer.h"

#include <boost/json.hpp>

#include <algorithm>

#include "tables/column_values.h"
#include "tables/errors.h"
#include "tables/row_reader.h"
#include "tables/table_ddl.h"

namespace runnel::tables {

namespace {

using store::SqlValue;

bool IsNull(const SqlValue& v) { return std::holds_alternative<std::nullptr_t>(v); }

bool SystemMaintained(const TableSchema& t, int i) {
  return i == 0 || i == t.createdon_index() || i == t.modifiedon_index() || i == t.versionnumber_index();
}

std::vector<std::string> Names(const TableSchema& t, const std::vector<int>& columns) {
  std::vector<std::string> out;
  for (int i : columns) out.push_back(t.columns()[static_cast<size_t>(i)].name);
  return out;
}

Error NotFound(const TableSchema& t, const RowKey& key) {
  if (key.by_id()) return Error(errc::kRowNotFound, t.logical_name() + " With Id = " + key.id + " Does Not Exist");
  return Error(errc::kRowNotFound, "a record with the specified key values does not exist in " + t.logical_name() +
                                       " entity (" + key.Describe(t) + ")");
}

Error Duplicate(const TableSchema& t, std::string detail) {
  return Error(errc::kDuplicateRecord, "a record with matching key values already exists in table '" + t.logical_name() +
                                           "' (" + detail + ")");
}

Error VersionMismatch(int64_t expected, int64_t actual) {
  return Error(errc::kVersionMismatch, "the version of the existing record doesn't match the RowVersion property "
                                       "provided (If-Match W/\"" + std::to_string(expected) + "\", the row is at W/\"" +
                                       std::to_string(actual) + "\")");
}

// statecode and statuscode move together: a status implies its state, a new state without a
// status takes that state's first status (Dataverse's default status reason).
std::optional<Error> ApplyState(const TableSchema& t, const RowValues& values, StoredRow& row) {
  size_t si = static_cast<size_t>(t.statecode_index()), ri = static_cast<size_t>(t.statuscode_index());
  const ColumnDef& status_col = t.columns()[ri];
  const SqlValue* state = values.Find(static_cast<int>(si));
  const SqlValue* status = values.Find(static_cast<int>(ri));
  auto status_option = [&](const SqlValue& v) {
    const auto* n = std::get_if<int64_t>(&v);
    return n ? status_col.FindOption(*n) : nullptr;
  };
  if (status && !state) {
    if (const ChoiceOption* o = status_option(*status)) row[si] = o->state;
  } else if (state && !status) {
    int64_t s = std::get<int64_t>(*state);
    const ChoiceOption* current = status_option(row[ri]);
    if (!current || current->state != s) {
      for (const auto& o : status_col.options) {
        if (o.state == s) {
          row[ri] = o.value;
          break;
        }
      }
    }
  } else if (state && status) {
    const ChoiceOption* o = status_option(*status);
    if (o && o->state != std::get<int64_t>(*state)) {
      return Error(errc::kInvalidValue, "statuscode " + std::to_string(o->value) + " ('" + o->label +
                                            "') belongs to statecode " + std::to_string(o->state) + ", not " +
                                            std::to_string(std::get<int64_t>(*state)));
    }
  }
  return std::nullopt;
}

// Every lookup being set must point at an existing row of its target table.
// (A failed check sets `rejected`; an Error return is a store failure.)
Status CheckLookups(store::Sql& sql, const Catalog& catalog, const TableSchema& t, const RowValues& values,
                    const std::string& own_id, std::optional<Error>& rejected) {
  for (const auto& [i, v] : values.values) {
    const ColumnDef& c = t.columns()[static_cast<size_t>(i)];
    if (c.type != ColumnType::kLookup || c.standard || IsNull(v)) continue;
    const std::string& id = std::get<std::string>(v);
    if (c.target == t.logical_name() && id == own_id) continue;  // a row may point at itself
    auto target = catalog.ByLogicalName(c.target);
    std::optional<StoredRow> found;
    if (target) {
      RUNNEL_TRY(row, FindRow(sql, *target, KeyForId(id)));
      found = std::move(row);
    }
    if (!found) {
      rejected = Error(errc::kLookupTargetNotFound, "lookup column '" + c.name + "': " + c.target + " With Id = " + id +
                                                        " Does Not Exist");
      return Ok();
    }
  }
  return Ok();
}

// No other row may hold the same values of an alternate key.
Status CheckKeys(store::Sql& sql, const TableSchema& t, const StoredRow& row, const std::vector<int>& changed,
                 std::optional<Error>& rejected) {
  for (const auto& key : t.keys()) {
    std::vector<int> cols;
    for (const auto& name : key.columns) cols.push_back(t.ColumnIndex(name));
    bool touched = false, complete = true;
    for (int i : cols) {
      touched = touched || std::find(changed.begin(), changed.end(), i) != changed.end();
      complete = complete && !IsNull(row[static_cast<size_t>(i)]);
    }
    if (!touched || !complete) continue;
    std::string text = "SELECT " + t.columns()[0].sql_name + " FROM " + t.sql_table() + " WHERE ";
    std::vector<SqlValue> params;
    RowKey described;
    for (int i : cols) {
      text += t.columns()[static_cast<size_t>(i)].sql_name + " = ? AND ";
      params.push_back(row[static_cast<size_t>(i)]);
      described.values.emplace_back(i, row[static_cast<size_t>(i)]);
    }
    text += t.columns()[0].sql_name + " <> ? LIMIT 1";
    params.push_back(row[0]);
    RUNNEL_TRY(found, sql.Query(text, params));
    if (!found.rows.empty()) {
      rejected = Duplicate(t, "key '" + key.name + "': " + described.Describe(t));
      return Ok();
    }
  }
  return Ok();
}

Status AppendChange(store::Transaction& tx, const TableSchema& t, int64_t seq, int64_t now, ChangeMessage message,
                    const StoredRow* pre, const StoredRow* post, std::vector<int> present, std::vector<int> changed,
                    const CausalContext& context) {
  Change c;
  c.seq = seq;
  c.time_micros = now;
  c.table = t.logical_name();
  c.row_id = RowId(post ? *post : *pre);
  c.message = message;
  if (post) c.post_image = RowToJson(t, *post);
  if (pre) c.pre_image = RowToJson(t, *pre);
  std::sort(present.begin(), present.end());
  std::sort(changed.begin(), changed.end());
  c.columns_present = Names(t, present);
  c.columns_changed = Names(t, changed);
  c.context = context;
  return tx.AppendChange(EncodeChange(c));
}

// Writes `row` over `before` (only the changed columns) with a new version and its change.
Status UpdateRow(store::Transaction& tx, const TableSchema& t, const StoredRow& before, StoredRow& row,
                 const std::vector<int>& present, int64_t now, const CausalContext& context, int64_t* version) {
  std::vector<int> changed;
  for (size_t i = 0; i < row.size(); ++i) {
    if (!SystemMaintained(t, static_cast<int>(i)) && !(row[i] == before[i])) changed.push_back(static_cast<int>(i));
  }
  RUNNEL_TRY(seq, tx.NextChangeSeq());
  row[static_cast<size_t>(t.modifiedon_index())] = FormatDateTime(now);
  row[static_cast<size_t>(t.versionnumber_index())] = seq;
  std::string sql = "UPDATE " + t.sql_table() + " SET ";
  std::vector<SqlValue> params;
  for (int i : changed) {
    sql += t.columns()[static_cast<size_t>(i)].sql_name + " = ?, ";
    params.push_back(row[static_cast<size_t>(i)]);
  }
  sql += t.columns()[static_cast<size_t>(t.modifiedon_index())].sql_name + " = ?, " +
         t.columns()[static_cast<size_t>(t.versionnumber_index())].sql_name + " = ? WHERE " + t.columns()[0].sql_name +
         " = ?";
  params.push_back(row[static_cast<size_t>(t.modifiedon_index())]);
  params.push_back(seq);
  params.push_back(row[0]);
  RUNNEL_TRY(n, tx.sql().Execute(sql, params));
  if (n != 1) return Error("StoreError", "the update of " + t.logical_name() + " " + RowId(row) + " changed " + std::to_string(n) + " rows");
  *version = seq;
  return AppendChange(tx, t, seq, now, ChangeMessage::kUpdate, &before, &row, present, changed, context);
}

Status InsertRow(store::Transaction& tx, const TableSchema& t, StoredRow& row, const std::vector<int>& present,
                 int64_t now, const CausalContext& context, int64_t* version) {
  RUNNEL_TRY(seq, tx.NextChangeSeq());
  std::string stamp = FormatDateTime(now);
  row[static_cast<size_t>(t.createdon_index())] = stamp;
  row[static_cast<size_t>(t.modifiedon_index())] = stamp;
  row[static_cast<size_t>(t.versionnumber_index())] = seq;
  std::string sql = "INSERT INTO " + t.sql_table() + " (" + SelectList(t) + ") VALUES (";
  for (size_t i = 0; i < row.size(); ++i) sql += i ? ", ?" : "?";
  sql += ")";
  RUNNEL_TRY_STATUS(tx.sql().Execute(sql, row));
  std::vector<int> changed;
  for (size_t i = 0; i < row.size(); ++i) {
    if (!SystemMaintained(t, static_cast<int>(i)) && !IsNull(row[i])) changed.push_back(static_cast<int>(i));
  }
  *version = seq;
  return AppendChange(tx, t, seq, now, ChangeMessage::kCreate, nullptr, &row, present, changed, context);
}

std::vector<int> PresentColumns(const TableSchema& t, const RowValues& values) {
  std::vector<int> out;
  for (const auto& [i, v] : values.values) {
    if (i != 0) out.push_back(i);
  }
  return out;
}

}  // namespace

Status ApplyRowWrite(store::Transaction& tx, const Catalog& catalog, const RowWrite& w, RowWriteResult& result) {
  result = RowWriteResult{};
  const TableSchema& t = *w.table;
  const SqlValue* body_id = w.values.Find(0);
  std::optional<StoredRow> existing;
  if (w.key) {
    RUNNEL_TRY(found, FindRow(tx.sql(), t, *w.key));
    existing = std::move(found);
  } else if (body_id) {
    RUNNEL_TRY(found, FindRow(tx.sql(), t, KeyForId(std::get<std::string>(*body_id))));
    existing = std::move(found);
  }
  std::vector<int> present = PresentColumns(t, w.values);

  if (existing) {
    if (w.mode == WriteMode::kCreate || w.mode == WriteMode::kCreateOnly) {
      result.rejected = Duplicate(t, w.key ? w.key->Describe(t) : t.primary_id_column() + " = " + RowId(*existing));
      return Ok();
    }
    int64_t version = RowVersion(t, *existing);
    if (w.if_version && *w.if_version != version) {
      result.rejected = VersionMismatch(*w.if_version, version);
      return Ok();
    }
    if (body_id && std::get<std::string>(*body_id) != RowId(*existing)) {
      result.rejected = Error(errc::kInvalidKey, "the body's " + t.primary_id_column() + " differs from the id of the row "
                                                 "the URL addresses; the id of a row cannot change");
      return Ok();
    }
    StoredRow row = *existing;
    for (const auto& [i, v] : w.values.values) row[static_cast<size_t>(i)] = v;
    if (auto e = ApplyState(t, w.values, row)) {
      result.rejected = std::move(*e);
      return Ok();
    }
    RUNNEL_TRY_STATUS(CheckLookups(tx.sql(), catalog, t, w.values, RowId(row), result.rejected));
    if (result.rejected) return Ok();
    std::vector<int> touched;
    for (const auto& [i, v] : w.values.values) touched.push_back(i);
    RUNNEL_TRY_STATUS(CheckKeys(tx.sql(), t, row, touched, result.rejected));
    if (result.rejected) return Ok();
    RUNNEL_TRY_STATUS(UpdateRow(tx, t, *existing, row, present, w.now_micros, w.context, &result.version));
    result.row = std::move(row);
    return Ok();
  }

  if (w.mode == WriteMode::kUpdate || w.if_version) {
    result.rejected = NotFound(t, w.key ? *w.key : KeyForId(body_id ? std::get<std::string>(*body_id) : w.new_id));
    return Ok();
  }
  StoredRow row(t.columns().size(), SqlValue(nullptr));
  row[0] = w.new_id;
  if (w.key && w.key->by_id()) {
    if (body_id && std::get<std::string>(*body_id) != w.key->id) {
      result.rejected = Error(errc::kInvalidKey, "the body's " + t.primary_id_column() + " differs from the id in the URL");
      return Ok();
    }
    row[0] = w.key->id;
  } else if (w.key) {
    for (const auto& [i, v] : w.key->values) {
      const SqlValue* given = w.values.Find(i);
      if (given && !(*given == v)) {
        result.rejected = Error(errc::kInvalidKey, "the body sets column '" + t.columns()[static_cast<size_t>(i)].name +
                                                   "' to another value than the key in the URL");
        return Ok();
      }
      row[static_cast<size_t>(i)] = v;
      if (std::find(present.begin(), present.end(), i) == present.end()) present.push_back(i);
    }
  }
  if (body_id) row[0] = *body_id;
  row[static_cast<size_t>(t.statecode_index())] = int64_t{0};
  row[static_cast<size_t>(t.statuscode_index())] = int64_t{1};
  row[static_cast<size_t>(t.ownerid_index())] = std::string(kSystemUserId);
  for (const auto& [i, v] : w.values.values) row[static_cast<size_t>(i)] = v;
  if (auto e = ApplyState(t, w.values, row)) {
    result.rejected = std::move(*e);
    return Ok();
  }
  for (size_t i = 0; i < row.size(); ++i) {
    const ColumnDef& c = t.columns()[i];
    if (c.required && IsNull(row[i])) {
      result.rejected = Error(errc::kRequiredColumnMissing, "column '" + c.name + "' of table '" + t.logical_name() +
                                                                "' is required; give it a value when creating a row");
      return Ok();
    }
  }
  RUNNEL_TRY_STATUS(CheckLookups(tx.sql(), catalog, t, w.values, RowId(row), result.rejected));
  if (result.rejected) return Ok();
  std::vector<int> all(row.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  RUNNEL_TRY_STATUS(CheckKeys(tx.sql(), t, row, all, result.rejected));
  if (result.rejected) return Ok();
  RUNNEL_TRY_STATUS(InsertRow(tx, t, row, present, w.now_micros, w.context, &result.version));
  result.created = true;
  result.row = std::move(row);
  return Ok();
}

Status ApplyRowDelete(store::Transaction& tx, const Catalog& catalog, const RowDelete& d, RowDeleteResult& result) {
  result = RowDeleteResult{};
  const TableSchema& t = *d.table;
  RUNNEL_TRY(existing, FindRow(tx.sql(), t, d.key));
  if (!existing) {
    result.rejected = NotFound(t, d.key);
    return Ok();
  }
  int64_t version = RowVersion(t, *existing);
  if (d.if_version && *d.if_version != version) {
    result.rejected = VersionMismatch(*d.if_version, version);
    return Ok();
  }
  const std::string id = RowId(*existing);
  for (const Reference& ref : catalog.ReferencesTo(t.logical_name())) {
    const TableSchema& r = *ref.table;
    const ColumnDef& fk = r.columns()[static_cast<size_t>(ref.column)];
    std::string sql = "SELECT " + SelectList(r) + " FROM " + r.sql_table() + " WHERE " + fk.sql_name + " = ? AND " +
                      r.columns()[0].sql_name + " <> ?";
    std::vector<SqlValue> params{SqlValue(id), SqlValue(id)};
    RUNNEL_TRY(linked, tx.sql().Query(sql, params));
    for (auto& before : linked.rows) {
      StoredRow row = before;
      row[static_cast<size_t>(ref.column)] = nullptr;
      int64_t ignored = 0;
      RUNNEL_TRY_STATUS(UpdateRow(tx, r, before, row, {ref.column}, d.now_micros, d.context, &ignored));
      ++result.unlinked;
    }
  }
  RUNNEL_TRY(seq, tx.NextChangeSeq());
  std::string sql = "DELETE FROM " + t.sql_table() + " WHERE " + t.columns()[0].sql_name + " = ?";
  std::vector<SqlValue> params{SqlValue(id)};
  RUNNEL_TRY(n, tx.sql().Execute(sql, params));
  if (n != 1) return Error("StoreError", "the delete of " + t.logical_name() + " " + id + " changed " + std::to_string(n) + " rows");
  result.id = id;
  result.version = seq;
  return AppendChange(tx, t, seq, d.now_micros, ChangeMessage::kDelete, &*existing, nullptr, {}, {}, d.context);
}

}  // namespace runnel::tables

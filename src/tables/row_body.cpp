#include "tables/row_body.h"

#include <boost/json.hpp>

#include <set>

#include "json/lookup.h"
#include "tables/column_values.h"
#include "tables/errors.h"

namespace runnel::tables {
namespace bj = boost::json;

namespace {

constexpr std::string_view kBind = "@odata.bind";

// "/contacts(<id>)", "contacts(<id>)" or an absolute URL ending in one: the set and the id.
bool ParseReference(std::string_view ref, std::string& set, std::string& id) {
  if (ref.empty() || ref.back() != ')') return false;
  size_t open = ref.rfind('(');
  if (open == std::string_view::npos) return false;
  size_t slash = ref.rfind('/', open);
  size_t start = slash == std::string_view::npos ? 0 : slash + 1;
  set = std::string(ref.substr(start, open - start));
  auto g = NormalizeGuid(ref.substr(open + 1, ref.size() - open - 2));
  if (set.empty() || !g) return false;
  id = *g;
  return true;
}

Error Unknown(const TableSchema& t, std::string_view name) {
  return Error(errc::kColumnNotFound, "the property '" + std::string(name) + "' does not exist on type "
                                      "'Microsoft.Dynamics.CRM." + t.logical_name() +
                                      "'; use the logical names of the table's columns");
}

Result<store::SqlValue> BindValue(const Catalog& catalog, const TableSchema& t, const ColumnDef& c, const bj::value& v) {
  if (v.is_null()) return store::SqlValue(nullptr);
  std::string expected_sets;
  if (c.standard) {
    expected_sets = "systemusers or teams";
  } else if (auto target = catalog.ByLogicalName(c.target)) {
    expected_sets = target->entity_set_name();
  }
  std::string set, id;
  if (!v.is_string() || !ParseReference(v.get_string(), set, id)) {
    return Error(errc::kInvalidValue, "'" + c.name + "@odata.bind' must be a reference such as \"/" +
                                          (c.standard ? std::string("systemusers") : expected_sets) + "(<guid>)\"");
  }
  bool ok = c.standard ? (set == "systemusers" || set == "teams") : set == expected_sets;
  if (!ok) {
    return Error(errc::kInvalidValue, "lookup column '" + c.name + "' of table '" + t.logical_name() +
                                          "' points at " + expected_sets + ", not at '" + set + "'");
  }
  return store::SqlValue(std::move(id));
}

}  // namespace

Result<RowValues> ParseRowBody(const Catalog& catalog, const TableSchema& t, const bj::value& body) {
  if (!body.is_object()) {
    return Error(errc::kInvalidBody, "the body must be a JSON object of column values, e.g. {\"" +
                                         (t.primary_name_column().empty() ? t.primary_id_column() : t.primary_name_column()) +
                                         "\": ...}");
  }
  RowValues out;
  std::set<int> seen;
  for (const auto& kv : body.get_object()) {
    std::string_view key = kv.key();
    if (key.empty() || key[0] == '@') continue;  // @odata.type, @odata.etag, ...
    size_t at = key.find('@');
    int index = -1;
    store::SqlValue value;
    if (at != std::string_view::npos) {
      if (key.substr(at) != kBind) continue;  // other annotations carry nothing to store
      std::string_view name = key.substr(0, at);
      const ColumnDef* found = nullptr;
      for (const auto& c : t.columns()) {
        if (c.type == ColumnType::kLookup && json::EqualsIgnoreCase(c.name, name)) found = &c;
      }
      if (!found) {
        return Error(errc::kColumnNotFound, "'" + std::string(key) + "': table '" + t.logical_name() +
                                                "' has no lookup column named '" + std::string(name) + "'");
      }
      index = t.ColumnIndex(found->name);
      RUNNEL_TRY(bound, BindValue(catalog, t, *found, kv.value()));
      value = std::move(bound);
    } else {
      index = t.ColumnIndex(key);
      if (index < 0) {
        int by_odata = t.ODataColumnIndex(key);
        if (by_odata >= 0) {
          const ColumnDef& c = t.columns()[static_cast<size_t>(by_odata)];
          return Error(errc::kReadOnlyColumn, "'" + std::string(key) + "' is read-only; set the lookup with \"" + c.name +
                                                  "@odata.bind\": \"/<entity set>(<id>)\"");
        }
        return Unknown(t, key);
      }
      const ColumnDef& c = t.columns()[static_cast<size_t>(index)];
      if (c.access == ColumnAccess::kReadOnly) {
        return Error(errc::kReadOnlyColumn, "column '" + c.name + "' is set by the table store and cannot be written");
      }
      if (c.type == ColumnType::kLookup) {
        return Error(errc::kInvalidValue, "set lookup column '" + c.name + "' with \"" + c.name +
                                              "@odata.bind\": \"/<entity set>(<id>)\"");
      }
      RUNNEL_TRY(converted, ValueFromJson(t, c, kv.value()));
      value = std::move(converted);
    }
    const ColumnDef& c = t.columns()[static_cast<size_t>(index)];
    if (!seen.insert(index).second) {
      return Error(errc::kInvalidBody, "column '" + c.name + "' is given twice in the body");
    }
    if (std::holds_alternative<std::nullptr_t>(value) &&
        (c.required || c.standard)) {
      return Error(errc::kRequiredColumnMissing, "column '" + c.name + "' of table '" + t.logical_name() +
                                                     "' is required and cannot be set to null (or an empty string)");
    }
    out.values.emplace_back(index, std::move(value));
  }
  return out;
}

}  // namespace runnel::tables

#include "tables/row_key.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "tables/column_values.h"
#include "tables/errors.h"

namespace runnel::tables {
namespace bj = boost::json;

namespace {

struct Literal {
  bool quoted = false;
  std::string text;
};

struct Part {
  std::string name;  // empty for a bare value
  Literal value;
};

Error KeyError(const TableSchema& t, std::string message) {
  return Error(errc::kInvalidKey, "the key of table '" + t.logical_name() + "' is not valid: " + std::move(message));
}

// Splits `a='x,y',b=2` at the commas outside quotes; reads 'it''s' as it's.
Result<std::vector<Part>> SplitParts(const TableSchema& t, std::string_view s) {
  std::vector<Part> parts;
  size_t i = 0;
  while (i <= s.size()) {
    Part part;
    size_t eq = std::string_view::npos;
    // A name, if a '=' comes before any quote or comma.
    for (size_t j = i; j < s.size() && s[j] != '\'' && s[j] != ','; ++j) {
      if (s[j] == '=') {
        eq = j;
        break;
      }
    }
    if (eq != std::string_view::npos) {
      part.name = std::string(s.substr(i, eq - i));
      i = eq + 1;
    }
    if (i < s.size() && s[i] == '\'') {
      part.value.quoted = true;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            part.value.text += '\'';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        part.value.text += s[i++];
      }
      if (!closed) return KeyError(t, "a quoted value is not closed (a quote inside a value is written twice: 'O''Brien')");
      if (i < s.size() && s[i] != ',') return KeyError(t, "expected ',' after a quoted value at position " + std::to_string(i));
    } else {
      size_t end = s.find(',', i);
      if (end == std::string_view::npos) end = s.size();
      part.value.text = std::string(s.substr(i, end - i));
      i = end;
      if (part.value.text.empty()) return KeyError(t, "a key value is empty");
    }
    parts.push_back(std::move(part));
    if (i >= s.size()) break;
    ++i;  // the comma
  }
  return parts;
}

Result<store::SqlValue> Convert(const TableSchema& t, const ColumnDef& c, const Literal& lit) {
  auto wrong = [&](std::string_view expected) {
    return KeyError(t, "the value for '" + c.odata_name + "' must be " + std::string(expected));
  };
  switch (c.type) {
    case ColumnType::kString:
    case ColumnType::kMemo:
      if (!lit.quoted) return wrong("a quoted string, e.g. " + c.name + "='value'");
      return ValueFromJson(t, c, bj::string(lit.text));
    case ColumnType::kGuid:
    case ColumnType::kLookup: {
      auto g = NormalizeGuid(lit.text);
      if (!g) return wrong("a GUID");
      return store::SqlValue(std::move(*g));
    }
    case ColumnType::kDateTime: {
      auto d = NormalizeDateTime(lit.text);
      if (!d) return wrong("an ISO 8601 date and time");
      return store::SqlValue(std::move(*d));
    }
    case ColumnType::kInt:
    case ColumnType::kBigInt:
    case ColumnType::kChoice: {
      int64_t n = 0;
      auto r = std::from_chars(lit.text.data(), lit.text.data() + lit.text.size(), n);
      if (lit.quoted || r.ec != std::errc() || r.ptr != lit.text.data() + lit.text.size()) return wrong("a whole number");
      return ValueFromJson(t, c, bj::value(n));
    }
    case ColumnType::kDecimal:
    case ColumnType::kFloat: {
      double d = 0;
      auto r = std::from_chars(lit.text.data(), lit.text.data() + lit.text.size(), d);
      if (lit.quoted || r.ec != std::errc() || r.ptr != lit.text.data() + lit.text.size()) return wrong("a number");
      return ValueFromJson(t, c, bj::value(d));
    }
    case ColumnType::kBool:
      if (lit.quoted || (lit.text != "true" && lit.text != "false")) return wrong("true or false");
      return store::SqlValue(int64_t{lit.text == "true"});
  }
  return wrong("a value");
}

}  // namespace

std::string RowKey::Describe(const TableSchema& t) const {
  if (by_id()) return t.primary_id_column() + " = " + id;
  std::string out;
  for (const auto& [index, value] : values) {
    const ColumnDef& c = t.columns()[static_cast<size_t>(index)];
    if (!out.empty()) out += ", ";
    out += c.odata_name + " = ";
    if (const auto* s = std::get_if<std::string>(&value)) out += "'" + *s + "'";
    else if (const auto* i = std::get_if<int64_t>(&value)) out += std::to_string(*i);
    else if (const auto* d = std::get_if<double>(&value)) out += std::to_string(*d);
    else out += "null";
  }
  return out;
}

Result<RowKey> ParseRowKey(const TableSchema& t, std::string_view text) {
  RUNNEL_TRY(parts, SplitParts(t, text));
  if (parts.empty()) return KeyError(t, "the parentheses are empty; give the row's id: " + t.entity_set_name() + "(<guid>)");
  if (parts.size() == 1 && (parts[0].name.empty() || parts[0].name == t.primary_id_column())) {
    auto g = NormalizeGuid(parts[0].value.text);
    if (!g) {
      return KeyError(t, "'" + parts[0].value.text + "' is not a GUID; address a row as " + t.entity_set_name() +
                             "(<guid>) or by an alternate key (name=value,...)");
    }
    return KeyForId(std::move(*g));
  }
  std::vector<std::string> names;
  for (const auto& p : parts) {
    if (p.name.empty()) return KeyError(t, "with several values, each needs its column: name=value,...");
    names.push_back(p.name);
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& key : t.keys()) {
    std::vector<std::string> cols;
    for (const auto& c : key.columns) cols.push_back(t.FindColumn(c)->odata_name);
    std::vector<std::string> sorted_cols = cols;
    std::sort(sorted_cols.begin(), sorted_cols.end());
    if (sorted_cols != sorted) continue;
    RowKey k;
    k.key_name = key.name;
    for (const auto& col : cols) {
      const Part* part = nullptr;
      for (const auto& p : parts) part = p.name == col ? &p : part;
      int index = t.ODataColumnIndex(col);
      RUNNEL_TRY(value, Convert(t, t.columns()[static_cast<size_t>(index)], part->value));
      if (std::holds_alternative<std::nullptr_t>(value)) return KeyError(t, "a key value cannot be empty");
      k.values.emplace_back(index, std::move(value));
    }
    return k;
  }
  std::string list;
  for (const auto& key : t.keys()) {
    std::string cols;
    for (const auto& c : key.columns) cols += (cols.empty() ? "" : ",") + t.FindColumn(c)->odata_name;
    list += (list.empty() ? "" : "; ") + key.name + " (" + cols + ")";
  }
  std::string given;
  for (const auto& n : names) given += (given.empty() ? "" : ",") + n;
  return KeyError(t, "no alternate key has exactly the columns " + given +
                         (list.empty() ? " (the table defines no alternate keys)" : " (keys: " + list + ")"));
}

}  // namespace runnel::tables

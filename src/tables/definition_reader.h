// Reading table definitions (internal to table_schema.cpp and column_definition.cpp): the
// strict object reader that refuses unknown keys and reports JSON pointers, and the parser of one
// column.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tables/errors.h"
#include "tables/table_schema.h"

namespace runnel::tables::definition {
namespace bj = boost::json;

inline constexpr size_t kMaxNameLength = 50;
inline constexpr size_t kMaxEntitySetLength = 64;
inline constexpr size_t kMaxTextLength = 1000;  // display names, descriptions, labels

inline std::string Escape(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

inline Error Invalid(const std::string& pointer, std::string message) {
  Error e("InvalidTableDefinition", std::move(message));
  e.where = pointer.empty() ? "/" : pointer;
  return e;
}

// Reads the members of one object, refusing any key not in `known` (a misspelt "maxLenght"
// must not silently become the default).
class ObjectReader {
 public:
  ObjectReader(const bj::object& o, std::string pointer, std::initializer_list<std::string_view> known)
      : o_(o), pointer_(std::move(pointer)), known_(known) {}

  Status CheckKeys() const {
    for (const auto& kv : o_) {
      bool ok = false;
      for (auto k : known_) ok = ok || kv.key() == k;
      if (!ok) {
        std::string list;
        for (auto k : known_) list += (list.empty() ? "" : ", ") + std::string(k);
        return Invalid(At(kv.key()), "unknown key '" + std::string(kv.key()) + "' (known: " + list + ")");
      }
    }
    return Ok();
  }
  std::string At(std::string_view key) const { return pointer_ + "/" + Escape(key); }
  const bj::value* Get(std::string_view key) const {
    auto it = o_.find(key);
    return it == o_.end() || it->value().is_null() ? nullptr : &it->value();
  }
  Result<std::string> String(std::string_view key, std::string fallback = "", size_t max = kMaxTextLength) const {
    const bj::value* v = Get(key);
    if (!v) return fallback;
    if (!v->is_string()) return Invalid(At(key), "'" + std::string(key) + "' must be a string");
    if (v->get_string().size() > max) {
      return Invalid(At(key), "'" + std::string(key) + "' is longer than " + std::to_string(max) + " characters");
    }
    return std::string(v->get_string());
  }
  Result<bool> Bool(std::string_view key, bool fallback) const {
    const bj::value* v = Get(key);
    if (!v) return fallback;
    if (!v->is_bool()) return Invalid(At(key), "'" + std::string(key) + "' must be true or false");
    return v->get_bool();
  }
  Result<std::optional<int64_t>> Int(std::string_view key) const {
    const bj::value* v = Get(key);
    if (!v) return std::optional<int64_t>();
    if (v->is_int64()) return std::optional<int64_t>(v->get_int64());
    if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
      return std::optional<int64_t>(static_cast<int64_t>(v->get_uint64()));
    }
    return Invalid(At(key), "'" + std::string(key) + "' must be a whole number");
  }
  Result<std::optional<double>> Number(std::string_view key) const {
    const bj::value* v = Get(key);
    if (!v) return std::optional<double>();
    if (!v->is_number()) return Invalid(At(key), "'" + std::string(key) + "' must be a number");
    return std::optional<double>(v->to_number<double>());
  }

 private:
  const bj::object& o_;
  std::string pointer_;
  std::vector<std::string_view> known_;  // a copy: the braced list of the call dies with it
};

// One column of `columns` (`name_hint`: its key when `columns` is a mapping).
Result<ColumnDef> ParseColumnDefinition(const bj::value& v, const std::string& name_hint, const std::string& pointer);

}  // namespace runnel::tables::definition

#include "expr/registry.h"

#include <algorithm>
#include <string>
#include <vector>

#include "json/lookup.h"

namespace runnel::expr {

namespace {

struct Table {
  std::vector<FunctionDef> rows;
  std::vector<std::string> keys;  // lower-cased names, parallel to rows
};

const Table& GetTable() {
  static const Table* table = [] {
    auto* t = new Table();
    for (auto category : {StringFunctions(), CollectionFunctions(), LogicalFunctions(),
                          ConversionFunctions(), MathFunctions(), DateTimeFunctions(),
                          WorkflowFunctions(), UriFunctions(), ManipulationFunctions()}) {
      t->rows.insert(t->rows.end(), category.begin(), category.end());
    }
    std::sort(t->rows.begin(), t->rows.end(), [](const FunctionDef& a, const FunctionDef& b) {
      return json::LowerAscii(a.name) < json::LowerAscii(b.name);
    });
    for (const auto& r : t->rows) t->keys.push_back(json::LowerAscii(r.name));
    return t;
  }();
  return *table;
}

}  // namespace

const FunctionDef* FindFunction(std::string_view name) {
  const Table& t = GetTable();
  std::string key = json::LowerAscii(name);
  auto it = std::lower_bound(t.keys.begin(), t.keys.end(), key);
  if (it == t.keys.end() || *it != key) return nullptr;
  return &t.rows[static_cast<size_t>(it - t.keys.begin())];
}

std::span<const FunctionDef> AllFunctions() { return GetTable().rows; }

}  // namespace runnel::expr

#include "flow/definition.h"

#include "json/lookup.h"

namespace runnel::flow {

const Action* Definition::FindAction(std::string_view name) const {
  if (auto it = by_name.find(name); it != by_name.end()) return it->second;
  for (const auto& [key, action] : by_name) {
    if (json::EqualsIgnoreCase(key, name)) return action;
  }
  if (name.find(' ') != std::string_view::npos) {
    std::string underscored(name);
    for (char& c : underscored) {
      if (c == ' ') c = '_';
    }
    return FindAction(underscored);
  }
  return nullptr;
}

}  // namespace runnel::flow

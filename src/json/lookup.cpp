#include "json/lookup.h"

#include <boost/json/object.hpp>

namespace runnel::json {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x += 32;
    if (y >= 'A' && y <= 'Z') y += 32;
    if (x != y) return false;
  }
  return true;
}

const boost::json::value* FindMember(const boost::json::object& o, std::string_view key) {
  if (auto it = o.find(key); it != o.end()) return &it->value();
  for (const auto& kv : o) {
    if (EqualsIgnoreCase(kv.key(), key)) return &kv.value();
  }
  return nullptr;
}

boost::json::value* FindMember(boost::json::object& o, std::string_view key) {
  return const_cast<boost::json::value*>(FindMember(static_cast<const boost::json::object&>(o), key));
}

}  // namespace runnel::json

#include "flow/json_pointer.h"

namespace runnel::flow {

std::string PointerChild(std::string_view parent, std::string_view key) {
  std::string out;
  out.reserve(parent.size() + key.size() + 1);
  out.append(parent);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string PointerChild(std::string_view parent, size_t index) {
  std::string out(parent);
  out += '/';
  out += std::to_string(index);
  return out;
}

std::string_view PointerParent(std::string_view pointer) {
  size_t slash = pointer.rfind('/');
  if (slash == std::string_view::npos) return {};
  return pointer.substr(0, slash);
}

}  // namespace runnel::flow

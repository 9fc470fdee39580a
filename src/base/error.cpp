#include "base/error.h"

namespace runnel {

std::string Error::ToString() const {
  std::string out;
  if (!where.empty()) {
    out += where;
    out += ": ";
  }
  out += code;
  out += ": ";
  out += message;
  return out;
}

}  // namespace runnel

#include "expr/registry.h"

namespace runnel::expr {

std::span<const FunctionDef> UriFunctions() { return {}; }

}  // namespace runnel::expr

#include "expr/registry.h"

namespace runnel::expr {

std::span<const FunctionDef> StringFunctions() { return {}; }

}  // namespace runnel::expr

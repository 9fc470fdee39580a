#include "expr/registry.h"

namespace runnel::expr {

std::span<const FunctionDef> MathFunctions() { return {}; }

}  // namespace runnel::expr

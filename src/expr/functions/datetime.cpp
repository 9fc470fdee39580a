#include "expr/registry.h"

namespace runnel::expr {

std::span<const FunctionDef> DateTimeFunctions() { return {}; }

}  // namespace runnel::expr

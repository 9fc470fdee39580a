#include "expr/registry.h"

namespace runnel::expr {

std::span<const FunctionDef> ManipulationFunctions() { return {}; }

}  // namespace runnel::expr

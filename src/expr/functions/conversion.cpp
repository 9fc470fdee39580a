#include "expr/registry.h"

namespace runnel::expr {

std::span<const FunctionDef> ConversionFunctions() { return {}; }

}  // namespace runnel::expr

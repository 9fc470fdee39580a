#include "expr/registry.h"

namespace runnel::expr {

std::span<const FunctionDef> CollectionFunctions() { return {}; }

}  // namespace runnel::expr

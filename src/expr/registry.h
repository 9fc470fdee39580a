// The table of every expression function, resolved by name case-insensitively
// (`triggerbody()` and `utcnow()` appear in official samples).
//
// Each category file under functions/ ends with its rows and exposes them through one of the
// functions below; registry.cpp merges them once into a sorted table. Adding a function means
// adding a row; tests/expr/registry_test.cpp checks the table against the reference's list.
#pragma once

#include <span>
#include <string_view>

#include "expr/function.h"

namespace runnel::expr {

// The function named `name` (any case), or nullptr.
const FunctionDef* FindFunction(std::string_view name);

// Every row, sorted by lower-cased name. Aliases are rows of their own.
std::span<const FunctionDef> AllFunctions();

// Category tables, defined in functions/*.cpp.
std::span<const FunctionDef> StringFunctions();
std::span<const FunctionDef> CollectionFunctions();
std::span<const FunctionDef> LogicalFunctions();
std::span<const FunctionDef> ConversionFunctions();
std::span<const FunctionDef> MathFunctions();
std::span<const FunctionDef> DateTimeFunctions();
std::span<const FunctionDef> WorkflowFunctions();
std::span<const FunctionDef> UriFunctions();
std::span<const FunctionDef> ManipulationFunctions();

}  // namespace runnel::expr

// Static reference checks: what expressions and variable actions name must exist.
//
// Only literal names can be checked before a run (parameters('x'), not parameters(variables('k'))):
//   parameters('x')         x is declared under "parameters"
//   variables('x')          some InitializeVariable declares x (anywhere: it runs first)
//   body/outputs/actions('x') ...  x is an action (names resolve as Definition::FindAction does)
//   items/iterationIndexes('x')    x is a Foreach or Until that encloses the expression
//   result('x')             x is a Scope, Foreach or Until
// and SetVariable/IncrementVariable/... name an initialized variable of a fitting type.
#pragma once

#include "flow/build_context.h"
#include "flow/definition.h"

namespace runnel::flow::build {

// Checks every use recorded in ctx.references and ctx.variable_updates against `definition`.
void CheckReferences(BuildContext& ctx, const Definition& definition);

}  // namespace runnel::flow::build

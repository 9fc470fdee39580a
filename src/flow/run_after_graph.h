// runAfter: each action's predecessors and the statuses it accepts (wdl-digest §7.2), checked
// and turned into an order.
//
// A predecessor must be a sibling in the same container; statuses are Succeeded, Failed, Skipped
// and TimedOut in any case ("SUCCEEDED" from the Standard designer). Each container is then
// sorted topologically, ties kept in document order, so the engine can walk Container::actions
// front to back; a cycle is reported with the names along it.
#pragma once

#include "flow/build_context.h"
#include "flow/definition.h"

namespace runnel::flow::build {

// Fills Action::run_after for every action of `definition` and sorts every container. Reports
// each problem; actions caught in a cycle keep their document order at the end of the container.
void OrderByRunAfter(BuildContext& ctx, Definition& definition);

}  // namespace runnel::flow::build

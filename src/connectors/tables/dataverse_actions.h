// The Dataverse connector's row actions on Runnel's built-in tables: OpenApiConnection actions
// on shared_commondataserviceforapps with operationId ListRecords, GetItem, CreateRecord,
// UpdateRecord (upsert), UpdateOnlyRecord and DeleteRecord, as exported flows carry them
// (parameters `entityName` = the entity set, `recordId`, `item/<column>`, `$select`, `$filter`,
// `$orderby`, `$top`, `$skiptoken`). The built-in tables are the Dataverse connector's default
// connection: these operations never need a configured connection. Every other managed
// connector operation goes to `fallback` (which fails with "no connection configured").
//
// Outputs are shaped like the connector's: {statusCode, headers, body} with the row (and
// `@odata.etag`) or, for ListRecords, `value` and `@odata.nextLink`. A refused write fails the
// action with the table store's error code and a Dataverse-style error body; nothing is written.
//
// Every write carries the run's causal context (tables::CausalContext): its flow, its run id
// and its hop count (from the trigger outputs' x-runnel-hop-count header of a change-started
// run, else 0), so the change dispatcher's loop guard can tell who wrote what. The parameter
// `MSCRM.SuppressCallbackRegistrationExpanderJob: true` makes a write trigger no flow, like the
// Web API header of that name.
#pragma once

#include <memory>
#include <string>

#include "engine/action_handler.h"
#include "tables/table_store.h"

namespace runnel::connectors {

// Replaces the OpenApiConnection handler of `registry`: Dataverse row operations go to
// `tables`; everything else to the engine's managed-connector handler. `base_url` (e.g.
// "http://127.0.0.1:7070/api/data/v9.2/") prefixes @odata.nextLink.
void RegisterDataverseTableActions(engine::HandlerRegistry& registry, tables::TableStore& tables, std::string base_url);

}  // namespace runnel::connectors

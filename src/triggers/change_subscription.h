// ChangeSubscription: the Dataverse trigger "When a row is added, modified or deleted" as
// exported flows carry it (an OpenApiConnectionWebhook on shared_commondataserviceforapps,
// operation SubscribeWebhookTrigger, parameters `subscriptionRequest/...`), and the decision
// whether one committed change (tables/change_feed.h) fires it.
//
// The decision is pure: the server's change dispatcher calls it for every deployed trigger
// watching the changed table, before any run exists, and records the reason of a skip in the
// trigger history. The order of the checks is the order of the reasons a user reads:
// the writer asked for no flows, the loop guard, the change type, "Select columns", then
// "Filter rows".
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "flow/definition.h"
#include "tables/change_feed.h"
#include "tables/odata_query.h"
#include "tables/table_schema.h"

namespace runnel::triggers {

inline constexpr char kDataverseConnector[] = "shared_commondataserviceforapps";
inline constexpr char kSubscribeOperation[] = "SubscribeWebhookTrigger";
// Runnel's system user: the RunAsSystemUserId of every change (there are no users yet).
inline constexpr char kSystemUserId[] = "00000000-0000-0000-0000-000000000001";

struct ChangeSubscription {
  std::string entity_name;  // the table's logical name, lower case
  int message = 7;          // 1 Added, 2 Deleted, 3 Modified, 4 Added or Modified, 5 Added or
                            // Deleted, 6 Modified or Deleted, 7 all three
  int scope = 4;            // 1 User .. 4 Organization (all rows: Runnel has one owner)
  int run_as = 3;           // 1 Modifying user, 2 Row owner, 3 Flow owner (no effect yet)
  std::vector<std::string> filtering_attributes;  // "Select columns", lower case; empty = any
  std::shared_ptr<const tables::Filter> filter;   // "Filter rows", or null
  std::string postpone_until;                     // "Delay until" as given ("" = none)
  // Runnel's options: fire on Update only when a selected column's value really changed
  // (not merely present in the request), and put the row before the change in the outputs.
  bool changed_only = false;
  bool include_pre_image = false;
  // Runnel's options for busy tables: matching changes to one row within this many seconds of
  // the first are coalesced into one run with the latest (0: none); and at most this many runs
  // per minute, further ones waiting their turn (0: no limit).
  int coalesce_seconds = 0;
  int max_runs_per_minute = 0;

  bool Fires(tables::ChangeMessage m) const;
};

// Is this trigger the Dataverse change trigger? (By type, connector and operation; the host may
// name the connector by apiId, connectionName or connection.name, with a "-1" style suffix.)
bool IsChangeTrigger(const flow::Trigger& trigger);

// Reads the trigger's evaluated inputs ({host, parameters}). Numbers may be JSON numbers or
// strings. Errors: InvalidChangeSubscription, `where` = "/parameters/<key>".
Result<ChangeSubscription> ParseChangeSubscription(const boost::json::value& inputs,
                                                   const tables::QueryLimits& limits = {});

// Why a change does not start a run, or that it does.
struct ChangeDecision {
  enum class Outcome { kFire, kSkip, kLoopGuard, kSuppressed } outcome = Outcome::kFire;
  std::string reason;  // for every outcome but kFire
  bool fires() const { return outcome == Outcome::kFire; }
};

struct LoopGuardOptions {
  int max_hops = 8;  // a run started by a change of hop h writes changes of hop h+1
};

// Decides for one change and one trigger of `flow_name`. `filter` is the subscription's Filter
// rows bound to the changed table's schema, or why it cannot be (then every change is skipped
// with that reason); needed when sub.filter is set — the dispatcher binds once per schema, not
// once per change. With `explain` false a skip's reason is left empty: the dispatcher records
// only so many skips, and one that is only counted costs no text.
ChangeDecision DecideChange(const ChangeSubscription& sub, const std::string& flow_name, const tables::Change& change,
                            const Result<tables::RowFilter>* filter, const LoopGuardOptions& guard,
                            bool explain = true);
// The same, binding Filter rows to `schema` (the changed table's) for this change alone.
ChangeDecision DecideChange(const ChangeSubscription& sub, const std::string& flow_name, const tables::Change& change,
                            const tables::QuerySchema& schema, const LoopGuardOptions& guard);

// The trigger's outputs for a change that fires (spec §1.9): {headers, body} where body is
// the row in the Web API's shape (the post-image; for a Delete the last stored image) plus
// SdkMessage, RunAsSystemUserId, ItemInternalId, RowVersion, and PreImage when asked for.
// The headers carry the run's hop count (tables::kHopCountHeader), which its writes carry.
boost::json::value ChangeTriggerOutputs(const ChangeSubscription& sub, const tables::Change& change);

// The hop count a run started from `trigger_record` ({name, outputs: {headers, ...}}) carries
// into its writes: the kHopCountHeader a change trigger set, else 0 (a request, a schedule).
int RunHopCount(const boost::json::value& trigger_record);

}  // namespace runnel::triggers

// The change feed: one record per committed row write, in the same transaction as the write.
//
// Every create, update and delete of a user-table row appends a Change with a sequence number
// that orders all changes of the store (it is also the row's versionnumber and its ETag).
// Because the record commits with the row, a reader that remembers the last sequence it
// handled and reads on from there after a crash misses nothing and sees nothing twice: this
// is what the change trigger's dispatcher (DESIGN.md "Triggers filter before runs exist") and
// the Web API's change tracking ($deltatoken = a sequence number) read.
//
// A record carries what the trigger needs to filter without touching the table again:
// - post_image: the row after the write (Web API shape: lookups as `_<name>_value`); empty for
//   a Delete;
// - pre_image: the row before the write; empty for a Create (for a Delete it is the last image
//   of the row, which "Filter rows" can be evaluated against);
// - columns_present: the columns the request carried, by logical name, whether or not their
//   value changed (Dataverse's rule for "Select columns");
// - columns_changed: the columns whose stored value changed (for a Create: every column given
//   a value; system-maintained columns — createdon, modifiedon, versionnumber — never appear);
// - the writer's causal context, which callers pass in (a Web API client has none; a run's
//   writes carry its flow, run id and hop count; a client may ask that no flow be triggered).
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/store.h"

namespace runnel::tables {

struct CausalContext {
  std::string origin_flow;          // the flow whose run made the write; empty for clients
  std::string run_id;
  int hop_count = 0;                // how many trigger -> run -> write steps led here
  bool suppress_callbacks = false;  // MSCRM.SuppressCallbackRegistrationExpanderJob: true
};

// The trigger-output header that carries the hop count of a run started by a change (the
// change's hop count + 1); the run's own writes carry it in their CausalContext.
inline constexpr char kHopCountHeader[] = "x-runnel-hop-count";

enum class ChangeMessage { kCreate, kUpdate, kDelete };

// "Create", "Update", "Delete": the trigger's SdkMessage values.
std::string_view ChangeMessageName(ChangeMessage message);

struct Change {
  int64_t seq = 0;
  int64_t time_micros = 0;
  std::string table;  // logical name
  std::string row_id;
  ChangeMessage message = ChangeMessage::kCreate;
  boost::json::object post_image;
  boost::json::object pre_image;
  std::vector<std::string> columns_present;
  std::vector<std::string> columns_changed;
  CausalContext context;
};

// The stored form and back. Decoding fails only on a record not written by EncodeChange.
store::ChangeRecord EncodeChange(const Change& change);
Result<Change> DecodeChange(const store::ChangeRecord& record);

// Changes with seq > `after_seq`, oldest first, at most `limit`; of `table` only when given.
Result<std::vector<Change>> ReadChanges(store::ReadView& view, int64_t after_seq, int limit,
                                        std::string_view table = {});

}  // namespace runnel::tables

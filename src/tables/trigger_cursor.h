// The change dispatcher's durable state: its cursor — the sequence number of the last change
// whose triggers were all decided (runs claimed and started, skips recorded) — in the store's
// `counters` table beside the change sequence, so the retention of the change feed can keep
// every change the dispatcher has not read yet (TableStore::RetentionWrite); and the claims of
// the runs that changes after the cursor started (`change_claims`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "store/sql.h"

namespace runnel::tables {

// The cursor, or nullopt before the dispatcher first ran on this store.
Result<std::optional<int64_t>> ReadTriggerCursor(store::Sql& sql);
// Moves the cursor to `seq` and drops the claims at or before it (no longer needed).
Status WriteTriggerCursor(store::Sql& sql, int64_t seq);

// Claims run `item` (splitOn) of change `seq` for a flow's trigger; false when it was claimed
// before (the change was dispatched before a crash and its run started then).
Result<bool> ClaimChangeRun(store::Sql& sql, const std::string& flow, const std::string& trigger, int64_t seq,
                            int64_t item, const std::string& run_id);

// The time of the oldest change after the cursor (nullopt: no cursor, or nothing unread).
Result<std::optional<int64_t>> OldestUnreadChangeTime(store::Sql& sql);

}  // namespace runnel::tables

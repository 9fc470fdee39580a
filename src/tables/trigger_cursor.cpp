#include "tables/trigger_cursor.h"

#include <array>
#include <variant>

namespace runnel::tables {

namespace {
constexpr char kCounter[] = "trigger_cursor";
}  // namespace

Result<std::optional<int64_t>> ReadTriggerCursor(store::Sql& sql) {
  std::array<store::SqlValue, 1> params{store::SqlValue(std::string(kCounter))};
  RUNNEL_TRY(rows, sql.Query("SELECT value FROM counters WHERE name = ?", params));
  if (rows.rows.empty() || !std::holds_alternative<int64_t>(rows.rows[0][0])) return std::optional<int64_t>();
  return std::optional<int64_t>(std::get<int64_t>(rows.rows[0][0]));
}

Status WriteTriggerCursor(store::Sql& sql, int64_t seq) {
  std::array<store::SqlValue, 2> params{store::SqlValue(std::string(kCounter)), store::SqlValue(int64_t{seq})};
  RUNNEL_TRY(n, sql.Execute("INSERT INTO counters (name, value) VALUES (?, ?) "
                            "ON CONFLICT (name) DO UPDATE SET value = excluded.value", params));
  (void)n;
  std::array<store::SqlValue, 1> upto{store::SqlValue(int64_t{seq})};
  RUNNEL_TRY(dropped, sql.Execute("DELETE FROM change_claims WHERE seq <= ?", upto));
  (void)dropped;
  return Ok();
}

Result<bool> ClaimChangeRun(store::Sql& sql, const std::string& flow, const std::string& trigger, int64_t seq,
                            int64_t item, const std::string& run_id) {
  std::array<store::SqlValue, 5> params{store::SqlValue(flow), store::SqlValue(trigger), store::SqlValue(int64_t{seq}),
                                        store::SqlValue(int64_t{item}), store::SqlValue(run_id)};
  RUNNEL_TRY(inserted, sql.Execute("INSERT OR IGNORE INTO change_claims (flow, trigger, seq, item, run_id) "
                                   "VALUES (?, ?, ?, ?, ?)", params));
  return inserted == 1;
}

Result<std::optional<int64_t>> OldestUnreadChangeTime(store::Sql& sql) {
  std::array<store::SqlValue, 1> params{store::SqlValue(std::string(kCounter))};
  RUNNEL_TRY(rows, sql.Query("SELECT MIN(time) FROM changes WHERE seq > (SELECT value FROM counters WHERE name = ?)",
                             params));
  if (rows.rows.empty() || !std::holds_alternative<int64_t>(rows.rows[0][0])) return std::optional<int64_t>();
  return std::optional<int64_t>(std::get<int64_t>(rows.rows[0][0]));
}

}  // namespace runnel::tables

// The literal forms of OData values whose text needs checking and normalizing before they can be
// compared with stored values: GUIDs (stored lower-case) and date-times (stored as ISO 8601 UTC
// text to the second, "YYYY-MM-DDTHH:MM:SSZ", so that text order is time order).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runnel::tables {

// True for exactly 8-4-4-4-12 hex digits (no braces).
bool IsGuidText(std::string_view text);
// The lower-case form of a GUID written bare or in braces ("{...}"); nullopt if it is not one.
std::optional<std::string> NormalizeGuid(std::string_view text);

struct DateTimeValue {
  std::string utc;            // "YYYY-MM-DDTHH:MM:SSZ"
  bool has_fraction = false;  // the literal had non-zero fractional seconds (truncated in `utc`)
};

// Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|+HH:MM|-HH:MM]"
// (no zone: UTC) and converts it to UTC. On failure returns a message naming what is wrong
// (for "$filter: <message> at position N"), with `*ok` false.
DateTimeValue ParseDateTime(std::string_view text, bool* ok, std::string* message);

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace runnel::tables

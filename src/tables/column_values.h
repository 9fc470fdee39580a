// Column values: the Web API's JSON forms in, the stored SQL forms, and the JSON forms out.
//
// Stored forms (store/sql_value.h): strings as text; int, bigint, choice and bool (0/1) as
// integers; decimal and float as doubles rounded to the column's precision; date-times as
// "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds, so text order is time order); GUIDs and lookups
// as lower-case "8-4-4-4-12" text. An empty string is stored as null, as Dataverse does.
#pragma once

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/sql_value.h"
#include "tables/odata_literal.h"
#include "tables/table_schema.h"

namespace runnel::tables {

// The stored form of `v` for column `c`, after checking its type, range, length and options.
// Errors (InvalidValue, MaxLengthExceeded) name the table and the column and say what fits.
// Lookups take the target row's id as a string (the caller parsed the @odata.bind).
Result<store::SqlValue> ValueFromJson(const TableSchema& table, const ColumnDef& c, const boost::json::value& v);

// The Web API form of a stored value.
boost::json::value ValueToJson(const ColumnDef& c, const store::SqlValue& v);

// A date and time in ISO 8601 ("2024-05-01T12:00:00Z", "2024-05-01T14:00:00+02:00",
// "2024-05-01") as stored, or nullopt when malformed or outside 1753-01-01..9999-12-31
// (Dataverse's range).
std::optional<std::string> NormalizeDateTime(std::string_view text);
std::string FormatDateTime(int64_t micros);

// NormalizeGuid (a GUID as stored, lower case) is in odata_literal.h.
// A random (version 4) GUID.
std::string NewGuid();

// Number of Unicode code points of UTF-8 text (max lengths count characters, not bytes).
size_t CountCharacters(std::string_view utf8);

}  // namespace runnel::tables

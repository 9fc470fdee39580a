// The error codes of the table store (Error::code). The Web API maps each to an HTTP status
// and a Dataverse error code (server/table_api_errors.cpp); the connector actions report them.
#pragma once

namespace runnel::tables::errc {

inline constexpr char kInvalidDefinition[] = "InvalidTableDefinition";
inline constexpr char kIncompatibleChange[] = "IncompatibleTableChange";  // would lose data
inline constexpr char kTableNotFound[] = "TableNotFound";
inline constexpr char kColumnNotFound[] = "ColumnNotFound";
inline constexpr char kInvalidValue[] = "InvalidValue";               // wrong type, out of range
inline constexpr char kMaxLengthExceeded[] = "MaxLengthExceeded";
inline constexpr char kRequiredColumnMissing[] = "RequiredColumnMissing";
inline constexpr char kReadOnlyColumn[] = "ReadOnlyColumn";
inline constexpr char kInvalidKey[] = "InvalidKey";                   // a malformed or undefined key
inline constexpr char kInvalidBody[] = "InvalidBody";
inline constexpr char kRowNotFound[] = "RowNotFound";
inline constexpr char kLookupTargetNotFound[] = "LookupTargetNotFound";
inline constexpr char kDuplicateRecord[] = "DuplicateRecord";
inline constexpr char kVersionMismatch[] = "ConcurrencyVersionMismatch";
inline constexpr char kInvalidSkipToken[] = "InvalidSkipToken";
inline constexpr char kInvalidDeltaToken[] = "InvalidDeltaToken";
inline constexpr char kExpiredDeltaToken[] = "ExpiredDeltaToken";
inline constexpr char kInvalidSelect[] = "InvalidSelect";
inline constexpr char kChangeTrackingOption[] = "UnsupportedWithChangeTracking";

}  // namespace runnel::tables::errc

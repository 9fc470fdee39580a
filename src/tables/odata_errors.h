// The error codes of the OData query options (Error::code values) and the one way filter errors
// are worded, so every message reads "$filter: <what went wrong> at position N".
#pragma once

#include <string>
#include <utility>

#include "base/error.h"

namespace runnel::tables::errc {

// The $filter text is malformed, names an unknown column, or puts a value of the wrong kind
// next to a column; Error::position is the zero-based offset of the offending character.
inline constexpr char kInvalidFilter[] = "InvalidFilter";
// A query option Runnel recognizes but does not implement ($expand, $skip...), or an unknown one.
inline constexpr char kUnsupportedQueryOption[] = "UnsupportedQueryOption";
// A supported query option with a malformed value ($top=abc, $orderby=a sideways).
inline constexpr char kInvalidQuery[] = "InvalidQuery";
// Filter::Matches was given a row whose value does not fit its column's kind.
inline constexpr char kInvalidRow[] = "InvalidRow";

}  // namespace runnel::tables::errc

namespace runnel::tables {

inline Error FilterError(int position, std::string what) {
  what.insert(0, "$filter: ");
  what += " at position ";
  what += std::to_string(position);
  return Error(errc::kInvalidFilter, std::move(what), position);
}

}  // namespace runnel::tables

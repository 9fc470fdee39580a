// Equality of JSON values as WDL's equals() and conditions see it.
#pragma once

#include <boost/json/fwd.hpp>

namespace runnel::json {

// Deep equality: numbers compare by value across int/uint/double (1 == 1.0), booleans equal the
// numbers 1/0 (WDL documents equals(true, 1) as true), strings compare ordinally (case-sensitive),
// objects compare as unordered maps, arrays element by element. Null equals only null; callers
// that apply WDL's "null is the empty string in comparisons" rule do so before calling.
bool Equal(const boost::json::value& a, const boost::json::value& b);

// True if v is a JSON number (int64, uint64 or double).
bool IsNumber(const boost::json::value& v);

// v as a double; REQUIRES: IsNumber(v).
double ToDouble(const boost::json::value& v);

}  // namespace runnel::json

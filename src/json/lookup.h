// Member lookup the way WDL property access behaves.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

namespace runnel::json {

// The member `key` of `o`: an exact match first, then the first member whose name matches
// ignoring ASCII case (the hosted engine's property access is case-insensitive). nullptr if none.
const boost::json::value* FindMember(const boost::json::object& o, std::string_view key);
boost::json::value* FindMember(boost::json::object& o, std::string_view key);

// ASCII case-insensitive equality (names of functions, actions, types, statuses).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// ASCII lower case (WDL names compare case-insensitively in ASCII only).
std::string LowerAscii(std::string_view s);

}  // namespace runnel::json

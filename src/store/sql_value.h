// SqlValue: one bound parameter or result column of the dynamic SQL the table store runs
// (tables/). Booleans travel as 0/1, date-times as ISO 8601 UTC text, GUIDs as lower-case text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

namespace runnel::store {

using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string>;

}  // namespace runnel::store

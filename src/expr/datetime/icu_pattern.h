// Turning ICU (CLDR) date patterns into .NET custom format patterns, as .NET does when it builds
// its cultures from ICU on Linux. Used by culture.cpp only; pure string work, no ICU calls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "expr/datetime/culture.h"

namespace runnel::expr::datetime {

// "EEEE d 'de' MMMM 'de' y" -> "dddd d 'de' MMMM 'de' yyyy"; "h:mm a" -> "h:mm tt". Zone fields
// are dropped, unknown letters quoted, no-break spaces made plain. Quoted words that contain
// letters are appended to *words (the lenient parser skips them).
std::string IcuToDotNetPattern(std::string_view icu, std::vector<std::string>* words);

// .NET's fix of ICU short dates: a two-letter year ("yy") becomes "yyyy" ("dd.MM.yy" ->
// "dd.MM.yyyy"), so 'd' prints four-digit years as on Windows.
std::string FixShortDateYear(std::string_view pattern);

// Which of day, month, year comes first in a .NET pattern.
DateOrder OrderOfPattern(std::string_view pattern);

// The literal text after the first field whose letter is in `fields` and before the next field
// ("dd.MM.yyyy" -> "."), or `fallback` when there is none.
std::string SeparatorOfPattern(std::string_view pattern, std::string_view fields,
                               std::string_view fallback);

}  // namespace runnel::expr::datetime

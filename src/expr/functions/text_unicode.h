// Character properties as .NET's invariant culture sees them: case mapping for toUpper(),
// toLower() and the case-insensitive searches (indexOf, startsWith, ...), and white space for
// trim().
//
// .NET maps case one UTF-16 character (or surrogate pair) at a time with the simple Unicode
// mappings, so a string never changes length: toUpper('ß') is 'ß', not 'SS'. Its invariant
// culture also leaves U+0131 (dotless i) alone when upper-casing and U+0130 (capital I with dot)
// alone when lower-casing, as Windows does (dotnet/runtime, pal_casing.c). We use ICU's simple
// mappings (u_toupper/u_tolower) with the same two exceptions.
//
// All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace runnel::expr::text {

// In place; the length and every index stay the same.
void ToUpperInvariant(std::u16string& s);
void ToLowerInvariant(std::u16string& s);

// .NET Char.IsWhiteSpace: U+0009..U+000D, U+0085 and the Unicode separators (Zs, Zl, Zp).
bool IsWhiteSpace(char32_t cp);

// `utf8` without leading and trailing white space (.NET String.Trim()).
std::string_view TrimWhiteSpace(std::string_view utf8);

}  // namespace runnel::expr::text

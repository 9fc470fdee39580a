// UTF-16 views of UTF-8 text, for the string functions that count or index characters.
//
// Runnel stores strings as UTF-8; the hosted engine runs on .NET, whose strings are UTF-16, and
// every WDL index, length and count (length(), substring(), indexOf(), slice(), take(), ...) is
// in UTF-16 code units: length('😀') is 2. These helpers convert and index so the results match.
//
// Conversions never fail. Malformed UTF-8 (possible in strings produced by base64ToString() and
// similar) decodes to U+FFFD per maximal ill-formed subsequence, as .NET's UTF8Encoding does. A
// UTF-16 sequence cut inside a surrogate pair (substring('😀', 0, 1)) has an unpaired surrogate,
// which UTF-8 cannot hold; it becomes U+FFFD, which is also what a .NET host puts on the wire
// when it encodes such a string as UTF-8.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace runnel::expr::text {

// True if every byte is ASCII (then UTF-8 byte offsets equal UTF-16 indices).
bool IsAscii(std::string_view utf8);

std::u16string ToUtf16(std::string_view utf8);
std::string ToUtf8(std::u16string_view utf16);
void AppendUtf8(std::u16string_view utf16, std::string& out);

// The number of UTF-16 code units of `utf8` (.NET String.Length).
size_t Utf16Length(std::string_view utf8);

// The `count` UTF-16 code units from index `start` of `utf8`, as UTF-8.
// REQUIRES: start <= Utf16Length(utf8) and count <= Utf16Length(utf8) - start.
std::string Utf16Substring(std::string_view utf8, size_t start, size_t count);

// Orders two strings as .NET's String.CompareOrdinal does (by UTF-16 code units; differs from
// UTF-8 byte order only between U+E000..U+FFFF and characters beyond U+FFFF). <0, 0 or >0.
int CompareUtf16Ordinal(std::string_view a, std::string_view b);

}  // namespace runnel::expr::text

// Code point decoding and encoding for the text helpers (text_*.cpp). Internal to them.
//
// Decoding follows the Unicode "maximal subpart" practice that .NET and ICU use: each maximal
// ill-formed subsequence of UTF-8 becomes one U+FFFD, and so does each unpaired surrogate in
// UTF-16. Encoding a surrogate code point to UTF-8 writes U+FFFD.
#pragma once

#include "json/utf8.h"
#include <cstddef>
#include <string>
#include <string_view>

namespace runnel::expr::text {

inline constexpr char32_t kReplacement = 0xFFFD;

// The code point starting at s[i]; advances i past it (at least one byte).
// REQUIRES: i < s.size().
inline char32_t DecodeUtf8(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i++);
  if (b0 < 0x80) return b0;
  int trail;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first trail byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    trail = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    trail = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    trail = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return kReplacement;
  }
  for (int k = 0; k < trail; ++k) {
    if (i >= s.size()) return kReplacement;
    unsigned char b = byte(i);
    if (b < lo || b > hi) return kReplacement;  // the bad byte starts the next sequence
    cp = (cp << 6) | (b & 0x3F);
    ++i;
    lo = 0x80;
    hi = 0xBF;
  }
  return cp;
}

// The code point starting at s[i]; advances i past it. REQUIRES: i < s.size().
inline char32_t DecodeUtf16(std::u16string_view s, size_t& i) {
  char16_t u = s[i++];
  if (u < 0xD800 || u > 0xDFFF) return u;
  if (u <= 0xDBFF && i < s.size() && s[i] >= 0xDC00 && s[i] <= 0xDFFF) {
    char32_t cp = 0x10000 + ((static_cast<char32_t>(u) - 0xD800) << 10) + (s[i] - 0xDC00);
    ++i;
    return cp;
  }
  return kReplacement;
}

inline void AppendUtf16(char32_t cp, std::u16string& out) {
  if (cp <= 0xFFFF) {
    out += static_cast<char16_t>(cp);
    return;
  }
  cp -= 0x10000;
  out += static_cast<char16_t>(0xD800 + (cp >> 10));
  out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
}

inline void AppendUtf8(char32_t cp, std::string& out) { json::AppendUtf8(cp, out); }

}  // namespace runnel::expr::text

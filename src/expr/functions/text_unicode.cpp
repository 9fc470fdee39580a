#include "expr/functions/text_unicode.h"

#include <unicode/uchar.h>

#include "expr/functions/text_decode.h"

namespace runnel::expr::text {
namespace {

constexpr char32_t kDotlessSmallI = 0x0131;
constexpr char32_t kDottedCapitalI = 0x0130;

// Rewrites every character of s through map, keeping a character whose mapping would need a
// different number of UTF-16 units (none in current Unicode data, but indices must not move).
template <class Map>
void MapInPlace(std::u16string& s, Map map) {
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t cp = DecodeUtf16(s, i);
    if (cp == kReplacement) continue;  // unpaired surrogate or U+FFFD: no case
    char32_t mapped = map(cp);
    if (mapped == cp) continue;
    size_t units = i - start;
    if ((mapped > 0xFFFF ? 2u : 1u) != units) continue;
    if (units == 1) {
      s[start] = static_cast<char16_t>(mapped);
    } else {
      mapped -= 0x10000;
      s[start] = static_cast<char16_t>(0xD800 + (mapped >> 10));
      s[start + 1] = static_cast<char16_t>(0xDC00 + (mapped & 0x3FF));
    }
  }
}

}  // namespace

void ToUpperInvariant(std::u16string& s) {
  MapInPlace(s, [](char32_t cp) -> char32_t {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    if (cp == kDotlessSmallI) return cp;
    return static_cast<char32_t>(u_toupper(static_cast<UChar32>(cp)));
  });
}

void ToLowerInvariant(std::u16string& s) {
  MapInPlace(s, [](char32_t cp) -> char32_t {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp == kDottedCapitalI) return cp;
    return static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp)));
  });
}

bool IsWhiteSpace(char32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D)) return true;
  if (cp < 0x85) return false;
  switch (cp) {
    case 0x0085: case 0x00A0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::string_view TrimWhiteSpace(std::string_view utf8) {
  size_t begin = utf8.size(), end = 0;
  for (size_t i = 0; i < utf8.size();) {
    size_t start = i;
    if (!IsWhiteSpace(DecodeUtf8(utf8, i))) {
      if (begin == utf8.size()) begin = start;
      end = i;
    }
  }
  if (begin >= end) return utf8.substr(0, 0);
  return utf8.substr(begin, end - begin);
}

}  // namespace runnel::expr::text

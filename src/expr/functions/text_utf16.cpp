#include "expr/functions/text_utf16.h"

#include "expr/functions/text_decode.h"

namespace runnel::expr::text {

bool IsAscii(std::string_view utf8) {
  for (unsigned char c : utf8) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::u16string ToUtf16(std::string_view utf8) {
  std::u16string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) AppendUtf16(DecodeUtf8(utf8, i), out);
  return out;
}

void AppendUtf8(std::u16string_view utf16, std::string& out) {
  out.reserve(out.size() + utf16.size());
  for (size_t i = 0; i < utf16.size();) AppendUtf8(DecodeUtf16(utf16, i), out);
}

std::string ToUtf8(std::u16string_view utf16) {
  std::string out;
  AppendUtf8(utf16, out);
  return out;
}

size_t Utf16Length(std::string_view utf8) {
  size_t n = 0;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      ++i;
      ++n;
      continue;
    }
    n += DecodeUtf8(utf8, i) > 0xFFFF ? 2 : 1;
  }
  return n;
}

std::string Utf16Substring(std::string_view utf8, size_t start, size_t count) {
  if (start > utf8.size()) return std::string();  // UTF-16 length <= UTF-8 length
  if (IsAscii(utf8)) return std::string(utf8.substr(start, count));
  std::u16string all = ToUtf16(utf8);
  if (start > all.size()) return std::string();
  return ToUtf8(std::u16string_view(all).substr(start, count));
}

namespace {

// The UTF-16 code units of cp, high first; the second is 0 for BMP characters.
struct Units {
  char16_t first;
  char16_t second;
};

Units ToUnits(char32_t cp) {
  if (cp <= 0xFFFF) return {static_cast<char16_t>(cp), 0};
  cp -= 0x10000;
  return {static_cast<char16_t>(0xD800 + (cp >> 10)), static_cast<char16_t>(0xDC00 + (cp & 0x3FF))};
}

}  // namespace

int CompareUtf16Ordinal(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[j]);
    if (x < 0x80 && y < 0x80) {
      if (x != y) return x < y ? -1 : 1;
      ++i;
      ++j;
      continue;
    }
    Units u = ToUnits(DecodeUtf8(a, i));
    Units v = ToUnits(DecodeUtf8(b, j));
    if (u.first != v.first) return u.first < v.first ? -1 : 1;
    // A BMP character (second == 0) against a pair with the same first unit cannot happen: a
    // first unit is either a lead surrogate or a whole BMP character.
    if (u.second != v.second) return u.second < v.second ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace runnel::expr::text

// The UTF-16 and Unicode helpers behind the string functions (src/expr/functions/text_*.h):
// what case files can't reach, i.e. malformed UTF-8 from base64ToString() and friends, unpaired
// surrogates, and the character tables checked against ICU.
#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include "expr/functions/text_unicode.h"
#include "expr/functions/text_utf16.h"

namespace runnel::expr::text {
namespace {

TEST(TextUtf16, RoundTripsWellFormedText) {
  std::string s = "a\u00e9\u65e5\U0001F600z";
  std::u16string u = ToUtf16(s);
  EXPECT_EQ(u, u"a\u00e9\u65e5\U0001F600z");
  EXPECT_EQ(u.size(), 6u);
  EXPECT_EQ(Utf16Length(s), 6u);
  EXPECT_EQ(ToUtf8(u), s);
}

// Each maximal ill-formed subsequence becomes one U+FFFD, as .NET's UTF8Encoding decodes.
TEST(TextUtf16, MalformedUtf8BecomesReplacementCharacters) {
  struct Case {
    std::string in;
    std::u16string out;
  };
  const Case cases[] = {
      {"\x80", u"\uFFFD"},
      {"a\xFFz", u"a\uFFFDz"},
      {"\xC0\xAF", u"\uFFFD\uFFFD"},            // overlong lead is never valid
      {"\xE0\x80\x80", u"\uFFFD\uFFFD\uFFFD"},  // overlong 3-byte form
      {"\xED\xA0\x80", u"\uFFFD\uFFFD\uFFFD"},  // an encoded surrogate
      {"\xF0\x9F\x98", u"\uFFFD"},              // truncated emoji: one subpart
      {"\xF0\x9F\x98z", u"\uFFFDz"},
      {"\xF4\x90\x80\x80", u"\uFFFD\uFFFD\uFFFD\uFFFD"},  // above U+10FFFF
      {"\xE2\x82", u"\uFFFD"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ToUtf16(c.in), c.out) << c.in;
    EXPECT_EQ(Utf16Length(c.in), c.out.size()) << c.in;
  }
}

TEST(TextUtf16, UnpairedSurrogatesBecomeReplacementCharacters) {
  EXPECT_EQ(ToUtf8(u"\xD83D"), "\uFFFD");
  EXPECT_EQ(ToUtf8(u"\xDE00x"), "\uFFFDx");
  EXPECT_EQ(ToUtf8(u"\xD83D\xD83D\xDE00"), "\uFFFD\U0001F600");
}

TEST(TextUtf16, SubstringsCountUtf16Units) {
  std::string s = "\U0001F600ab";
  EXPECT_EQ(Utf16Substring(s, 0, 2), "\U0001F600");
  EXPECT_EQ(Utf16Substring(s, 2, 2), "ab");
  EXPECT_EQ(Utf16Substring(s, 1, 2), "\uFFFDa");
  EXPECT_EQ(Utf16Substring(s, 4, 0), "");
  EXPECT_EQ(Utf16Substring("abc", 1, 5), "bc");
}

TEST(TextUtf16, OrdinalOrderIsUtf16Order) {
  EXPECT_LT(CompareUtf16Ordinal("A", "a"), 0);
  EXPECT_LT(CompareUtf16Ordinal("a", "ab"), 0);
  EXPECT_GT(CompareUtf16Ordinal("ab", "a"), 0);
  EXPECT_EQ(CompareUtf16Ordinal("\u00e9", "\u00e9"), 0);
  // U+1F600 is D83D DE00 in UTF-16: before U+FF01, although after it in code point order.
  EXPECT_LT(CompareUtf16Ordinal("\U0001F600", "\uFF01"), 0);
  EXPECT_GT(CompareUtf16Ordinal("\uFF01", "\U0001F600"), 0);
  EXPECT_LT(CompareUtf16Ordinal("\uD7FF", "\U0001F600"), 0);
  EXPECT_LT(CompareUtf16Ordinal("\U0001F600", "\U0001F601"), 0);
}

TEST(TextUnicode, CaseMappingIsSimpleAndInvariant) {
  std::u16string s = u"stra\u00dfe \u0131 i \u01c6 \U00010428";
  ToUpperInvariant(s);
  EXPECT_EQ(s, u"STRA\u00dfE \u0131 I \u01c4 \U00010400");
  std::u16string t = u"\u0130 I \u03a3 \u01c5 \U00010400";
  ToLowerInvariant(t);
  EXPECT_EQ(t, u"\u0130 i \u03c3 \u01c6 \U00010428");
  std::u16string lone = u"\xD801x";  // an unpaired surrogate stays as it is
  ToUpperInvariant(lone);
  EXPECT_EQ(lone, u"\xD801X");
}

// .NET Char.IsWhiteSpace is exactly: Zs, Zl, Zp, U+0009..U+000D and U+0085.
TEST(TextUnicode, WhiteSpaceMatchesDotNetDefinition) {
  for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
    int8_t type = u_charType(c);
    bool expected = type == U_SPACE_SEPARATOR || type == U_LINE_SEPARATOR ||
                    type == U_PARAGRAPH_SEPARATOR || (c >= 0x09 && c <= 0x0D) || c == 0x85;
    ASSERT_EQ(IsWhiteSpace(static_cast<char32_t>(c)), expected) << std::hex << c;
  }
}

TEST(TextUnicode, TrimKeepsInnerTextAndMalformedBytes) {
  EXPECT_EQ(TrimWhiteSpace("  a b  "), "a b");
  EXPECT_EQ(TrimWhiteSpace("\u3000\u00a0"), "");
  EXPECT_EQ(TrimWhiteSpace(" \xFF "), "\xFF");
  EXPECT_EQ(TrimWhiteSpace("\u200bx"), "\u200bx");
  EXPECT_EQ(TrimWhiteSpace(""), "");
}

}  // namespace
}  // namespace runnel::expr::text

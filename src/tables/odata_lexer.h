// OdataLexer: splits $filter text into tokens. Used only by the filter parser.
//
// Literals are recognized by shape, as OData's ABNF does: 'text' (with '' for a quote), numbers
// (-5, 1.25, 2e3), bare GUIDs (8-4-4-4-12 hex digits), date-times (2024-01-31, 2024-01-31T10:00Z),
// JSON arrays (the PropertyValues of the Dataverse query functions) and parameter aliases (@p1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace runnel::tables {

struct OdataToken {
  enum class Kind : uint8_t {
    kEnd,
    kIdent,     // letters, digits, '_' and '.' (qualified function names)
    kString,    // 'text'; `text` holds the unescaped value
    kNumber,    // -5, 1.25, 2e3; `text` holds the source
    kGuid,      // 8-4-4-4-12 hex digits
    kDateTime,  // the source text of a date or date-time; checked by the parser
    kArray,     // [ ... ] with JSON strings inside; `text` holds the source
    kAlias,     // @name; `text` holds the name without '@'
    kLParen,
    kRParen,
    kComma,
    kSlash,
    kColon,
    kEquals,
  };
  Kind kind = Kind::kEnd;
  int position = 0;  // offset of the first character in the filter text
  std::string text;
};

class OdataLexer {
 public:
  explicit OdataLexer(std::string_view source) : src_(source) {}

  // The next token; an unterminated string or a stray character is an "InvalidFilter" error.
  Result<OdataToken> Next();
  // The offset just past the last token returned.
  size_t offset() const { return pos_; }

 private:
  void SkipSpace();
  Result<OdataToken> QuotedString();
  Result<OdataToken> Array();
  Result<OdataToken> Number();
  bool TryGuid(OdataToken* t);
  bool TryDateTime(OdataToken* t);

  std::string_view src_;
  size_t pos_ = 0;
};

// A short description of a token for error messages: "')'", "the end of the filter", "'abc'".
std::string DescribeToken(const OdataToken& t);
// `text`, cut to what a message should repeat of it (whole UTF-8 characters, then "...").
std::string AbbreviateForMessage(std::string_view text);
// `text` with ASCII letters lower-cased (for "did you mean" hints).
std::string AsciiLower(std::string_view text);

}  // namespace runnel::tables

// Lexer: splits expression text into tokens. Used only by the parser.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace runnel::expr {

struct Token {
  enum class Kind : uint8_t {
    kEnd,
    kIdent,     // name: letters, digits, '_' (and '$', '@', '-' after a '.')
    kString,    // 'text' with '' as an escaped quote; `text` holds the unescaped value
    kInteger,   // 42, -5
    kFloat,     // 1.5, .3, -2e3
    kLParen, kRParen, kLBracket, kRBracket, kComma, kDot, kQuestion,
    kRBrace,    // '}' ends an @{...} template hole
  };
  Kind kind = Kind::kEnd;
  int position = 0;  // offset of the first character in the source
  std::string text;  // identifier name, unescaped string, or number text
};

class Lexer {
 public:
  // Tokenizes source[start, ...). Positions are offsets into `source`.
  Lexer(std::string_view source, size_t start) : src_(source), pos_(start) {}

  // The next token; an unterminated string or a stray character is a syntax error.
  Result<Token> Next();
  // After a '.', member names may contain '-', '$' and '@' as well.
  Result<Token> NextMemberName();
  size_t offset() const { return pos_; }

 private:
  void SkipSpace();
  Result<Token> Number();
  Result<Token> QuotedString();

  std::string_view src_;
  size_t pos_;
};

// A short description of a token for error messages: "')'", "end of expression", "'abc'".
std::string Describe(const Token& t);

}  // namespace runnel::expr

#include "expr/lexer.h"

#include "expr/errors.h"

namespace runnel::expr {

namespace {

bool IsIdentStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Error SyntaxError(int pos, std::string message) {
  return Error(errc::kSyntax, std::move(message), pos);
}

}  // namespace

void Lexer::SkipSpace() {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos_;
    } else {
      break;
    }
  }
}

Result<Token> Lexer::Next() {
  SkipSpace();
  Token t;
  t.position = static_cast<int>(pos_);
  if (pos_ >= src_.size()) return t;
  char c = src_[pos_];
  using K = Token::Kind;
  auto single = [&](K k) {
    t.kind = k;
    ++pos_;
    return t;
  };
  switch (c) {
    case '(': return single(K::kLParen);
    case ')': return single(K::kRParen);
    case '[': return single(K::kLBracket);
    case ']': return single(K::kRBracket);
    case ',': return single(K::kComma);
    case '?': return single(K::kQuestion);
    case '}': return single(K::kRBrace);
    case '\'': return QuotedString();
    case '.':
      if (pos_ + 1 < src_.size() && IsDigit(src_[pos_ + 1])) return Number();
      return single(K::kDot);
    case '-':
    case '+':
      if (pos_ + 1 < src_.size() && (IsDigit(src_[pos_ + 1]) || src_[pos_ + 1] == '.')) {
        return Number();
      }
      break;
    case '"':
      return SyntaxError(t.position,
                         "string literals use single quotes: write 'text', not \"text\"");
    default:
      if (IsDigit(c)) return Number();
      if (IsIdentStart(static_cast<unsigned char>(c))) {
        size_t start = pos_;
        while (pos_ < src_.size() && IsIdentChar(static_cast<unsigned char>(src_[pos_]))) ++pos_;
        t.kind = K::kIdent;
        t.text.assign(src_.substr(start, pos_ - start));
        return t;
      }
  }
  return SyntaxError(t.position, std::string("unexpected character '") + c + "'");
}

Result<Token> Lexer::NextMemberName() {
  SkipSpace();
  Token t;
  t.position = static_cast<int>(pos_);
  size_t start = pos_;
  while (pos_ < src_.size()) {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (IsIdentChar(c) || c == '-' || c == '$' || c == '@') {
      ++pos_;
    } else {
      break;
    }
  }
  if (pos_ == start) {
    return SyntaxError(t.position, "expected a property name after '.'; use ['name'] for names "
                                   "with spaces or other punctuation");
  }
  t.kind = Token::Kind::kIdent;
  t.text.assign(src_.substr(start, pos_ - start));
  return t;
}

Result<Token> Lexer::Number() {
  Token t;
  t.position = static_cast<int>(pos_);
  size_t start = pos_;
  if (src_[pos_] == '-' || src_[pos_] == '+') ++pos_;
  bool is_float = false;
  while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
  if (pos_ < src_.size() && src_[pos_] == '.' && pos_ + 1 < src_.size() && IsDigit(src_[pos_ + 1])) {
    is_float = true;
    ++pos_;
    while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
  }
  if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
    size_t save = pos_++;
    if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) ++pos_;
    if (pos_ < src_.size() && IsDigit(src_[pos_])) {
      is_float = true;
      while (pos_ < src_.size() && IsDigit(src_[pos_])) ++pos_;
    } else {
      pos_ = save;
    }
  }
  if (pos_ < src_.size() && IsIdentStart(static_cast<unsigned char>(src_[pos_]))) {
    return SyntaxError(static_cast<int>(pos_), "unexpected character '" +
                                                   std::string(1, src_[pos_]) + "' after a number");
  }
  t.kind = is_float ? Token::Kind::kFloat : Token::Kind::kInteger;
  t.text.assign(src_.substr(start, pos_ - start));
  return t;
}

Result<Token> Lexer::QuotedString() {
  Token t;
  t.kind = Token::Kind::kString;
  t.position = static_cast<int>(pos_);
  ++pos_;  // opening quote
  while (pos_ < src_.size()) {
    char c = src_[pos_++];
    if (c == '\'') {
      if (pos_ < src_.size() && src_[pos_] == '\'') {
        t.text += '\'';
        ++pos_;
        continue;
      }
      return t;
    }
    t.text += c;
  }
  return SyntaxError(t.position, "unterminated string: add a closing ' (write '' for a quote "
                                 "inside the text)");
}

std::string Describe(const Token& t) {
  using K = Token::Kind;
  switch (t.kind) {
    case K::kEnd: return "end of the expression";
    case K::kIdent: return "'" + t.text + "'";
    case K::kString: return "string '" + t.text.substr(0, 40) + "'";
    case K::kInteger:
    case K::kFloat: return "number " + t.text;
    case K::kLParen: return "'('";
    case K::kRParen: return "')'";
    case K::kLBracket: return "'['";
    case K::kRBracket: return "']'";
    case K::kComma: return "','";
    case K::kDot: return "'.'";
    case K::kQuestion: return "'?'";
    case K::kRBrace: return "'}'";
  }
  return "a token";
}

}  // namespace runnel::expr

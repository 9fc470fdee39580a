#include "tables/odata_lexer.h"

#include "tables/odata_errors.h"
#include "tables/odata_literal.h"

namespace runnel::tables {

namespace {

using Kind = OdataToken::Kind;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '.'; }

// The character at `pos` for a message: printable ASCII as itself, anything else by code.
std::string ShowChar(std::string_view src, size_t pos) {
  unsigned char c = static_cast<unsigned char>(src[pos]);
  if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  if (c >= 0x80) {  // a whole UTF-8 sequence (the text was validated before lexing)
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return "'" + std::string(src.substr(pos, n)) + "'";
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("the control character U+00") + kHex[c >> 4] + kHex[c & 15];
}

}  // namespace

void OdataLexer::SkipSpace() {
  while (pos_ < src_.size() && (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\n' || src_[pos_] == '\r')) {
    ++pos_;
  }
}

Result<OdataToken> OdataLexer::Next() {
  SkipSpace();
  OdataToken t;
  t.position = static_cast<int>(pos_);
  if (pos_ >= src_.size()) return t;
  auto single = [&](Kind k) {
    t.kind = k;
    ++pos_;
    return t;
  };
  char c = src_[pos_];
  switch (c) {
    case '(': return single(Kind::kLParen);
    case ')': return single(Kind::kRParen);
    case ',': return single(Kind::kComma);
    case '/': return single(Kind::kSlash);
    case ':': return single(Kind::kColon);
    case '=': return single(Kind::kEquals);
    case '\'': return QuotedString();
    case '[': return Array();
    case '@': {
      size_t end = pos_ + 1;
      while (end < src_.size() && IsIdentChar(src_[end])) ++end;
      if (end == pos_ + 1) return FilterError(t.position, "expected a parameter alias name after '@'");
      t.kind = Kind::kAlias;
      t.text = std::string(src_.substr(pos_ + 1, end - pos_ - 1));
      pos_ = end;
      return t;
    }
    default: break;
  }
  // GUIDs and dates begin like numbers or names, so they are tried first.
  if (TryGuid(&t) || TryDateTime(&t)) return t;
  if (IsDigit(c) || (c == '-' && pos_ + 1 < src_.size() && IsDigit(src_[pos_ + 1]))) return Number();
  if (IsIdentStart(c)) {
    size_t end = pos_;
    while (end < src_.size() && IsIdentChar(src_[end])) ++end;
    t.kind = Kind::kIdent;
    t.text = std::string(src_.substr(pos_, end - pos_));
    pos_ = end;
    return t;
  }
  if (c == '"') {
    return FilterError(t.position, "string values are written in single quotes ('text'), not double quotes");
  }
  return FilterError(t.position, "unexpected " + ShowChar(src_, pos_));
}

Result<OdataToken> OdataLexer::QuotedString() {
  OdataToken t;
  t.kind = Kind::kString;
  t.position = static_cast<int>(pos_);
  ++pos_;
  while (true) {
    if (pos_ >= src_.size()) {
      return FilterError(t.position, "unterminated string literal (a quote inside a string is written '')");
    }
    char c = src_[pos_++];
    if (c == '\'') {
      if (pos_ < src_.size() && src_[pos_] == '\'') {
        t.text += '\'';
        ++pos_;
        continue;
      }
      return t;
    }
    // SQLite's LIKE stops at a NUL, so a NUL would make the SQL and in-memory results differ.
    if (c == '\0') return FilterError(static_cast<int>(pos_ - 1), "a string literal may not contain a NUL character");
    t.text += c;
  }
}

// The JSON array of a Dataverse query function's PropertyValues; the parser hands the text to
// Boost.JSON, so here only the matching ']' is found (brackets inside JSON strings do not count).
Result<OdataToken> OdataLexer::Array() {
  OdataToken t;
  t.kind = Kind::kArray;
  t.position = static_cast<int>(pos_);
  int depth = 0;
  bool in_string = false;
  for (size_t i = pos_; i < src_.size(); ++i) {
    char c = src_[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) {
        t.text = std::string(src_.substr(pos_, i + 1 - pos_));
        pos_ = i + 1;
        return t;
      }
    }
  }
  return FilterError(t.position, "unterminated '[' (expected a JSON array such as [\"a\",\"b\"])");
}

Result<OdataToken> OdataLexer::Number() {
  OdataToken t;
  t.kind = Kind::kNumber;
  t.position = static_cast<int>(pos_);
  size_t end = pos_;
  if (src_[end] == '-') ++end;
  while (end < src_.size() && IsDigit(src_[end])) ++end;
  if (end + 1 < src_.size() && src_[end] == '.' && IsDigit(src_[end + 1])) {
    ++end;
    while (end < src_.size() && IsDigit(src_[end])) ++end;
  }
  if (end < src_.size() && (src_[end] == 'e' || src_[end] == 'E')) {
    size_t e = end + 1;
    if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
    if (e < src_.size() && IsDigit(src_[e])) {
      while (e < src_.size() && IsDigit(src_[e])) ++e;
      end = e;
    }
  }
  if (end < src_.size() && (IsIdentChar(src_[end]))) {
    return FilterError(static_cast<int>(end), "unexpected " + ShowChar(src_, end) + " after the number " +
                                                  std::string(src_.substr(pos_, end - pos_)));
  }
  t.text = std::string(src_.substr(pos_, end - pos_));
  pos_ = end;
  return t;
}

bool OdataLexer::TryGuid(OdataToken* t) {
  if (pos_ + 36 > src_.size() || !IsGuidText(src_.substr(pos_, 36))) return false;
  if (pos_ + 36 < src_.size() && IsIdentChar(src_[pos_ + 36])) return false;
  t->kind = Kind::kGuid;
  t->text = std::string(src_.substr(pos_, 36));
  pos_ += 36;
  return true;
}

// A date starts with "DDDD-D"; the token runs over the characters a date-time can hold and
// the parser checks its form, so that a typo gets a date-specific message.
bool OdataLexer::TryDateTime(OdataToken* t) {
  if (pos_ + 6 > src_.size()) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (!IsDigit(src_[pos_ + i])) return false;
  }
  if (src_[pos_ + 4] != '-' || !IsDigit(src_[pos_ + 5])) return false;
  size_t end = pos_;
  while (end < src_.size()) {
    char c = src_[end];
    if (!(IsDigit(c) || c == '-' || c == ':' || c == '.' || c == '+' || c == 'T' || c == 't' || c == 'Z' || c == 'z')) {
      break;
    }
    ++end;
  }
  t->kind = Kind::kDateTime;
  t->text = std::string(src_.substr(pos_, end - pos_));
  pos_ = end;
  return true;
}

std::string AbbreviateForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 40;  // a message repeats at most this much of a long token
  if (text.size() <= kMaxShown) return std::string(text);
  size_t cut = kMaxShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole characters
  return std::string(text.substr(0, cut)) + "...";
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string DescribeToken(const OdataToken& t) {
  std::string shown = AbbreviateForMessage(t.text);
  switch (t.kind) {
    case Kind::kEnd: return "the end of the filter";
    case Kind::kString: return "the string '" + shown + "'";
    case Kind::kArray: return "an array";
    case Kind::kAlias: return "'@" + shown + "'";
    case Kind::kLParen: return "'('";
    case Kind::kRParen: return "')'";
    case Kind::kComma: return "','";
    case Kind::kSlash: return "'/'";
    case Kind::kColon: return "':'";
    case Kind::kEquals: return "'='";
    default: return "'" + shown + "'";
  }
}

}  // namespace runnel::tables

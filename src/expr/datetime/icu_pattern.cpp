#include "expr/datetime/icu_pattern.h"

namespace runnel::expr::datetime {

namespace {

bool IsAsciiLetter(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }

// U+00A0 and U+202F (CLDR puts them before AM/PM and inside some dates) become ' '.
std::string PlainSpaces(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "\xC2\xA0") == 0) {
      out += ' ';
      ++i;
    } else if (s.compare(i, 3, "\xE2\x80\xAF") == 0) {
      out += ' ';
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void AppendQuotedLiteral(std::string& out, std::string_view literal) {
  out += '\'';
  for (char ch : literal) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '\'';
}

// The .NET field for `count` repetitions of the ICU letter `ch`; empty drops the field.
std::string ConvertField(char ch, size_t count) {
  auto repeat = [](char c, size_t n) { return std::string(n, c); };
  switch (ch) {
    case 'G': return "g";
    case 'y': case 'Y': case 'u': case 'r':
      return count == 1 ? "yyyy" : repeat('y', count > 9 ? 9 : count);
    case 'M': case 'L': return count >= 5 ? "MMM" : repeat('M', count);
    case 'd': return repeat('d', count > 2 ? 2 : count);
    case 'E': return count == 4 ? "dddd" : "ddd";
    case 'c': case 'e':
      if (count < 3) return {};
      return count == 4 ? "dddd" : "ddd";
    case 'h': case 'K': return repeat('h', count > 2 ? 2 : count);
    case 'H': case 'k': return repeat('H', count > 2 ? 2 : count);
    case 'm': return repeat('m', count > 2 ? 2 : count);
    case 's': return repeat('s', count > 2 ? 2 : count);
    case 'S': return repeat('f', count > 7 ? 7 : count);
    case 'a': case 'b': case 'B': return "tt";
    default: return {};  // zones, quarters, weeks, day periods of other kinds
  }
}

// Collapses runs of spaces left by dropped fields and trims the ends.
std::string TidySpaces(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += ch;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool HasLetter(std::string_view s) {
  for (unsigned char ch : s) {
    if (IsAsciiLetter(static_cast<char>(ch)) || ch >= 0x80) return true;
  }
  return false;
}

}  // namespace

std::string IcuToDotNetPattern(std::string_view icu_raw, std::vector<std::string>* words) {
  std::string p = PlainSpaces(icu_raw);
  std::string out;
  size_t i = 0;
  while (i < p.size()) {
    char ch = p[i];
    if (ch == '\'') {
      if (i + 1 < p.size() && p[i + 1] == '\'') {  // '' is a literal quote
        out += "\\'";
        i += 2;
        continue;
      }
      std::string literal;
      ++i;
      while (i < p.size()) {
        if (p[i] == '\'') {
          if (i + 1 < p.size() && p[i + 1] == '\'') {
            literal += '\'';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        literal += p[i++];
      }
      AppendQuotedLiteral(out, literal);
      if (words && HasLetter(literal)) {
        size_t b = literal.find_first_not_of(' ');
        size_t e = literal.find_last_not_of(' ');
        if (b != std::string::npos) words->push_back(literal.substr(b, e - b + 1));
      }
      continue;
    }
    if (IsAsciiLetter(ch)) {
      size_t count = 1;
      while (i + count < p.size() && p[i + count] == ch) ++count;
      out += ConvertField(ch, count);
      i += count;
      continue;
    }
    if (static_cast<unsigned char>(ch) >= 0x80) {
      // Unquoted non-ASCII text is literal too ("y年M月d日"); the parser skips it as a word.
      size_t end = i;
      while (end < p.size() && static_cast<unsigned char>(p[end]) >= 0x80) ++end;
      if (words) words->push_back(p.substr(i, end - i));
      out.append(p, i, end - i);
      i = end;
      continue;
    }
    if (ch == '\\' || ch == '"' || ch == '%') out += '\\';
    out += ch;
    ++i;
  }
  return TidySpaces(out);
}

std::string FixShortDateYear(std::string_view pattern) {
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < pattern.size();) {
    char ch = pattern[i];
    if (ch == '\\' && i + 1 < pattern.size()) {
      out.append(pattern.substr(i, 2));
      i += 2;
      continue;
    }
    if (ch == '\'') quoted = !quoted;
    if (!quoted && ch == 'y') {
      size_t count = 1;
      while (i + count < pattern.size() && pattern[i + count] == 'y') ++count;
      out.append(count == 2 ? 4 : count, 'y');
      i += count;
      continue;
    }
    out += ch;
    ++i;
  }
  return out;
}

DateOrder OrderOfPattern(std::string_view pattern) {
  bool quoted = false;
  bool seen_day = false, seen_month = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char ch = pattern[i];
    if (ch == '\\') {
      ++i;
      continue;
    }
    if (ch == '\'') quoted = !quoted;
    if (quoted) continue;
    if (ch == 'y' && !seen_day && !seen_month) return DateOrder::kYearMonthDay;
    if (ch == 'd') seen_day = true;
    if (ch == 'M') seen_month = true;
    if (seen_day && !seen_month) return DateOrder::kDayMonthYear;
    if (seen_month && !seen_day) return DateOrder::kMonthDayYear;
  }
  return DateOrder::kMonthDayYear;
}

std::string SeparatorOfPattern(std::string_view pattern, std::string_view fields,
                               std::string_view fallback) {
  bool quoted = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char ch = pattern[i];
    if (ch == '\\') {
      ++i;
      continue;
    }
    if (ch == '\'') quoted = !quoted;
    if (quoted || fields.find(ch) == std::string_view::npos) continue;
    size_t j = i;
    while (j < pattern.size() && pattern[j] == ch) ++j;
    std::string sep;
    while (j < pattern.size() && !IsAsciiLetter(pattern[j]) && pattern[j] != '\'') {
      if (pattern[j] != '\\') sep += pattern[j];
      ++j;
    }
    return sep.empty() ? std::string(fallback) : sep;
  }
  return std::string(fallback);
}

}  // namespace runnel::expr::datetime

#include "expr/datetime/format.h"

#include <charconv>

#include <cstdio>

#include "expr/errors.h"

namespace runnel::expr::datetime {

namespace {

constexpr std::string_view kStandardLetters = "d, D, f, F, g, G, M, O, R, s, t, T, u, U or Y";
// Longest piece of a format quoted in an error message.
constexpr size_t kQuoteLimit = 64;

std::string Quote(std::string_view s) {
  if (s.size() <= kQuoteLimit) return "'" + std::string(s) + "'";
  size_t n = kQuoteLimit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // whole UTF-8 chars
  return "'" + std::string(s.substr(0, n)) + "...'";
}

Error TooLong(size_t max_chars) {
  return Error(errc::kLimit,
               "the formatted date would be longer than " + std::to_string(max_chars) + " characters");
}

Error BadFormat(std::string_view format, std::string_view why) {
  return Error(errc::kValue, "the date format " + Quote(format) + " is not valid: " +
                                 std::string(why));
}

void AppendDigits(std::string& out, int64_t value, size_t min_digits) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);  // every field is formatted: no printf
  size_t n = static_cast<size_t>(r.ptr - buf);
  if (n < min_digits) out.append(min_digits - n, '0');
  out.append(buf, n);
}

// .NET's IsUseGenitiveForm: is there a "d" or "dd" field before or after the month at `index`?
bool UseGenitive(std::string_view format, size_t index, size_t token_len) {
  int64_t i = static_cast<int64_t>(index) - 1;
  while (i >= 0 && format[i] != 'd') --i;
  if (i >= 0) {
    int repeat = 0;
    while (--i >= 0 && format[i] == 'd') ++repeat;
    if (repeat <= 1) return true;
  }
  size_t j = index + token_len;
  while (j < format.size() && format[j] != 'd') ++j;
  if (j < format.size()) {
    int repeat = 0;
    while (++j < format.size() && format[j] == 'd') ++repeat;
    if (repeat <= 1) return true;
  }
  return false;
}

// The first character (UTF-8 sequence) of s, for the 't' field.
std::string_view FirstChar(std::string_view s) {
  return s.empty() ? s : s.substr(0, Utf8Length(s, 0));
}

class Formatter {
 public:
  Formatter(const DateTime& value, const Culture& culture, size_t max_chars)
      : value_(value), civil_(value.Civil()), culture_(culture), max_chars_(max_chars) {}

  Status Run(std::string_view format, std::string& out) const;

 private:
  void Field(char ch, size_t n, std::string_view format, size_t i, std::string& out) const;

  const DateTime& value_;
  CivilTime civil_;
  const Culture& culture_;
  size_t max_chars_;
};

void Formatter::Field(char ch, size_t n, std::string_view format, size_t i,
                      std::string& out) const {
  const CivilTime& c = civil_;
  switch (ch) {
    case 'g': out += culture_.era_name; break;
    case 'h': AppendDigits(out, c.hour % 12 == 0 ? 12 : c.hour % 12, n <= 1 ? 1 : 2); break;
    case 'H': AppendDigits(out, c.hour, n <= 1 ? 1 : 2); break;
    case 'm': AppendDigits(out, c.minute, n <= 1 ? 1 : 2); break;
    case 's': AppendDigits(out, c.second, n <= 1 ? 1 : 2); break;
    case 'f': case 'F': {
      int64_t fraction = c.fraction;
      for (size_t k = n; k < 7; ++k) fraction /= 10;
      size_t digits = n;
      if (ch == 'F') {
        while (digits > 0 && fraction % 10 == 0) {
          fraction /= 10;
          --digits;
        }
        if (digits == 0) {
          // .NET drops the '.' before an all-zero F field ("HH:mm:ss.FFF" -> "10:00:00").
          if (!out.empty() && out.back() == '.') out.pop_back();
          break;
        }
      }
      AppendDigits(out, fraction, digits);
      break;
    }
    case 't': {
      const std::string& designator = c.hour < 12 ? culture_.am_designator : culture_.pm_designator;
      out += n == 1 ? FirstChar(designator) : std::string_view(designator);
      break;
    }
    case 'd':
      if (n <= 2) {
        AppendDigits(out, c.day, n);
      } else {
        int dow = value_.DayOfWeek();
        out += n == 3 ? culture_.abbreviated_day_names[dow] : culture_.day_names[dow];
      }
      break;
    case 'M':
      if (n <= 2) {
        AppendDigits(out, c.month, n);
      } else if (n == 3) {
        out += culture_.abbreviated_month_names[c.month - 1];
      } else {
        out += UseGenitive(format, i, n) ? culture_.genitive_month_names[c.month - 1]
                                         : culture_.month_names[c.month - 1];
      }
      break;
    case 'y':
      if (n <= 2) {
        AppendDigits(out, c.year % 100, n);
      } else {
        AppendDigits(out, c.year, n);
      }
      break;
    case 'z':
      // The offset of UTC and of unspecified values (read as process-local, which is UTC).
      out += n == 1 ? "+0" : (n == 2 ? "+00" : "+00:00");
      break;
    case 'K':
      if (value_.kind() == DateKind::kUtc) out += 'Z';
      break;
    case ':': out += culture_.time_separator; break;
    case '/': out += culture_.date_separator; break;
    default: break;
  }
}

Status Formatter::Run(std::string_view format, std::string& out) const {
  size_t i = 0;
  while (i < format.size()) {
    char ch = format[i];
    size_t n = 1;
    switch (ch) {
      case 'g': case 'h': case 'H': case 'm': case 's': case 't': case 'd': case 'M': case 'y':
      case 'z':
        n = RepeatCount(format, i);
        if (n > max_chars_) return TooLong(max_chars_);  // 'y' pads to n digits
        Field(ch, n, format, i, out);
        break;
      case 'f': case 'F':
        n = RepeatCount(format, i);
        if (n > 7) {
          return BadFormat(format, "it has more than 7 '" + std::string(1, ch) +
                                       "' characters; .NET supports at most 7 fraction digits");
        }
        Field(ch, n, format, i, out);
        break;
      case 'K': case ':': case '/':
        Field(ch, 1, format, i, out);
        break;
      case '\'': case '"': {
        std::string literal;
        size_t end = ReadQuoted(format, i, &literal);
        if (end == std::string_view::npos) {
          return BadFormat(format, std::string("it has no closing ") + ch +
                                       "; close the literal text or escape the quote as \\" + ch);
        }
        out += literal;
        n = end - i;
        break;
      }
      case '%': {
        if (i + 1 >= format.size() || format[i + 1] == '%') {
          return BadFormat(format, "'%' must be followed by one format character other than '%'");
        }
        size_t len = Utf8Length(format, i + 1);
        Status s = Run(format.substr(i + 1, len), out);
        if (!s) return s;
        n = 1 + len;
        break;
      }
      case '\\':
        if (i + 1 >= format.size()) {
          return BadFormat(format, "it ends with a backslash; write \\\\ for a literal backslash");
        }
        n = 1 + Utf8Length(format, i + 1);
        out.append(format.substr(i + 1, n - 1));
        break;
      default:
        n = Utf8Length(format, i);
        out.append(format.substr(i, n));
        break;
    }
    if (out.size() > max_chars_) return TooLong(max_chars_);
    i += n;
  }
  return Ok();
}

}  // namespace

size_t Utf8Length(std::string_view s, size_t pos) {
  unsigned char b = static_cast<unsigned char>(s[pos]);
  size_t len = b < 0xC0 ? 1 : (b < 0xE0 ? 2 : (b < 0xF0 ? 3 : 4));
  if (pos + len > s.size()) return 1;
  for (size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(s[pos + k]) & 0xC0) != 0x80) return 1;
  }
  return len;
}

size_t RepeatCount(std::string_view pattern, size_t pos) {
  size_t n = 1;
  while (pos + n < pattern.size() && pattern[pos + n] == pattern[pos]) ++n;
  return n;
}

size_t ReadQuoted(std::string_view pattern, size_t pos, std::string* literal) {
  char quote = pattern[pos++];
  while (pos < pattern.size()) {
    char ch = pattern[pos++];
    if (ch == quote) return pos;
    if (ch == '\\') {
      if (pos >= pattern.size()) return std::string_view::npos;
      ch = pattern[pos++];
    }
    *literal += ch;
  }
  return std::string_view::npos;
}

std::string StandardFormatPattern(char ch, const Culture& c, bool* invariant) {
  *invariant = false;
  switch (ch) {
    case 'd': return c.short_date;
    case 'D': return c.long_date;
    case 'f': return c.long_date + " " + c.short_time;
    case 'F': case 'U': return c.long_date + " " + c.long_time;
    case 'g': return c.short_date + " " + c.short_time;
    case 'G': return c.short_date + " " + c.long_time;
    case 'm': case 'M': return c.month_day;
    case 't': return c.short_time;
    case 'T': return c.long_time;
    case 'y': case 'Y': return c.year_month;
    default: break;
  }
  *invariant = true;
  switch (ch) {
    case 'o': case 'O': return "yyyy'-'MM'-'dd'T'HH':'mm':'ss.fffffffK";
    case 'r': case 'R': return "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";
    case 's': return "yyyy'-'MM'-'dd'T'HH':'mm':'ss";
    case 'u': return "yyyy'-'MM'-'dd HH':'mm':'ss'Z'";
    default: break;
  }
  *invariant = false;
  return {};
}

Result<std::string> FormatDateTime(const DateTime& value, std::string_view format,
                                   const Culture& culture, size_t max_chars) {
  std::string out;
  if (format.size() == 1) {
    bool invariant = false;
    std::string pattern = StandardFormatPattern(format[0], culture, &invariant);
    if (pattern.empty()) {
      std::string why = "a one-character format must be a .NET standard format (" +
                        std::string(kStandardLetters) + "); for a custom format write e.g. 'yyyy-MM-dd'";
      char ch = format[0];
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) why += " or '%" + std::string(format) + "'";
      return BadFormat(format, why);
    }
    // 'U' is universal time; values here are already UTC or read as UTC (see date_time.h).
    const Culture& used = invariant ? InvariantCulture() : culture;
    Status s = Formatter(value, used, max_chars).Run(pattern, out);
    if (!s) return std::move(s).error();
    return out;
  }
  Status s = Formatter(value, culture, max_chars).Run(format, out);
  if (!s) return std::move(s).error();
  return out;
}

}  // namespace runnel::expr::datetime

// The exact parser: .NET's DateTime.ParseExact, walking the format field by field over the text.
// Digit fields read as many digits as .NET does (one letter: 1 or 2 digits; n letters: exactly
// n), names match case-insensitively (longest first), literal text matches exactly.

#include "expr/datetime/format.h"
#include "expr/datetime/parse.h"
#include "expr/datetime/parse_fields.h"

namespace runnel::expr::datetime {

namespace {

constexpr size_t kMaxTimestampChars = 1024;
constexpr size_t kMaxFormatChars = 1024;

class ExactParser {
 public:
  ExactParser(std::u16string_view raw, const Culture& culture)
      : raw_(raw), s_(FoldCase(raw)), culture_(culture) {}

  Status Run(std::string_view format);
  Result<DateTime> Finish(bool utc) const;

 private:
  Status Field(char ch, size_t n);
  Status Digits(size_t n, int* out, const char* what);
  Status Name(uint32_t kinds, const char* what, const ParseName** out);
  Status Literal(std::u16string_view literal);
  Status Offset(bool with_minutes);
  static Status Set(int* slot, int value, const char* what);

  std::u16string_view raw_;
  std::u16string s_;  // folded; same length as raw_
  const Culture& culture_;
  size_t pos_ = 0;
  ParsedFields f_;
};

Status ExactParser::Set(int* slot, int value, const char* what) {
  if (*slot >= 0 && *slot != value) return ParseError(std::string("it gives the ") + what + " twice");
  *slot = value;
  return Ok();
}

Status ExactParser::Digits(size_t n, int* out, const char* what) {
  size_t min = n == 1 ? 1 : n;
  size_t max = n == 1 ? 2 : n;
  if (n > 9 || !ReadDigits(s_, &pos_, min, max, out)) {
    return ParseError(std::string("the ") + what + " is not where the format puts it, with " +
                      (n == 1 ? "1 or 2" : std::to_string(n)) + " digits");
  }
  return Ok();
}

Status ExactParser::Name(uint32_t kinds, const char* what, const ParseName** out) {
  size_t len = 0;
  *out = MatchName(culture_, std::u16string_view(s_).substr(pos_), kinds, &len);
  if (!*out) {
    return ParseError(std::string("it has no ") + what + " where the format puts one (culture '" +
                      culture_.name + "')");
  }
  pos_ += len;
  return Ok();
}

Status ExactParser::Literal(std::u16string_view literal) {
  if (raw_.substr(pos_, literal.size()) != literal) {
    return ParseError("it does not have the text '" + Utf16ToUtf8(literal) +
                      "' where the format puts it");
  }
  pos_ += literal.size();
  return Ok();
}

Status ExactParser::Offset(bool with_minutes) {
  if (pos_ >= s_.size() || (s_[pos_] != u'+' && s_[pos_] != u'-')) {
    return ParseError("it has no UTC offset (+hh:mm) where the format puts one");
  }
  int sign = s_[pos_++] == u'-' ? -1 : 1;
  int hours = 0, minutes = 0;
  if (!ReadDigits(s_, &pos_, 1, 2, &hours)) return ParseError("its UTC offset is malformed");
  if (with_minutes || (pos_ < s_.size() && s_[pos_] == u':')) {
    if (pos_ >= s_.size() || s_[pos_] != u':') return ParseError("its UTC offset is malformed");
    ++pos_;
    if (!ReadDigits(s_, &pos_, 2, 2, &minutes) || minutes > 59) {
      return ParseError("its UTC offset is malformed");
    }
  }
  f_.has_offset = true;
  f_.offset_minutes = sign * (hours * 60 + minutes);
  return Ok();
}

Status ExactParser::Field(char ch, size_t n) {
  int v = 0;
  const ParseName* name = nullptr;
  switch (ch) {
    case 'y': {
      Status s = Digits(n, &v, "year");
      if (!s) return s;
      f_.two_digit_year = n <= 2;
      return Set(&f_.year, v, "year");
    }
    case 'M': {
      if (n <= 2) {
        Status s = Digits(n, &v, "month");
        if (!s) return s;
        return Set(&f_.month, v, "month");
      }
      Status s = n == 3 ? Name(KindBit(ParseName::kAbbreviatedMonth), "abbreviated month name", &name)
                        : Name(KindBit(ParseName::kMonth), "month name", &name);
      if (!s) return s;
      return Set(&f_.month, name->value, "month");
    }
    case 'd': {
      if (n <= 2) {
        Status s = Digits(n, &v, "day");
        if (!s) return s;
        return Set(&f_.day, v, "day");
      }
      Status s = n == 3 ? Name(KindBit(ParseName::kAbbreviatedDay), "abbreviated day name", &name)
                        : Name(KindBit(ParseName::kDay), "day name", &name);
      if (!s) return s;
      return Set(&f_.day_of_week, name->value, "day of the week");
    }
    case 'h': case 'H': case 'm': case 's': {
      const char* what = ch == 'm' ? "minute" : (ch == 's' ? "second" : "hour");
      Status s = Digits(n > 2 ? 2 : n, &v, what);
      if (!s) return s;
      int* slot = ch == 'm' ? &f_.minute : (ch == 's' ? &f_.second : &f_.hour);
      return Set(slot, v, what);
    }
    case 'f': case 'F': {
      if (n > 7) return ParseError("the format has more than 7 fraction digits");
      size_t start = pos_;
      while (pos_ < s_.size() && pos_ - start < n && IsDigit(s_[pos_])) ++pos_;
      if (ch == 'f' && pos_ - start != n) {
        return ParseError("it does not have " + std::to_string(n) + " fraction digits");
      }
      f_.fraction = FractionTicks(std::u16string_view(s_).substr(start, pos_ - start));
      return Ok();
    }
    case 't': {
      uint32_t kinds = KindBit(ParseName::kAm) | KindBit(ParseName::kPm);
      if (n == 1) {  // first character of the designator
        std::u16string am = FoldCase(culture_.am_designator), pm = FoldCase(culture_.pm_designator);
        if (pos_ < s_.size() && !am.empty() && s_[pos_] == am[0]) {
          f_.am_pm = ParsedFields::kAm;
        } else if (pos_ < s_.size() && !pm.empty() && s_[pos_] == pm[0]) {
          f_.am_pm = ParsedFields::kPm;
        } else {
          return ParseError("it has no AM/PM designator where the format puts one");
        }
        ++pos_;
        return Ok();
      }
      Status s = Name(kinds, "AM/PM designator", &name);
      if (!s) return s;
      f_.am_pm = name->kind == ParseName::kAm ? ParsedFields::kAm : ParsedFields::kPm;
      return Ok();
    }
    case 'z': return Offset(n >= 3);
    case 'K':
      if (pos_ < s_.size() && s_[pos_] == u'z') {
        ++pos_;
        f_.utc = true;
      } else if (pos_ < s_.size() && (s_[pos_] == u'+' || s_[pos_] == u'-')) {
        return Offset(true);
      }
      return Ok();
    case 'g': return Name(KindBit(ParseName::kEra), "era", &name);
    case ':': return Literal(Utf8ToUtf16(culture_.time_separator));
    case '/': return Literal(Utf8ToUtf16(culture_.date_separator));
    default: return Ok();
  }
}

Status ExactParser::Run(std::string_view format) {
  size_t i = 0;
  while (i < format.size()) {
    char ch = format[i];
    size_t n = 1;
    Status s = Ok();
    switch (ch) {
      case 'y': case 'M': case 'd': case 'h': case 'H': case 'm': case 's': case 'f': case 'F':
      case 't': case 'z': case 'g':
        n = RepeatCount(format, i);
        s = Field(ch, n);
        break;
      case 'K': case ':': case '/':
        s = Field(ch, 1);
        break;
      case '\'': case '"': {
        std::string literal;
        size_t end = ReadQuoted(format, i, &literal);
        if (end == std::string_view::npos) return ParseError("the format has an unclosed quote");
        s = Literal(Utf8ToUtf16(literal));
        n = end - i;
        break;
      }
      case '%':
        if (i + 1 >= format.size() || format[i + 1] == '%') {
          return ParseError("'%' in the format must be followed by one format character");
        }
        n = 1 + Utf8Length(format, i + 1);
        s = Run(format.substr(i + 1, n - 1));
        break;
      case '\\':
        if (i + 1 >= format.size()) return ParseError("the format ends with a backslash");
        n = 1 + Utf8Length(format, i + 1);
        s = Literal(Utf8ToUtf16(format.substr(i + 1, n - 1)));
        break;
      default:
        n = Utf8Length(format, i);
        // .NET lets "ss.FFF" read "10" too: the '.' may be missing before an F field.
        if (ch == '.' && i + 1 < format.size() && format[i + 1] == 'F' &&
            (pos_ >= raw_.size() || raw_[pos_] != u'.')) {
          n = 1 + RepeatCount(format, i + 1);
          break;
        }
        s = Literal(Utf8ToUtf16(format.substr(i, n)));
        break;
    }
    if (!s) return s;
    i += n;
  }
  return Ok();
}

Result<DateTime> ExactParser::Finish(bool utc) const {
  if (pos_ < raw_.size()) {
    return ParseError("it has text left over after the format: '" +
                      Utf16ToUtf8(raw_.substr(pos_, 20)) + "'");
  }
  ParsedFields f = f_;
  f.utc |= utc;
  return AssembleDateTime(f);
}

}  // namespace

Result<DateTime> ParseDateTimeExact(std::string_view text, std::string_view format,
                                    const Culture& culture) {
  if (text.size() > kMaxTimestampChars) return ParseError("it is too long to be a timestamp");
  if (format.empty()) return ParseError("the format is empty");
  if (format.size() > kMaxFormatChars) return ParseError("the format is too long");
  std::string expanded;
  const Culture* used = &culture;
  if (format.size() == 1) {
    bool invariant = false;
    expanded = StandardFormatPattern(format[0], culture, &invariant);
    if (expanded.empty()) {
      return ParseError("'" + std::string(format) + "' is not a .NET standard format; for a "
                        "custom format of one field write e.g. '%d'");
    }
    if (invariant) used = &InvariantCulture();
  }
  std::u16string raw = Utf8ToUtf16(text);
  ExactParser parser(raw, *used);
  Status s = parser.Run(expanded.empty() ? format : expanded);
  if (!s) return std::move(s).error();
  // 'U' is universal time, so its reading is UTC (.NET sets TimeZoneUtc for it); 'r' and 'u'
  // only match the literal "GMT"/'Z' and stay unspecified, as in .NET's DateTime.ParseExact.
  return parser.Finish(format == "U");
}

}  // namespace runnel::expr::datetime

// The lenient parser: .NET's DateTime.Parse for the forms listed in parse.h. Rather than port
// .NET's state machine, it collects numbers, a time ("h:mm[:ss[.f]]"), names (month, day,
// AM/PM, era, pattern words), 'Z'/"GMT" and an offset in one left-to-right pass, then decides
// which number is the day, month and year from their digit counts and the culture's date order.

#include <vector>

#include "expr/datetime/parse.h"
#include "expr/datetime/parse_fields.h"

namespace runnel::expr::datetime {

namespace {

// No timestamp is longer; anything longer fails before any work is done on it.
constexpr size_t kMaxTimestampChars = 1024;

bool IsSpace(char16_t ch) { return ch == u' ' || ch == u'\t' || ch == u'\n' || ch == u'\r'; }

class LenientParser {
 public:
  LenientParser(std::u16string_view raw, const Culture& culture)
      : raw_(raw), s_(FoldCase(raw)), culture_(culture) {}

  Result<DateTime> Run();

 private:
  struct Number {
    int value;
    size_t digits;
  };

  bool DigitAt(size_t p) const { return p < s_.size() && IsDigit(s_[p]); }
  // The culture's time separator when it is one character other than ':' (Finnish "13.05"),
  // else ':'. It only starts a time after a complete date, where it cannot be a date separator.
  char16_t CultureTimeSeparator() const {
    const std::string& sep = culture_.time_separator;
    return sep.size() == 1 && sep[0] != ':' ? static_cast<char16_t>(sep[0]) : u':';
  }
  bool AmPmFollows() const;
  Status ReadNumber();
  Status ReadTime(int hour);
  Status ReadOffset();
  Status ReadName();
  Status AssignDate();

  std::u16string_view raw_;
  std::u16string s_;  // folded, same length as raw_
  const Culture& culture_;
  size_t pos_ = 0;
  std::vector<Number> numbers_;
  int month_name_ = -1;
  bool has_time_ = false;
  char16_t time_separator_ = u':';
  ParsedFields f_;
};

Result<DateTime> LenientParser::Run() {
  while (pos_ < s_.size()) {
    char16_t ch = s_[pos_];
    Status step = Ok();
    if (IsSpace(ch) || ch == u',') {
      ++pos_;
    } else if (IsDigit(ch)) {
      step = ReadNumber();
    } else if ((ch == u'+' || (ch == u'-' && (has_time_ || f_.utc))) && DigitAt(pos_ + 1)) {
      step = ReadOffset();
    } else if (ch == u'-' || ch == u'/' || ch == u'.' || (ch == u't' && DigitAt(pos_ + 1))) {
      ++pos_;
    } else {
      step = ReadName();
    }
    if (!step) return std::move(step).error();
  }
  if (f_.am_pm != ParsedFields::kNone && !has_time_) {
    return ParseError("it has AM/PM but no time");
  }
  Status date = AssignDate();
  if (!date) return std::move(date).error();
  return AssembleDateTime(f_);
}

bool LenientParser::AmPmFollows() const {
  size_t p = pos_;
  while (p < s_.size() && IsSpace(s_[p])) ++p;
  size_t len;
  return MatchName(culture_, std::u16string_view(s_).substr(p),
                   KindBit(ParseName::kAm) | KindBit(ParseName::kPm), &len) != nullptr;
}

Status LenientParser::ReadNumber() {
  size_t end = pos_;
  while (DigitAt(end)) ++end;
  if (end - pos_ > 9) return ParseError("it has a number with too many digits");
  int value;
  size_t digits;
  ReadDigits(s_, &pos_, 1, 9, &value, &digits);
  if (pos_ + 1 < s_.size() && DigitAt(pos_ + 1) &&
      (s_[pos_] == u':' || (s_[pos_] == CultureTimeSeparator() && numbers_.size() == 3))) {
    if (has_time_) return ParseError("it has two times");
    time_separator_ = s_[pos_++];
    return ReadTime(value);
  }
  if (!has_time_ && digits <= 2 && AmPmFollows()) {  // "3 PM"
    has_time_ = true;
    f_.hour = value;
    return Ok();
  }
  numbers_.push_back({value, digits});
  if (numbers_.size() > 3) return ParseError("it has too many numbers for a date");
  if (pos_ < s_.size()) {
    char16_t sep = s_[pos_];
    if (sep == u'/' || sep == u'-' || sep == u'.' || (sep == u't' && DigitAt(pos_ + 1))) ++pos_;
  }
  return Ok();
}

Status LenientParser::ReadTime(int hour) {
  has_time_ = true;
  f_.hour = hour;
  if (!ReadDigits(s_, &pos_, 1, 2, &f_.minute)) return ParseError("it has no minutes after ':'");
  if (pos_ + 1 < s_.size() && s_[pos_] == time_separator_ && DigitAt(pos_ + 1)) {
    ++pos_;
    ReadDigits(s_, &pos_, 1, 2, &f_.second);
    if (pos_ + 1 < s_.size() && (s_[pos_] == u'.' || s_[pos_] == u',') && DigitAt(pos_ + 1)) {
      size_t start = ++pos_;
      while (DigitAt(pos_)) ++pos_;
      f_.fraction = FractionTicks(std::u16string_view(s_).substr(start, pos_ - start));
    }
  }
  if (DigitAt(pos_)) return ParseError("its time has a field with too many digits");
  return Ok();
}

Status LenientParser::ReadOffset() {
  if (f_.has_offset) return ParseError("it has two UTC offsets");
  int sign = s_[pos_++] == u'-' ? -1 : 1;
  int value, minutes = 0;
  size_t digits;
  ReadDigits(s_, &pos_, 1, 4, &value, &digits);
  int hours = value;
  if (digits >= 3) {  // +hhmm
    hours = value / 100;
    minutes = value % 100;
  } else if (pos_ + 1 < s_.size() && s_[pos_] == u':' && DigitAt(pos_ + 1)) {
    ++pos_;
    if (!ReadDigits(s_, &pos_, 2, 2, &minutes)) return ParseError("its UTC offset is malformed");
  }
  if (minutes > 59 || DigitAt(pos_)) return ParseError("its UTC offset is malformed");
  f_.has_offset = true;
  f_.offset_minutes = sign * (hours * 60 + minutes);
  return Ok();
}

Status LenientParser::ReadName() {
  std::u16string_view rest = std::u16string_view(s_).substr(pos_);
  size_t len = 0;
  constexpr uint32_t kAllKinds = ~0u;
  if (const ParseName* n = MatchName(culture_, rest, kAllKinds, &len)) {
    switch (n->kind) {
      case ParseName::kMonth:
      case ParseName::kAbbreviatedMonth:
        if (month_name_ >= 0) return ParseError("it names two months");
        month_name_ = n->value;
        break;
      case ParseName::kDay:
      case ParseName::kAbbreviatedDay:
        if (f_.day_of_week >= 0) return ParseError("it names two days of the week");
        f_.day_of_week = n->value;
        break;
      case ParseName::kAm:
      case ParseName::kPm:
        if (f_.am_pm != ParsedFields::kNone) return ParseError("it has AM/PM twice");
        f_.am_pm = n->kind == ParseName::kAm ? ParsedFields::kAm : ParsedFields::kPm;
        break;
      case ParseName::kEra:
      case ParseName::kWord:
        break;
    }
    pos_ += len;
    return Ok();
  }
  if (rest.substr(0, 3) == u"gmt" || rest.substr(0, 1) == u"z") {
    if (f_.utc) return ParseError("it names UTC twice");
    f_.utc = true;
    pos_ += rest[0] == u'z' ? 1 : 3;
    return Ok();
  }
  size_t end = pos_ + 1;
  while (end < s_.size() && !IsSpace(s_[end]) && end - pos_ < 20) ++end;
  return ParseError("'" + Utf16ToUtf8(raw_.substr(pos_, end - pos_)) +
                    "' is not a number, month or day name, AM/PM or time zone");
}

Status LenientParser::AssignDate() {
  const size_t n = numbers_.size();
  auto year_from = [&](const Number& num) {
    f_.year = num.value;
    f_.two_digit_year = num.digits <= 2;
  };
  if (month_name_ >= 0) {
    f_.month = month_name_;
    if (n == 1 && (numbers_[0].digits >= 3 || numbers_[0].value > 31)) {  // "June 2009"
      year_from(numbers_[0]);
    } else if (n == 2) {
      const Number& a = numbers_[0];
      const Number& b = numbers_[1];
      bool year_first = a.digits >= 3 ||
                        (b.digits < 3 && culture_.date_order == DateOrder::kYearMonthDay);
      year_from(year_first ? a : b);
      f_.day = year_first ? b.value : a.value;
    } else if (n == 3) {
      return ParseError("it has a month name and three numbers");
    }
    return Ok();
  }
  if (n == 3) {
    const Number* y = &numbers_[2];
    const Number* m = &numbers_[0];
    const Number* d = &numbers_[1];
    if (numbers_[0].digits >= 3 || culture_.date_order == DateOrder::kYearMonthDay) {
      y = &numbers_[0], m = &numbers_[1], d = &numbers_[2];
    } else if (culture_.date_order == DateOrder::kDayMonthYear) {
      d = &numbers_[0], m = &numbers_[1];
    }
    year_from(*y);
    f_.month = m->value;
    f_.day = d->value;
  } else if (n == 2 && (numbers_[0].digits >= 3 || numbers_[1].digits >= 3)) {  // "2018-03"
    bool year_first = numbers_[0].digits >= 3;
    year_from(numbers_[year_first ? 0 : 1]);
    f_.month = numbers_[year_first ? 1 : 0].value;
  } else if (n == 1 && numbers_[0].digits >= 5) {
    return ParseError("its date has no separators; use '2019-05-21' or give parseDateTime the "
                      "format, e.g. 'yyyyMMdd'");
  }
  return Ok();
}

}  // namespace

namespace {

// The strict ISO 8601 forms flows pass around (utcNow(), trigger timestamps): yyyy-MM-dd, or
// yyyy-MM-ddTHH:mm:ss with 1-7 fraction digits and an optional Z or +hh:mm. Read directly, the
// result is the one the lenient parser gives; anything else (or any doubt) returns nullopt and
// takes the full path.
std::optional<DateTime> ParseIsoFast(std::string_view s) {
  auto digits = [&](size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  CivilTime c;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, c.year) || !digits(5, 2, c.month) ||
      !digits(8, 2, c.day)) {
    return std::nullopt;
  }
  if (s.size() == 10) return DateTime::FromCivil(c, DateKind::kUnspecified);
  if (s.size() < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || !digits(11, 2, c.hour) ||
      !digits(14, 2, c.minute) || !digits(17, 2, c.second)) {
    return std::nullopt;
  }
  size_t p = 19;
  if (p < s.size() && s[p] == '.') {
    size_t start = ++p;
    int fraction = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9' && p - start < 7) fraction = fraction * 10 + (s[p++] - '0');
    if (p == start || (p < s.size() && s[p] >= '0' && s[p] <= '9')) return std::nullopt;  // 8+ digits round
    for (size_t k = p - start; k < 7; ++k) fraction *= 10;
    c.fraction = fraction;
  }
  DateKind kind = DateKind::kUnspecified;
  int64_t offset_minutes = 0;
  if (p < s.size() && s[p] == 'Z') {
    kind = DateKind::kUtc;
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int oh = 0, om = 0;
    if (p + 6 != s.size() || s[p + 3] != ':' || !digits(p + 1, 2, oh) || !digits(p + 4, 2, om) || oh > 14 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (s[p] == '-' ? -1 : 1) * (oh * 60 + om);
    kind = DateKind::kUtc;
    p += 6;
  }
  if (p != s.size()) return std::nullopt;
  auto dt = DateTime::FromCivil(c, kind);
  if (!dt || offset_minutes == 0) return dt;
  return dt->AddTicks(-offset_minutes * 60 * 10'000'000LL);
}

}  // namespace

Result<DateTime> ParseDateTime(std::string_view text, const Culture& culture) {
  if (text.size() > kMaxTimestampChars) return ParseError("it is too long to be a timestamp");
  if (auto fast = ParseIsoFast(text)) return *fast;
  std::u16string raw = Utf8ToUtf16(text);
  return LenientParser(raw, culture).Run();
}

}  // namespace runnel::expr::datetime

#include "tables/odata_literal.h"

#include <chrono>

namespace runnel::tables {

namespace {

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at text[*pos] into *value.
bool Digits(std::string_view text, size_t* pos, int n, int* value) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *value = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos < text.size() && text[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

DateTimeValue Fail(bool* ok, std::string* message, std::string what) {
  *ok = false;
  *message = std::move(what);
  return {};
}

void Append2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

}  // namespace

bool IsGuidText(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !IsHex(text[i])) return false;
  }
  return true;
}

std::optional<std::string> NormalizeGuid(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
  if (!IsGuidText(text)) return std::nullopt;
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

DateTimeValue ParseDateTime(std::string_view text, bool* ok, std::string* message) {
  using namespace std::chrono;
  *ok = true;
  const std::string quoted = "'" + std::string(text) + "'";
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(text, &pos, 4, &y) || !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &mo) ||
      !Expect(text, &pos, '-') || !Digits(text, &pos, 2, &d)) {
    return Fail(ok, message, "the date " + quoted + " is not in the form YYYY-MM-DD");
  }
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (y < 1 || !date.ok()) return Fail(ok, message, "the date " + quoted + " does not exist");
  bool has_fraction = false;
  int offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't') {
      return Fail(ok, message, "expected 'T' and a time after the date in " + quoted);
    }
    ++pos;
    if (!Digits(text, &pos, 2, &h) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &mi)) {
      return Fail(ok, message, "the time in " + quoted + " is not in the form HH:MM:SS");
    }
    if (Expect(text, &pos, ':') && !Digits(text, &pos, 2, &s)) {
      return Fail(ok, message, "the seconds in " + quoted + " need two digits");
    }
    if (Expect(text, &pos, '.')) {
      size_t start = pos;
      while (pos < text.size() && IsDigit(text[pos])) {
        if (text[pos] != '0') has_fraction = true;
        ++pos;
      }
      if (pos == start) return Fail(ok, message, "expected digits after '.' in " + quoted);
    }
    if (h > 23 || mi > 59 || s > 59) return Fail(ok, message, "the time in " + quoted + " is out of range");
    if (pos < text.size()) {
      char z = text[pos];
      if (z == 'Z' || z == 'z') {
        ++pos;
      } else if (z == '+' || z == '-') {
        ++pos;
        int oh = 0, om = 0;
        if (!Digits(text, &pos, 2, &oh) || !Expect(text, &pos, ':') || !Digits(text, &pos, 2, &om) || oh > 14 ||
            om > 59) {
          return Fail(ok, message, "the UTC offset in " + quoted + " is not in the form +HH:MM");
        }
        offset_minutes = (oh * 60 + om) * (z == '-' ? -1 : 1);
      }
    }
    if (pos != text.size()) {
      return Fail(ok, message, "unexpected text after the time in " + quoted + " (expected Z or +HH:MM)");
    }
  }
  // Local time minus the offset is UTC; the day may change, and at the ends of the calendar
  // the year may leave the range the storage format can hold.
  sys_seconds local = sys_days(date) + hours(h) + minutes(mi) + seconds(s);
  sys_seconds utc = local - minutes(offset_minutes);
  sys_days utc_day = floor<days>(utc);
  year_month_day ud{utc_day};
  hh_mm_ss<seconds> tod{utc - utc_day};
  int uy = static_cast<int>(ud.year());
  if (uy < 1 || uy > 9999) return Fail(ok, message, "the date-time " + quoted + " is out of range");
  DateTimeValue out;
  out.has_fraction = has_fraction;
  out.utc.reserve(20);
  out.utc += std::to_string(uy + 10000).substr(1);
  out.utc += '-';
  Append2(out.utc, static_cast<unsigned>(ud.month()));
  out.utc += '-';
  Append2(out.utc, static_cast<unsigned>(ud.day()));
  out.utc += 'T';
  Append2(out.utc, static_cast<unsigned>(tod.hours().count()));
  out.utc += ':';
  Append2(out.utc, static_cast<unsigned>(tod.minutes().count()));
  out.utc += ':';
  Append2(out.utc, static_cast<unsigned>(tod.seconds().count()));
  out.utc += 'Z';
  return out;
}

size_t FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n >= text.size()) return i;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

}  // namespace runnel::tables

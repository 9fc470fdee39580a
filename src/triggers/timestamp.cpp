#include "triggers/timestamp.h"

#include <cctype>

#include "triggers/errors.h"

namespace runnel::triggers {

using expr::datetime::CivilTime;
using expr::datetime::DateKind;
using expr::datetime::DateTime;

namespace {

constexpr int kFractionDigits = 7;  // ticks are 100 ns

// A small cursor over the text; each Read* consumes on success only.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool AtEnd() const { return i_ == s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  bool Take(char c) {
    if (AtEnd() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  // Exactly `digits` decimal digits.
  bool ReadNumber(int digits, int& out) {
    if (s_.size() - i_ < static_cast<size_t>(digits)) return false;
    int n = 0;
    for (int k = 0; k < digits; ++k) {
      char c = s_[i_ + k];
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      n = n * 10 + (c - '0');
    }
    i_ += digits;
    out = n;
    return true;
  }
  // One or more digits as a fraction of a second in ticks.
  bool ReadFraction(int& ticks) {
    size_t start = i_;
    int n = 0, kept = 0;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      if (kept < kFractionDigits) n = n * 10 + (s_[i_] - '0'), ++kept;
      ++i_;
    }
    for (; kept < kFractionDigits; ++kept) n *= 10;
    ticks = n;
    return i_ > start;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

Error Bad(std::string reason) { return Error(errc::kInvalidRecurrence, std::move(reason)); }

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  Cursor c(text);
  CivilTime t;
  if (!c.ReadNumber(4, t.year) || !c.Take('-') || !c.ReadNumber(2, t.month) || !c.Take('-') ||
      !c.ReadNumber(2, t.day)) {
    return Bad("it does not start with a date YYYY-MM-DD");
  }
  if (c.Take('T') || c.Take('t') || c.Take(' ')) {
    if (!c.ReadNumber(2, t.hour) || !c.Take(':') || !c.ReadNumber(2, t.minute)) {
      return Bad("the time after the date must be hh:mm or hh:mm:ss");
    }
    if (c.Take(':')) {
      if (!c.ReadNumber(2, t.second)) return Bad("the seconds must be two digits");
      if ((c.Take('.') || c.Take(',')) && !c.ReadFraction(t.fraction)) {
        return Bad("a fraction of a second needs digits after the point");
      }
    }
  }
  Timestamp result;
  if (c.Take('Z') || c.Take('z')) {
    result.suffix = Timestamp::Suffix::kZ;
  } else if (c.Peek() == '+' || c.Peek() == '-') {
    c.Take(c.Peek());
    int hours = 0, minutes = 0;
    if (!c.ReadNumber(2, hours)) return Bad("the offset must be +hh:mm");
    // +hh, +hh:mm or +hhmm: minutes follow a colon, or directly when anything follows at all.
    bool has_minutes = c.Take(':') || !c.AtEnd();
    if (has_minutes && !c.ReadNumber(2, minutes)) return Bad("the offset must be +hh:mm");
    result.suffix = Timestamp::Suffix::kOffset;
  }
  if (!c.AtEnd()) return Bad("there is unexpected text after the date and time");
  if (t.year < 1) return Bad("year 0000 does not exist");
  if (t.month < 1 || t.month > 12) return Bad("month " + std::to_string(t.month) + " does not exist");
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return Bad("the time of day is out of range");
  std::optional<DateTime> reading = DateTime::FromCivil(t, DateKind::kUnspecified);
  if (!reading) return Bad("day " + std::to_string(t.day) + " does not exist in that month");
  result.reading = *reading;
  return result;
}

}  // namespace runnel::triggers

#include "expr/timestamp.h"

#include <chrono>
#include <cstdio>

namespace runnel::expr {

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<int64_t> ParseIsoTimestampMicros(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  size_t p = 10;
  int64_t frac_micros = 0;
  int64_t offset_minutes = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
    if (!Digits(s, p + 1, 2, h) || s.size() < p + 6 || s[p + 3] != ':' || !Digits(s, p + 4, 2, mi)) {
      return std::nullopt;
    }
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!Digits(s, p + 1, 2, sec)) return std::nullopt;
      p += 3;
      if (p < s.size() && s[p] == '.') {
        ++p;
        int64_t scale = 100000;
        size_t start = p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          frac_micros += (s[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int oh, om;
        if (!Digits(s, p + 1, 2, oh) || s.size() < p + 6 || s[p + 3] != ':' || !Digits(s, p + 4, 2, om)) {
          return std::nullopt;
        }
        offset_minutes = (s[p] == '-' ? -1 : 1) * (oh * 60 + om);
        p += 6;
      }
    }
    if (p != s.size()) return std::nullopt;
  }
  int64_t days = sys_days(ymd).time_since_epoch().count();
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_minutes * 60;
  return secs * 1000000 + frac_micros;
}

std::string FormatIsoTimestampMicros(int64_t micros) {
  using namespace std::chrono;
  int64_t secs = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  int64_t frac = micros - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  // Written by hand: run records stamp every action twice, and printf dominated that.
  auto put = [](char* p, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
  };
  char buf[29] = "0000-00-00T00:00:00.0000000Z";
  int year = int(ymd.year());
  if (year < 0 || year > 9999) year = 0;
  put(buf, year, 4);
  put(buf + 5, unsigned(ymd.month()), 2);
  put(buf + 8, unsigned(ymd.day()), 2);
  put(buf + 11, rem / 3600, 2);
  put(buf + 14, rem / 60 % 60, 2);
  put(buf + 17, rem % 60, 2);
  put(buf + 20, frac, 6);
  return std::string(buf, 28);
}

}  // namespace runnel::expr

#include "engine/duration.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace runnel::engine {

std::optional<int64_t> ParseDurationMicros(std::string_view s) {
  if (s.size() < 2 || (s[0] != 'P' && s[0] != 'p')) return std::nullopt;
  constexpr double kSecond = 1e6, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour;
  double total = 0;
  bool in_time = false, any = false;
  size_t i = 1;
  while (i < s.size()) {
    char c = s[i];
    if (c == 'T' || c == 't') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++i;
      continue;
    }
    size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ',')) ++i;
    if (i == start || i >= s.size()) return std::nullopt;
    std::string number(s.substr(start, i - start));
    for (char& ch : number) {
      if (ch == ',') ch = '.';
    }
    char* end = nullptr;
    double n = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || !std::isfinite(n)) return std::nullopt;
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++])));
    double scale = 0;
    if (!in_time) {
      if (unit == 'Y') scale = 365 * kDay;
      else if (unit == 'M') scale = 30 * kDay;
      else if (unit == 'W') scale = 7 * kDay;
      else if (unit == 'D') scale = kDay;
      else return std::nullopt;
    } else {
      if (unit == 'H') scale = kHour;
      else if (unit == 'M') scale = kMinute;
      else if (unit == 'S') scale = kSecond;
      else return std::nullopt;
    }
    total += n * scale;
    any = true;
  }
  if (!any || total > 9.2e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(total));
}

}  // namespace runnel::engine

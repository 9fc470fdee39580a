// Fuzzes the Recurrence trigger's reader and its schedule arithmetic: any JSON object must give a
// Recurrence or an Error, and NextOccurrence must answer (a later instant or nothing) for any
// anchor and time — never crash, loop forever or overflow.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <boost/json/parse.hpp>

#include "triggers/recurrence.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first 8 bytes pick "now" (within ±300 years of 2026); the rest is the recurrence.
  if (size < 8) return 0;
  int64_t raw = 0;
  std::memcpy(&raw, data, sizeof raw);
  constexpr int64_t kYearMicros = 365LL * 86400 * 1000000;
  int64_t now = 1793491200000000LL + raw % (300 * kYearMicros);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(data + 8), size - 8), ec);
  if (ec) return 0;
  auto r = runnel::triggers::ParseRecurrence(v);
  if (!r) return 0;
  int64_t after = now;
  for (int i = 0; i < 5; ++i) {
    auto next = runnel::triggers::NextOccurrence(r.value(), now, after);
    if (!next) break;
    if (*next <= after) __builtin_trap();  // occurrences must move forward
    after = *next;
  }
  return 0;
}

#include "tables/column_values.h"

#include <boost/json.hpp>

#include <cmath>
#include <random>

#include "expr/timestamp.h"
#include "json/serialize.h"
#include "tables/errors.h"

namespace runnel::tables {
namespace bj = boost::json;

namespace {

constexpr int64_t kMinDateTimeMicros = -6847804800LL * 1000000;   // 1753-01-01T00:00:00Z
constexpr int64_t kMaxDateTimeMicros = 253402300799LL * 1000000;  // 9999-12-31T23:59:59Z

std::string Describe(const bj::value& v) {
  std::string text = json::Serialize(v);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

Error Mismatch(const TableSchema& t, const ColumnDef& c, const bj::value& v, std::string_view expected) {
  return Error(errc::kInvalidValue, "cannot convert " + Describe(v) + " to the type of column '" + c.name + "' of table '" +
                                        t.logical_name() + "' (" + std::string(ColumnTypeName(c.type)) + "): expected " +
                                        std::string(expected));
}

Error OutOfRange(const TableSchema& t, const ColumnDef& c, const bj::value& v) {
  return Error(errc::kInvalidValue, "the value " + Describe(v) + " of column '" + c.name + "' of table '" +
                                        t.logical_name() + "' is outside its range (" + json::DotNetDouble(*c.min_value) +
                                        " to " + json::DotNetDouble(*c.max_value) + ")");
}

std::optional<int64_t> WholeNumber(const bj::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

double RoundTo(double v, int precision) {
  double scale = std::pow(10.0, precision);
  double r = std::round(v * scale) / scale;
  return std::isfinite(r) ? r : v;
}

}  // namespace

size_t CountCharacters(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

std::string FormatDateTime(int64_t micros) {
  // "2018-01-01T08:00:00.0000000Z" -> "2018-01-01T08:00:00Z"
  std::string full = expr::FormatIsoTimestampMicros(micros - ((micros % 1000000) + 1000000) % 1000000);
  return full.substr(0, 19) + "Z";
}

std::optional<std::string> NormalizeDateTime(std::string_view text) {
  auto micros = expr::ParseIsoTimestampMicros(text);
  if (!micros || *micros < kMinDateTimeMicros || *micros > kMaxDateTimeMicros + 999999) return std::nullopt;
  return FormatDateTime(*micros);
}

std::string NewGuid() {
  // One generator per thread, seeded from the OS (std::random_device reads getrandom/urandom).
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

Result<store::SqlValue> ValueFromJson(const TableSchema& t, const ColumnDef& c, const bj::value& v) {
  if (v.is_null()) return store::SqlValue(nullptr);
  switch (c.type) {
    case ColumnType::kString:
    case ColumnType::kMemo: {
      if (!v.is_string()) return Mismatch(t, c, v, "a string");
      std::string_view s = v.get_string();
      if (s.empty()) return store::SqlValue(nullptr);
      size_t n = CountCharacters(s);
      if (static_cast<int64_t>(n) > c.max_length) {
        return Error(errc::kMaxLengthExceeded, "a validation error occurred: the length of the '" + c.name +
                                                   "' column of the '" + t.logical_name() + "' table (" +
                                                   std::to_string(n) + " characters) exceeds its maxLength of " +
                                                   std::to_string(c.max_length));
      }
      return store::SqlValue(std::string(s));
    }
    case ColumnType::kInt:
    case ColumnType::kBigInt: {
      auto n = WholeNumber(v);
      if (!n) return Mismatch(t, c, v, "a whole number");
      if (c.min_value && (static_cast<double>(*n) < *c.min_value || static_cast<double>(*n) > *c.max_value)) {
        return OutOfRange(t, c, v);
      }
      return store::SqlValue(*n);
    }
    case ColumnType::kDecimal:
    case ColumnType::kFloat: {
      if (!v.is_number()) return Mismatch(t, c, v, "a number");
      double d = v.to_number<double>();
      if (!std::isfinite(d)) return Mismatch(t, c, v, "a finite number");
      if (c.min_value && (d < *c.min_value || d > *c.max_value)) return OutOfRange(t, c, v);
      return store::SqlValue(RoundTo(d, c.precision));
    }
    case ColumnType::kBool:
      if (!v.is_bool()) return Mismatch(t, c, v, "true or false");
      return store::SqlValue(int64_t{v.get_bool()});
    case ColumnType::kDateTime: {
      auto d = v.is_string() ? NormalizeDateTime(v.get_string()) : std::nullopt;
      if (!d) return Mismatch(t, c, v, "an ISO 8601 date and time from 1753 to 9999, such as \"2024-05-01T12:00:00Z\"");
      return store::SqlValue(std::move(*d));
    }
    case ColumnType::kGuid:
    case ColumnType::kLookup: {
      auto g = v.is_string() ? NormalizeGuid(v.get_string()) : std::nullopt;
      if (!g) return Mismatch(t, c, v, "a GUID such as \"00000000-0000-0000-0000-000000000000\"");
      return store::SqlValue(std::move(*g));
    }
    case ColumnType::kChoice: {
      auto n = WholeNumber(v);
      if (!n) return Mismatch(t, c, v, "the whole-number value of one of its options");
      if (!c.FindOption(*n)) {
        std::string list;
        for (const auto& o : c.options) list += (list.empty() ? "" : ", ") + std::to_string(o.value);
        return Error(errc::kInvalidValue, "the value " + std::to_string(*n) + " is not an option of column '" + c.name +
                                              "' of table '" + t.logical_name() + "' (options: " + list + ")");
      }
      return store::SqlValue(*n);
    }
  }
  return Mismatch(t, c, v, "a value");
}

bj::value ValueToJson(const ColumnDef& c, const store::SqlValue& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return nullptr;
  switch (c.type) {
    case ColumnType::kInt:
    case ColumnType::kBigInt:
    case ColumnType::kChoice:
      if (const auto* i = std::get_if<int64_t>(&v)) return *i;
      if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
      break;
    case ColumnType::kDecimal:
    case ColumnType::kFloat:
      if (const auto* d = std::get_if<double>(&v)) return *d;
      if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
      break;
    case ColumnType::kBool:
      if (const auto* i = std::get_if<int64_t>(&v)) return *i != 0;
      break;
    default:
      break;
  }
  if (const auto* s = std::get_if<std::string>(&v)) return bj::string(*s);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return nullptr;
}

}  // namespace runnel::tables

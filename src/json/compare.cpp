#include "json/compare.h"

#include <boost/json/value.hpp>

namespace runnel::json {
namespace bj = boost::json;

bool IsNumber(const bj::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

double ToDouble(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::int64: return static_cast<double>(v.get_int64());
    case bj::kind::uint64: return static_cast<double>(v.get_uint64());
    default: return v.get_double();
  }
}

namespace {

bool NumberEqual(const bj::value& a, const bj::value& b) {
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  if (a.is_int64() && b.is_uint64()) return a.get_int64() >= 0 && static_cast<uint64_t>(a.get_int64()) == b.get_uint64();
  if (a.is_uint64() && b.is_int64()) return NumberEqual(b, a);
  return ToDouble(a) == ToDouble(b);
}

}  // namespace

bool Equal(const bj::value& a, const bj::value& b) {
  if (IsNumber(a) && IsNumber(b)) return NumberEqual(a, b);
  if (a.is_bool() && IsNumber(b)) return ToDouble(b) == (a.get_bool() ? 1.0 : 0.0);
  if (IsNumber(a) && b.is_bool()) return Equal(b, a);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case bj::kind::null: return true;
    case bj::kind::bool_: return a.get_bool() == b.get_bool();
    case bj::kind::string: return a.get_string() == b.get_string();
    case bj::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!Equal(x[i], y[i])) return false;
      }
      return true;
    }
    case bj::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& kv : x) {
        auto it = y.find(kv.key());
        if (it == y.end() || !Equal(kv.value(), it->value())) return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace runnel::json

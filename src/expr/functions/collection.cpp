// Collection functions: contains, empty, first, intersection, join, last, reverse, skip, sort,
// take, union. (chunk and length, which the reference files under both "string" and
// "collection", are in string.cpp.)
//
// Strings count in UTF-16 code units as in .NET (text_utf16.h): first('😀') is half a surrogate
// pair, which becomes U+FFFD on the way out. Element equality (contains, union, intersection) is
// WDL equality, json::Equal: deep, numbers by value. A null collection is a type error except in
// empty(), which calls null empty.

#include <boost/json/value.hpp>
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/errors.h"
#include "expr/functions/text_search.h"
#include "expr/functions/text_utf16.h"
#include "expr/registry.h"
#include "json/compare.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

Value StringValue(std::string_view s) { return Value(bj::value(bj::string(s))); }

// A set of JSON values under WDL equality (json::Equal), with expected O(1) lookups so that
// union() and intersection() of large arrays stay linear. Holds pointers: the values must
// outlive the set.
class ValueSet {
 public:
  bool Contains(const bj::value& v) const {
    auto [lo, hi] = buckets_.equal_range(Hash(v));
    return std::any_of(lo, hi, [&](const auto& e) { return json::Equal(*e.second, v); });
  }
  // Adds v unless an equal value is present; true if added.
  bool Insert(const bj::value& v) {
    size_t h = Hash(v);
    auto [lo, hi] = buckets_.equal_range(h);
    if (std::any_of(lo, hi, [&](const auto& e) { return json::Equal(*e.second, v); })) return false;
    buckets_.emplace(h, &v);
    return true;
  }

 private:
  static size_t Mix(size_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }
  // Equal values hash alike: every number (and a boolean, which equals 1 or 0) hashes by its
  // double value; object members combine without regard to order.
  static size_t Hash(const bj::value& v) {
    switch (v.kind()) {
      case bj::kind::null: return 0x6e756c6c;
      case bj::kind::bool_: return HashNumber(v.get_bool() ? 1.0 : 0.0);
      case bj::kind::int64:
      case bj::kind::uint64:
      case bj::kind::double_: return HashNumber(json::ToDouble(v));
      case bj::kind::string: return std::hash<std::string_view>()(v.get_string());
      case bj::kind::array: {
        size_t h = 0xa77a4;
        for (const bj::value& e : v.get_array()) h = Mix(h * 31 + Hash(e));
        return h;
      }
      case bj::kind::object: {
        size_t h = 0x0b1ec7;
        for (const auto& kv : v.get_object()) {
          h += Mix(std::hash<std::string_view>()(kv.key()) ^ Hash(kv.value()));
        }
        return h;
      }
    }
    return 0;
  }
  static size_t HashNumber(double d) { return d == 0 ? 0 : std::hash<double>()(d); }

  std::unordered_multimap<size_t, const bj::value*> buckets_;
};

// What sort() orders by. .NET compares JSON values of one type (JValue.CompareTo): numbers by
// value, strings ordinally by UTF-16 units, false before true; null before anything.
enum class SortKind { kNone, kNumber, kString, kBool };

SortKind KindOf(const bj::value& v) {
  if (json::IsNumber(v)) return SortKind::kNumber;
  if (v.is_string()) return SortKind::kString;
  if (v.is_bool()) return SortKind::kBool;
  return SortKind::kNone;
}

// Orders numbers as .NET's Double.CompareTo does, so NaN (less than everything, equal to
// itself) cannot break the sort's ordering; integers compare exactly.
int CompareNumbers(const bj::value& a, const bj::value& b) {
  if (!a.is_double() && !b.is_double()) {
    __int128 x = a.is_int64() ? a.get_int64() : static_cast<__int128>(a.get_uint64());
    __int128 y = b.is_int64() ? b.get_int64() : static_cast<__int128>(b.get_uint64());
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  double x = json::ToDouble(a), y = json::ToDouble(b);
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : -1) : 1;
  return x < y ? -1 : (x > y ? 1 : 0);
}

int CompareKeys(const bj::value& a, const bj::value& b, SortKind kind) {
  if (a.is_null() || b.is_null()) return a.is_null() ? (b.is_null() ? 0 : -1) : 1;
  switch (kind) {
    case SortKind::kNumber: return CompareNumbers(a, b);
    case SortKind::kString: return text::CompareUtf16Ordinal(a.get_string(), b.get_string());
    case SortKind::kBool: return static_cast<int>(a.get_bool()) - static_cast<int>(b.get_bool());
    case SortKind::kNone: return 0;
  }
  return 0;
}

// The sorted order of a's indices (stable: equal keys keep their order). Keys are the elements
// themselves, or their property `sort_by` (a missing property sorts as null).
Result<std::vector<size_t>> SortOrder(CallFrame& f, const bj::array& a, bool by_property,
                                      std::string_view sort_by) {
  static const bj::value kNull;
  std::vector<const bj::value*> keys;
  keys.reserve(a.size());
  SortKind kind = SortKind::kNone;
  for (size_t i = 0; i < a.size(); ++i) {
    const bj::value* key = &a[i];
    if (by_property) {
      if (!a[i].is_object()) {
        return f.Fail(errc::kType, "sorting by the property '" + std::string(sort_by) +
                                       "' needs an array of objects, but element " +
                                       std::to_string(i) + " is " + TypeName(a[i]));
      }
      key = json::FindMember(a[i].get_object(), sort_by);
      if (!key) key = &kNull;
    }
    if (!key->is_null()) {
      SortKind k = KindOf(*key);
      if (k == SortKind::kNone) {
        std::string what = by_property ? "the property '" + std::string(sort_by) + "' of element "
                                       : std::string("element ");
        return f.Fail(errc::kType,
                      "can only order numbers, strings and booleans, but " + what +
                          std::to_string(i) + " is " + TypeName(*key) +
                          (by_property ? "" : "; to sort objects, pass the property to sort by"));
      }
      if (kind != SortKind::kNone && k != kind) {
        return f.Fail(errc::kType, "can't order values of different types: element " +
                                       std::to_string(i) + " is " + TypeName(*key) +
                                       ", unlike the elements before it");
      }
      kind = k;
    }
    keys.push_back(key);
  }
  std::vector<size_t> order(a.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return CompareKeys(*keys[x], *keys[y], kind) < 0;
  });
  return order;
}

Error CollectionTypeError(CallFrame& f, size_t i, std::string_view expected) {
  Error e = f.TypeError(i, expected);
  if (f.arg(i).is_null()) {
    e.message += "; a missing value can be tested with empty() or replaced with coalesce()";
  }
  return e;
}

Result<Value> Contains(CallFrame& f) {
  const bj::value& c = f.arg(0).json();
  const bj::value& item = f.arg(1).json();
  switch (c.kind()) {
    case bj::kind::string: {
      if (!item.is_string()) return f.TypeError(1, "a string to find in a string");
      std::string_view needle = item.get_string();
      if (needle.empty()) return Value(true);
      return Value(text::FindFirst<char>(c.get_string(), needle) != text::kNotFound);
    }
    case bj::kind::array:
      for (const bj::value& e : c.get_array()) {
        if (json::Equal(e, item)) return Value(true);
      }
      return Value(false);
    case bj::kind::object:
      // The reference: for an object, contains() looks for a key, not a value. Exact case.
      if (!item.is_string()) {
        return f.TypeError(1, "a property name (a string) to find in an object");
      }
      return Value(c.get_object().contains(item.get_string()));
    default:
      return CollectionTypeError(f, 0, "a string, an array or an object");
  }
}

// The reference leaves empty(null) open; the hosted engine answers true, and flows rely on
// `if(empty(x), ..., first(x))` for optional values.
Result<Value> Empty(CallFrame& f) {
  const bj::value& c = f.arg(0).json();
  switch (c.kind()) {
    case bj::kind::null: return Value(true);
    case bj::kind::string: return Value(c.get_string().empty());
    case bj::kind::array: return Value(c.get_array().empty());
    case bj::kind::object: return Value(c.get_object().empty());
    default: return f.TypeError(0, "a string, an array, an object or null");
  }
}

// first() and last(): an element (borrowed when the array is), a one-character string, or null
// for an empty string or array.
template <bool kFirst>
Result<Value> FirstOrLast(CallFrame& f) {
  Value& v = f.arg(0);
  if (v.is_array()) {
    const bj::array& a = v.json().get_array();
    if (a.empty()) return Value();
    return std::move(v).Sub(kFirst ? a.front() : a.back());
  }
  if (v.is_string()) {
    std::string_view s = v.json().get_string();
    size_t len = text::Utf16Length(s);
    if (len == 0) return Value();
    return StringValue(text::Utf16Substring(s, kFirst ? 0 : len - 1, 1));
  }
  return CollectionTypeError(f, 0, "an array or a string");
}

// union() and intersection() take all arrays or all objects; this checks which, by argument 1.
Result<bool> AllArrays(CallFrame& f) {
  const bool arrays = f.arg(0).is_array();
  if (!arrays && !f.arg(0).is_object()) return CollectionTypeError(f, 0, "an array or an object");
  for (size_t i = 1; i < f.size(); ++i) {
    if (f.arg(i).is_array() != arrays || (!arrays && !f.arg(i).is_object())) {
      return CollectionTypeError(f, i, arrays ? "an array, as argument 1 is"
                                              : "an object, as argument 1 is");
    }
  }
  return arrays;
}

// Arrays: every distinct element, in order of first appearance. Objects: every property; a
// name that appears again takes the later value but keeps its first position.
Result<Value> Union(CallFrame& f) {
  RUNNEL_TRY(arrays, AllArrays(f));
  if (!arrays) {
    bj::object out = f.arg(0).json().get_object();
    for (size_t i = 1; i < f.size(); ++i) {
      for (const auto& kv : f.arg(i).json().get_object()) {
        out.insert_or_assign(kv.key(), kv.value());
      }
    }
    return Value(bj::value(std::move(out)));
  }
  ValueSet seen;
  bj::array out;
  for (size_t i = 0; i < f.size(); ++i) {
    for (const bj::value& e : f.arg(i).json().get_array()) {
      if (seen.Insert(e)) out.push_back(e);
    }
  }
  return Value(bj::value(std::move(out)));
}

// Arrays: the distinct elements of argument 1 that every other argument contains, in argument
// 1's order. Objects: the properties that every argument has with an equal value; the value
// is taken from the last argument (the reference: "the last item with that name wins").
Result<Value> Intersection(CallFrame& f) {
  RUNNEL_TRY(arrays, AllArrays(f));
  if (!arrays) {
    bj::object out;
    for (const auto& kv : f.arg(0).json().get_object()) {
      const bj::value* value = &kv.value();
      for (size_t i = 1; i < f.size() && value; ++i) {
        const bj::object& o = f.arg(i).json().get_object();
        auto it = o.find(kv.key());
        value = (it != o.end() && json::Equal(kv.value(), it->value())) ? &it->value() : nullptr;
      }
      if (value) out.insert_or_assign(kv.key(), *value);
    }
    return Value(bj::value(std::move(out)));
  }
  std::vector<ValueSet> others(f.size() - 1);
  for (size_t i = 1; i < f.size(); ++i) {
    for (const bj::value& e : f.arg(i).json().get_array()) others[i - 1].Insert(e);
  }
  ValueSet seen;
  bj::array out;
  for (const bj::value& e : f.arg(0).json().get_array()) {
    if (!seen.Insert(e)) continue;
    bool everywhere = std::all_of(others.begin(), others.end(),
                                  [&](const ValueSet& s) { return s.Contains(e); });
    if (everywhere) out.push_back(e);
  }
  return Value(bj::value(std::move(out)));
}

// Elements as text the way string() writes them (null as ''), between the delimiters.
Result<Value> Join(CallFrame& f) {
  if (!f.arg(0).is_array()) return CollectionTypeError(f, 0, "an array");
  const bj::array& a = f.arg(0).json().get_array();
  const bj::value& d = f.arg(1).json();
  if (!d.is_string()) return f.TypeError(1, "a string");
  std::string_view delimiter = d.get_string();
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out += delimiter;
    json::AppendText(a[i], out);
    // Checked as it grows, so a huge result fails before it is built.
    if (auto st = f.CheckResultChars(out.size()); !st) return st.error();
  }
  return StringValue(out);
}

Result<Value> Reverse(CallFrame& f) {
  if (!f.arg(0).is_array()) return CollectionTypeError(f, 0, "an array");
  const bj::array& a = f.arg(0).json().get_array();
  bj::array out(a.rbegin(), a.rend());
  return Value(bj::value(std::move(out)));
}

// skip() and take(): the count clamps to 0..length, as in the documented ARM/WDL functions.
template <bool kTake>
Result<Value> SkipOrTake(CallFrame& f) {
  const Value& v = f.arg(0);
  if (!v.is_array() && !v.is_string()) return CollectionTypeError(f, 0, "an array or a string");
  RUNNEL_TRY(count, f.Int(1));
  auto range = [count](size_t len) -> std::pair<size_t, size_t> {  // [begin, end)
    size_t n = count <= 0 ? 0 : std::min(static_cast<size_t>(count), len);
    return kTake ? std::pair<size_t, size_t>{0, n} : std::pair<size_t, size_t>{n, len};
  };
  if (v.is_array()) {
    const bj::array& a = v.json().get_array();
    auto [begin, end] = range(a.size());
    return Value(bj::value(bj::array(a.begin() + begin, a.begin() + end)));
  }
  std::string_view s = v.json().get_string();
  auto [begin, end] = range(text::Utf16Length(s));
  return StringValue(text::Utf16Substring(s, begin, end - begin));
}

Result<Value> Sort(CallFrame& f) {
  if (!f.arg(0).is_array()) return CollectionTypeError(f, 0, "an array");
  std::string_view sort_by;
  bool by_property = f.size() > 1 && !f.arg(1).is_null();
  if (by_property) {
    RUNNEL_TRY(name, f.String(1));
    sort_by = name;
  }
  const bj::array& a = f.arg(0).json().get_array();
  RUNNEL_TRY(order, SortOrder(f, a, by_property, sort_by));
  bj::array out;
  out.reserve(a.size());
  for (size_t i : order) out.push_back(a[i]);
  return Value(bj::value(std::move(out)));
}

constexpr FunctionDef kFunctions[] = {
    {"contains", "collection", 2, 2, kPure, &Contains},
    {"empty", "collection", 1, 1, kPure, &Empty},
    {"first", "collection", 1, 1, kPure, &FirstOrLast<true>},
    {"intersection", "collection", 1, kVariadic, kPure, &Intersection},
    {"join", "collection", 2, 2, kPure, &Join},
    {"last", "collection", 1, 1, kPure, &FirstOrLast<false>},
    {"reverse", "collection", 1, 1, kPure, &Reverse},
    {"skip", "collection", 2, 2, kPure, &SkipOrTake<false>},
    {"sort", "collection", 1, 2, kPure, &Sort},
    {"take", "collection", 2, 2, kPure, &SkipOrTake<true>},
    {"union", "collection", 1, kVariadic, kPure, &Union},
};

}  // namespace

std::span<const FunctionDef> CollectionFunctions() { return kFunctions; }

}  // namespace runnel::expr

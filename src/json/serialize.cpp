#include "json/serialize.h"

#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace runnel::json {
namespace bj = boost::json;

namespace {

// The shortest round-trip digits of d (positive, finite, non-zero): d = buf[0].buf[1..] x 10^exp.
struct Digits {
  char buf[32];
  int len = 0;   // number of significant digits in buf (no dot)
  int exp = 0;   // d = buf[0].buf[1..] x 10^exp
};

Digits ShortestDigits(double d) {
  char tmp[64];
  auto res = std::to_chars(tmp, tmp + sizeof tmp, d, std::chars_format::scientific);
  Digits out;
  const char* p = tmp;
  const char* end = res.ptr;
  for (; p < end && *p != 'e'; ++p) {
    if (*p >= '0' && *p <= '9') out.buf[out.len++] = *p;
  }
  if (p < end) {
    ++p;  // 'e'
    std::from_chars(*p == '+' ? p + 1 : p, end, out.exp);
  }
  while (out.len > 1 && out.buf[out.len - 1] == '0') --out.len;
  return out;
}

// Fixed notation from digits: exponent in [-4, 15).
void AppendFixed(const Digits& dg, std::string& out) {
  if (dg.exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-dg.exp - 1), '0');
    out.append(dg.buf, dg.len);
    return;
  }
  int int_digits = dg.exp + 1;
  if (dg.len <= int_digits) {
    out.append(dg.buf, dg.len);
    out.append(static_cast<size_t>(int_digits - dg.len), '0');
  } else {
    out.append(dg.buf, int_digits);
    out += '.';
    out.append(dg.buf + int_digits, dg.len - int_digits);
  }
}

void AppendDotNetDouble(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "\xE2\x88\x9E" : "-\xE2\x88\x9E";
    return;
  }
  if (d == 0) {
    out += std::signbit(d) ? "-0" : "0";
    return;
  }
  if (d < 0) {
    out += '-';
    d = -d;
  }
  Digits dg = ShortestDigits(d);
  // .NET Core 3.0+ switches to exponent notation at 1E+15 and at 1E-05 and below.
  if (dg.exp >= 15 || dg.exp < -4) {
    out += dg.buf[0];
    if (dg.len > 1) {
      out += '.';
      out.append(dg.buf + 1, dg.len - 1);
    }
    char e[8];
    int n = std::snprintf(e, sizeof e, "E%c%02d", dg.exp < 0 ? '-' : '+', std::abs(dg.exp));
    out.append(e, n);
    return;
  }
  AppendFixed(dg, out);
}

void AppendJsonDouble(double d, std::string& out) {
  if (!std::isfinite(d)) {
    // JSON has no NaN/Infinity; JSON.NET writes them as strings in this situation.
    out += '"';
    AppendDotNetDouble(d, out);
    out += '"';
    return;
  }
  size_t start = out.size();
  AppendDotNetDouble(d, out);
  // Keep a double recognisably a double: "3" -> "3.0" (as JSON.NET writes it).
  if (out.find_first_of(".E", start) == std::string::npos) out += ".0";
}

void AppendNewline(std::string& out, int indent, int depth) {
  if (indent < 0) return;
  out += '\n';
  out.append(static_cast<size_t>(indent * depth), ' ');
}

void Write(const bj::value& v, std::string& out, int indent, int depth) {
  switch (v.kind()) {
    case bj::kind::null:
      out += "null";
      return;
    case bj::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case bj::kind::int64: {
      char b[24];
      auto r = std::to_chars(b, b + sizeof b, v.get_int64());
      out.append(b, r.ptr);
      return;
    }
    case bj::kind::uint64: {
      char b[24];
      auto r = std::to_chars(b, b + sizeof b, v.get_uint64());
      out.append(b, r.ptr);
      return;
    }
    case bj::kind::double_:
      AppendJsonDouble(v.get_double(), out);
      return;
    case bj::kind::string:
      AppendQuoted(v.get_string(), out);
      return;
    case bj::kind::array: {
      const auto& a = v.get_array();
      out += '[';
      bool first = true;
      for (const auto& e : a) {
        if (!first) out += ',';
        first = false;
        AppendNewline(out, indent, depth + 1);
        Write(e, out, indent, depth + 1);
      }
      if (!a.empty()) AppendNewline(out, indent, depth);
      out += ']';
      return;
    }
    case bj::kind::object: {
      const auto& o = v.get_object();
      out += '{';
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ',';
        first = false;
        AppendNewline(out, indent, depth + 1);
        AppendQuoted(kv.key(), out);
        out += indent < 0 ? ":" : ": ";
        Write(kv.value(), out, indent, depth + 1);
      }
      if (!o.empty()) AppendNewline(out, indent, depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

void AppendQuoted(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  // Runs of characters that need no escape (nearly all of them) are appended at once.
  size_t run_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out += '"';
}

void SerializeTo(const bj::value& v, std::string& out) { Write(v, out, -1, 0); }

std::string Serialize(const bj::value& v) {
  std::string out;
  Write(v, out, -1, 0);
  return out;
}

std::string SerializePretty(const bj::value& v) {
  std::string out;
  Write(v, out, 2, 0);
  return out;
}

std::string DotNetDouble(double d) {
  std::string out;
  AppendDotNetDouble(d, out);
  return out;
}

void AppendText(const bj::value& v, std::string& out) {
  switch (v.kind()) {
    case bj::kind::null: return;
    case bj::kind::bool_: out += v.get_bool() ? "True" : "False"; return;
    case bj::kind::string: out += v.get_string(); return;
    case bj::kind::double_: AppendDotNetDouble(v.get_double(), out); return;
    default: Write(v, out, -1, 0); return;
  }
}

std::string ToText(const bj::value& v) {
  std::string out;
  AppendText(v, out);
  return out;
}

}  // namespace runnel::json

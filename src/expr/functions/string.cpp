// String functions: concat, endsWith, guid, indexOf, lastIndexOf, nthIndexOf, replace, slice,
// split, startsWith, substring, toLower, toUpper, trim, and the string-or-array functions chunk
// and length. (formatNumber, also a "string" function in the reference, is in math.cpp with the
// number formatting code.)
//
// Rules from the function reference and .NET, which the hosted engine runs on:
//  - Indices, lengths and counts are in UTF-16 code units (text_utf16.h): length('😀') is 2.
//  - indexOf, lastIndexOf, nthIndexOf, startsWith and endsWith ignore case (.NET
//    OrdinalIgnoreCase: invariant simple case mapping, text_unicode.h); replace, split and
//    contains() are ordinal and case-sensitive.
//  - Arguments must be strings, as in the hosted engine, whose "The template language function
//    'split' expects its first parameter to be of type string. The provided value is of type
//    'Null'" is a familiar failure; our message adds the coalesce() fix. concat() is the
//    exception: it converts every argument to text as string() does.
//  - substring() fails when start + length exceeds the length; slice() clamps.
//  - Functions whose result can outgrow their input (concat, replace, split, chunk) check the
//    configured limits before building it.

#include <openssl/rand.h>

#include <boost/json/value.hpp>
#include <string>

#include "expr/errors.h"
#include "expr/functions/text_search.h"
#include "expr/functions/text_unicode.h"
#include "expr/functions/text_utf16.h"
#include "expr/limits.h"
#include "expr/registry.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

Value StringValue(std::string_view s) { return Value(bj::value(bj::string(s))); }
Value IntValue(size_t n) { return Value(bj::value(static_cast<int64_t>(n))); }
Value IndexValue(size_t pos) {
  return Value(bj::value(pos == text::kNotFound ? int64_t{-1} : static_cast<int64_t>(pos)));
}

// Argument i as a string, exactly; a null gets a hint on how to treat it as empty.
Result<std::string_view> Str(CallFrame& f, size_t i) {
  const Value& v = f.arg(i);
  if (v.is_string()) return std::string_view(v.json().get_string());
  Error e = f.TypeError(i, "a string");
  if (v.is_null()) e.message += "; to treat a missing value as empty, use coalesce(<value>, '')";
  return e;
}

Status CheckItems(CallFrame& f, size_t items) {
  if (items > f.limits().max_result_items) {
    return f.Fail(errc::kLimit, "the result would have " + std::to_string(items) +
                                    " elements; the limit is " +
                                    std::to_string(f.limits().max_result_items));
  }
  return Ok();
}

// UTF-16 text upper-cased for OrdinalIgnoreCase comparison (same length and indices).
std::u16string Folded(std::string_view utf8) {
  std::u16string s = text::ToUtf16(utf8);
  text::ToUpperInvariant(s);
  return s;
}

Result<Value> Concat(CallFrame& f) {
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    const Value& v = f.arg(i);
    std::string converted;
    std::string_view piece;
    if (v.is_string()) {
      piece = v.json().get_string();
    } else {
      RUNNEL_TRY(t, f.Text(i));  // null -> "", numbers as .NET prints them, JSON otherwise
      converted = std::move(t);
      piece = converted;
    }
    if (auto st = f.CheckResultChars(out.size() + piece.size()); !st) return st.error();
    out += piece;
  }
  return StringValue(out);
}

Result<Value> StartsWith(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(prefix, Str(f, 1));
  std::u16string a = Folded(s), b = Folded(prefix);
  return Value(std::u16string_view(a).starts_with(b));
}

Result<Value> EndsWith(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(suffix, Str(f, 1));
  std::u16string a = Folded(s), b = Folded(suffix);
  return Value(std::u16string_view(a).ends_with(b));
}

Result<Value> IndexOf(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(search, Str(f, 1));
  if (search.empty()) return IntValue(0);  // .NET: "".IndexOf("") and "abc".IndexOf("") are 0
  std::u16string a = Folded(s), b = Folded(search);
  return IndexValue(text::FindFirst<char16_t>(a, b));
}

// The reference documents .NET Framework's rules for an empty search text: the last index of
// the text (length - 1), or 0 when the text is empty too.
Result<Value> LastIndexOf(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(search, Str(f, 1));
  if (search.empty()) {
    size_t n = text::Utf16Length(s);
    return IntValue(n == 0 ? 0 : n - 1);
  }
  std::u16string a = Folded(s), b = Folded(search);
  return IndexValue(text::FindLast<char16_t>(a, b));
}

// Occurrences may overlap (nthIndexOf('aaa', 'aa', 2) is 1): the search for the next one starts
// one character after the previous one. A negative occurrence counts from the end (-1 is the
// last occurrence). Occurrence 0, or more occurrences than there are, give -1. An empty search
// text occurs at every index from 0 to length.
Result<Value> NthIndexOf(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(search, Str(f, 1));
  RUNNEL_TRY(n, f.Int(2));
  if (n == 0) return IndexValue(text::kNotFound);
  std::u16string a = Folded(s), b = Folded(search);
  int64_t total;
  if (b.empty()) {
    total = static_cast<int64_t>(a.size()) + 1;
  } else if (n > 0) {
    total = n;  // no need to count them all
  } else {
    total = static_cast<int64_t>(text::CountMatches<char16_t>(a, b, true));
  }
  // The zero-based rank of the wanted occurrence from the start.
  int64_t rank = n > 0 ? n - 1 : total + n;
  if (rank < 0 || (b.empty() && rank >= total)) return IndexValue(text::kNotFound);
  if (b.empty()) return IndexValue(static_cast<size_t>(rank));
  size_t found = text::kNotFound;
  int64_t seen = 0;
  text::Matcher<char16_t>(b).ForEach(a, true, [&](size_t pos) {
    if (seen++ < rank) return true;
    found = pos;
    return false;
  });
  return IndexValue(found);
}

Result<Value> Replace(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(old_text, Str(f, 1));
  RUNNEL_TRY(new_text, Str(f, 2));
  if (old_text.empty()) {
    return f.ValueError("the text to replace (argument 2) is empty; pass at least one character");
  }
  text::Matcher<char> matcher(old_text);
  size_t count = 0;
  matcher.ForEach(s, false, [&](size_t) {
    ++count;
    return true;
  });
  if (count == 0) return std::move(f.arg(0));
  size_t size = s.size() - count * old_text.size() + count * new_text.size();
  if (auto st = f.CheckResultChars(size); !st) return st.error();
  std::string out;
  out.reserve(size);
  size_t done = 0;
  matcher.ForEach(s, false, [&](size_t pos) {
    out.append(s.substr(done, pos - done));
    out.append(new_text);
    done = pos + old_text.size();
    return true;
  });
  out.append(s.substr(done));
  return StringValue(out);
}

// Python-style: negative indices count from the end, everything clamps, never an error.
Result<Value> Slice(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(start, f.Int(1));
  const int64_t len = static_cast<int64_t>(text::Utf16Length(s));
  int64_t end = len;
  if (f.size() > 2 && !f.arg(2).is_null()) {
    RUNNEL_TRY(e, f.Int(2));
    end = e;
  }
  auto clamp = [len](int64_t i) {
    if (i < 0) i = i < -len ? 0 : i + len;
    return i > len ? len : i;
  };
  start = clamp(start);
  end = clamp(end);
  if (end <= start) return StringValue("");
  return StringValue(text::Utf16Substring(s, static_cast<size_t>(start),
                                          static_cast<size_t>(end - start)));
}

// .NET String.Split(delimiter): an empty delimiter leaves the text whole.
Result<Value> Split(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(delimiter, Str(f, 1));
  bj::array out;
  if (delimiter.empty()) {
    out.emplace_back(bj::string(s));
    return Value(bj::value(std::move(out)));
  }
  text::Matcher<char> matcher(delimiter);
  size_t pieces = 1;
  matcher.ForEach(s, false, [&](size_t) {
    ++pieces;
    return true;
  });
  if (auto st = CheckItems(f, pieces); !st) return st.error();
  out.reserve(pieces);
  size_t done = 0;
  matcher.ForEach(s, false, [&](size_t pos) {
    out.emplace_back(bj::string(s.substr(done, pos - done)));
    done = pos + delimiter.size();
    return true;
  });
  out.emplace_back(bj::string(s.substr(done)));
  return Value(bj::value(std::move(out)));
}

// .NET String.Substring: fails unless 0 <= start, 0 <= length and start + length <= the text's
// length. The reference says "less than", but its own example substring('hello world', 6, 5)
// ends exactly at the end, so equality is allowed.
Result<Value> Substring(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  RUNNEL_TRY(start, f.Int(1));
  const int64_t len = static_cast<int64_t>(text::Utf16Length(s));
  if (start < 0 || start > len) {
    return f.ValueError("the start index " + std::to_string(start) + " is out of range for a " +
                        "string of length " + std::to_string(len) + "; it must be between 0 and " +
                        std::to_string(len) + " (slice() clamps instead of failing)");
  }
  int64_t count = len - start;
  if (f.size() > 2 && !f.arg(2).is_null()) {
    RUNNEL_TRY(c, f.Int(2));
    if (c < 0 || c > len - start) {
      return f.ValueError("the length " + std::to_string(c) + " from index " +
                          std::to_string(start) + " is out of range for a string of length " +
                          std::to_string(len) + "; start index + length must not exceed " +
                          "the string's length (slice() clamps instead of failing)");
    }
    count = c;
  }
  return StringValue(
      text::Utf16Substring(s, static_cast<size_t>(start), static_cast<size_t>(count)));
}

template <bool kUpper>
Result<Value> ChangeCase(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  if (text::IsAscii(s)) {
    std::string out(s);
    for (char& c : out) {
      if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return StringValue(out);
  }
  std::u16string u = text::ToUtf16(s);
  if (kUpper) {
    text::ToUpperInvariant(u);
  } else {
    text::ToLowerInvariant(u);
  }
  return StringValue(text::ToUtf8(u));
}

Result<Value> Trim(CallFrame& f) {
  RUNNEL_TRY(s, Str(f, 0));
  return StringValue(text::TrimWhiteSpace(s));
}

// guid(format?): a random (version 4) GUID, written as .NET's Guid.ToString(format) writes it.
// The format letter is case-insensitive; null or '' means 'D'.
Result<Value> Guid(CallFrame& f) {
  char format = 'D';
  if (f.size() > 0 && !f.arg(0).is_null()) {
    RUNNEL_TRY(spec, Str(f, 0));
    if (spec.size() > 1 || (spec.size() == 1 && std::string_view("NnDdBbPpXx").find(spec[0]) ==
                                                    std::string_view::npos)) {
      return f.ValueError("the format '" + std::string(spec) +
                          "' is not one of N, D, B, P or X (e.g. guid('N') for 32 digits "
                          "without hyphens)");
    }
    if (spec.size() == 1) format = static_cast<char>(spec[0] & ~0x20);  // upper-case
  }
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    return f.Fail("InternalError", "the system's random number generator failed");
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  auto hex = [&](std::string& out, int from, int to) {
    for (int i = from; i < to; ++i) {
      out += kHex[b[i] >> 4];
      out += kHex[b[i] & 15];
    }
  };
  std::string out;
  if (format == 'X') {
    out = "{0x";
    hex(out, 0, 4);
    out += ",0x";
    hex(out, 4, 6);
    out += ",0x";
    hex(out, 6, 8);
    out += ",{";
    for (int i = 8; i < 16; ++i) {
      out += i == 8 ? "0x" : ",0x";
      hex(out, i, i + 1);
    }
    out += "}}";
    return StringValue(out);
  }
  const bool hyphens = format != 'N';
  hex(out, 0, 4);
  for (int group : {4, 6, 8, 10}) {
    if (hyphens) out += '-';
    hex(out, group, group == 10 ? 16 : group + 2);
  }
  if (format == 'B') out = "{" + out + "}";
  if (format == 'P') out = "(" + out + ")";
  return StringValue(out);
}

Error NotStringOrArray(CallFrame& f, size_t i) {
  Error e = f.TypeError(i, "a string or an array");
  if (f.arg(i).is_null()) {
    e.message += "; to count a missing value as empty, use coalesce(<value>, '') or check it "
                 "with empty() first";
  }
  return e;
}

// chunk(collection, length): consecutive pieces of `length` characters or elements; the last
// piece holds the rest. An empty string or array gives no pieces.
Result<Value> Chunk(CallFrame& f) {
  const Value& v = f.arg(0);
  if (!v.is_string() && !v.is_array()) return NotStringOrArray(f, 0);
  RUNNEL_TRY(size, f.Int(1));
  if (size <= 0) {
    return f.ValueError("the chunk length must be a positive integer, got " +
                        std::to_string(size));
  }
  const size_t n = static_cast<size_t>(size);
  bj::array out;
  if (v.is_array()) {
    const bj::array& a = v.json().get_array();
    if (auto st = CheckItems(f, a.size() / n + (a.size() % n ? 1 : 0)); !st) return st.error();
    for (size_t i = 0; i < a.size(); i += n) {
      bj::array piece;
      size_t end = a.size() - i < n ? a.size() : i + n;
      piece.reserve(end - i);
      for (size_t k = i; k < end; ++k) piece.push_back(a[k]);
      out.emplace_back(std::move(piece));
    }
    return Value(bj::value(std::move(out)));
  }
  std::string_view s = v.json().get_string();
  const bool ascii = text::IsAscii(s);
  std::u16string wide = ascii ? std::u16string() : text::ToUtf16(s);
  const size_t len = ascii ? s.size() : wide.size();
  if (auto st = CheckItems(f, len / n + (len % n ? 1 : 0)); !st) return st.error();
  for (size_t i = 0; i < len; i += n) {
    if (ascii) {
      out.emplace_back(bj::string(s.substr(i, n)));
    } else {
      out.emplace_back(bj::string(text::ToUtf8(std::u16string_view(wide).substr(i, n))));
    }
  }
  return Value(bj::value(std::move(out)));
}

Result<Value> Length(CallFrame& f) {
  const Value& v = f.arg(0);
  if (v.is_string()) return IntValue(text::Utf16Length(v.json().get_string()));
  if (v.is_array()) return IntValue(v.json().get_array().size());
  return NotStringOrArray(f, 0);
}

constexpr FunctionDef kFunctions[] = {
    {"chunk", "string, collection", 2, 2, kPure, &Chunk},
    {"concat", "string", 1, kVariadic, kPure, &Concat},
    {"endsWith", "string", 2, 2, kPure, &EndsWith},
    {"guid", "string", 0, 1, kVolatile, &Guid},
    {"indexOf", "string", 2, 2, kPure, &IndexOf},
    {"lastIndexOf", "string", 2, 2, kPure, &LastIndexOf},
    {"length", "string, collection", 1, 1, kPure, &Length},
    {"nthIndexOf", "string", 3, 3, kPure, &NthIndexOf},
    {"replace", "string", 3, 3, kPure, &Replace},
    {"slice", "string", 2, 3, kPure, &Slice},
    {"split", "string", 2, 2, kPure, &Split},
    {"startsWith", "string", 2, 2, kPure, &StartsWith},
    {"substring", "string", 2, 3, kPure, &Substring},
    {"toLower", "string", 1, 1, kPure, &ChangeCase<false>},
    {"toUpper", "string", 1, 1, kPure, &ChangeCase<true>},
    {"trim", "string", 1, 1, kPure, &Trim},
};

}  // namespace

std::span<const FunctionDef> StringFunctions() { return kFunctions; }

}  // namespace runnel::expr

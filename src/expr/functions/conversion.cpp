// Conversion functions: array, base64, base64ToBinary, base64ToString, binary, bool,
// createArray, dataUri, dataUriToBinary, dataUriToString, decimal, decodeBase64, decodeDataUri,
// decodeUriComponent, encodeUriComponent, float, int, json, string, uriComponent,
// uriComponentToBinary, uriComponentToString, xml; and isFloat, isInt (documented under both
// "string" and "logical comparison").
//
// Binary and XML results are content envelopes (xml/content_envelope.h), as the hosted engine
// stores them; functions that read bytes or text accept an envelope wherever they accept a
// string. Number parsing follows .NET (number/parse_number.h): int() is Int64.Parse and
// Convert.ToInt64 (round half to even), float() is double.Parse with thousands separators and
// trailing signs, in the invariant culture or the one named by the optional locale.
//
// Decoding functions (base64ToString, dataUriToString, uriComponentToString, ...) require a
// string; encoding functions (base64, binary, dataUri, uriComponent, ...) take any value as
// string() would turn it into text.

#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "expr/codec.h"
#include "expr/decimal.h"
#include "expr/errors.h"
#include "expr/limits.h"
#include "expr/number/format_culture.h"
#include "expr/number/parse_number.h"
#include "expr/registry.h"
#include "expr/xml/content_envelope.h"
#include "expr/xml/json_to_xml.h"
#include "expr/xml/xml_document.h"
#include "expr/xml/xml_to_json.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

// json() nesting bound: deep enough for any real payload, shallow enough that every recursive
// walk over the value (serialize, compare, xml()) stays far from the stack's end.
constexpr int kMaxJsonDepth = 128;

Error Rethrow(const CallFrame& f, const Error& e) { return f.Fail(e.code.c_str(), e.message); }

Result<Value> Checked(CallFrame& f, std::string text) {
  if (auto s = f.CheckResultChars(text.size()); !s) return std::move(s).error();
  return Value(bj::string(text));
}

// The bytes base64(), binary(), dataUri() and uriComponent() encode: an envelope's content, any
// other value's text (as string() makes it).
Result<std::string> BytesOf(CallFrame& f, size_t i) {
  if (auto c = ReadContentEnvelope(f.arg(i).json())) return std::move(c->bytes);
  return f.Text(i);
}

Result<Value> Envelope(CallFrame& f, std::string_view type, std::string_view bytes) {
  if (auto s = f.CheckResultChars((bytes.size() + 2) / 3 * 4); !s) return std::move(s).error();
  return Value(MakeContentEnvelope(type, bytes));
}

// Argument i as the bytes a base64 string (or an envelope) holds.
Result<std::string> DecodeBase64Arg(CallFrame& f, size_t i) {
  const bj::value& v = f.arg(i).json();
  if (auto c = ReadContentEnvelope(v)) return std::move(c->bytes);
  if (!v.is_string()) return f.TypeError(i, "a base64 string");
  auto bytes = Base64Decode(v.get_string());
  if (!bytes) return f.ValueError(Excerpt(v.get_string()) + " is not valid base64 text");
  return std::move(*bytes);
}

Result<Content> DataUriArg(CallFrame& f, size_t i) {
  RUNNEL_TRY(text, f.String(i));
  auto parsed = ParseDataUri(text);
  if (!parsed) {
    return f.ValueError(Excerpt(text) +
                        " is not a data URI of the form "
                        "data:[<media type>][;base64],<data> (with valid base64 if marked so)");
  }
  return std::move(*parsed);
}

Result<Value> ArrayOf(CallFrame& f) {
  bj::array a;
  a.emplace_back(std::move(f.arg(0)).Take());
  return Value(std::move(a));
}

Result<Value> CreateArray(CallFrame& f) {
  bj::array a;
  a.reserve(f.size());
  for (size_t i = 0; i < f.size(); ++i) a.emplace_back(std::move(f.arg(i)).Take());
  return Value(std::move(a));
}

Result<Value> Base64(CallFrame& f) {
  RUNNEL_TRY(bytes, BytesOf(f, 0));
  if (auto s = f.CheckResultChars((bytes.size() + 2) / 3 * 4); !s) return std::move(s).error();
  return Value(bj::string(Base64Encode(bytes)));
}

Result<Value> Base64ToBinary(CallFrame& f) {
  RUNNEL_TRY(bytes, DecodeBase64Arg(f, 0));
  return Envelope(f, kOctetStreamType, bytes);
}

Result<Value> Base64ToString(CallFrame& f) {
  RUNNEL_TRY(bytes, DecodeBase64Arg(f, 0));
  return Value(bj::string(BytesToText(bytes)));
}

Result<Value> Binary(CallFrame& f) {
  RUNNEL_TRY(bytes, BytesOf(f, 0));
  return Envelope(f, kOctetStreamType, bytes);
}

bool IsWhite(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string_view TrimWhite(std::string_view s) {
  while (!s.empty() && IsWhite(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWhite(s.back())) s.remove_suffix(1);
  return s;
}

Result<Value> Bool(CallFrame& f) {
  const bj::value& v = f.arg(0).json();
  switch (v.kind()) {
    case bj::kind::bool_: return Value(v.get_bool());
    case bj::kind::int64: return Value(v.get_int64() != 0);
    case bj::kind::uint64: return Value(v.get_uint64() != 0);
    case bj::kind::double_: return Value(v.get_double() != 0);
    case bj::kind::string: {
      // Boolean.Parse: "true"/"false" in any case, surrounding white space ignored.
      std::string_view s = TrimWhite(v.get_string());
      if (json::EqualsIgnoreCase(s, "true")) return Value(true);
      if (json::EqualsIgnoreCase(s, "false")) return Value(false);
      return f.ValueError(Excerpt(v.get_string()) + " is not a boolean; use 'true' or 'false'");
    }
    default: return f.TypeError(0, "a boolean, number or string");
  }
}

Result<Value> DataUri(CallFrame& f) {
  std::string prefix = "data:text/plain;charset=utf-8;base64,";
  std::string bytes;
  if (auto c = ReadContentEnvelope(f.arg(0).json())) {
    prefix = "data:" + c->type + ";base64,";
    bytes = std::move(c->bytes);
  } else {
    RUNNEL_TRY(text, f.Text(0));
    bytes = std::move(text);
  }
  if (auto s = f.CheckResultChars(prefix.size() + (bytes.size() + 2) / 3 * 4); !s) {
    return std::move(s).error();
  }
  return Value(bj::string(prefix + Base64Encode(bytes)));
}

Result<Value> DataUriToBinary(CallFrame& f) {
  RUNNEL_TRY(content, DataUriArg(f, 0));
  return Envelope(f, kOctetStreamType, content.bytes);
}

Result<Value> DataUriToString(CallFrame& f) {
  RUNNEL_TRY(content, DataUriArg(f, 0));
  return Value(bj::string(BytesToText(content.bytes)));
}

Result<Value> EncodeUriComponent(CallFrame& f) {
  RUNNEL_TRY(bytes, BytesOf(f, 0));
  size_t escaped = 0;
  for (unsigned char c : bytes) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (!unreserved) ++escaped;
  }
  if (auto s = f.CheckResultChars(bytes.size() + 2 * escaped); !s) return std::move(s).error();
  return Value(bj::string(UriComponentEncode(bytes)));
}

Result<Value> DecodeUriComponent(CallFrame& f) {
  RUNNEL_TRY(text, f.String(0));
  return Value(bj::string(BytesToText(UriComponentDecode(text))));
}

Result<Value> UriComponentToBinary(CallFrame& f) {
  RUNNEL_TRY(text, f.String(0));
  return Envelope(f, kOctetStreamType, UriComponentDecode(text));
}

// ---- Numbers ----

// The culture of the optional locale argument i: invariant when absent, null or "".
Result<const numfmt::NumberCulture*> LocaleArg(CallFrame& f, size_t i) {
  if (i >= f.size() || f.arg(i).is_null()) return &number::InvariantCulture();
  RUNNEL_TRY(tag, f.String(i));
  auto culture = numfmt::FindNumberCulture(tag);
  if (!culture) return Rethrow(f, culture.error());
  return culture.value();
}

std::optional<double> ParseFloatText(std::string_view text, const numfmt::NumberCulture& c) {
  auto parsed = number::ParseNumber(text, number::kStyleFloat, c);
  if (!parsed) return std::nullopt;
  return number::ToDouble(*parsed);
}

// Convert.ToInt64(double): round half to even; nullopt outside int64 or not finite.
std::optional<int64_t> RoundToInt64(double d) {
  if (!std::isfinite(d)) return std::nullopt;
  double t = std::trunc(d);
  double frac = std::fabs(d - t);
  if (frac > 0.5 || (frac == 0.5 && std::fmod(t, 2.0) != 0)) t += d < 0 ? -1 : 1;
  if (t < -9223372036854775808.0 || t >= 9223372036854775808.0) return std::nullopt;
  return static_cast<int64_t>(t);
}

Result<Value> Int(CallFrame& f) {
  const Value& arg = f.arg(0);
  const bj::value& v = arg.json();
  auto out_of_range = [&](std::string_view text) {
    return f.ValueError(std::string(text) + " is outside the integer range (64-bit)");
  };
  if (const Decimal* d = arg.decimal()) {
    std::string text = d->ToString();
    auto parsed = number::ParseNumber(text, number::kStyleFloat, number::InvariantCulture());
    auto rounded = parsed ? number::ToInt64Rounded(*parsed) : std::nullopt;
    if (!rounded) return out_of_range(text);
    return Value(*rounded);
  }
  switch (v.kind()) {
    case bj::kind::bool_: return Value(int64_t{v.get_bool() ? 1 : 0});
    case bj::kind::int64: return Value(v.get_int64());
    case bj::kind::uint64:
      if (v.get_uint64() > static_cast<uint64_t>(INT64_MAX))
        return out_of_range(std::to_string(v.get_uint64()));
      return Value(static_cast<int64_t>(v.get_uint64()));
    case bj::kind::double_: {
      auto rounded = RoundToInt64(v.get_double());
      if (!rounded) return out_of_range(json::DotNetDouble(v.get_double()));
      return Value(*rounded);
    }
    case bj::kind::string: {
      std::string_view s = v.get_string();
      auto parsed = number::ParseNumber(s, number::kStyleInteger, number::InvariantCulture());
      if (!parsed) {
        return f.ValueError(Excerpt(s) +
                            " is not an integer; write digits with an optional "
                            "sign (use float() for a fraction)");
      }
      auto exact = number::ToInt64Exact(*parsed);
      if (!exact) return out_of_range(Excerpt(s));
      return Value(*exact);
    }
    default: return f.TypeError(0, "a string or number");
  }
}

Result<Value> Float(CallFrame& f) {
  RUNNEL_TRY(culture, LocaleArg(f, 1));
  const Value& arg = f.arg(0);
  const bj::value& v = arg.json();
  switch (v.kind()) {
    case bj::kind::bool_: return Value(v.get_bool() ? 1.0 : 0.0);
    case bj::kind::int64: return Value(static_cast<double>(v.get_int64()));
    case bj::kind::uint64: return Value(static_cast<double>(v.get_uint64()));
    case bj::kind::double_: return Value(v.get_double());
    case bj::kind::string: {
      std::string_view s = v.get_string();
      auto d = ParseFloatText(s, *culture);
      if (!d) {
        return f.ValueError(
            Excerpt(s) + " is not a number in the " +
            (culture->name.empty() ? std::string("invariant") : "'" + culture->name + "'") +
            " format");
      }
      if (!std::isfinite(*d)) return f.ValueError(Excerpt(s) + " is outside the range of a float");
      return Value(*d);
    }
    default: return f.TypeError(0, "a string or number");
  }
}

Result<Value> DecimalFn(CallFrame& f) {
  const Value& arg = f.arg(0);
  if (const Decimal* d = arg.decimal()) return Value::FromDecimal(*d);
  const bj::value& v = arg.json();
  switch (v.kind()) {
    case bj::kind::bool_: return Value::FromDecimal(Decimal::FromInt(v.get_bool() ? 1 : 0));
    case bj::kind::int64: return Value::FromDecimal(Decimal::FromInt(v.get_int64()));
    case bj::kind::double_:
      if (!std::isfinite(v.get_double())) return f.ValueError("the number is not finite");
      return Value::FromDecimal(Decimal::FromDouble(v.get_double()));
    case bj::kind::uint64:
    case bj::kind::string: {
      std::string text =
          v.is_string() ? std::string(v.get_string()) : std::to_string(v.get_uint64());
      auto parsed = number::ParseNumber(text, number::kStyleFloat, number::InvariantCulture());
      if (!parsed) return f.ValueError(Excerpt(text) + " is not a decimal number");
      auto digits = number::ToDecimalText(*parsed);
      auto d = digits ? Decimal::Parse(*digits) : std::nullopt;
      if (!d) return f.ValueError(Excerpt(text) + " is outside the range of a decimal");
      return Value::FromDecimal(*d);
    }
    default: return f.TypeError(0, "a string or number");
  }
}

Result<Value> IsFloat(CallFrame& f) {
  RUNNEL_TRY(culture, LocaleArg(f, 1));
  RUNNEL_TRY(text, f.Text(0));
  auto d = ParseFloatText(text, *culture);
  return Value(d.has_value() && std::isfinite(*d));
}

Result<Value> IsInt(CallFrame& f) {
  RUNNEL_TRY(text, f.Text(0));
  auto parsed = number::ParseNumber(text, number::kStyleInteger, number::InvariantCulture());
  return Value(parsed.has_value() && number::ToInt64Exact(*parsed).has_value());
}

// ---- JSON, XML, text ----

Result<bj::value> ParseJsonText(const CallFrame& f, std::string_view text) {
  bj::parse_options options;
  options.max_depth = kMaxJsonDepth;
  options.allow_comments = true;         // Json.NET skips comments
  options.allow_trailing_commas = true;  // and accepts trailing commas
  bj::stream_parser parser({}, options);
  boost::system::error_code ec;
  parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec == bj::error::too_deep) {
    return f.Fail(errc::kLimit,
                  "the JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  if (ec) return f.ValueError(Excerpt(text) + " is not valid JSON (" + ec.message() + ")");
  return parser.release();
}

bool LooksLike(std::string_view text, char first) {
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && text[i] == first;
}

Result<bj::value> XmlTextToJson(const CallFrame& f, std::string_view text) {
  auto doc = XmlDocument::Parse(text);
  if (!doc) return Rethrow(f, doc.error());
  return XmlToJson(*doc.value());
}

Result<Value> Json(CallFrame& f) {
  const Value& arg = f.arg(0);
  if (arg.is_null()) return Value(bj::object());
  std::string text;
  if (auto c = ReadContentEnvelope(arg.json())) {
    text = BytesToText(c->bytes);
    if (IsXmlContentType(c->type)) {
      RUNNEL_TRY(converted, XmlTextToJson(f, text));
      return Value(std::move(converted));
    }
  } else if (arg.is_string()) {
    text = std::string(arg.json().get_string());
  } else {
    return std::move(f.arg(0));  // already JSON
  }
  auto parsed = ParseJsonText(f, text);
  if (!parsed && LooksLike(text, '<')) {
    RUNNEL_TRY(converted, XmlTextToJson(f, text));
    return Value(std::move(converted));
  }
  if (!parsed) return std::move(parsed).error();
  return Value(std::move(parsed).value());
}

Result<Value> String(CallFrame& f) {
  if (auto c = ReadContentEnvelope(f.arg(0).json())) return Checked(f, BytesToText(c->bytes));
  RUNNEL_TRY(text, f.Text(0));
  return Checked(f, std::move(text));
}

Result<Value> XmlFromJson(CallFrame& f, const bj::value& v) {
  auto text = JsonToXml(v, f.limits().max_result_chars);
  if (!text) return Rethrow(f, text.error());
  return Envelope(f, kXmlContentType, text.value());
}

Result<Value> Xml(CallFrame& f) {
  const bj::value& v = f.arg(0).json();
  std::string text;
  if (auto c = ReadContentEnvelope(v)) {
    text = BytesToText(c->bytes);
  } else if (v.is_string()) {
    text = std::string(v.get_string());
  } else if (v.is_object()) {
    return XmlFromJson(f, v);
  } else {
    return f.TypeError(0, "an XML string or a JSON object");
  }
  // A string holding a JSON object converts like the object (the reference: "a JSON object or
  // string"); anything else must be XML, kept as written.
  if (LooksLike(text, '{')) {
    RUNNEL_TRY(parsed, ParseJsonText(f, text));
    return XmlFromJson(f, parsed);
  }
  auto doc = XmlDocument::Parse(text);
  if (!doc) return Rethrow(f, doc.error());
  return Envelope(f, kXmlContentType, text);
}

constexpr FunctionDef kFunctions[] = {
    {"array", "conversion", 1, 1, kPure, &ArrayOf},
    {"base64", "conversion", 1, 1, kPure, &Base64},
    {"base64ToBinary", "conversion", 1, 1, kPure, &Base64ToBinary},
    {"base64ToString", "conversion", 1, 1, kPure, &Base64ToString},
    {"binary", "conversion", 1, 1, kPure, &Binary},
    {"bool", "conversion", 1, 1, kPure, &Bool},
    {"createArray", "conversion", 0, kVariadic, kPure, &CreateArray},
    {"dataUri", "conversion", 1, 1, kPure, &DataUri},
    {"dataUriToBinary", "conversion", 1, 1, kPure, &DataUriToBinary},
    {"dataUriToString", "conversion", 1, 1, kPure, &DataUriToString},
    {"decimal", "conversion", 1, 1, kPure, &DecimalFn},
    {"decodeBase64", "conversion", 1, 1, kPure, &Base64ToString},
    {"decodeDataUri", "conversion", 1, 1, kPure, &DataUriToBinary},
    {"decodeUriComponent", "conversion", 1, 1, kPure, &DecodeUriComponent},
    {"encodeUriComponent", "conversion", 1, 1, kPure, &EncodeUriComponent},
    {"float", "conversion", 1, 2, kPure, &Float},
    {"int", "conversion", 1, 1, kPure, &Int},
    {"isFloat", "string, logical comparison", 1, 2, kPure, &IsFloat},
    {"isInt", "string, logical comparison", 1, 1, kPure, &IsInt},
    {"json", "conversion", 1, 1, kPure, &Json},
    {"string", "conversion", 1, 1, kPure, &String},
    {"uriComponent", "conversion", 1, 1, kPure, &EncodeUriComponent},
    {"uriComponentToBinary", "conversion", 1, 1, kPure, &UriComponentToBinary},
    {"uriComponentToString", "conversion", 1, 1, kPure, &DecodeUriComponent},
    {"xml", "conversion", 1, 1, kPure, &Xml},
};

}  // namespace

std::span<const FunctionDef> ConversionFunctions() { return kFunctions; }

}  // namespace runnel::expr

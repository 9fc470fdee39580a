#include "expr/xml/content_envelope.h"

#include <boost/json/value.hpp>

#include "expr/codec.h"
#include "json/lookup.h"

namespace runnel::expr {
namespace bj = boost::json;

std::optional<Content> ReadContentEnvelope(const bj::value& v) {
  if (!v.is_object()) return std::nullopt;
  const bj::object& o = v.get_object();
  auto type = o.find("$content-type");
  auto content = o.find("$content");
  if (type == o.end() || content == o.end()) return std::nullopt;
  if (!type->value().is_string() || !content->value().is_string()) return std::nullopt;
  auto bytes = Base64Decode(content->value().get_string());
  if (!bytes) return std::nullopt;
  return Content{std::string(type->value().get_string()), std::move(*bytes)};
}

bj::value MakeContentEnvelope(std::string_view type, std::string_view bytes) {
  bj::object o;
  o["$content-type"] = type;
  o["$content"] = Base64Encode(bytes);
  return o;
}

std::optional<Content> ParseDataUri(std::string_view uri) {
  constexpr std::string_view kScheme = "data:", kBase64 = ";base64";
  if (uri.size() < kScheme.size() ||
      !json::EqualsIgnoreCase(uri.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  size_t comma = uri.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  std::string_view meta = uri.substr(kScheme.size(), comma - kScheme.size());
  std::string_view data = uri.substr(comma + 1);
  bool base64 = meta.size() >= kBase64.size() &&
                json::EqualsIgnoreCase(meta.substr(meta.size() - kBase64.size()), kBase64);
  if (base64) meta.remove_suffix(kBase64.size());
  Content out;
  out.type = meta.empty() ? "text/plain;charset=US-ASCII" : std::string(meta);
  if (!base64) {
    out.bytes = UriComponentDecode(data);
    return out;
  }
  // The base64 alphabet has no '%', so undoing percent-encoding first is always safe.
  std::string unescaped = UriComponentDecode(data);
  auto bytes = Base64Decode(unescaped);
  if (!bytes) return std::nullopt;
  out.bytes = std::move(*bytes);
  return out;
}

bool IsXmlContentType(std::string_view type) {
  std::string media;
  for (char c : type.substr(0, type.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    media += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return media == "application/xml" || media == "text/xml" ||
         (media.size() > 4 && media.compare(media.size() - 4, 4, "+xml") == 0);
}

std::string BytesToText(std::string_view bytes) {
  static constexpr char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  const size_t n = bytes.size();
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  while (i < n) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    // Length of the sequence and the allowed range of its second byte (Unicode Table 3-7).
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    size_t j = i + 1;
    bool ok = true;
    for (size_t k = 1; k < len; ++k, ++j) {
      if (j >= n) {
        ok = false;
        break;
      }
      unsigned char b = byte(j);
      unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) {
        ok = false;
        break;
      }
    }
    if (ok) {
      out.append(bytes.substr(i, len));
    } else {
      out += kReplacement;  // the maximal invalid prefix [i, j) becomes one replacement
    }
    i = j;
  }
  return out;
}

std::string Excerpt(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return "'" + std::string(text) + "'";
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(text.substr(0, cut)) + "...'";
}

}  // namespace runnel::expr

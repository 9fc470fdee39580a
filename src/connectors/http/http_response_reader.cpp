#include "connectors/http/http_response_reader.h"

#include <string>

#include "expr/xml/content_envelope.h"
#include "json/lookup.h"
#include "json/parse.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "text/plain; charset=ISO-8859-1" -> media "text/plain", charset "iso-8859-1".
struct MediaType {
  std::string media;
  std::string charset;
};

MediaType ParseMediaType(std::string_view value) {
  MediaType t;
  size_t semi = value.find(';');
  t.media = json::LowerAscii(Trim(value.substr(0, semi)));
  while (semi != std::string_view::npos) {
    value.remove_prefix(semi + 1);
    semi = value.find(';');
    std::string_view param = Trim(value.substr(0, semi));
    size_t eq = param.find('=');
    if (eq == std::string_view::npos || json::LowerAscii(Trim(param.substr(0, eq))) != "charset") continue;
    std::string_view cs = Trim(param.substr(eq + 1));
    if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = cs.substr(1, cs.size() - 2);
    t.charset = json::LowerAscii(cs);
  }
  return t;
}

bool IsJsonMedia(const std::string& m) {
  return m == "application/json" || m == "text/json" || (m.size() > 5 && m.ends_with("+json"));
}

std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string DecodeText(std::string_view bytes, const std::string& charset) {
  if (charset == "iso-8859-1" || charset == "latin1" || charset == "us-ascii") return Latin1ToUtf8(bytes);
  return expr::BytesToText(bytes);
}

std::optional<bj::value> TryParseJson(std::string_view text, std::string* why = nullptr) {
  auto v = json::Parse(text);
  if (!v) {
    if (why) *why = v.error().message;
    return std::nullopt;
  }
  return std::move(v).value();
}

}  // namespace

bj::object HeadersObject(const HttpHeaders& headers) {
  bj::object out;
  for (const HttpHeader& h : headers) {
    if (bj::value* existing = json::FindMember(out, h.name)) {
      std::string joined(existing->get_string());
      joined += ", ";
      joined += h.value;
      *existing = joined;
    } else {
      out[h.name] = h.value;
    }
  }
  return out;
}

ResponseOutputs ReadResponse(const HttpResponse& r) {
  ResponseOutputs result;
  bj::object outputs{{"statusCode", r.status}, {"headers", HeadersObject(r.headers)}};
  if (!r.body.empty()) {
    const std::string* content_type = FindHeader(r.headers, "Content-Type");
    MediaType type = content_type ? ParseMediaType(*content_type) : MediaType{};
    bj::value body;
    if (!content_type || type.media.empty()) {
      std::string text = expr::BytesToText(r.body);
      if (auto parsed = TryParseJson(r.body)) {
        body = std::move(*parsed);
      } else if (text == r.body) {
        body = bj::string(text);
      } else {
        body = expr::MakeContentEnvelope(expr::kOctetStreamType, r.body);
      }
    } else if (IsJsonMedia(type.media)) {
      std::string why;
      if (auto parsed = TryParseJson(r.body, &why)) {
        body = std::move(*parsed);
      } else {
        body = bj::string(DecodeText(r.body, type.charset));
        result.body_error = Error("BadRequest", "the response's Content-Type is '" + *content_type +
                                                    "' but its body is not valid JSON (" + why + ")");
      }
    } else if (expr::IsXmlContentType(*content_type)) {
      body = expr::MakeContentEnvelope(*content_type, r.body);
    } else if (type.media.starts_with("text/")) {
      body = bj::string(DecodeText(r.body, type.charset));
    } else {
      body = expr::MakeContentEnvelope(*content_type, r.body);
    }
    outputs["body"] = std::move(body);
  }
  result.outputs = std::move(outputs);
  return result;
}

}  // namespace runnel::connectors

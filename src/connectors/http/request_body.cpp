#include "connectors/http/request_body.h"

#include <boost/json/value.hpp>
#include <random>

#include "expr/codec.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

constexpr char kInvalid[] = "InvalidHttpBody";
constexpr char kTextType[] = "text/plain; charset=utf-8";
constexpr char kJsonType[] = "application/json";
constexpr char kFormType[] = "application/x-www-form-urlencoded";

std::string NewBoundary() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string b = "runnel-boundary-";
  for (int i = 0; i < 32; ++i) b += kHex[rd() % 16];
  return b;
}

Result<std::string> Multipart(const bj::value& parts, std::string& boundary) {
  if (!parts.is_array()) {
    return Error(kInvalid, "body.$multipart must be an array of parts {\"headers\": {...}, \"body\": ...}");
  }
  struct Encoded {
    std::string head;
    std::string bytes;
  };
  std::vector<Encoded> encoded;
  size_t index = 0;
  for (const bj::value& part : parts.get_array()) {
    std::string where = "body.$multipart[" + std::to_string(index++) + "]";
    if (!part.is_object()) return Error(kInvalid, where + " must be an object {\"headers\", \"body\"}");
    const bj::object& o = part.get_object();
    Encoded e;
    bool has_type = false;
    if (const bj::value* headers = json::FindMember(o, "headers"); headers && !headers->is_null()) {
      if (!headers->is_object()) return Error(kInvalid, where + ".headers must be an object");
      for (const auto& kv : headers->get_object()) {
        if (kv.value().is_null()) continue;
        has_type |= json::EqualsIgnoreCase(kv.key(), "Content-Type");
        e.head += std::string(kv.key()) + ": " + json::ToText(kv.value()) + "\r\n";
      }
    }
    RUNNEL_TRY(body, EncodeBody(json::FindMember(o, "body")));
    if (body) {
      if (!has_type) e.head += "Content-Type: " + body->content_type + "\r\n";
      e.bytes = std::move(body->bytes);
    }
    encoded.push_back(std::move(e));
  }
  // A random boundary practically never occurs in the content, but check rather than hope.
  auto collides = [&](const std::string& b) {
    for (const Encoded& e : encoded) {
      if (e.bytes.find(b) != std::string::npos || e.head.find(b) != std::string::npos) return true;
    }
    return false;
  };
  do boundary = NewBoundary(); while (collides(boundary));
  std::string out;
  for (const Encoded& e : encoded) {
    out += "--" + boundary + "\r\n" + e.head + "\r\n" + e.bytes + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

Result<std::string> FormData(const bj::value& fields) {
  if (!fields.is_array()) {
    return Error(kInvalid, "body.$formdata must be an array of {\"key\": ..., \"value\": ...}");
  }
  std::string out;
  for (const bj::value& f : fields.get_array()) {
    const bj::value* key = f.is_object() ? json::FindMember(f.get_object(), "key") : nullptr;
    if (!key || !key->is_string()) {
      return Error(kInvalid, "each body.$formdata entry must be {\"key\": \"name\", \"value\": ...}");
    }
    const bj::value* value = json::FindMember(f.get_object(), "value");
    if (!out.empty()) out += '&';
    out += expr::UriComponentEncode(key->get_string());
    out += '=';
    if (value) out += expr::UriComponentEncode(json::ToText(*value));
  }
  return out;
}

}  // namespace

Result<std::optional<EncodedBody>> EncodeBody(const bj::value* body) {
  if (!body || body->is_null()) return std::optional<EncodedBody>();
  if (body->is_string()) return std::optional<EncodedBody>(EncodedBody{std::string(body->get_string()), kTextType});
  if (body->is_object()) {
    const bj::object& o = body->get_object();
    const bj::value* type = o.if_contains("$content-type");
    std::string content_type = type && type->is_string() ? std::string(type->get_string()) : "";
    if (const bj::value* content = o.if_contains("$content")) {
      auto bytes = content->is_string() ? expr::Base64Decode(content->get_string()) : std::nullopt;
      if (!bytes) return Error(kInvalid, "body.$content must be base64 text");
      if (content_type.empty()) content_type = "application/octet-stream";
      return std::optional<EncodedBody>(EncodedBody{std::move(*bytes), std::move(content_type)});
    }
    if (const bj::value* parts = o.if_contains("$multipart")) {
      std::string boundary;
      RUNNEL_TRY(bytes, Multipart(*parts, boundary));
      if (content_type.empty()) content_type = "multipart/form-data";
      return std::optional<EncodedBody>(
          EncodedBody{std::move(bytes), content_type + "; boundary=" + boundary});
    }
    if (const bj::value* fields = o.if_contains("$formdata")) {
      RUNNEL_TRY(bytes, FormData(*fields));
      return std::optional<EncodedBody>(EncodedBody{std::move(bytes), content_type.empty() ? kFormType : content_type});
    }
  }
  return std::optional<EncodedBody>(EncodedBody{json::Serialize(*body), kJsonType});
}

}  // namespace runnel::connectors

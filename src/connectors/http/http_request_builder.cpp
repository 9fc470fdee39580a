#include "connectors/http/http_request_builder.h"

#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <array>
#include <cctype>

#include "connectors/http/authentication.h"
#include "connectors/http/request_body.h"
#include "expr/codec.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::connectors {
namespace bj = boost::json;

namespace {

constexpr char kSanitized[] = "*sanitized*";

const bj::value* Input(const bj::value& inputs, std::string_view name) {
  if (!inputs.is_object()) return nullptr;
  const bj::value* v = json::FindMember(inputs.get_object(), name);
  return v && !v->is_null() ? v : nullptr;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && json::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

Result<std::string> Method(const bj::value& inputs) {
  static constexpr std::array<std::string_view, 7> kMethods = {"GET",    "POST", "PUT",    "PATCH",
                                                               "DELETE", "HEAD", "OPTIONS"};
  const bj::value* m = Input(inputs, "method");
  std::string_view given = m && m->is_string() ? std::string_view(m->get_string()) : "";
  for (std::string_view known : kMethods) {
    if (json::EqualsIgnoreCase(known, given)) return std::string(known);
  }
  return Error("InvalidHttpMethod", "inputs.method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, "
                                    "OPTIONS" + (given.empty() ? std::string() : "; got '" + std::string(given) + "'"));
}

// Percent-encodes the characters a URI may not contain literally (space, controls, non-ASCII,
// "<>\"{}|\\^`"), leaving existing escapes and URI syntax alone — as .NET's Uri does with the
// URIs people paste into definitions.
std::string EscapeLoosely(std::string_view uri) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : uri) {
    auto c = static_cast<unsigned char>(ch);
    bool literal = c > 0x20 && c < 0x7F && std::string_view("<>\"{}|\\^`").find(ch) == std::string_view::npos;
    if (literal) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Result<std::string> Uri(const bj::value& inputs, size_t max_length) {
  const bj::value* u = Input(inputs, "uri");
  if (!u || !u->is_string() || u->get_string().empty()) {
    return Error("InvalidUri", "inputs.uri must be an absolute http:// or https:// URI");
  }
  std::string_view given = u->get_string();
  if (given.size() > max_length) {
    return Error("InvalidUri", "inputs.uri is " + std::to_string(given.size()) +
                                   " characters long; the limit is " + std::to_string(max_length));
  }
  std::string escaped = EscapeLoosely(given);
  auto parsed = boost::urls::parse_uri(escaped);
  if (!parsed) {
    return Error("InvalidUri", "inputs.uri '" + std::string(given) + "' is not a valid URI: " +
                                   parsed.error().message());
  }
  std::string_view scheme = parsed->scheme();
  if (!json::EqualsIgnoreCase(scheme, "http") && !json::EqualsIgnoreCase(scheme, "https")) {
    return Error("InvalidUri", "inputs.uri must use http or https; got '" + std::string(scheme) + "'");
  }
  if (!parsed->has_authority() || parsed->encoded_host().empty()) {
    return Error("InvalidUri", "inputs.uri '" + std::string(given) + "' has no host");
  }
  return escaped;
}

Result<std::string> WithQueries(std::string uri, const bj::value& inputs) {
  const bj::value* q = Input(inputs, "queries");
  if (!q) return uri;
  if (!q->is_object()) {
    return Error("InvalidHttpQueries", "inputs.queries must be an object of name -> value");
  }
  std::string fragment;
  if (size_t hash = uri.find('#'); hash != std::string::npos) {
    fragment = uri.substr(hash);
    uri.resize(hash);
  }
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  if (sep == '&' && uri.back() == '?') sep = '\0';
  auto append = [&](std::string_view name, const bj::value& v) -> Status {
    if (v.is_object()) {
      return Error("InvalidHttpQueries", "inputs.queries." + std::string(name) +
                                             " is an object; query values must be strings, numbers, "
                                             "booleans or arrays of them");
    }
    if (sep) uri += sep;
    sep = '&';
    uri += expr::UriComponentEncode(name);
    uri += '=';
    uri += expr::UriComponentEncode(json::ToText(v));
    return Ok();
  };
  for (const auto& kv : q->get_object()) {
    if (kv.value().is_array()) {
      for (const bj::value& item : kv.value().get_array()) {
        if (auto st = append(kv.key(), item); !st) return st.error();
      }
    } else if (auto st = append(kv.key(), kv.value()); !st) {
      return st.error();
    }
  }
  return uri + fragment;
}

bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

Status AddHeader(HttpHeaders& out, std::string_view name, std::string value) {
  if (!IsToken(name)) {
    return Error("InvalidHttpHeaders", "'" + std::string(name) + "' is not a valid header name");
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return Error("InvalidHttpHeaders", "the value of header '" + std::string(name) +
                                           "' contains a line break or NUL character");
  }
  out.push_back(HttpHeader{std::string(name), std::move(value)});
  return Ok();
}

void RemoveHeader(HttpHeaders& headers, std::string_view name) {
  std::erase_if(headers, [&](const HttpHeader& h) { return json::EqualsIgnoreCase(h.name, name); });
}

}  // namespace

bool IsDroppedHeader(std::string_view name, std::string_view method) {
  if (StartsWithIgnoreCase(name, "Accept-")) return !json::EqualsIgnoreCase(name, "Accept-Version");
  if (StartsWithIgnoreCase(name, "Content-")) {
    bool honoured = json::EqualsIgnoreCase(name, "Content-Type") ||
                    json::EqualsIgnoreCase(name, "Content-Encoding") ||
                    json::EqualsIgnoreCase(name, "Content-Disposition");
    return !honoured || method == "GET" || method == "HEAD";
  }
  for (std::string_view dropped : {"Allow", "Cookie", "Expires", "Host", "Last-Modified", "Origin",
                                   "Set-Cookie", "Transfer-Encoding"}) {
    if (json::EqualsIgnoreCase(name, dropped)) return true;
  }
  return false;
}

Result<HttpRequest> BuildHttpRequest(const bj::value& inputs, const RequestExtras& extras,
                                     std::optional<OAuthSettings>* oauth) {
  if (!inputs.is_object()) {
    return Error("InvalidHttpInputs", "the Http action's inputs must be an object with method and uri");
  }
  HttpRequest req;
  req.timeout_micros = extras.timeout_micros;
  RUNNEL_TRY(method, Method(inputs));
  req.method = std::move(method);
  RUNNEL_TRY(uri, Uri(inputs, extras.max_uri_length));
  RUNNEL_TRY(url, WithQueries(std::move(uri), inputs));
  req.url = std::move(url);

  if (const bj::value* headers = Input(inputs, "headers")) {
    if (!headers->is_object()) return Error("InvalidHttpHeaders", "inputs.headers must be an object");
    for (const auto& kv : headers->get_object()) {
      if (kv.value().is_null() || IsDroppedHeader(kv.key(), req.method)) continue;
      if (auto st = AddHeader(req.headers, kv.key(), json::ToText(kv.value())); !st) return st.error();
    }
  }
  RUNNEL_TRY(auth, ParseAuthentication(Input(inputs, "authentication")));
  if (auth.authorization) {
    RemoveHeader(req.headers, "Authorization");
    if (auto st = AddHeader(req.headers, "Authorization", std::move(*auth.authorization)); !st) return st.error();
  }
  req.client_certificate = std::move(auth.client_certificate);
  if (auth.oauth) {
    if (!oauth) {
      return Error("AuthenticationTypeNotSupported",
                   "authentication type 'ActiveDirectoryOAuth' is supported by the Http action and "
                   "HttpWebhook, not here yet; use Raw with the value \"Bearer <token>\"");
    }
    RemoveHeader(req.headers, "Authorization");  // the bearer token replaces it
    *oauth = std::move(auth.oauth);
  }
  if (const bj::value* cookie = Input(inputs, "cookie")) {
    if (auto st = AddHeader(req.headers, "Cookie", json::ToText(*cookie)); !st) return st.error();
  }
  RUNNEL_TRY(body, EncodeBody(Input(inputs, "body")));
  if (body) {
    req.body = std::move(body->bytes);
    if (!FindHeader(req.headers, "Content-Type")) req.headers.push_back({"Content-Type", body->content_type});
  }
  for (const HttpHeader& h : extras.default_headers) {
    if (!FindHeader(req.headers, h.name)) req.headers.push_back(h);
  }
  return req;
}

bj::value SanitizeInputs(const bj::value& inputs) {
  if (!inputs.is_object()) return inputs;
  bj::value out = inputs;
  bj::object& o = out.get_object();
  if (bj::value* auth = json::FindMember(o, "authentication"); auth && auth->is_object()) {
    for (auto& kv : auth->get_object()) {
      for (std::string_view secret : {"password", "value", "secret", "pfx"}) {
        if (json::EqualsIgnoreCase(kv.key(), secret)) kv.value() = kSanitized;
      }
    }
  }
  if (bj::value* headers = json::FindMember(o, "headers"); headers && headers->is_object()) {
    for (auto& kv : headers->get_object()) {
      if (json::EqualsIgnoreCase(kv.key(), "Authorization")) kv.value() = kSanitized;
    }
  }
  return out;
}

}  // namespace runnel::connectors

// URI parsing functions: uriHost, uriPath, uriPathAndQuery, uriPort, uriQuery, uriScheme.
//
// They answer what .NET's System.Uri would (the hosted engine's parser) for an absolute URI:
// Host lower-cased (IPv6 in brackets), AbsolutePath ("/" when a URI with a host has no path,
// dot segments removed), Query with its '?' ("" when empty), Port with the scheme's default
// when none is written (-1 for schemes without one), Scheme lower-cased. Parsing is Boost.URL's
// RFC 3986 parser; like System.Uri we first trim surrounding white space and percent-encode
// characters a URI cannot hold (spaces, non-ASCII text, '<', '"', ...), so
// 'https://contoso.com/a b' works. A relative reference or a malformed URI is an
// InvalidArgumentValue error.

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "expr/codec.h"
#include "expr/errors.h"
#include "expr/registry.h"
#include "expr/xml/content_envelope.h"
#include "json/lookup.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

// System.Uri's registered schemes and their default ports.
struct DefaultPort {
  std::string_view scheme;
  int port;
};
constexpr DefaultPort kDefaultPorts[] = {
    {"http", 80},  {"https", 443}, {"ws", 80},    {"wss", 443},   {"ftp", 21},      {"gopher", 70},
    {"nntp", 119}, {"telnet", 23}, {"ldap", 389}, {"mailto", 25}, {"net.tcp", 808},
};

std::string_view TrimWhite(std::string_view s) {
  auto white = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && white(s.front())) s.remove_prefix(1);
  while (!s.empty() && white(s.back())) s.remove_suffix(1);
  return s;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Percent-encodes what may not appear in a URI at all, as System.Uri does on construction:
// control characters, space, non-ASCII bytes, the RFC 3986 "unwise" characters, and a '%' that
// does not start an escape.
std::string EscapeUnsafe(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool unsafe = c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' ||
                  c == '^' || c == '`' || c == '{' || c == '|' || c == '}';
    if (c == '%') unsafe = !(i + 2 < s.size() && IsHex(s[i + 1]) && IsHex(s[i + 2]));
    if (unsafe) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// RFC 3986 section 5.2.4 remove_dot_segments ("/a/./b/../../c" -> "/c"), as System.Uri does
// for hierarchical URIs. Boost.URL's normalize_path() keeps a leading "/.." and also rewrites
// percent-encodings, so we do it ourselves.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  auto drop_last_segment = [&out] {
    size_t slash = out.rfind('/');
    out.erase(slash == std::string::npos ? 0 : slash);
  };
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../") {
      in.remove_prefix(3);
      drop_last_segment();
    } else if (in == "/..") {
      in = "/";
      drop_last_segment();
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t next = in.find('/', 1);
      if (next == std::string_view::npos) next = in.size();
      out.append(in.substr(0, next));
      in.remove_prefix(next);
    }
  }
  return out;
}

Result<boost::urls::url> ParseUri(CallFrame& f) {
  RUNNEL_TRY(raw, f.String(0));
  // System.Uri ignores surrounding white space.
  std::string escaped = EscapeUnsafe(TrimWhite(raw));
  auto parsed = boost::urls::parse_uri(escaped);
  if (!parsed) {
    return f.ValueError(Excerpt(raw) + " is not an absolute URI (scheme://host/path?query); " +
                        "relative references are not accepted");
  }
  boost::urls::url u(*parsed);
  std::string scheme = json::LowerAscii(u.scheme());
  bool needs_host =
      scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" || scheme == "ftp";
  if (needs_host && u.encoded_host().empty()) {
    return f.ValueError(Excerpt(raw) + " has no host; a " + scheme + " URI needs one");
  }
  if (u.has_port() && !u.port().empty()) {
    std::string_view port = u.port();
    uint32_t number = 0;
    bool digits = port.size() <= 5;
    for (char c : port.substr(0, 5)) {
      digits = digits && c >= '0' && c <= '9';
      number = number * 10 + static_cast<uint32_t>(c - '0');
    }
    if (!digits || number > 65535) {
      return f.ValueError(Excerpt(raw) + " has the port " + Excerpt(port) +
                          "; a port is a number from 0 to 65535");
    }
  }
  if (u.has_authority() && !u.encoded_path().empty() && u.encoded_path().front() != '/') {
    // Boost.URL 1.81 reads "host:80a/" as port 80 and path "a/"; RFC 3986 does not.
    return f.ValueError(Excerpt(raw) + " has the port '" + std::string(u.port()) +
                        std::string(u.encoded_path().substr(0, u.encoded_path().find('/'))) +
                        "'; a port is a number from 0 to 65535");
  }
  return u;
}

Result<Value> UriHost(CallFrame& f) {
  RUNNEL_TRY(u, ParseUri(f));
  std::string host = json::LowerAscii(UriComponentDecode(u.encoded_host()));
  return Value(bj::string(BytesToText(host)));
}

std::string PathOf(const boost::urls::url& u) {
  if (!u.has_authority()) return std::string(u.encoded_path());
  std::string path = RemoveDotSegments(u.encoded_path());
  return path.empty() ? "/" : path;
}

std::string QueryOf(const boost::urls::url& u) {
  if (!u.has_query() || u.encoded_query().empty()) return "";
  return "?" + std::string(u.encoded_query());
}

Result<Value> UriPath(CallFrame& f) {
  RUNNEL_TRY(u, ParseUri(f));
  return Value(bj::string(PathOf(u)));
}

Result<Value> UriPathAndQuery(CallFrame& f) {
  RUNNEL_TRY(u, ParseUri(f));
  return Value(bj::string(PathOf(u) + QueryOf(u)));
}

Result<Value> UriQuery(CallFrame& f) {
  RUNNEL_TRY(u, ParseUri(f));
  return Value(bj::string(QueryOf(u)));
}

Result<Value> UriPort(CallFrame& f) {
  RUNNEL_TRY(u, ParseUri(f));
  if (u.has_port() && !u.port().empty()) return Value(static_cast<int64_t>(u.port_number()));
  std::string scheme = json::LowerAscii(u.scheme());
  for (const DefaultPort& d : kDefaultPorts) {
    if (d.scheme == scheme) return Value(static_cast<int64_t>(d.port));
  }
  return Value(int64_t{-1});  // System.Uri.Port for a scheme it has no default for
}

Result<Value> UriScheme(CallFrame& f) {
  RUNNEL_TRY(u, ParseUri(f));
  return Value(bj::string(json::LowerAscii(u.scheme())));
}

constexpr FunctionDef kFunctions[] = {
    {"uriHost", "URI parsing", 1, 1, kPure, &UriHost},
    {"uriPath", "URI parsing", 1, 1, kPure, &UriPath},
    {"uriPathAndQuery", "URI parsing", 1, 1, kPure, &UriPathAndQuery},
    {"uriPort", "URI parsing", 1, 1, kPure, &UriPort},
    {"uriQuery", "URI parsing", 1, 1, kPure, &UriQuery},
    {"uriScheme", "URI parsing", 1, 1, kPure, &UriScheme},
};

}  // namespace

std::span<const FunctionDef> UriFunctions() { return kFunctions; }

}  // namespace runnel::expr

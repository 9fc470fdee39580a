#include "expr/form_data.h"

#include <boost/json/parse.hpp>

#include "expr/codec.h"
#include "expr/errors.h"
#include "json/lookup.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

struct Part {
  std::string name;          // from Content-Disposition
  std::string content_type;  // of the part
  bj::value body;
};

// The value of parameter `param` in a header such as `form-data; name="Subject"`.
std::string HeaderParam(std::string_view header, std::string_view param) {
  std::string lower = json::LowerAscii(header);
  std::string needle = json::LowerAscii(param) + "=";
  size_t p = 0;
  while ((p = lower.find(needle, p)) != std::string::npos) {
    if (p == 0 || lower[p - 1] == ' ' || lower[p - 1] == ';') break;
    ++p;
  }
  if (p == std::string::npos) return {};
  p += needle.size();
  if (p < header.size() && header[p] == '"') {
    size_t end = header.find('"', p + 1);
    return std::string(header.substr(p + 1, end == std::string_view::npos ? end : end - p - 1));
  }
  size_t end = header.find(';', p);
  std::string_view v = header.substr(p, end == std::string_view::npos ? end : end - p);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

bj::value PartBody(std::string_view content_type, std::string_view bytes) {
  std::string ct = json::LowerAscii(content_type);
  if (ct.find("json") != std::string::npos) {
    boost::system::error_code ec;
    bj::value v = bj::parse(bytes, ec);
    if (!ec) return v;
  }
  if (ct.empty() || ct.rfind("text/", 0) == 0) return bj::string(bytes);
  return bj::object{{"$content-type", content_type}, {"$content", Base64Encode(bytes)}};
}

// Splits raw multipart bytes on the boundary.
std::vector<Part> ParseMultipart(std::string_view bytes, std::string_view boundary) {
  std::vector<Part> parts;
  std::string delim = "--" + std::string(boundary);
  size_t p = bytes.find(delim);
  while (p != std::string_view::npos) {
    p += delim.size();
    if (bytes.substr(p, 2) == "--") break;  // closing delimiter
    if (bytes.substr(p, 2) == "\r\n") p += 2;
    size_t head_end = bytes.find("\r\n\r\n", p);
    size_t next = bytes.find(delim, p);
    if (head_end == std::string_view::npos || next == std::string_view::npos || head_end > next) break;
    Part part;
    std::string_view head = bytes.substr(p, head_end - p);
    size_t line_start = 0;
    while (line_start <= head.size()) {
      size_t eol = head.find("\r\n", line_start);
      std::string_view line = head.substr(line_start, eol == std::string_view::npos ? eol : eol - line_start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string hname = json::LowerAscii(line.substr(0, colon));
        std::string_view hval = line.substr(colon + 1);
        while (!hval.empty() && hval.front() == ' ') hval.remove_prefix(1);
        if (hname == "content-disposition") part.name = HeaderParam(hval, "name");
        if (hname == "content-type") part.content_type = std::string(hval);
      }
      if (eol == std::string_view::npos) break;
      line_start = eol + 2;
    }
    size_t body_start = head_end + 4;
    size_t body_end = next;
    if (body_end >= 2 && bytes.substr(body_end - 2, 2) == "\r\n") body_end -= 2;
    part.body = PartBody(part.content_type, bytes.substr(body_start, body_end - body_start));
    parts.push_back(std::move(part));
    p = next;
  }
  return parts;
}

Result<std::vector<Part>> Parts(const bj::value& body) {
  std::vector<Part> parts;
  if (!body.is_object()) {
    return Error(errc::kType, "the body is not form data or multipart content (got " +
                                  std::string(bj::to_string(body.kind())) + ")");
  }
  const bj::object& o = body.get_object();
  const bj::value* ct = json::FindMember(o, "$content-type");
  std::string content_type = ct && ct->is_string() ? std::string(ct->get_string()) : "";
  if (const bj::value* mp = json::FindMember(o, "$multipart"); mp && mp->is_array()) {
    for (const auto& p : mp->get_array()) {
      if (!p.is_object()) continue;
      Part part;
      if (const bj::value* h = json::FindMember(p.get_object(), "headers"); h && h->is_object()) {
        if (const bj::value* cd = json::FindMember(h->get_object(), "Content-Disposition"); cd && cd->is_string()) {
          part.name = HeaderParam(cd->get_string(), "name");
        }
      }
      if (const bj::value* b = json::FindMember(p.get_object(), "body")) part.body = *b;
      parts.push_back(std::move(part));
    }
    return parts;
  }
  const bj::value* content = json::FindMember(o, "$content");
  if (!content || !content->is_string()) {
    // Already-parsed fields: {"Subject": "Hello"}.
    for (const auto& kv : o) parts.push_back({std::string(kv.key()), "", kv.value()});
    return parts;
  }
  auto bytes = Base64Decode(content->get_string());
  if (!bytes) return Error(errc::kValue, "the body's $content is not valid base64");
  std::string lower = json::LowerAscii(content_type);
  if (lower.rfind("application/x-www-form-urlencoded", 0) == 0) {
    std::string_view rest = *bytes;
    while (!rest.empty()) {
      size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      size_t eq = pair.find('=');
      auto decode = [](std::string_view s) {
        std::string plus(s);
        for (char& c : plus) if (c == '+') c = ' ';
        return UriComponentDecode(plus);
      };
      if (!pair.empty()) {
        parts.push_back({decode(pair.substr(0, eq)), "",
                         bj::string(eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)))});
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
    return parts;
  }
  if (lower.rfind("multipart/", 0) == 0) {
    std::string boundary = HeaderParam(content_type, "boundary");
    if (boundary.empty()) return Error(errc::kValue, "the multipart body has no boundary");
    return ParseMultipart(*bytes, boundary);
  }
  return Error(errc::kType, "the body has content type '" + content_type +
                                "', which is neither form data nor multipart");
}

}  // namespace

Result<std::vector<bj::value>> FormValues(const bj::value& body, std::string_view key) {
  RUNNEL_TRY(parts, Parts(body));
  std::vector<bj::value> out;
  for (auto& p : parts) {
    if (json::EqualsIgnoreCase(p.name, key)) out.push_back(std::move(p.body));
  }
  return out;
}

Result<bj::value> MultipartPart(const bj::value& body, int64_t index) {
  if (body.is_object()) {
    const bj::object& o = body.get_object();
    const bj::value* ct = json::FindMember(o, "$content-type");
    bool multipart = json::FindMember(o, "$multipart") ||
                     (ct && ct->is_string() && json::LowerAscii(ct->get_string()).rfind("multipart/", 0) == 0);
    if (!multipart) {
      return Error(errc::kType, "the body is not multipart content (content type '" +
                                    std::string(ct && ct->is_string() ? ct->get_string() : "none") + "')");
    }
  }
  RUNNEL_TRY(parts, Parts(body));
  if (index < 0 || static_cast<uint64_t>(index) >= parts.size()) {
    return Error(errc::kValue, "part " + std::to_string(index) + " does not exist; the body has " +
                                   std::to_string(parts.size()) + " parts");
  }
  return std::move(parts[static_cast<size_t>(index)].body);
}

}  // namespace runnel::expr

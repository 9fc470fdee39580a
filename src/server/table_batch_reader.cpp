#include "server/table_batch_reader.h"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <optional>

#include "json/lookup.h"

namespace runnel::server {

namespace {

constexpr size_t kShownChars = 80;   // of a bad line quoted in a message
constexpr size_t kMaxBoundary = 70;  // RFC 2046 §5.1.1
constexpr size_t kMaxMethod = 16;

std::string Shown(std::string_view s) {
  if (s.size() <= kShownChars) return std::string(s);
  return std::string(s.substr(0, kShownChars)) + "...";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && json::EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

// RFC 2046 bchars: digits, letters and '()+_,-./:=? (and a space, not last).
bool IsBoundaryChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// RFC 9110 tchar: what a header name is made of.
bool IsTokenChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

const std::string* FindHeader(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (json::EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

// One line of `text` from `pos`: its content without the line end, and where the next begins
// (text.size() after the last line).
struct Line {
  std::string_view content;
  size_t next = 0;
  bool ended = false;  // it ended with a line break
};

Line LineAt(std::string_view text, size_t pos) {
  size_t nl = text.find('\n', pos);
  Line line;
  line.ended = nl != std::string_view::npos;
  line.next = line.ended ? nl + 1 : text.size();
  line.content = text.substr(pos, (line.ended ? nl : text.size()) - pos);
  if (!line.content.empty() && line.content.back() == '\r') line.content.remove_suffix(1);
  return line;
}

// A part of a multipart body: its text, without the delimiter lines and the line break that
// belongs to the next delimiter, and its offset in the whole batch body.
struct RawPart {
  std::string_view text;
  size_t offset = 0;
};

class Reader {
 public:
  Reader(std::string_view body, std::string_view version, const BatchLimits& limits)
      : body_(body), version_(version), limits_(limits) {}

  Result<Batch> Read(std::string_view boundary) {
    RUNNEL_TRY(parts, Split(body_, 0, boundary, "the batch", ""));
    Batch batch;
    for (size_t i = 0; i < parts.size(); ++i) {
      RUNNEL_TRY_STATUS(ReadEntry(parts[i], std::to_string(i + 1), batch));
    }
    return batch;
  }

 private:
  // The line number (from 1) of `offset` in the body. Offsets are asked in increasing order
  // but for errors, so counting stays linear.
  int LineOf(size_t offset) {
    offset = std::min(offset, body_.size());
    if (offset < counted_to_) {
      counted_to_ = 0;
      counted_line_ = 1;
    }
    counted_line_ += static_cast<int>(std::count(body_.begin() + static_cast<std::ptrdiff_t>(counted_to_),
                                                 body_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    counted_to_ = offset;
    return counted_line_;
  }

  std::string Where(const std::string& part, size_t offset) {
    return (part.empty() ? "" : "part " + part + ", ") + "line " + std::to_string(LineOf(offset));
  }

  Error Fail(const std::string& part, size_t offset, std::string message) {
    return FailAt(Where(part, offset), std::move(message));
  }

  static Error FailAt(std::string where, std::string message) {
    Error e(batch_errc::kInvalidBatch, std::move(message));
    e.where = std::move(where);
    return e;
  }

  // Splits `text` (at `base` in the body) at the delimiter lines of `boundary`. `what` names
  // the multipart body in messages ("the batch", "the changeset"); `part` is its part number.
  Result<std::vector<RawPart>> Split(std::string_view text, size_t base, std::string_view boundary,
                                     const std::string& what, const std::string& part) {
    const std::string delimiter = "--" + std::string(boundary);
    std::vector<RawPart> parts;
    std::optional<size_t> open;  // where the current part's text starts
    size_t last_delimiter = 0;
    size_t from = 0;
    for (;;) {
      size_t at = text.find(delimiter, from);
      if (at == std::string_view::npos) break;
      from = at + 1;
      if (at != 0 && text[at - 1] != '\n') continue;  // a delimiter starts a line
      size_t after = at + delimiter.size();
      bool close = text.substr(after, 2) == "--";
      if (!close) {
        while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;  // transport padding
        if (after < text.size() && text[after] != '\r' && text[after] != '\n') continue;  // "--boundaryXYZ"
      }
      if (open) {
        size_t end = at;
        if (end > *open && text[end - 1] == '\n') --end;  // the line break belongs to the delimiter
        if (end > *open && text[end - 1] == '\r') --end;
        parts.push_back(RawPart{text.substr(*open, end - *open), base + *open});
      }
      last_delimiter = at;
      if (close) return parts;  // what follows is the epilogue
      open = LineAt(text, at).next;
    }
    if (!open) {
      return Fail(part, base, what + " has no line '" + Shown(delimiter) + "': its parts must be separated by the "
                                                                           "boundary of its Content-Type");
    }
    return Fail(part, base + last_delimiter,
                what + " ends without its closing delimiter '" + Shown(delimiter) + "--' after the part that starts "
                       "here");
  }

  // Header lines up to a blank line. `body` gets the offset after the blank line, or npos when
  // the text ends before one.
  Result<Headers> ReadHeaders(std::string_view text, size_t base, const std::string& part, size_t& body) {
    Headers headers;
    size_t pos = 0;
    body = std::string_view::npos;
    while (pos < text.size()) {
      Line line = LineAt(text, pos);
      if (line.content.empty()) {
        body = line.next;
        return headers;
      }
      size_t colon = line.content.find(':');
      std::string_view name = colon == std::string_view::npos ? std::string_view() : Trim(line.content.substr(0, colon));
      if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
        return Fail(part, base + pos, "expected a header ('Name: value') or a blank line, found '" +
                                          Shown(line.content) + "'");
      }
      headers.emplace_back(std::string(name), std::string(Trim(line.content.substr(colon + 1))));
      pos = line.next;
    }
    return headers;
  }

  Status ReadEntry(const RawPart& raw, const std::string& part, Batch& batch) {
    size_t body = 0;
    RUNNEL_TRY(headers, ReadHeaders(raw.text, raw.offset, part, body));
    RUNNEL_TRY(kind, PartKind(headers, raw.offset, part, /*in_changeset=*/false));
    if (body == std::string_view::npos) {
      return Fail(part, raw.offset, "the part's headers must be followed by a blank line, then its " +
                                        std::string(kind.empty() ? "request" : "changeset"));
    }
    BatchEntry entry;
    if (kind.empty()) {
      RUNNEL_TRY(request, ReadRequest(raw.text.substr(body), raw.offset + body, part, headers, batch));
      if (!request.reference.empty()) {
        return FailAt(request.where, "'$" + Shown(request.reference) + "' refers to a Content-ID, which only requests "
                                     "of the same changeset can do; put both requests in one changeset");
      }
      entry.requests.push_back(std::move(request));
      batch.entries.push_back(std::move(entry));
      return Ok();
    }
    entry.changeset = true;
    RUNNEL_TRY(parts, Split(raw.text.substr(body), raw.offset + body, kind, "the changeset", part));
    if (parts.empty()) return Fail(part, raw.offset, "the changeset has no requests");
    for (size_t i = 0; i < parts.size(); ++i) {
      std::string inner = part + "." + std::to_string(i + 1);
      size_t inner_body = 0;
      RUNNEL_TRY(inner_headers, ReadHeaders(parts[i].text, parts[i].offset, inner, inner_body));
      RUNNEL_TRY_STATUS(PartKind(inner_headers, parts[i].offset, inner, /*in_changeset=*/true));
      if (inner_body == std::string_view::npos) {
        return Fail(inner, parts[i].offset, "the part's headers must be followed by a blank line, then its request");
      }
      RUNNEL_TRY(request, ReadRequest(parts[i].text.substr(inner_body), parts[i].offset + inner_body, inner,
                                      inner_headers, batch));
      if (request.method == "GET") {
        return FailAt(request.where, "GET is not allowed inside a changeset (a changeset holds only changes: POST, "
                                     "PATCH, PUT, DELETE); put the read before or after the changeset");
      }
      for (const auto& earlier : entry.requests) {
        if (!request.content_id.empty() && earlier.content_id == request.content_id) {
          return FailAt(request.where, "Content-ID '" + Shown(request.content_id) +
                                           "' is used twice in the changeset; give each request its own");
        }
      }
      if (!request.reference.empty()) {
        bool declared = std::any_of(entry.requests.begin(), entry.requests.end(),
                                    [&](const BatchRequest& r) { return r.content_id == request.reference; });
        if (!declared) {
          return FailAt(request.where, "Content-ID Reference: '$" + Shown(request.reference) +
                                           "' does not exist in the batch context (a reference names the Content-ID "
                                           "of an earlier request of the same changeset)");
        }
      }
      entry.requests.push_back(std::move(request));
    }
    batch.entries.push_back(std::move(entry));
    return Ok();
  }

  // "" for a request (application/http), the boundary for a changeset (multipart/mixed).
  Result<std::string> PartKind(const Headers& headers, size_t offset, const std::string& part, bool in_changeset) {
    const std::string* type = FindHeader(headers, "Content-Type");
    if (!type) {
      return Fail(part, offset, "the part has no Content-Type; a request part needs 'Content-Type: application/http'");
    }
    std::string media = Lower(Trim(std::string_view(*type).substr(0, type->find(';'))));
    if (const std::string* encoding = FindHeader(headers, "Content-Transfer-Encoding")) {
      std::string e = Lower(*encoding);
      if (e != "binary" && e != "8bit" && e != "7bit") {
        return Fail(part, offset, "Content-Transfer-Encoding '" + Shown(*encoding) + "' is not supported; send "
                                                                                    "the request as is (binary)");
      }
    }
    if (media == "application/http") return std::string();
    if (media == "multipart/mixed") {
      if (in_changeset) return Fail(part, offset, "a changeset cannot contain another changeset");
      auto boundary = MultipartBoundary(*type);
      if (!boundary) return Fail(part, offset, "the changeset's " + boundary.error().message);
      return std::move(boundary).value();
    }
    return Fail(part, offset, "the part has Content-Type '" + Shown(*type) + "'; a part is a request "
                              "(Content-Type: application/http) or" +
                                  (in_changeset ? std::string(" a request of the changeset")
                                                : std::string(" a changeset (Content-Type: multipart/mixed; "
                                                              "boundary=changeset_<id>)")));
  }

  // The HTTP request inside a part (`text` starts after the part's headers).
  Result<BatchRequest> ReadRequest(std::string_view text, size_t base, const std::string& part, const Headers& mime,
                                   Batch& batch) {
    if (++batch.request_count > limits_.max_requests) {
      Error e(batch_errc::kBatchTooLarge, "the batch holds more than " + std::to_string(limits_.max_requests) +
                                              " requests (limits.table_max_batch_requests); split it into several "
                                              "batches");
      e.where = Where(part, base);
      return e;
    }
    BatchRequest request;
    request.number = static_cast<int>(batch.request_count);
    if (const std::string* id = FindHeader(mime, "Content-ID")) request.content_id = *id;
    size_t pos = 0;
    while (pos < text.size() && LineAt(text, pos).content.empty()) pos = LineAt(text, pos).next;  // blank lines
    request.where = Where(part, base + pos);
    Line line = LineAt(text, pos);
    if (line.content.empty()) return Fail(part, base + pos, "the part holds no request ('METHOD URL HTTP/1.1')");
    size_t first = line.content.find(' ');
    size_t last = line.content.rfind(' ');
    std::string_view version = last == std::string_view::npos ? std::string_view() : line.content.substr(last + 1);
    if (first == last || (version != "HTTP/1.1" && version != "HTTP/1.0")) {
      return Fail(part, base + pos, "expected a request line 'METHOD URL HTTP/1.1', found '" + Shown(line.content) + "'");
    }
    std::string_view method = line.content.substr(0, first);
    std::string_view target = line.content.substr(first + 1, last - first - 1);
    bool method_ok = !method.empty() && method.size() <= kMaxMethod &&
                     std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!method_ok) return Fail(part, base + pos, "'" + Shown(method) + "' is not an HTTP method (GET, POST, ...)");
    if (target.find(' ') != std::string_view::npos) {
      return Fail(part, base + pos, "the URL '" + Shown(target) + "' contains a space; percent-encode it (%20)");
    }
    request.method = std::string(method);
    if (auto st = ResolveTarget(target, request); !st) return Fail(part, base + pos, st.error().message);
    size_t body = 0;
    RUNNEL_TRY(headers, ReadHeaders(text.substr(line.next), base + line.next, part, body));
    request.headers = std::move(headers);
    if (body != std::string_view::npos) request.body = std::string(text.substr(line.next + body));
    return request;
  }

  // Where the request line's URL points: see BatchRequest.
  Status ResolveTarget(std::string_view target, BatchRequest& request) {
    if (target.empty()) return Error(batch_errc::kInvalidBatch, "the request line has no URL");
    auto split_query = [&](std::string_view rest) {
      size_t q = rest.find('?');
      if (q != std::string_view::npos) request.query = std::string(rest.substr(q + 1));
      return rest.substr(0, q);
    };
    if (target.front() == '$') {
      std::string_view path = split_query(target.substr(1));
      size_t slash = path.find('/');
      request.reference = std::string(path.substr(0, slash));
      if (slash != std::string_view::npos) request.path = std::string(path.substr(slash + 1));
      if (request.reference.empty()) {
        return Error(batch_errc::kInvalidBatch, "'" + Shown(target) + "' names no Content-ID; a reference is $<Content-ID>");
      }
      return Ok();
    }
    if (StartsWithIgnoreCase(target, "http://") || StartsWithIgnoreCase(target, "https://")) {
      auto url = boost::urls::parse_uri(target);
      if (!url) {
        return Error(batch_errc::kInvalidBatch, "the URL '" + Shown(target) + "' is malformed (" + url.error().message() + ")");
      }
      request.path = std::string(url->encoded_path());
      if (url->has_query()) request.query = std::string(url->encoded_query());
    } else if (target.front() == '/') {
      request.path = std::string(split_query(target));
    } else {
      request.path = "/api/data/" + std::string(version_) + "/" + std::string(split_query(target));
    }
    if (request.path.rfind("/api/data/", 0) != 0) {
      return Error(batch_errc::kInvalidBatch, "the URL '" + Shown(target) + "' is not in the table API; write it relative "
                                              "to the service root (accounts(<id>)), as /api/data/v9.2/..., or as an "
                                              "absolute URL to it");
    }
    return Ok();
  }

  std::string_view body_;
  std::string_view version_;
  BatchLimits limits_;
  size_t counted_to_ = 0;
  int counted_line_ = 1;
};

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  std::string_view rest = content_type;
  size_t semi = rest.find(';');
  std::string media = Lower(Trim(rest.substr(0, semi)));
  if (media != "multipart/mixed") {
    return Error(batch_errc::kInvalidBatch, "Content-Type must be multipart/mixed with a boundary "
                                            "(multipart/mixed; boundary=batch_<id>), found '" + Shown(content_type) + "'");
  }
  while (semi != std::string_view::npos) {
    rest = rest.substr(semi + 1);
    semi = rest.find(';');
    std::string_view param = Trim(rest.substr(0, semi));
    size_t eq = param.find('=');
    if (eq == std::string_view::npos || !json::EqualsIgnoreCase(Trim(param.substr(0, eq)), "boundary")) continue;
    std::string_view value = Trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    bool ok = !value.empty() && value.size() <= kMaxBoundary && value.back() != ' ' &&
              std::all_of(value.begin(), value.end(), IsBoundaryChar);
    if (!ok) {
      return Error(batch_errc::kInvalidBatch, "boundary '" + Shown(value) + "' is not valid: 1 to 70 letters, digits "
                                              "or '()+_,-./:=? (RFC 2046)");
    }
    return std::string(value);
  }
  return Error(batch_errc::kInvalidBatch, "Content-Type multipart/mixed needs a boundary parameter "
                                          "(multipart/mixed; boundary=batch_<id>)");
}

Result<Batch> ReadBatch(std::string_view content_type, std::string_view body, std::string_view version,
                        const BatchLimits& limits) {
  RUNNEL_TRY(boundary, MultipartBoundary(content_type));
  return Reader(body, version, limits).Read(boundary);
}

}  // namespace runnel::server

#include "server/url_query.h"

#include <boost/url/encode.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "json/lookup.h"

namespace runnel::server {
namespace urls = boost::urls;

Result<QueryParams> ParseQuery(std::string_view query) {
  QueryParams out;
  if (query.empty()) return out;
  auto parsed = urls::parse_query(query);
  if (!parsed) {
    return Error("InvalidQuery", "the query string is malformed (" + parsed.error().message() +
                                     "); percent-encode reserved characters");
  }
  urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (auto p : *parsed) {
    out.emplace_back(p.key.decode(opts), p.has_value ? p.value.decode(opts) : std::string());
  }
  return out;
}

const std::string* FindParam(const QueryParams& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (json::EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

Result<std::string> DecodeSegment(std::string_view segment) {
  auto pct = urls::make_pct_string_view(segment);
  if (!pct) return Error("InvalidPath", "the path segment '" + std::string(segment) + "' has a malformed percent escape");
  return pct->decode();
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

std::string EncodeQueryValue(std::string_view value) { return urls::encode(value, urls::unreserved_chars); }

}  // namespace runnel::server

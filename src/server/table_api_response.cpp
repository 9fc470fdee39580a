#include "server/table_api_response.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include <charconv>

#include "json/lookup.h"
#include "json/serialize.h"
#include "tables/errors.h"
#include "tables/odata_errors.h"

namespace runnel::server {
namespace bj = boost::json;

namespace {

struct ErrorMapping {
  std::string_view code;       // Runnel's Error::code
  int status;
  std::string_view dataverse;  // Dataverse's error code for the same failure
};

// Dataverse's codes: 0x80040217 ObjectDoesNotExist, 0x80040237 DuplicateRecord, 0x80060882
// ConcurrencyVersionMismatch, 0x80044331 (a value longer than the column's maximum length),
// 0x80048d19 (an error in the payload), 0x80060888 (a query or segment the service does not
// understand), 0x80040203 InvalidArgument.
constexpr ErrorMapping kErrors[] = {
    {tables::errc::kInvalidFilter, 400, "0x80060888"},
    {tables::errc::kInvalidQuery, 400, "0x80060888"},
    {tables::errc::kUnsupportedQueryOption, 400, "0x80060888"},
    {tables::errc::kInvalidSelect, 400, "0x80060888"},
    {tables::errc::kInvalidSkipToken, 400, "0x80060888"},
    {tables::errc::kInvalidDeltaToken, 400, "0x80060888"},
    {tables::errc::kExpiredDeltaToken, 400, "0x80060888"},
    {tables::errc::kChangeTrackingOption, 400, "0x80060888"},
    {tables::errc::kColumnNotFound, 400, "0x80060888"},
    {tables::errc::kInvalidValue, 400, "0x80048d19"},
    {tables::errc::kInvalidBody, 400, "0x80048d19"},
    {tables::errc::kReadOnlyColumn, 400, "0x80048d19"},
    {tables::errc::kInvalidKey, 400, "0x80048d19"},
    {tables::errc::kMaxLengthExceeded, 400, "0x80044331"},
    {tables::errc::kRequiredColumnMissing, 400, "0x80040203"},
    {tables::errc::kLookupTargetNotFound, 400, "0x80040217"},
    {tables::errc::kRowNotFound, 404, "0x80040217"},
    {tables::errc::kTableNotFound, 404, "0x80060888"},
    {tables::errc::kDuplicateRecord, 412, "0x80040237"},
    {tables::errc::kVersionMismatch, 412, "0x80060882"},
    {"InvalidPath", 400, "0x80060888"},
    {"NotFound", 404, "0x80060888"},
    {"MethodNotAllowed", 405, ""},
    {"NotImplemented", 501, "0x80060888"},
    {"InvalidBatch", 400, "0x80048d19"},
    {"BatchTooLarge", 400, "0x80048d19"},
    {"StoreReadOnly", 503, ""},
    {"StoreFull", 503, ""},
    {"StoreClosed", 503, ""},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

HttpResponse BuildError(int status, std::string_view dataverse_code, std::string_view runnel_code, std::string message,
                        int position) {
  bj::object inner{{"code", runnel_code}};
  if (position >= 0) inner["position"] = position;  // where in the $filter text
  bj::object error{{"code", dataverse_code}, {"message", std::move(message)}, {"innererror", std::move(inner)}};
  HttpResponse r = HttpResponse::Json(status, json::Serialize(bj::object{{"error", std::move(error)}}));
  r.headers.emplace_back("OData-Version", "4.0");
  if (status == 503) r.headers.emplace_back("Retry-After", "5");
  return r;
}

}  // namespace

HttpResponse TableError(int status, std::string_view dataverse_code, std::string_view runnel_code, std::string message) {
  return BuildError(status, dataverse_code, runnel_code, std::move(message), -1);
}

HttpResponse TableError(const Error& e) {
  int status = 500;
  std::string_view dataverse;
  for (const auto& m : kErrors) {
    if (m.code == e.code) {
      status = m.status;
      dataverse = m.dataverse;
      break;
    }
  }
  std::string message = e.where.empty() ? e.message : e.where + ": " + e.message;
  return BuildError(status, dataverse, e.code, std::move(message), e.position);
}

HttpResponse ODataJson(int status, const bj::value& body) {
  HttpResponse r = HttpResponse::Json(status, json::Serialize(body));
  r.content_type = "application/json; odata.metadata=minimal; charset=utf-8";
  r.headers.emplace_back("OData-Version", "4.0");
  return r;
}

HttpResponse ODataEmpty(int status) {
  HttpResponse r;
  r.status = status;
  r.content_type.clear();
  r.headers.emplace_back("OData-Version", "4.0");
  return r;
}

Result<Preferences> ReadPreferences(const HttpRequest& req) {
  Preferences p;
  for (const auto& [name, value] : req.headers) {
    if (!json::EqualsIgnoreCase(name, "Prefer")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = Trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      size_t eq = item.find('=');
      std::string_view key = Trim(item.substr(0, eq));
      std::string_view val = eq == std::string_view::npos ? std::string_view() : Trim(item.substr(eq + 1));
      if (json::EqualsIgnoreCase(key, "return") && json::EqualsIgnoreCase(val, "representation")) {
        p.return_representation = true;
      } else if (json::EqualsIgnoreCase(key, "odata.track-changes")) {
        p.track_changes = true;
      } else if (json::EqualsIgnoreCase(key, "odata.continue-on-error") ||
                 json::EqualsIgnoreCase(key, "continue-on-error")) {  // OData 4.0 and 4.01 spellings
        p.continue_on_error = !json::EqualsIgnoreCase(val, "false");
      } else if (json::EqualsIgnoreCase(key, "odata.maxpagesize")) {
        int64_t n = 0;
        auto r = std::from_chars(val.data(), val.data() + val.size(), n);
        if (r.ec != std::errc() || r.ptr != val.data() + val.size() || n < 1) {
          return Error(tables::errc::kInvalidQuery, "Prefer: odata.maxpagesize must be a whole number of at least 1, "
                                                    "found '" + std::string(val) + "'");
        }
        p.max_page_size = n;
      }
      // Other preferences (odata.include-annotations, ...) are optional for a service to honour.
    }
  }
  return p;
}

Result<Precondition> ReadPrecondition(const HttpRequest& req, std::string_view header) {
  Precondition p;
  const std::string* raw = req.Header(header);
  if (!raw) return p;
  std::string_view v = Trim(*raw);
  if (v.empty() || v == "null") return p;
  p.present = true;
  if (v == "*") {
    p.any = true;
    return p;
  }
  if (v.size() > 2 && v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
    return Error(tables::errc::kInvalidQuery, std::string(header) + " must be * or an ETag this server issued "
                                                                    "(W/\"<number>\"), found '" + *raw + "'");
  }
  p.version = n;
  return p;
}

bool HasBearerToken(const HttpRequest& req, const std::string& token) {
  const std::string* auth = req.Header("Authorization");
  std::string expected = "Bearer " + token;
  return auth && auth->size() == expected.size() && CRYPTO_memcmp(auth->data(), expected.data(), expected.size()) == 0;
}

}  // namespace runnel::server

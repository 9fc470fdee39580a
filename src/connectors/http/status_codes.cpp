// The table of status codes: .NET's HttpStatusCode names (the spellings the hosted engine writes
// into run records) next to RFC 9110's reason phrases.
#include "connectors/http/status_codes.h"

#include <algorithm>
#include <iterator>

namespace runnel::connectors {

namespace {

struct StatusRow {
  int status;
  std::string_view name;
  std::string_view phrase;
};

// Sorted by status for the binary search.
constexpr StatusRow kStatuses[] = {
    {100, "Continue", "Continue"},
    {101, "SwitchingProtocols", "Switching Protocols"},
    {102, "Processing", "Processing"},
    {103, "EarlyHints", "Early Hints"},
    {200, "OK", "OK"},
    {201, "Created", "Created"},
    {202, "Accepted", "Accepted"},
    {203, "NonAuthoritativeInformation", "Non-Authoritative Information"},
    {204, "NoContent", "No Content"},
    {205, "ResetContent", "Reset Content"},
    {206, "PartialContent", "Partial Content"},
    {207, "MultiStatus", "Multi-Status"},
    {208, "AlreadyReported", "Already Reported"},
    {226, "IMUsed", "IM Used"},
    {300, "MultipleChoices", "Multiple Choices"},
    {301, "MovedPermanently", "Moved Permanently"},
    {302, "Found", "Found"},
    {303, "SeeOther", "See Other"},
    {304, "NotModified", "Not Modified"},
    {305, "UseProxy", "Use Proxy"},
    {307, "TemporaryRedirect", "Temporary Redirect"},
    {308, "PermanentRedirect", "Permanent Redirect"},
    {400, "BadRequest", "Bad Request"},
    {401, "Unauthorized", "Unauthorized"},
    {402, "PaymentRequired", "Payment Required"},
    {403, "Forbidden", "Forbidden"},
    {404, "NotFound", "Not Found"},
    {405, "MethodNotAllowed", "Method Not Allowed"},
    {406, "NotAcceptable", "Not Acceptable"},
    {407, "ProxyAuthenticationRequired", "Proxy Authentication Required"},
    {408, "RequestTimeout", "Request Timeout"},
    {409, "Conflict", "Conflict"},
    {410, "Gone", "Gone"},
    {411, "LengthRequired", "Length Required"},
    {412, "PreconditionFailed", "Precondition Failed"},
    {413, "RequestEntityTooLarge", "Content Too Large"},
    {414, "RequestUriTooLong", "URI Too Long"},
    {415, "UnsupportedMediaType", "Unsupported Media Type"},
    {416, "RequestedRangeNotSatisfiable", "Range Not Satisfiable"},
    {417, "ExpectationFailed", "Expectation Failed"},
    {421, "MisdirectedRequest", "Misdirected Request"},
    {422, "UnprocessableEntity", "Unprocessable Content"},
    {423, "Locked", "Locked"},
    {424, "FailedDependency", "Failed Dependency"},
    {426, "UpgradeRequired", "Upgrade Required"},
    {428, "PreconditionRequired", "Precondition Required"},
    {429, "TooManyRequests", "Too Many Requests"},
    {431, "RequestHeaderFieldsTooLarge", "Request Header Fields Too Large"},
    {451, "UnavailableForLegalReasons", "Unavailable For Legal Reasons"},
    {500, "InternalServerError", "Internal Server Error"},
    {501, "NotImplemented", "Not Implemented"},
    {502, "BadGateway", "Bad Gateway"},
    {503, "ServiceUnavailable", "Service Unavailable"},
    {504, "GatewayTimeout", "Gateway Timeout"},
    {505, "HttpVersionNotSupported", "HTTP Version Not Supported"},
    {506, "VariantAlsoNegotiates", "Variant Also Negotiates"},
    {507, "InsufficientStorage", "Insufficient Storage"},
    {508, "LoopDetected", "Loop Detected"},
    {510, "NotExtended", "Not Extended"},
    {511, "NetworkAuthenticationRequired", "Network Authentication Required"},
};

const StatusRow* Find(int status) {
  auto it = std::lower_bound(std::begin(kStatuses), std::end(kStatuses), status,
                             [](const StatusRow& row, int s) { return row.status < s; });
  return it != std::end(kStatuses) && it->status == status ? &*it : nullptr;
}

}  // namespace

std::string StatusName(int status) {
  const StatusRow* row = Find(status);
  return row ? std::string(row->name) : std::to_string(status);
}

std::string_view StatusPhrase(int status) {
  const StatusRow* row = Find(status);
  return row ? row->phrase : "Unknown";
}

}  // namespace runnel::connectors

// From an HttpResponse to the Http action's outputs {statusCode, headers, body}
// (wdl-digest §5.2, §15).
//
// Body by the response's Content-Type (media type, any case, parameters ignored):
//   JSON (application/json, text/json, */*+json)  parsed; invalid JSON fails the action with
//                                                  BadRequest (§5.2) and the text is kept
//   XML (application/xml, text/xml, */*+xml)       {"$content-type", "$content": base64}, so
//                                                  xml()/xpath() and later requests get the bytes
//   text/*                                         a string (UTF-8; ISO-8859-1 and US-ASCII
//                                                  charsets are converted, other bytes that are
//                                                  not UTF-8 become U+FFFD)
//   anything else                                  {"$content-type", "$content": base64}
//   no Content-Type                                JSON if it parses, else a string if it is
//                                                  UTF-8, else an application/octet-stream
//                                                  envelope (the type is unknown; be useful)
//   empty body                                     no "body" member (body('X') reads null)
// Headers become an object; a name received more than once keeps its first spelling and its
// values are joined with ", " (RFC 9110 §5.3).
#pragma once

#include <boost/json/value.hpp>
#include <optional>

#include "base/error.h"
#include "connectors/http/http_client.h"

namespace runnel::connectors {

struct ResponseOutputs {
  boost::json::value outputs;       // {statusCode, headers[, body]}
  std::optional<Error> body_error;  // set when a JSON content type carried invalid JSON
};

ResponseOutputs ReadResponse(const HttpResponse& response);

boost::json::object HeadersObject(const HttpHeaders& headers);

}  // namespace runnel::connectors

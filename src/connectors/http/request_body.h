// Turning the Http action's inputs.body into bytes and a content type (wdl-digest §5.2, §15).
//
//   absent or null                      no body
//   "text"                              the string's UTF-8 bytes, text/plain; charset=utf-8
//   {"$content-type", "$content"}       the decoded base64 bytes, with that content type — so
//                                       @body('Other') passes binary or XML content unchanged
//   {"$content-type", "$multipart"}     multipart (e.g. multipart/form-data) with a fresh
//                                       boundary; each part {"headers", "body"}, its body
//                                       encoded by these same rules
//   {"$content-type", "$formdata"}      application/x-www-form-urlencoded from
//                                       [{"key", "value"}, ...] (the Logic Apps form shape)
//   any other JSON                      compact JSON text, application/json
//
// The content type returned is what the body implies; the action lets an explicit Content-Type
// header override it.
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>

#include "base/result.h"

namespace runnel::connectors {

struct EncodedBody {
  std::string bytes;
  std::string content_type;  // implied by the body's form; never empty
};

// nullopt when there is no body. Fails with code "InvalidHttpBody" when an envelope is
// malformed ($content not base64, $multipart not an array of objects, $formdata not an array
// of {key, value}).
Result<std::optional<EncodedBody>> EncodeBody(const boost::json::value* body);

}  // namespace runnel::connectors

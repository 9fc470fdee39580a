// Reading form posts and multipart bodies the way formDataValue(), formDataMultiValues() and
// multipartBody() (and their trigger... variants) see them.
//
// Bodies arrive as content envelopes (wdl-digest §15):
//   {"$content-type": "application/x-www-form-urlencoded", "$content": "<base64>"}
//   {"$content-type": "multipart/form-data; boundary=X", "$content": "<base64>"}
//   {"$content-type": "multipart/...", "$multipart": [{"headers": {...}, "body": ...}, ...]}
// A plain JSON object body is read as already-parsed fields.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace runnel::expr {

// All values of form field `key` in `body`, in order.
Result<std::vector<boost::json::value>> FormValues(const boost::json::value& body, std::string_view key);

// The body of part `index` of a multipart body: JSON when the part is JSON, text when it is
// text, otherwise a content envelope.
Result<boost::json::value> MultipartPart(const boost::json::value& body, int64_t index);

}  // namespace runnel::expr

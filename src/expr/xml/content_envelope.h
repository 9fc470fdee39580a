// Content envelopes (and data URIs): how binary and XML values travel through expressions as JSON.
//
// The hosted engine stores non-JSON content as {"$content-type": "<type>", "$content": "<base64>"}
// (digest §15). binary(), base64ToBinary(), dataUriToBinary(), decodeDataUri() and
// uriComponentToBinary() produce application/octet-stream envelopes; xml() produces
// application/xml;charset=utf-8 ones. string() decodes an envelope's bytes to text, base64()
// re-encodes them, json() and xpath() read XML envelopes.
//
// These helpers live beside the XML code because XML is the main envelope type expressions
// build; they know nothing of XML themselves.
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::expr {

inline constexpr std::string_view kOctetStreamType = "application/octet-stream";
inline constexpr std::string_view kXmlContentType = "application/xml;charset=utf-8";

struct Content {
  std::string type;   // the $content-type as stored
  std::string bytes;  // $content decoded
};

// The type and bytes of `v` when it is an envelope: an object with a string "$content-type" and
// a string "$content" that is valid base64 (other members are ignored). nullopt otherwise.
std::optional<Content> ReadContentEnvelope(const boost::json::value& v);

// {"$content-type": type, "$content": base64(bytes)}.
boost::json::value MakeContentEnvelope(std::string_view type, std::string_view bytes);

// A data URI (RFC 2397) "data:[<media type>][;base64],<data>" decoded: `type` is the media type
// ("text/plain;charset=US-ASCII" when empty, per the RFC), `bytes` the payload, base64-decoded
// when marked ";base64" (after undoing any percent-encoding) and percent-decoded otherwise.
// nullopt when `uri` does not start with "data:" (any case), has no ',' or has invalid base64.
std::optional<Content> ParseDataUri(std::string_view uri);

// Whether a content type names XML: application/xml, text/xml or any "+xml" type, with or
// without parameters, any case.
bool IsXmlContentType(std::string_view type);

// `bytes` as UTF-8 text: valid UTF-8 is returned as is; each maximal invalid sequence becomes
// U+FFFD, as .NET's Encoding.UTF8.GetString does. Keeps every produced string valid UTF-8.
std::string BytesToText(std::string_view bytes);

// `text` in single quotes for an error message, cut to at most `max_bytes` (on a character
// boundary) with "..." when longer: 'abc...'.
std::string Excerpt(std::string_view text, size_t max_bytes = 60);

}  // namespace runnel::expr

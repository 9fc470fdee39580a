// Byte encodings shared by several function categories: base64 and URI percent-encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runnel::expr {

std::string Base64Encode(std::string_view bytes);
// Standard alphabet with or without padding; whitespace is ignored. nullopt on any other
// character or a truncated group.
std::optional<std::string> Base64Decode(std::string_view text);

// encodeUriComponent(): every byte except A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex), as
// .NET's Uri.EscapeDataString does.
std::string UriComponentEncode(std::string_view text);
// decodeUriComponent(): %XX sequences become bytes; a '%' not followed by two hex digits stays
// as it is (Uri.UnescapeDataString is lenient in the same way).
std::string UriComponentDecode(std::string_view text);

}  // namespace runnel::expr

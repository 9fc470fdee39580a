// HTTP status codes as the run record shows them.
//
// The hosted engine's record code is .NET's HttpStatusCode name ("NotFound", "TooManyRequests"),
// and people read the RFC 9110 reason phrase ("Not Found"). Codes without a name (e.g. 299)
// use the number itself as the name and "Unknown" as the phrase.
#pragma once

#include <string>
#include <string_view>

namespace runnel::connectors {

// "NotFound" for 404; "299" for a code without a name.
std::string StatusName(int status);

// "Not Found" for 404; "Unknown" for a code without a phrase.
std::string_view StatusPhrase(int status);

}  // namespace runnel::connectors

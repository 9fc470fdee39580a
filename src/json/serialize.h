// Text forms of JSON values, matching what Logic Apps / Power Automate users see.
//
// boost::json's own serializer writes doubles as "3E0"; users of WDL expect JSON.NET's forms
// ("3.0" in JSON, "3" from string()). Everything that turns a value into text goes through here.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

namespace runnel::json {

// Compact JSON text (no whitespace), doubles in shortest round-trip form with a ".0" kept on
// integral values, strings escaped per RFC 8259 (non-ASCII kept as UTF-8).
std::string Serialize(const boost::json::value& v);
void SerializeTo(const boost::json::value& v, std::string& out);

// Indented JSON (two spaces), for people reading CLI output.
std::string SerializePretty(const boost::json::value& v);

// .NET's double.ToString() (shortest round-trip, "R"): 3.0 -> "3", 0.1 -> "0.1", 1e20 -> "1E+20",
// 1e-5 -> "1E-05"; NaN -> "NaN"; infinities -> "∞" / "-∞" as .NET Core prints them.
std::string DotNetDouble(double d);

// The text a value becomes when WDL converts it to a string (string(), @{...} templates):
// strings as-is, null -> "", booleans "True"/"False" (.NET), numbers via DotNetDouble or decimal
// digits, arrays and objects as compact JSON.
std::string ToText(const boost::json::value& v);
void AppendText(const boost::json::value& v, std::string& out);

// JSON string literal (with quotes) for s.
void AppendQuoted(std::string_view s, std::string& out);

}  // namespace runnel::json

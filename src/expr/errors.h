// The error codes of the expression layer (Error::code values).
//
// Codes are stable names that tools, tests and `runnel eval --jsonl` users match on. The engine
// maps all of them to a failed action with code "InvalidTemplate", as the hosted product does,
// keeping this code in the message.
#pragma once

namespace runnel::expr::errc {

// The text is not a valid expression; Error::position points at the offending character.
inline constexpr char kSyntax[] = "ExpressionSyntaxError";
// A function name that is not in the WDL function table.
inline constexpr char kUnknownFunction[] = "UnknownFunction";
// A known function called with too few or too many arguments.
inline constexpr char kArity[] = "WrongArgumentCount";
// An argument or operand of the wrong type (e.g. int() of an object).
inline constexpr char kType[] = "InvalidArgumentType";
// An argument of the right type with a value the function rejects (bad format, out of range).
inline constexpr char kValue[] = "InvalidArgumentValue";
// A property read without `?` on a value that lacks it, or an index outside an array.
inline constexpr char kMissing[] = "PropertyNotFound";
// Division or modulo by zero.
inline constexpr char kDivideByZero[] = "DivideByZero";
// A configured limit was exceeded (expression length, nesting, result size, range count).
inline constexpr char kLimit[] = "LimitExceeded";
// A workflow function (trigger(), body(), variables(), ...) names something that is not there,
// or is called where the run provides no such context.
inline constexpr char kContext[] = "InvalidWorkflowReference";

}  // namespace runnel::expr::errc

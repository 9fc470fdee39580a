// Data operations (wdl-digest §5.10): ParseJson, Query ("Filter array"), Select, Join, Table;
// and Power Automate's built-in operations of type "Expression" (AddToTime, ConvertTimeZone,
// ...). One file each; this header declares them and the helpers they share.
//
// Every handler completes synchronously inside Execute() with outputs {"body": <result>}, or
// fails with a code of its own (below) and a message that starts with the action type
// ("Query: ..."). Errors of the expressions they evaluate keep the expression layer's code
// (expr/errors.h) and get the element index prepended to the message.
//
//   InvalidQueryInput / InvalidSelectInput / InvalidJoinInput / InvalidTableInput /
//   InvalidParseJsonInput / InvalidExpressionInput   a missing or mistyped input ("from" not an array, ...)
//   InvalidQueryCondition       Query's "where" gave a non-boolean for some element
//   InvalidJSON                 ParseJson's content is a string that is not JSON
//   InvalidSchema               ParseJson's schema cannot be applied (json_schema.h)
//   SchemaValidationFailed      ParseJson's content breaks the schema; outputs {"errors": [...]}
//   OutputTooLarge              the result would exceed expr::Limits::max_result_chars
//
// Query, Select and Table evaluate part of their inputs once per element with item() bound to
// it, so they cannot use ActionCall::EvaluateInputs (which would evaluate "where" with item()
// unbound). They compile the member from the action's JSON at each execution instead: that costs
// about 7 µs for a two-condition "where" and 8 µs for a four-member "select" map (RelWithDebInfo,
// one core), small next to the per-element evaluation, while a cache keyed by flow::Action*
// would have to know when a definition is unloaded and its addresses reused.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "engine/action_handler.h"

namespace runnel::engine {

void RegisterDataOperationHandlers(HandlerRegistry& registry);

#define RUNNEL_DECLARE_DATA_HANDLER(Name)                     \
  class Name final : public ActionHandler {                   \
   public:                                                    \
    void Execute(std::shared_ptr<ActionCall> call) override;  \
  }

RUNNEL_DECLARE_DATA_HANDLER(ParseJsonHandler);
RUNNEL_DECLARE_DATA_HANDLER(QueryHandler);
RUNNEL_DECLARE_DATA_HANDLER(SelectHandler);
RUNNEL_DECLARE_DATA_HANDLER(JoinHandler);
RUNNEL_DECLARE_DATA_HANDLER(TableHandler);
RUNNEL_DECLARE_DATA_HANDLER(ExpressionOpHandler);

#undef RUNNEL_DECLARE_DATA_HANDLER

namespace data_ops {

// The unevaluated JSON of inputs member `name` (exact name first, then any case), or nullptr
// when absent. Fails with `code` when the action's "inputs" is not an object (written as one
// expression, say), since then no member can be evaluated per element.
Result<const boost::json::value*> RawInput(const flow::Action& a, std::string_view name, const char* code);
// The same for a required member: fails with `code` and "the inputs need \"<name>\": <what>"
// when it is absent.
Result<const boost::json::value*> RequiredRawInput(const flow::Action& a, std::string_view name, const char* code,
                                                   std::string_view what);

// Compiles and evaluates inputs member `raw` (from RawInput) in the action's context, item()
// bound to `item` when given. The action type prefixes any error message.
Result<boost::json::value> EvaluateRaw(ActionCall& call, const boost::json::value& raw,
                                       const boost::json::value* item = nullptr);

// Evaluates the required "from" input and checks that it is an array.
Result<boost::json::array> EvaluateFrom(ActionCall& call, const char* code);

// Error `e` with "<Type>: " (and `context` when not empty) prefixed to its message, keeping its
// code and location.
Error Annotate(const flow::Action& a, Error e, std::string_view context = {});

// An error with `code` and "<Type>: <message>".
Error Fail(const flow::Action& a, const char* code, std::string_view message);

// A lower bound on the characters of v's compact JSON text (escapes not counted), computed
// without serializing: enough to refuse an output that is certainly over the limit.
size_t MinJsonChars(const boost::json::value& v);

// The OutputTooLarge error for an output that would pass `limit` characters.
Error OutputTooLarge(const flow::Action& a, size_t limit);

// Completes `call`: Succeeded with {"body": body}, or Failed with the error.
void CompleteWithBody(ActionCall& call, Result<boost::json::value> body);

}  // namespace data_ops
}  // namespace runnel::engine

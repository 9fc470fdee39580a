// The closed lists of action and trigger types Runnel knows, matched case-insensitively
// (the public corpus has "foreach", "initializeVariable", "Response" kind "http").
//
// When this list grows: add the enumerator, its row in action_types.cpp, a handler in engine/
// (or connectors/), validation rules in action_rules.cpp if the type has structure, and a golden
// flow under tests/flows/.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace runnel::flow {

enum class ActionType {
  // Data and variables.
  kCompose, kParseJson, kQuery, kSelect, kJoin, kTable,
  kInitializeVariable, kSetVariable, kIncrementVariable, kDecrementVariable,
  kAppendToArrayVariable, kAppendToStringVariable,
  // Control flow.
  kIf, kSwitch, kForeach, kUntil, kScope, kTerminate, kWait,
  // Request/response and calls.
  kResponse, kHttp, kWorkflow, kHttpWebhook,
  // Power Automate's built-in date/time operations (type "Expression", kind e.g. "AddToTime").
  kExpression,
  // Managed connectors: resolved through configured connections (none yet: they fail at run
  // time with a clear "no connection configured" error).
  kApiConnection, kApiConnectionWebhook, kOpenApiConnection, kOpenApiConnectionWebhook,
  // Known to the hosted products but not (yet) executable here: validation reports them.
  kFunction, kJavaScriptCode, kServiceProvider, kOther,
};

enum class TriggerType {
  kRequest, kRecurrence, kHttp, kHttpWebhook, kApiConnection, kApiConnectionWebhook,
  kOpenApiConnection, kOpenApiConnectionWebhook, kOpenApiConnectionNotification,
  kSlidingWindow, kServiceProvider, kOther,
};

struct ActionTypeInfo {
  ActionType type;
  std::string_view name;  // canonical spelling
  bool executable;        // the engine can run it (managed connectors: fail cleanly at run time)
  bool container;         // holds nested actions
};

// The row for a type name written in a definition, or nullopt when the name is unknown.
std::optional<ActionTypeInfo> FindActionType(std::string_view name);
std::string_view ActionTypeName(ActionType type);

std::optional<TriggerType> FindTriggerType(std::string_view name);
std::string_view TriggerTypeName(TriggerType type);

struct TriggerTypeInfo {
  TriggerType type;
  std::string_view name;  // canonical spelling
  bool executable;        // Runnel can fire it (managed connectors: fail cleanly at run time)
};

// The row for a trigger type name, or nullopt when the name is unknown.
std::optional<TriggerTypeInfo> FindTriggerTypeInfo(std::string_view name);

// Every row, in table order: for listings and "did you mean" suggestions.
std::span<const ActionTypeInfo> AllActionTypes();
std::span<const TriggerTypeInfo> AllTriggerTypes();

}  // namespace runnel::flow

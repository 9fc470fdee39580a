#include "flow/action_types.h"

#include <cstddef>

#include "json/lookup.h"

namespace runnel::flow {
namespace {

using A = ActionType;

// One row per type name. Names outside the enum map to kOther with their canonical spelling, so
// validation can say "Xslt is not supported by Runnel yet" rather than "unknown type".
constexpr ActionTypeInfo kActionTypes[] = {
    // Data and variables.
    {A::kCompose, "Compose", true, false},
    {A::kParseJson, "ParseJson", true, false},
    {A::kQuery, "Query", true, false},
    {A::kSelect, "Select", true, false},
    {A::kJoin, "Join", true, false},
    {A::kTable, "Table", true, false},
    {A::kInitializeVariable, "InitializeVariable", true, false},
    {A::kSetVariable, "SetVariable", true, false},
    {A::kIncrementVariable, "IncrementVariable", true, false},
    {A::kDecrementVariable, "DecrementVariable", true, false},
    {A::kAppendToArrayVariable, "AppendToArrayVariable", true, false},
    {A::kAppendToStringVariable, "AppendToStringVariable", true, false},
    // Control flow.
    {A::kIf, "If", true, true},
    {A::kSwitch, "Switch", true, true},
    {A::kForeach, "Foreach", true, true},
    {A::kUntil, "Until", true, true},
    {A::kScope, "Scope", true, true},
    {A::kTerminate, "Terminate", true, false},
    {A::kWait, "Wait", true, false},
    // Request/response and calls.
    {A::kResponse, "Response", true, false},
    {A::kHttp, "Http", true, false},
    {A::kWorkflow, "Workflow", true, false},
    {A::kHttpWebhook, "HttpWebhook", true, false},
    {A::kExpression, "Expression", true, false},
    // Managed connectors: executable in the sense that they fail cleanly at run time.
    {A::kApiConnection, "ApiConnection", true, false},
    {A::kApiConnectionWebhook, "ApiConnectionWebhook", true, false},
    {A::kOpenApiConnection, "OpenApiConnection", true, false},
    {A::kOpenApiConnectionWebhook, "OpenApiConnectionWebhook", true, false},
    // Known, not executable yet.
    {A::kFunction, "Function", false, false},
    {A::kJavaScriptCode, "JavaScriptCode", false, false},
    {A::kServiceProvider, "ServiceProvider", false, false},
    // Logic Apps Standard inline code and local functions.
    {A::kOther, "CSharpScriptCode", false, false},
    {A::kOther, "PowershellCode", false, false},
    {A::kOther, "InvokeFunction", false, false},
    // AI operations of Logic Apps Standard (the public corpus: agent templates).
    {A::kOther, "Agent", false, false},
    {A::kOther, "AgentHandoff", false, false},
    {A::kOther, "ChunkText", false, false},
    {A::kOther, "ParseDocument", false, false},
    // XML and integration-account (B2B) operations.
    {A::kOther, "Xslt", false, false},
    {A::kOther, "Liquid", false, false},
    {A::kOther, "XmlValidation", false, false},
    {A::kOther, "XmlParse", false, false},
    {A::kOther, "XmlCompose", false, false},
    {A::kOther, "FlatFileEncoding", false, false},
    {A::kOther, "FlatFileDecoding", false, false},
    {A::kOther, "IntegrationAccountArtifactLookup", false, false},
    {A::kOther, "X12Encode", false, false},
    {A::kOther, "X12Decode", false, false},
    {A::kOther, "X12BatchEncode", false, false},
    {A::kOther, "EdifactEncode", false, false},
    {A::kOther, "EdifactDecode", false, false},
    {A::kOther, "EdifactBatchEncode", false, false},
    {A::kOther, "AS2Encode", false, false},
    {A::kOther, "AS2Decode", false, false},
    {A::kOther, "RosettaNetEncode", false, false},
    {A::kOther, "RosettaNetDecode", false, false},
    {A::kOther, "RosettaNetWaitForResponse", false, false},
    {A::kOther, "SwiftEncode", false, false},
    {A::kOther, "SwiftDecode", false, false},
    // Other hosted-only operations.
    {A::kOther, "ApiManagement", false, false},
    {A::kOther, "SendToBatch", false, false},
};

using T = TriggerType;

constexpr TriggerTypeInfo kTriggerTypes[] = {
    {T::kRequest, "Request", true},
    {T::kRecurrence, "Recurrence", true},
    {T::kHttp, "Http", true},
    {T::kHttpWebhook, "HttpWebhook", true},
    {T::kApiConnection, "ApiConnection", true},
    {T::kApiConnectionWebhook, "ApiConnectionWebhook", true},
    {T::kOpenApiConnection, "OpenApiConnection", true},
    {T::kOpenApiConnectionWebhook, "OpenApiConnectionWebhook", true},
    {T::kOpenApiConnectionNotification, "OpenApiConnectionNotification", true},
    {T::kSlidingWindow, "SlidingWindow", false},
    {T::kServiceProvider, "ServiceProvider", false},
    {T::kOther, "ApiConnectionNotification", false},
    {T::kOther, "ApiManagement", false},
    {T::kOther, "Batch", false},
};

// Every enumerator needs its row: a new type without one would be unreachable from definitions.
template <class Row, size_t N, class Enum>
constexpr bool EveryTypeHasARow(const Row (&rows)[N], Enum last) {
  for (int t = 0; t < static_cast<int>(last); ++t) {
    bool found = false;
    for (const Row& row : rows) found = found || static_cast<int>(row.type) == t;
    if (!found) return false;
  }
  return true;
}
static_assert(EveryTypeHasARow(kActionTypes, ActionType::kOther), "an ActionType lacks its row");
static_assert(EveryTypeHasARow(kTriggerTypes, TriggerType::kOther), "a TriggerType lacks its row");

}  // namespace

std::optional<ActionTypeInfo> FindActionType(std::string_view name) {
  for (const ActionTypeInfo& row : kActionTypes) {
    if (json::EqualsIgnoreCase(row.name, name)) return row;
  }
  return std::nullopt;
}

std::string_view ActionTypeName(ActionType type) {
  if (type == ActionType::kOther) return "Other";
  for (const ActionTypeInfo& row : kActionTypes) {
    if (row.type == type) return row.name;
  }
  return "Other";
}

std::optional<TriggerTypeInfo> FindTriggerTypeInfo(std::string_view name) {
  for (const TriggerTypeInfo& row : kTriggerTypes) {
    if (json::EqualsIgnoreCase(row.name, name)) return row;
  }
  return std::nullopt;
}

std::optional<TriggerType> FindTriggerType(std::string_view name) {
  auto info = FindTriggerTypeInfo(name);
  if (!info) return std::nullopt;
  return info->type;
}

std::string_view TriggerTypeName(TriggerType type) {
  if (type == TriggerType::kOther) return "Other";
  for (const TriggerTypeInfo& row : kTriggerTypes) {
    if (row.type == type) return row.name;
  }
  return "Other";
}

std::span<const ActionTypeInfo> AllActionTypes() { return kActionTypes; }
std::span<const TriggerTypeInfo> AllTriggerTypes() { return kTriggerTypes; }

}  // namespace runnel::flow

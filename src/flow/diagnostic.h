// Diagnostic: one problem found while building or validating a definition.
#pragma once

#include <string>

namespace runnel::flow {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string code;     // stable, e.g. "UnknownActionType", "RunAfterCycle"
  std::string message;  // what is wrong and how to fix it
  std::string pointer;  // JSON pointer in the file (not just the definition)
  int line = 0;         // 1-based, 0 when unknown
  int column = 0;
  // The name the problem is about, for tools that group diagnostics: the type name for
  // Unknown/Unsupported{Action,Trigger}Type (canonical spelling when known), else the action,
  // trigger, variable or parameter name; may be empty.
  std::string subject;
};

}  // namespace runnel::flow

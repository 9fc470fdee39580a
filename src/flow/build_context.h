// Internal to the definition builder: what its pieces share while one definition is built.
//
// The builder runs in passes (definition_builder.cpp): parameters and triggers, the action tree
// with per-type rules, runAfter ordering, then the static reference checks, which need the whole
// tree and so work from the uses the earlier passes recorded here. One BuildContext per build;
// not shared between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/definition.h"
#include "flow/definition_builder.h"
#include "flow/diagnostic.h"
#include "flow/loader.h"

namespace runnel::flow::build {

// A workflow-function call with a literal first argument, checked once the tree is complete.
struct ReferenceUse {
  enum class Kind {
    kParameter,  // parameters('x')
    kVariable,   // variables('x')
    kAction,     // body('x'), outputs('x'), actions('x'), ...
    kLoop,       // items('x'), iterationIndexes('x')
    kResult,     // result('x')
  };
  Kind kind;
  std::string function;  // canonical function name, for messages
  std::string name;      // the literal argument
  std::string pointer;   // definition-relative pointer of the string that holds the call
  // The innermost action whose body holds the string (nullptr at top level and in triggers):
  // loops named by items() must be this action or one of its ancestors.
  const Action* scope = nullptr;
};

// A variable named by an action that changes it (SetVariable, IncrementVariable, ...).
struct VariableUpdate {
  std::string name;
  std::string pointer;  // of inputs/name
  ActionType type;
};

struct VariableDecl {
  std::string name;     // as declared
  std::string type;     // canonical: Integer, Float, Boolean, String, Array, Object
  std::string pointer;  // of the InitializeVariable action, in the file
};

class BuildContext {
 public:
  BuildContext(const FlowFile& file, const BuildOptions& options, std::vector<Diagnostic>& out);

  const BuildOptions& options() const { return options_; }
  const FlowFile& file() const { return file_; }

  // Reports a problem at `pointer`, relative to the definition (the file pointer and line:column
  // are filled in here).
  void Error(std::string_view pointer, const char* code, std::string message,
             std::string subject = {});
  void Warning(std::string_view pointer, const char* code, std::string message,
               std::string subject = {});
  // The same with a pointer relative to the file (e.g. workflow.json "kind").
  void ErrorInFile(std::string_view file_pointer, const char* code, std::string message);

  size_t error_count() const { return errors_; }
  // A definition-relative pointer as the file sees it, for messages that name another place.
  std::string FilePointer(std::string_view pointer) const {
    return file_.definition_pointer + std::string(pointer);
  }

  // ARM template expressions ("[parameters('x')]") are evaluated when a template is deployed,
  // not by WDL; definitions cut out of ARM templates still hold them. They are counted here and
  // reported as one warning (ReportDeployTimeExpressions), and checks that expect a number or a
  // name accept them.
  void NoteDeployTimeExpression(std::string_view pointer, std::string_view text);
  void ReportDeployTimeExpressions();

  std::vector<ReferenceUse> references;
  // Calls of volatile functions (utcNow, guid, rand...) compiled so far: the builder compares
  // the count before and after an action's inputs to set Action::volatile_inputs.
  int volatile_calls = 0;
  std::vector<VariableUpdate> variable_updates;
  std::map<std::string, VariableDecl> variables;  // by lower-case name
  std::vector<std::string> trigger_names;
  std::vector<std::string> parameters_without_value;  // declared, no defaultValue, none supplied
  int action_count = 0;

 private:
  void Add(Diagnostic::Severity severity, std::string file_pointer, const char* code,
           std::string message, std::string subject);

  const FlowFile& file_;
  const BuildOptions& options_;
  std::vector<Diagnostic>& out_;
  size_t errors_ = 0;
  size_t deploy_time_expressions_ = 0;
  std::string first_deploy_time_pointer_;
  std::string first_deploy_time_text_;
};

// ---- Small helpers shared by the passes ----

// Whether a reference `ref` (as written in an expression) names `name` the way
// Definition::FindAction resolves: exactly, ignoring case, or with spaces as underscores.
bool NameMatches(std::string_view name, std::string_view ref);
// "; did you mean 'x'?" for the candidate closest to `name`, or "" when none is close.
std::string DidYouMean(std::string_view name, const std::vector<std::string_view>& candidates);
// Characters (not bytes) in UTF-8 text.
size_t CharCount(std::string_view s);
// "a string", "an object", ... for messages.
std::string DescribeKind(const boost::json::value& v);
// A definition string that is evaluated: "@expr" (not "@@...") or text with "@{...}" holes.
bool IsWdlExpression(const boost::json::value& v);
bool IsWdlExpression(std::string_view text);
// An ARM template expression: "[name(" ... "]" ("[[" is ARM's escape for a literal '[').
bool IsDeployTimeExpression(std::string_view text);
// A value computed when the flow is saved or deployed (either of the above): checks that expect
// a literal number, name or type accept it.
bool IsComputed(const boost::json::value& v);
// A whole number written as a JSON integer or as decimal digits in a string ("1": the hosted
// service converts such strings); nullopt otherwise.
std::optional<int64_t> WholeNumber(const boost::json::value& v);
// The constant null an absent "inputs" compiles from; lives for the whole program.
const boost::json::value& NullValue();

}  // namespace runnel::flow::build

// WorkflowContext: what the workflow functions (trigger(), body(), variables(), item(), ...)
// read. The engine implements it for a running action; JsonContext (json_context.h) implements
// it over a plain JSON object for `runnel eval` and tests.
//
// Every method returns a pointer to a value the context owns, or nullptr when the thing is not
// there (the function then reports which name was missing). Returned pointers must stay valid
// and unchanged for the duration of one evaluation. Implementations are used from one thread
// at a time per evaluation; const methods must not mutate shared state without synchronization.
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::expr {

class WorkflowContext {
 public:
  virtual ~WorkflowContext() = default;

  // The trigger record: {name, inputs, outputs: {headers, body, ...}, startTime, status, ...}.
  virtual const boost::json::value* Trigger() const = 0;
  // The record of action `name` (exact name; the caller has already tried it as written):
  // {name, inputs, outputs, status, code, startTime, endTime, trackingId, clientTrackingId, error}.
  virtual const boost::json::value* Action(std::string_view name) const = 0;
  // The action being evaluated (only meaningful in Until conditions, trackedProperties and
  // webhook unsubscribe); nullptr elsewhere.
  virtual const boost::json::value* CurrentAction() const = 0;
  virtual const boost::json::value* Variable(std::string_view name) const = 0;
  virtual const boost::json::value* Parameter(std::string_view name) const = 0;
  // The current element of the innermost iterating construct (Foreach, Query, Select, Table).
  virtual const boost::json::value* Item() const = 0;
  // The current element of the named Foreach loop.
  virtual const boost::json::value* Items(std::string_view loop) const = 0;
  // The current zero-based iteration index of the named Until or Foreach loop.
  virtual std::optional<int64_t> IterationIndex(std::string_view loop) const = 0;
  // result('Scope'): an array of the scope's first-level action records.
  virtual const boost::json::value* ScopeResult(std::string_view scope) const = 0;
  // workflow(): {id, name, type, location, run: {id, name, type}, tags}.
  virtual const boost::json::value* Workflow() const = 0;
  // listCallbackUrl(): the callback URL of the current trigger or webhook action.
  virtual std::optional<std::string> CallbackUrl() const = 0;
  // appsetting(name): the app setting `name` (Logic Apps Standard); none unless the runner
  // was given settings.
  virtual const boost::json::value* AppSetting(std::string_view /*name*/) const { return nullptr; }
};

}  // namespace runnel::expr

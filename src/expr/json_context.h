// JsonContext: a WorkflowContext read from one JSON object, the format `runnel eval --context`
// accepts (documented in docs/expressions.md):
//
//   { "parameters": {name: value}, "variables": {name: value}, "trigger": {trigger record},
//     "actions": {name: action record}, "action": {current action record},
//     "item": value, "items": {loop name: value}, "iterationIndexes": {loop name: integer},
//     "result": {scope name: [action records]}, "workflow": {...}, "callbackUrl": "https://..." }
//
// Every member is optional. Names are looked up exactly, then ignoring case.
#pragma once

#include <boost/json/value.hpp>

#include "base/result.h"
#include "expr/context.h"

namespace runnel::expr {

class JsonContext final : public WorkflowContext {
 public:
  JsonContext() = default;
  // Fails when `doc` is not an object or a member has the wrong type (e.g. "variables": 3).
  static Result<JsonContext> FromJson(boost::json::value doc);

  const boost::json::value* Trigger() const override;
  const boost::json::value* Action(std::string_view name) const override;
  const boost::json::value* CurrentAction() const override;
  const boost::json::value* Variable(std::string_view name) const override;
  const boost::json::value* Parameter(std::string_view name) const override;
  const boost::json::value* Item() const override;
  const boost::json::value* Items(std::string_view loop) const override;
  std::optional<int64_t> IterationIndex(std::string_view loop) const override;
  const boost::json::value* ScopeResult(std::string_view scope) const override;
  const boost::json::value* Workflow() const override;
  std::optional<std::string> CallbackUrl() const override;

 private:
  const boost::json::value* Member(std::string_view section) const;
  const boost::json::value* Named(std::string_view section, std::string_view name) const;
  boost::json::value doc_ = boost::json::object();
};

}  // namespace runnel::expr

// Building the action tree of a definition: one Action per action object, containers and
// branches for the control-flow types, every expression compiled, and the structural rules of
// each type checked on the way (per-type input rules live in action_rules.cpp, the control-flow
// types in control_flow.cpp).
//
// Ordering by runAfter happens later (run_after_graph.h): containers come out of here in document
// order.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "flow/build_context.h"
#include "flow/definition.h"

namespace runnel::flow::build {

class ActionBuilder {
 public:
  ActionBuilder(BuildContext& ctx, Definition& definition) : ctx_(ctx), def_(definition) {}

  // Builds the actions object `actions` (nullptr when absent) found at `pointer` into `out`;
  // its actions sit `depth` containers deep, inside `parent` (nullptr at top level).
  void BuildContainer(const boost::json::value* actions, const std::string& pointer,
                      const Action* parent, int depth, Container& out);

 private:
  std::unique_ptr<Action> BuildAction(std::string_view name, const boost::json::value& json,
                                      const std::string& pointer, const Action* parent, int depth);
  void BuildCommon(Action& action, const boost::json::object& o);
  void BuildRuntimeConfiguration(Action& action, const boost::json::value& rc);
  void Register(const Action& action);

  // control_flow.cpp
  void BuildControlFlow(Action& action, const boost::json::object& o);
  void BuildIf(Action& action, const boost::json::object& o);
  void BuildSwitch(Action& action, const boost::json::object& o);
  void BuildForeach(Action& action, const boost::json::object& o);
  void BuildUntil(Action& action, const boost::json::object& o);
  // A branch whose actions are the member "actions" of `holder` (nullptr: an empty branch).
  Branch& AddBranch(Action& action, std::string name, const boost::json::object* holder,
                    const std::string& holder_pointer);

  BuildContext& ctx_;
  Definition& def_;
};

// Per-type rules for the types that are not containers (action_rules.cpp): required inputs,
// variables, where Response and Terminate may stand.
void CheckActionRules(BuildContext& ctx, const Action& action, const boost::json::object& o);

// The subscribe and unsubscribe requests of an HttpWebhook action or trigger (`owner` names it
// in messages, e.g. "HttpWebhook 'Approval'"; `subject` is the diagnostics' subject).
void CheckWebhookInputs(BuildContext& ctx, const boost::json::object& inputs, const std::string& inputs_pointer,
                        const std::string& owner, const std::string& subject);

// The member `key` of `o`, or nullptr.
const boost::json::value* Member(const boost::json::object& o, std::string_view key);

// Whether the action sits inside a Foreach or Until at any depth; the loop when it does.
const Action* EnclosingLoop(const Action& action);

}  // namespace runnel::flow::build

// Rules for the action types that are not containers: required inputs (wdl-digest §5),
// variables (§5.9: declared only at top level and typed; several per action are accepted, see
// InitializeVariable below), and where Response and Terminate may stand (§19.18). Inputs written
// as one expression ("inputs": "@...") cannot be checked member by member: left to run time.
#include <boost/json/object.hpp>

#include "flow/action_builder.h"
#include "flow/errors.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

constexpr std::string_view kVariableTypes[] = {"Integer", "Float", "Boolean",
                                               "String",  "Array", "Object"};
constexpr std::string_view kRunStatuses[] = {"Succeeded", "Failed", "Cancelled"};
constexpr std::string_view kWaitUnits[] = {"Second", "Minute", "Hour", "Day", "Week", "Month"};
constexpr std::string_view kTableFormats[] = {"CSV", "HTML"};
// Power Automate's built-in operations of type "Expression", by kind.
constexpr std::string_view kExpressionKinds[] = {
    "CurrentTime",   "ConvertTimeZone", "AddToTime", "SubtractFromTime",
    "GetFutureTime", "GetPastTime",     "IndexOf",   "Substring"};

template <size_t N>
std::optional<std::string_view> Canonical(std::string_view s,
                                          const std::string_view (&options)[N]) {
  for (std::string_view o : options) {
    if (json::EqualsIgnoreCase(o, s)) return o;
  }
  return std::nullopt;
}

template <size_t N>
std::string List(const std::string_view (&options)[N]) {
  std::string out;
  for (std::string_view o : options) out += (out.empty() ? "" : ", ") + std::string(o);
  return out;
}

// A string known before the run: neither a WDL nor an ARM expression.
bool IsLiteralString(const bj::value& v) { return v.is_string() && !IsComputed(v); }

class Rules {
 public:
  Rules(BuildContext& ctx, const Action& action, const bj::object& o) : ctx_(ctx), action_(action) {
    const bj::value* inputs = Member(o, "inputs");
    inputs_ = inputs && inputs->is_object() ? &inputs->get_object() : nullptr;
    inputs_is_expression_ = inputs && inputs->is_string();
    inputs_pointer_ = PointerChild(action.pointer, "inputs");
  }

  void Check() {
    switch (action_.type) {
      case ActionType::kInitializeVariable:
        return InitializeVariable();
      case ActionType::kSetVariable:
      case ActionType::kIncrementVariable:
      case ActionType::kDecrementVariable:
      case ActionType::kAppendToArrayVariable:
      case ActionType::kAppendToStringVariable:
        return UpdateVariable();
      case ActionType::kParseJson:
        Require({"content", "schema"});
        return;
      case ActionType::kQuery:
        Require({"from", "where"});
        return;
      case ActionType::kSelect:
        Require({"from", "select"});
        return;
      case ActionType::kJoin:
        Require({"from", "joinWith"});
        return;
      case ActionType::kTable:
        return Table();
      case ActionType::kHttp:
        Require({"method", "uri"});
        return Pagination();
      case ActionType::kHttpWebhook:
        return HttpWebhook();
      case ActionType::kWait:
        return Wait();
      case ActionType::kTerminate:
        return Terminate();
      case ActionType::kResponse:
        return Response();
      case ActionType::kExpression:
        return Expression();
      default:
        return;
    }
  }

 private:
  // Requires `names` in inputs; true when all are there (or inputs is one expression).
  bool Require(std::initializer_list<std::string_view> names) {
    if (inputs_is_expression_) return false;
    bool ok = true;
    for (std::string_view name : names) {
      if (inputs_ && Member(*inputs_, name)) continue;
      ctx_.Error(inputs_ ? inputs_pointer_ : action_.pointer, errc::kMissingProperty,
                 std::string(ActionTypeName(action_.type)) + " '" + action_.name +
                     "' needs inputs." + std::string(name),
                 action_.name);
      ok = false;
    }
    return ok;
  }

  // runtimeConfiguration.paginationPolicy.minimumItemCount: 1 to 100,000 items (the run time
  // checks the server's own limit, which may be lower).
  void Pagination() {
    if (!action_.runtime_configuration) return;
    const bj::value* policy = Member(action_.runtime_configuration->get_object(), "paginationPolicy");
    if (!policy) return;
    std::string at = action_.pointer + "/runtimeConfiguration/paginationPolicy";
    const bj::value* count = policy->is_object() ? Member(policy->get_object(), "minimumItemCount") : nullptr;
    if (count && IsComputed(*count)) return;
    int64_t n = count ? WholeNumber(*count).value_or(-1) : -1;
    if (n < 1 || n > 100000) {
      ctx_.Error(count ? at + "/minimumItemCount" : at, errc::kInvalidProperty,
                 "paginationPolicy.minimumItemCount must be a whole number from 1 to 100000: how many items "
                 "the Http action collects by following the response's nextLink",
                 action_.name);
    }
  }

  void HttpWebhook() {
    if (!Require({"subscribe"})) return;
    CheckWebhookInputs(ctx_, *inputs_, inputs_pointer_, "HttpWebhook '" + action_.name + "'", action_.name);
  }

  void InitializeVariable() {
    if (action_.depth > 0) {
      ctx_.Error(action_.pointer, errc::kVariableNotTopLevel,
                 "InitializeVariable '" + action_.name +
                     "' is inside a container; variables are declared only at the top level of the "
                     "flow. Move it out and use SetVariable inside",
                 action_.name);
    }
    if (!Require({"variables"})) return;
    const bj::value& variables = *Member(*inputs_, "variables");
    std::string at = PointerChild(inputs_pointer_, "variables");
    if (!variables.is_array() || variables.get_array().empty()) {
      ctx_.Error(at, errc::kInvalidVariable,
                 "inputs.variables must be an array holding {\"name\", \"type\", \"value\"}",
                 action_.name);
      return;
    }
    // The documented form declares one variable; Logic Apps Standard's designer now writes
    // several into one action ("Initialize variables"), and its flows run, so both are accepted.
    const bj::array& list = variables.get_array();
    for (size_t i = 0; i < list.size(); ++i) Declare(list[i], PointerChild(at, i));
  }

  void Declare(const bj::value& entry, const std::string& at) {
    const bj::value* name = entry.is_object() ? Member(entry.get_object(), "name") : nullptr;
    const bj::value* type = entry.is_object() ? Member(entry.get_object(), "type") : nullptr;
    if (!name || !name->is_string() || name->get_string().empty()) {
      ctx_.Error(at, errc::kInvalidVariable, "each variable needs a \"name\" string", action_.name);
      return;
    }
    std::string variable(name->get_string());
    std::optional<std::string_view> canonical;
    if (type && type->is_string()) canonical = Canonical(type->get_string(), kVariableTypes);
    if (!canonical) {
      ctx_.Error(type ? PointerChild(at, "type") : at, errc::kInvalidVariable,
                 "variable '" + variable + "' needs a \"type\": one of " + List(kVariableTypes),
                 variable);
    }
    VariableDecl decl{variable, std::string(canonical.value_or("")),
                      ctx_.FilePointer(action_.pointer)};
    auto [it, inserted] = ctx_.variables.emplace(json::LowerAscii(variable), decl);
    if (!inserted) {
      ctx_.Error(PointerChild(at, "name"), errc::kDuplicateVariable,
                 "variable '" + variable + "' is already initialized by the action at " +
                     it->second.pointer +
                     "; initialize each variable once and change it with SetVariable",
                 variable);
    }
  }

  void UpdateVariable() {
    if (!Require({"name"})) return;
    const bj::value& name = *Member(*inputs_, "name");
    std::string at = PointerChild(inputs_pointer_, "name");
    if (!name.is_string()) {
      ctx_.Error(at, errc::kInvalidVariable, "inputs.name must be the variable's name",
                 action_.name);
      return;
    }
    // Only a literal name can be checked before the run.
    if (IsLiteralString(name)) {
      ctx_.variable_updates.push_back({std::string(name.get_string()), at, action_.type});
    }
  }

  void Table() {
    if (!Require({"from", "format"})) return;
    const bj::value& format = *Member(*inputs_, "format");
    if (IsLiteralString(format) && !Canonical(format.get_string(), kTableFormats)) {
      ctx_.Error(PointerChild(inputs_pointer_, "format"), errc::kInvalidProperty,
                 "Table format must be \"CSV\" or \"HTML\"", action_.name);
    }
  }

  void Wait() {
    if (inputs_is_expression_) return;
    const bj::value* interval = inputs_ ? Member(*inputs_, "interval") : nullptr;
    const bj::value* until = inputs_ ? Member(*inputs_, "until") : nullptr;
    if (!interval && !until) {
      ctx_.Error(inputs_ ? inputs_pointer_ : action_.pointer, errc::kMissingProperty,
                 "Wait '" + action_.name +
                     "' needs inputs.interval ({\"count\": 5, \"unit\": \"Minute\"}) "
                     "or inputs.until ({\"timestamp\": \"2030-01-01T00:00:00Z\"})",
                 action_.name);
      return;
    }
    if (interval && until) {
      ctx_.Error(inputs_pointer_, errc::kInvalidProperty,
                 "Wait '" + action_.name + "' sets both interval and until; keep one",
                 action_.name);
    }
    if (interval) {
      const bj::value* unit =
          interval->is_object() ? Member(interval->get_object(), "unit") : nullptr;
      bool ok = interval->is_object() && Member(interval->get_object(), "count") && unit &&
                (!IsLiteralString(*unit) || Canonical(unit->get_string(), kWaitUnits));
      if (!ok) {
        ctx_.Error(
            PointerChild(inputs_pointer_, "interval"), errc::kInvalidProperty,
            "interval must be {\"count\": <number>, \"unit\": one of " + List(kWaitUnits) + "}",
            action_.name);
      }
    }
    if (until && !(until->is_object() && Member(until->get_object(), "timestamp"))) {
      ctx_.Error(PointerChild(inputs_pointer_, "until"), errc::kInvalidProperty,
                 "until must be {\"timestamp\": \"<ISO 8601 UTC time>\"}", action_.name);
    }
  }

  void Terminate() {
    if (const Action* loop = EnclosingLoop(action_)) {
      ctx_.Warning(action_.pointer, errc::kNotAllowedInLoop,
                   "Terminate '" + action_.name + "' is inside the loop '" + loop->name +
                       "'; the designer does not allow this. Move it after the loop",
                   action_.name);
    }
    if (!Require({"runStatus"})) return;
    const bj::value& status = *Member(*inputs_, "runStatus");
    if (IsLiteralString(status) && !Canonical(status.get_string(), kRunStatuses)) {
      ctx_.Error(PointerChild(inputs_pointer_, "runStatus"), errc::kInvalidProperty,
                 "runStatus must be one of " + List(kRunStatuses), action_.name);
    }
  }

  void Response() {
    if (const Action* loop = EnclosingLoop(action_)) {
      ctx_.Error(
          action_.pointer, errc::kNotAllowedInLoop,
          "Response '" + action_.name + "' is inside the loop '" + loop->name +
              "'; a request gets one response. Collect results in the loop and respond after it",
          action_.name);
    }
  }

  void Expression() {
    if (action_.kind.empty() || !Canonical(action_.kind, kExpressionKinds)) {
      ctx_.Error(
          action_.pointer, errc::kInvalidProperty,
          "Expression '" + action_.name + "' needs a \"kind\": one of " + List(kExpressionKinds),
          action_.name);
    }
  }

  BuildContext& ctx_;
  const Action& action_;
  const bj::object* inputs_ = nullptr;
  bool inputs_is_expression_ = false;
  std::string inputs_pointer_;
};

}  // namespace

// subscribe is an Http request (method, uri). unsubscribe is optional, and the designer leaves
// it partly filled in when its fields are left empty: without both method and address nothing
// is sent, which is worth a warning, not an error. Its address may be written `url`, as one page
// of the documentation does.
void CheckWebhookInputs(BuildContext& ctx, const bj::object& inputs, const std::string& inputs_pointer,
                        const std::string& owner, const std::string& subject) {
  for (std::string_view part : {"subscribe", "unsubscribe"}) {
    const bj::value* v = Member(inputs, part);
    if (!v || IsComputed(*v)) continue;
    std::string at = PointerChild(inputs_pointer, part);
    if (!v->is_object()) {
      ctx.Error(at, errc::kInvalidProperty,
                "inputs." + std::string(part) + " must be an object describing an HTTP request "
                "({\"method\", \"uri\", \"headers\", \"body\", ...})", subject);
      continue;
    }
    const bj::object& request = v->get_object();
    bool has_method = Member(request, "method") != nullptr;
    bool has_uri = Member(request, "uri") || (part == "unsubscribe" && Member(request, "url"));
    if (has_method && has_uri) continue;
    std::string missing = !has_method && !has_uri ? "method and uri" : has_method ? "uri" : "method";
    std::string message = owner + " needs inputs." + std::string(part) + " " + missing;
    if (part == "subscribe") {
      ctx.Error(at, errc::kMissingProperty, message, subject);
    } else {
      ctx.Warning(at, errc::kMissingProperty,
                  message + " to unsubscribe; as it is, nothing is sent to unsubscribe", subject);
    }
  }
}

void CheckActionRules(BuildContext& ctx, const Action& action, const bj::object& o) {
  Rules(ctx, action, o).Check();
}

}  // namespace runnel::flow::build

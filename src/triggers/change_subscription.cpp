#include "triggers/change_subscription.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "expr/timestamp.h"
#include "json/lookup.h"
#include "triggers/errors.h"

namespace runnel::triggers {
namespace bj = boost::json;

namespace {

constexpr char kPrefix[] = "subscriptionRequest/";

const bj::value* Param(const bj::object& params, std::string_view key) {
  return json::FindMember(params, std::string(kPrefix) + std::string(key));
}

Error Invalid(std::string_view key, std::string message) {
  Error e(errc::kInvalidSubscription, "subscriptionRequest/" + std::string(key) + ": " + std::move(message));
  e.where = "/parameters/subscriptionRequest~1" + std::string(key);
  return e;
}

// A code given as a JSON number or a string of digits (hand-built files use both).
Result<std::optional<int>> Code(const bj::object& params, std::string_view key, int low, int high,
                                std::string_view meaning) {
  const bj::value* v = Param(params, key);
  if (!v || v->is_null()) return std::optional<int>();
  int64_t n = 0;
  bool ok = false;
  if (v->is_int64()) {
    n = v->get_int64(), ok = true;
  } else if (v->is_uint64()) {
    n = static_cast<int64_t>(std::min<uint64_t>(v->get_uint64(), 1000)), ok = true;
  } else if (v->is_double() && v->get_double() == static_cast<double>(static_cast<int64_t>(v->get_double()))) {
    n = static_cast<int64_t>(v->get_double()), ok = true;
  } else if (v->is_string()) {
    std::string_view s = v->get_string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    ok = ec == std::errc() && end == s.data() + s.size();
  }
  if (!ok || n < low || n > high) {
    return Invalid(key, "expected a number from " + std::to_string(low) + " to " + std::to_string(high) + " (" +
                            std::string(meaning) + "), found " + bj::serialize(*v));
  }
  return std::optional<int>(static_cast<int>(n));
}

Result<bool> Flag(const bj::object& params, std::string_view key) {
  const bj::value* v = Param(params, key);
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string() && json::EqualsIgnoreCase(v->get_string(), "true")) return true;
  if (v->is_string() && json::EqualsIgnoreCase(v->get_string(), "false")) return false;
  return Invalid(key, "expected true or false, found " + bj::serialize(*v));
}

Result<std::string> Text(const bj::object& params, std::string_view key) {
  const bj::value* v = Param(params, key);
  if (!v || v->is_null()) return std::string();
  if (!v->is_string()) return Invalid(key, "expected a string, found " + bj::serialize(*v));
  return std::string(v->get_string());
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// "Select columns" names lookups by their logical name; `_x_value` (the Web API form some
// authors copy from a payload) means the same column.
std::string ColumnName(std::string name) {
  name = json::LowerAscii(name);
  if (name.size() > 7 && name.front() == '_' && name.ends_with("_value")) name = name.substr(1, name.size() - 7);
  return name;
}

const char* MessageLabel(int code) {
  static const char* kLabels[] = {"", "Added", "Deleted", "Modified", "Added or Modified", "Added or Deleted",
                                  "Modified or Deleted", "Added or Modified or Deleted"};
  return code >= 1 && code <= 7 ? kLabels[code] : "";
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::string StringAt(const bj::value& v, std::initializer_list<std::string_view> path) {
  const bj::value* p = &v;
  for (std::string_view key : path) {
    if (!p->is_object()) return {};
    p = json::FindMember(p->get_object(), key);
    if (!p) return {};
  }
  return p->is_string() ? std::string(p->get_string()) : std::string();
}

// "shared_commondataserviceforapps", "shared_commondataserviceforapps-1", an apiId path.
bool NamesDataverse(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  return name.starts_with(kDataverseConnector);
}

}  // namespace

bool ChangeSubscription::Fires(tables::ChangeMessage m) const {
  switch (m) {
    case tables::ChangeMessage::kCreate: return message == 1 || message == 4 || message == 5 || message == 7;
    case tables::ChangeMessage::kDelete: return message == 2 || message == 5 || message == 6 || message == 7;
    case tables::ChangeMessage::kUpdate: return message == 3 || message == 4 || message == 6 || message == 7;
  }
  return false;
}

bool IsChangeTrigger(const flow::Trigger& trigger) {
  if (trigger.type != flow::TriggerType::kOpenApiConnectionWebhook || !trigger.json || !trigger.json->is_object()) {
    return false;
  }
  const bj::value* inputs = json::FindMember(trigger.json->get_object(), "inputs");
  if (!inputs) return false;
  if (StringAt(*inputs, {"host", "operationId"}) != kSubscribeOperation) return false;
  return NamesDataverse(StringAt(*inputs, {"host", "apiId"})) ||
         NamesDataverse(StringAt(*inputs, {"host", "connectionName"})) ||
         NamesDataverse(StringAt(*inputs, {"host", "connection", "name"})) ||
         StringAt(*inputs, {"host", "connection", "name"}).find(kDataverseConnector) != std::string::npos;
}

Result<ChangeSubscription> ParseChangeSubscription(const bj::value& inputs, const tables::QueryLimits& limits) {
  const bj::value* p = inputs.is_object() ? json::FindMember(inputs.get_object(), "parameters") : nullptr;
  if (!p || !p->is_object()) {
    Error e(errc::kInvalidSubscription, "the trigger's inputs need \"parameters\" with subscriptionRequest/message "
                                        "and subscriptionRequest/entityname");
    e.where = "/parameters";
    return e;
  }
  const bj::object& params = p->get_object();
  ChangeSubscription sub;
  RUNNEL_TRY(message, Code(params, "message", 1, 7, "1 Added, 2 Deleted, 3 Modified, 4 Added or Modified, "
                                                  "5 Added or Deleted, 6 Modified or Deleted, 7 all three"));
  if (!message) return Invalid("message", "is required: the change type, 1 to 7");
  sub.message = *message;
  RUNNEL_TRY(entity, Text(params, "entityname"));
  if (Trim(entity).empty()) return Invalid("entityname", "is required: the table's logical name (e.g. account)");
  sub.entity_name = json::LowerAscii(Trim(entity));
  RUNNEL_TRY(scope, Code(params, "scope", 1, 4, "1 User, 2 Business Unit, 3 Parent: Child business unit, "
                                              "4 Organization"));
  if (scope) sub.scope = *scope;
  RUNNEL_TRY(run_as, Code(params, "runas", 1, 3, "1 Modifying user, 2 Row owner, 3 Flow owner"));
  if (run_as) sub.run_as = *run_as;
  RUNNEL_TRY(attributes, Text(params, "filteringattributes"));
  for (size_t start = 0; start <= attributes.size();) {
    size_t comma = attributes.find(',', start);
    if (comma == std::string::npos) comma = attributes.size();
    std::string name = Trim(std::string_view(attributes).substr(start, comma - start));
    if (!name.empty()) sub.filtering_attributes.push_back(ColumnName(name));
    start = comma + 1;
  }
  RUNNEL_TRY(filter_text, Text(params, "filterexpression"));
  if (!Trim(filter_text).empty()) {
    auto filter = tables::Filter::Parse(filter_text, limits);
    if (!filter) {
      Error e = filter.error();
      e.message = "subscriptionRequest/filterexpression: " + e.message;
      e.where = "/parameters/subscriptionRequest~1filterexpression";
      return e;
    }
    sub.filter = std::make_shared<const tables::Filter>(std::move(filter).value());
  }
  RUNNEL_TRY(postpone, Text(params, "postponeuntil"));
  sub.postpone_until = Trim(postpone);
  RUNNEL_TRY(changed_only, Flag(params, "changedonly"));
  sub.changed_only = changed_only;
  RUNNEL_TRY(pre_image, Flag(params, "includepreimage"));
  sub.include_pre_image = pre_image;
  RUNNEL_TRY(coalesce, Code(params, "coalesceseconds", 0, 86400, "seconds; 0 = every change starts its run"));
  if (coalesce) sub.coalesce_seconds = *coalesce;
  RUNNEL_TRY(rate, Code(params, "maxrunsperminute", 0, 100000, "runs per minute; 0 = no limit"));
  if (rate) sub.max_runs_per_minute = *rate;
  return sub;
}

ChangeDecision DecideChange(const ChangeSubscription& sub, const std::string& flow_name, const tables::Change& change,
                            const Result<tables::RowFilter>* filter, const LoopGuardOptions& guard, bool explain) {
  using O = ChangeDecision::Outcome;
  // The reason's text only when it will be read: most changes of a busy table match no trigger.
  auto decide = [explain](O outcome, auto&& reason) -> ChangeDecision {
    return explain ? ChangeDecision{outcome, reason()} : ChangeDecision{outcome, {}};
  };
  const tables::CausalContext& cx = change.context;
  if (cx.suppress_callbacks) {
    return decide(O::kSuppressed, [] {
      return "the write asked that no flow be triggered (MSCRM.SuppressCallbackRegistrationExpanderJob)";
    });
  }
  if (!cx.origin_flow.empty() && json::EqualsIgnoreCase(cx.origin_flow, flow_name)) {
    return decide(O::kLoopGuard, [&] {
      return "loop guard: change " + std::to_string(change.seq) + " was written by run " + cx.run_id +
             " of this flow, and a flow never triggers itself through its own writes";
    });
  }
  if (cx.hop_count >= guard.max_hops) {
    return decide(O::kLoopGuard, [&] {
      return "loop guard: change " + std::to_string(change.seq) + " was written by run " + cx.run_id + " of flow '" +
             cx.origin_flow + "' at hop " + std::to_string(cx.hop_count) +
             " of a chain of change-triggered runs; the limit is " + std::to_string(guard.max_hops) +
             " (limits.trigger_max_hops)";
    });
  }
  if (!sub.Fires(change.message)) {
    return decide(O::kSkip, [&] {
      return "change " + std::to_string(change.seq) + " is a " + std::string(tables::ChangeMessageName(change.message)) +
             "; the trigger's change type is " + std::to_string(sub.message) + " (" + MessageLabel(sub.message) + ")";
    });
  }
  if (change.message == tables::ChangeMessage::kUpdate && !sub.filtering_attributes.empty()) {
    const auto& columns = sub.changed_only ? change.columns_changed : change.columns_present;
    bool any = std::any_of(sub.filtering_attributes.begin(), sub.filtering_attributes.end(), [&](const std::string& a) {
      return std::find(columns.begin(), columns.end(), a) != columns.end();
    });
    if (!any) {
      return decide(O::kSkip, [&] {
        return "change " + std::to_string(change.seq) + " " +
               (sub.changed_only ? "changed the value of none of the selected columns ("
                                 : "carried none of the selected columns (") +
               Join(sub.filtering_attributes) + "); it " + (sub.changed_only ? "changed " : "carried ") +
               (columns.empty() ? "no column" : Join(columns));
      });
    }
  }
  if (sub.filter) {
    // Filter rows sees the row after the change; a deleted row is judged by its last image.
    const bj::object& row = change.message == tables::ChangeMessage::kDelete ? change.pre_image : change.post_image;
    Result<bool> matches = filter && filter->has_value() ? filter->value().Matches(row)
                           : filter                      ? Result<bool>(filter->error())
                                                         : Result<bool>(Error("InvalidFilter", "it was not bound"));
    if (!matches) {
      return decide(O::kSkip, [&] {
        return "change " + std::to_string(change.seq) + ": Filter rows cannot be evaluated: " + matches.error().message;
      });
    }
    if (!matches.value()) {
      return decide(O::kSkip, [&] {
        return "change " + std::to_string(change.seq) + ": the row does not match Filter rows (" + sub.filter->text() +
               ")";
      });
    }
  }
  return {};
}

ChangeDecision DecideChange(const ChangeSubscription& sub, const std::string& flow_name, const tables::Change& change,
                            const tables::QuerySchema& schema, const LoopGuardOptions& guard) {
  if (!sub.filter) return DecideChange(sub, flow_name, change, nullptr, guard);
  Result<tables::RowFilter> bound = sub.filter->Bind(schema);
  return DecideChange(sub, flow_name, change, &bound, guard);
}

bj::value ChangeTriggerOutputs(const ChangeSubscription& sub, const tables::Change& change) {
  bool deleted = change.message == tables::ChangeMessage::kDelete;
  bj::object body = deleted ? change.pre_image : change.post_image;
  if (deleted && body.empty()) body[change.table + "id"] = change.row_id;
  body["SdkMessage"] = tables::ChangeMessageName(change.message);
  body["RunAsSystemUserId"] = kSystemUserId;
  body["ItemInternalId"] = change.row_id;
  body["RowVersion"] = std::to_string(change.seq);
  if (sub.include_pre_image) {
    if (change.pre_image.empty()) {
      body["PreImage"] = nullptr;
    } else {
      body["PreImage"] = change.pre_image;
    }
  }
  bj::object headers{{tables::kHopCountHeader, std::to_string(change.context.hop_count + 1)},
                     {"x-runnel-change-seq", std::to_string(change.seq)},
                   {"x-runnel-change-time", expr::FormatIsoTimestampMicros(change.time_micros)},
                     {"x-runnel-table", change.table}};
  return bj::object{{"headers", std::move(headers)}, {"body", std::move(body)}};
}

int RunHopCount(const bj::value& trigger_record) {
  const bj::value* v = &trigger_record;
  for (std::string_view key : {std::string_view("outputs"), std::string_view("headers"),
                               std::string_view(tables::kHopCountHeader)}) {
    v = v->is_object() ? json::FindMember(v->get_object(), key) : nullptr;
    if (!v) return 0;
  }
  if (!v->is_string()) return 0;
  std::string_view s = v->get_string();
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() && n >= 0 ? n : 0;
}

}  // namespace runnel::triggers

// The run record: what `runnel run` prints and run history shows (docs/run-record.md).

#include "engine/run_impl.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {
constexpr char kRedacted[] = "Content not shown due to security configuration.";
}

bj::value RunImpl::PublicRecord(const flow::Action& a, const bj::value& record) const {
  if (!a.secure_inputs && !a.secure_outputs) return record;
  bj::object out = record.as_object();
  if (a.secure_inputs && out.contains("inputs")) out["inputs"] = kRedacted;
  if (a.secure_outputs && out.contains("outputs")) out["outputs"] = kRedacted;
  return out;
}

// The trigger's runtimeConfiguration.secureData hides its inputs and outputs as an action's does.
bj::value RunImpl::PublicTriggerRecord() const {
  const bj::value* name = trigger_record_.is_object() ? trigger_record_.get_object().if_contains("name") : nullptr;
  for (const auto& t : definition().triggers) {
    if (!name || !name->is_string() || !json::EqualsIgnoreCase(t.name, name->get_string())) continue;
    if (!t.secure_inputs && !t.secure_outputs) break;
    bj::object out = trigger_record_.get_object();
    if (t.secure_inputs && out.contains("inputs")) out["inputs"] = kRedacted;
    if (t.secure_outputs && out.contains("outputs")) out["outputs"] = kRedacted;
    return out;
  }
  return trigger_record_;
}

bj::object RunImpl::PublicRecords(const Frame& f) const {
  bj::object out;
  for (size_t i = 0; i < f.slots.size(); ++i) {
    const flow::Action& a = *f.container->actions[i];
    if (f.slots[i].record) out[a.name] = PublicRecord(a, *f.slots[i].record);
  }
  return out;
}

bj::object RunImpl::SkippedRecords(const flow::Container& c, const Error& reason) const {
  bj::object out;
  for (const auto& a : c.actions) {
    bj::object rec{{"name", a->name},
                   {"type", a->type_name},
                   {"status", "Skipped"},
                   {"code", "ActionSkipped"},
                   {"error", {{"code", reason.code}, {"message", reason.message}}}};
    if (!a->branches.empty()) {
      bj::object nested;
      for (const auto& b : a->branches) {
        for (auto& kv : SkippedRecords(b.body, reason)) nested[kv.key()] = std::move(kv.value());
      }
      rec["actions"] = std::move(nested);
    }
    out[a->name] = std::move(rec);
  }
  return out;
}

bj::value RunImpl::BuildRunRecord() const {
  bj::object rec(12);  // room for every field below: no rehash while it is built
  rec["runId"] = options_.run_id;
  rec["flow"] = options_.flow_name;
  rec["status"] = StatusName(final_status_);
  rec["startTime"] = FormatTime(start_micros_);
  rec["endTime"] = FormatTime(end_micros_);
  rec["clientTrackingId"] = options_.client_tracking_id;
  if (final_status_ == Status::kFailed || final_status_ == Status::kCancelled) {
    if (terminate_error_) {
      rec["error"] = bj::object{{"code", terminate_error_->code}, {"message", terminate_error_->message}};
    } else if (final_status_ == Status::kFailed) {
      rec["error"] = bj::object{{"code", "ActionFailed"},
                                {"message", "An action failed. No dependent actions succeeded."}};
    }
  }
  if (outputs_error_) {
    rec["outputsError"] = bj::object{{"code", outputs_error_->code}, {"message", outputs_error_->message}};
  } else if (!outputs_.is_null()) {
    rec["outputs"] = outputs_;
  }
  // The summary leaves the response to RunResult::response rather than copying it.
  if (!options_.full_record) return rec;
  rec["response"] = response_ ? *response_ : bj::value(nullptr);
  rec["trigger"] = PublicTriggerRecord();
  rec["actions"] = root_ ? PublicRecords(*root_) : bj::object();
  return rec;
}

}  // namespace runnel::engine

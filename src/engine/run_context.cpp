// What expressions read inside a run (expr/context.h), resolved against the frame of the action
// being evaluated: an action inside the current loop iteration or branch is read from that
// frame; any other from its latest record.

#include "engine/run_impl.h"
#include "json/lookup.h"

namespace runnel::engine {
namespace bj = boost::json;

namespace {

bool IsLoopNamed(const Frame* f, std::string_view name, flow::ActionType type) {
  return f->owner && f->owner->type == type && json::EqualsIgnoreCase(f->owner->name, name);
}

}  // namespace

const bj::value* FrameContext::Trigger() const { return &run_.trigger_record(); }

const bj::value* FrameContext::Action(std::string_view name) const {
  const flow::Action* def = run_.definition().FindAction(name);
  if (!def) return nullptr;
  const flow::Container& home = run_.plan()->ContainerOf(*def);
  for (const Frame* f = frame_; f; f = f->parent.get()) {
    if (f->container != &home) continue;
    for (size_t i = 0; i < f->slots.size(); ++i) {
      if (f->container->actions[i].get() == def) return f->slots[i].record.get();
    }
  }
  auto it = run_.latest().find(def->name);
  return it == run_.latest().end() ? nullptr : it->second.get();
}

const bj::value* FrameContext::Variable(std::string_view name) const {
  return json::FindMember(run_.variables(), name);
}

const bj::value* FrameContext::Parameter(std::string_view name) const {
  return json::FindMember(run_.parameters(), name);
}

const bj::value* FrameContext::AppSetting(std::string_view name) const {
  const auto& settings = run_.definition().app_settings;
  return settings ? json::FindMember(*settings, name) : nullptr;
}

const bj::value* FrameContext::Item() const {
  if (item_override_) return item_override_;
  for (const Frame* f = frame_; f; f = f->parent.get()) {
    if (f->item) return f->item;
  }
  return nullptr;
}

const bj::value* FrameContext::Items(std::string_view loop) const {
  for (const Frame* f = frame_; f; f = f->parent.get()) {
    if (IsLoopNamed(f, loop, flow::ActionType::kForeach)) return f->item;
  }
  return nullptr;
}

std::optional<int64_t> FrameContext::IterationIndex(std::string_view loop) const {
  for (const Frame* f = frame_; f; f = f->parent.get()) {
    if (IsLoopNamed(f, loop, flow::ActionType::kUntil) || IsLoopNamed(f, loop, flow::ActionType::kForeach)) {
      return f->iteration;
    }
  }
  return std::nullopt;
}

const bj::value* FrameContext::ScopeResult(std::string_view scope) const {
  const flow::Action* def = run_.definition().FindAction(scope);
  if (!def) return nullptr;
  auto it = run_.scope_results().find(def->name);
  return it == run_.scope_results().end() ? nullptr : it->second.get();
}

const bj::value* FrameContext::Workflow() const { return &run_.workflow_value(); }

}  // namespace runnel::engine

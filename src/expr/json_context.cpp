#include "expr/json_context.h"

#include "json/lookup.h"

namespace runnel::expr {
namespace bj = boost::json;

Result<JsonContext> JsonContext::FromJson(bj::value doc) {
  if (!doc.is_object()) {
    return Error("InvalidContext", "the context must be a JSON object such as "
                                   "{\"variables\": {...}, \"trigger\": {...}}");
  }
  static constexpr std::string_view kObjectSections[] = {
      "parameters", "variables", "trigger", "actions", "action",
      "items",      "iterationIndexes", "result", "workflow"};
  for (std::string_view s : kObjectSections) {
    auto it = doc.get_object().find(s);
    if (it != doc.get_object().end() && !it->value().is_object() && !it->value().is_null()) {
      return Error("InvalidContext", "context member \"" + std::string(s) +
                                         "\" must be an object, got " +
                                         std::string(bj::to_string(it->value().kind())));
    }
  }
  JsonContext cx;
  cx.doc_ = std::move(doc);
  return cx;
}

const bj::value* JsonContext::Member(std::string_view section) const {
  const auto& o = doc_.get_object();
  auto it = o.find(section);
  return it == o.end() ? nullptr : &it->value();
}

const bj::value* JsonContext::Named(std::string_view section, std::string_view name) const {
  const bj::value* s = Member(section);
  if (!s || !s->is_object()) return nullptr;
  return json::FindMember(s->get_object(), name);
}

const bj::value* JsonContext::Trigger() const { return Member("trigger"); }
const bj::value* JsonContext::Action(std::string_view name) const { return Named("actions", name); }
const bj::value* JsonContext::CurrentAction() const { return Member("action"); }
const bj::value* JsonContext::Variable(std::string_view name) const { return Named("variables", name); }
const bj::value* JsonContext::Parameter(std::string_view name) const { return Named("parameters", name); }
const bj::value* JsonContext::Item() const { return Member("item"); }
const bj::value* JsonContext::Items(std::string_view loop) const { return Named("items", loop); }
const bj::value* JsonContext::ScopeResult(std::string_view scope) const { return Named("result", scope); }
const bj::value* JsonContext::Workflow() const { return Member("workflow"); }

std::optional<int64_t> JsonContext::IterationIndex(std::string_view loop) const {
  const bj::value* v = Named("iterationIndexes", loop);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

std::optional<std::string> JsonContext::CallbackUrl() const {
  const bj::value* v = Member("callbackUrl");
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace runnel::expr

#include "flow/definition_builder.h"

#include "flow/action_builder.h"
#include "flow/build_context.h"
#include "flow/definition_sections.h"
#include "flow/errors.h"
#include "flow/references.h"
#include "flow/run_after_graph.h"
#include "json/lookup.h"

namespace runnel::flow {
namespace bj = boost::json;

namespace {

// Members of the definition object that must be objects when present.
constexpr std::string_view kObjectSections[] = {"triggers", "actions", "parameters", "outputs",
                                                "staticResults"};

void BuildKind(build::BuildContext& ctx, Definition& def, const FlowFile& file) {
  if (file.kind.empty() || json::EqualsIgnoreCase(file.kind, "Stateful")) {
    def.kind = "Stateful";
  } else if (json::EqualsIgnoreCase(file.kind, "Stateless")) {
    def.kind = "Stateless";
  } else {
    def.kind = file.kind;
    ctx.ErrorInFile(
        "/kind", errc::kInvalidKind,
        "workflow kind '" + file.kind + "' is not supported; use \"Stateful\" or \"Stateless\"");
  }
}

// The first error among the new diagnostics, as the Error BuildDefinition returns.
Error Summary(const FlowFile& file, const std::vector<Diagnostic>& diagnostics, size_t first,
              size_t errors) {
  for (size_t i = first; i < diagnostics.size(); ++i) {
    const Diagnostic& d = diagnostics[i];
    if (d.severity != Diagnostic::Severity::kError) continue;
    std::string message = d.message;
    if (errors > 1) message += " (and " + std::to_string(errors - 1) + " more errors)";
    Error e(d.code, message);
    e.where = file.origin;
    if (d.line > 0) e.where += ":" + std::to_string(d.line) + ":" + std::to_string(d.column);
    return e;
  }
  return Error("InternalError", "the definition has errors but none was recorded");
}

}  // namespace

Result<std::unique_ptr<Definition>> BuildDefinition(const FlowFile& file,
                                                    const BuildOptions& options,
                                                    std::vector<Diagnostic>& diagnostics) {
  const size_t first = diagnostics.size();
  build::BuildContext ctx(file, options, diagnostics);
  auto def = std::make_unique<Definition>();
  def->app_settings = options.app_settings;
  if (!file.definition.is_object()) {
    ctx.Error("", errc::kInvalidProperty,
              "the definition is " + build::DescribeKind(file.definition) +
                  "; it must be an object with \"triggers\" and \"actions\"");
    return Summary(file, diagnostics, first, ctx.error_count());
  }
  // Everything in the Definition points into this copy, which it owns.
  def->document = std::make_unique<bj::value>(file.definition);
  const bj::object& root = def->document->get_object();
  BuildKind(ctx, *def, file);
  for (std::string_view section : kObjectSections) {
    auto it = root.find(section);
    if (it != root.end() && !it->value().is_object()) {
      ctx.Error("/" + std::string(section), errc::kInvalidProperty,
                "\"" + std::string(section) + "\" must be an object, not " +
                    build::DescribeKind(it->value()));
    }
  }
  if (auto it = root.find("staticResults"); it != root.end() && it->value().is_object()) {
    def->static_results = &it->value();
  }

  build::BuildParameters(ctx, *def, root);
  build::BuildTriggers(ctx, *def, root);
  auto actions = root.find("actions");
  const bj::value* actions_value =
      actions != root.end() && actions->value().is_object() ? &actions->value() : nullptr;
  build::ActionBuilder(ctx, *def).BuildContainer(actions_value, "/actions", nullptr, 0,
                                                 def->actions);
  if (ctx.action_count > options.max_actions) {
    ctx.Error("/actions", errc::kTooManyActions,
              "the definition has " + std::to_string(ctx.action_count) +
                  " actions (counting nested ones); the "
                  "limit is " +
                  std::to_string(options.max_actions) + ". Split the work into child flows");
  }
  build::OrderByRunAfter(ctx, *def);
  build::BuildOutputs(ctx, *def, root);
  build::CheckReferences(ctx, *def);
  build::CheckParameterValues(ctx, *def);
  ctx.ReportDeployTimeExpressions();

  if (ctx.error_count() > 0) return Summary(file, diagnostics, first, ctx.error_count());
  return def;
}

}  // namespace runnel::flow

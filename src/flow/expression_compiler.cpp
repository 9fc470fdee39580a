#include "flow/expression_compiler.h"

#include <boost/json/object.hpp>

#include "expr/ast.h"
#include "expr/function.h"
#include "flow/json_pointer.h"
#include "json/lookup.h"

namespace runnel::flow::build {
namespace bj = boost::json;

namespace {

using Kind = ReferenceUse::Kind;

// What a workflow function's literal first argument names.
std::optional<Kind> ReferenceKindOf(std::string_view function) {
  static constexpr std::pair<std::string_view, Kind> kFunctions[] = {
      {"parameters", Kind::kParameter},
      {"variables", Kind::kVariable},
      {"body", Kind::kAction},
      {"outputs", Kind::kAction},
      {"actions", Kind::kAction},
      {"actionBody", Kind::kAction},
      {"actionOutputs", Kind::kAction},
      {"formDataValue", Kind::kAction},
      {"formDataMultiValues", Kind::kAction},
      {"multipartBody", Kind::kAction},
      {"items", Kind::kLoop},
      {"iterationIndexes", Kind::kLoop},
      {"result", Kind::kResult},
  };
  for (const auto& [name, kind] : kFunctions) {
    if (json::EqualsIgnoreCase(name, function)) return kind;
  }
  return std::nullopt;
}

void CollectReferences(BuildContext& ctx, const expr::Node& node, const std::string& pointer,
                       const Action* scope) {
  if (node.kind == expr::Node::Kind::kCall && node.function && (node.function->flags & expr::kVolatile)) {
    ++ctx.volatile_calls;
  }
  if (node.kind == expr::Node::Kind::kCall && node.function && !node.children.empty()) {
    const expr::Node& first = *node.children[0];
    if (first.kind == expr::Node::Kind::kLiteral && first.literal.is_string()) {
      if (auto kind = ReferenceKindOf(node.function->name)) {
        ctx.references.push_back({*kind, std::string(node.function->name),
                                  std::string(first.literal.get_string()), pointer, scope});
      }
    }
  }
  for (const auto& child : node.children) CollectReferences(ctx, *child, pointer, scope);
}

// Up to ~80 characters of `text` around byte `position`, for messages.
std::string Excerpt(std::string_view text, int position) {
  constexpr size_t kWidth = 80;
  if (text.size() <= kWidth) return "\"" + std::string(text) + "\"";
  size_t pos = position < 0 ? 0 : std::min(static_cast<size_t>(position), text.size());
  size_t start = pos > kWidth / 2 ? pos - kWidth / 2 : 0;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  size_t end = std::min(text.size(), start + kWidth);
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return std::string("\"") + (start > 0 ? "…" : "") + std::string(text.substr(start, end - start)) +
         (end < text.size() ? "…" : "") + "\"";
}

void ReportExpressionError(BuildContext& ctx, const Error& e, std::string_view text,
                           const std::string& pointer) {
  std::string message = e.message;
  if (e.position >= 0) {
    size_t chars =
        CharCount(text.substr(0, std::min(static_cast<size_t>(e.position), text.size())));
    message += " at character " + std::to_string(chars + 1);
  }
  message += " of " + Excerpt(text, e.position);
  ctx.Error(pointer, e.code.c_str(), std::move(message));
}

// Compiles one definition string with the expression layer's own classifier and collects the
// references its expressions make. nullopt (with the error reported) when it does not compile.
std::optional<expr::CompiledString> ScanString(BuildContext& ctx, std::string_view text,
                                               const std::string& pointer, const Action* scope) {
  if (IsDeployTimeExpression(text)) ctx.NoteDeployTimeExpression(pointer, text);
  auto compiled = expr::CompiledString::Compile(text, ctx.options().limits);
  if (!compiled) {
    ReportExpressionError(ctx, compiled.error(), text, pointer);
    return std::nullopt;
  }
  compiled.value().ForEachExpression(
      [&](const expr::Node& root) { CollectReferences(ctx, root, pointer, scope); });
  return std::move(compiled.value());
}

bool ScanValue(BuildContext& ctx, const bj::value& v, const std::string& pointer,
               const Action* scope) {
  switch (v.kind()) {
    case bj::kind::string: {
      std::string_view text = v.get_string();
      if (text.find('@') == std::string_view::npos) {  // a plain literal: nothing to compile
        if (IsDeployTimeExpression(text)) ctx.NoteDeployTimeExpression(pointer, text);
        return true;
      }
      return ScanString(ctx, text, pointer, scope).has_value();
    }
    case bj::kind::array: {
      bool ok = true;
      const bj::array& a = v.get_array();
      for (size_t i = 0; i < a.size(); ++i)
        ok = ScanValue(ctx, a[i], PointerChild(pointer, i), scope) && ok;
      return ok;
    }
    case bj::kind::object: {
      bool ok = true;
      for (const auto& kv : v.get_object()) {
        ok = ScanValue(ctx, kv.value(), PointerChild(pointer, kv.key()), scope) && ok;
      }
      return ok;
    }
    default:
      return true;
  }
}

}  // namespace

bool CheckValue(BuildContext& ctx, const bj::value& v, const std::string& pointer,
                const Action* scope) {
  return ScanValue(ctx, v, pointer, scope);
}

std::optional<expr::CompiledValue> CompileValue(BuildContext& ctx, const bj::value& v,
                                                const std::string& pointer, const Action* scope) {
  if (!ScanValue(ctx, v, pointer, scope)) return std::nullopt;
  auto compiled = expr::CompiledValue::Compile(v, ctx.options().limits);
  if (!compiled) {
    // Only if the scan and the compiler ever disagree on a string.
    ctx.Error(pointer + compiled.error().where, compiled.error().code.c_str(),
              compiled.error().message);
    return std::nullopt;
  }
  return std::move(compiled.value());
}

std::optional<expr::CompiledString> CompileString(BuildContext& ctx, const bj::value& v,
                                                  const std::string& pointer, const Action* scope) {
  return ScanString(ctx, v.get_string(), pointer, scope);
}

}  // namespace runnel::flow::build

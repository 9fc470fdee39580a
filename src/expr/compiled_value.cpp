#include "expr/compiled_value.h"

#include "json/lookup.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

// Escapes a key for a JSON pointer (RFC 6901).
std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace

Result<CompiledValue> CompiledValue::Compile(const bj::value& v, const Limits& limits) {
  CompiledValue out;
  out.source_ = &v;
  switch (v.kind()) {
    case bj::kind::string: {
      auto cs = CompiledString::Compile(v.get_string(), limits);
      if (!cs) return cs.error();
      // A literal stays borrowed unless it had '@@' escapes to undo.
      if (cs.value().kind() != CompiledString::Kind::kLiteral ||
          std::string_view(v.get_string()).find("@@") != std::string_view::npos) {
        out.kind_ = Kind::kString;
        out.string_ = std::make_unique<CompiledString>(std::move(cs.value()));
      }
      return out;
    }
    case bj::kind::array: {
      bool constant = true;
      const auto& a = v.get_array();
      for (size_t i = 0; i < a.size(); ++i) {
        auto child = Compile(a[i], limits);
        if (!child) {
          Error e = child.error();
          e.where = "/" + std::to_string(i) + e.where;
          return e;
        }
        constant = constant && child.value().is_constant();
        out.children_.emplace_back(std::string(), std::move(child.value()));
      }
      if (constant) out.children_.clear();
      out.kind_ = constant ? Kind::kConstant : Kind::kArray;
      return out;
    }
    case bj::kind::object: {
      bool constant = true;
      for (const auto& kv : v.get_object()) {
        auto child = Compile(kv.value(), limits);
        if (!child) {
          Error e = child.error();
          e.where = "/" + PointerToken(kv.key()) + e.where;
          return e;
        }
        constant = constant && child.value().is_constant();
        out.children_.emplace_back(std::string(kv.key()), std::move(child.value()));
      }
      if (constant) out.children_.clear();
      out.kind_ = constant ? Kind::kConstant : Kind::kObject;
      return out;
    }
    default:
      return out;
  }
}

const CompiledValue* CompiledValue::Member(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& [name, child] : children_) {
    if (name == key) return &child;
  }
  for (const auto& [name, child] : children_) {
    if (json::EqualsIgnoreCase(name, key)) return &child;
  }
  return nullptr;
}

Result<Value> CompiledValue::Evaluate(EvalEnv& env) const {
  switch (kind_) {
    case Kind::kConstant:
      return source_ ? Value::Borrow(*source_) : Value();
    case Kind::kString:
      return string_->Evaluate(env);
    case Kind::kArray: {
      bj::array out;
      out.reserve(children_.size());
      for (const auto& [key, child] : children_) {
        RUNNEL_TRY(v, child.Evaluate(env));
        out.push_back(std::move(v).Take());
      }
      return Value(bj::value(std::move(out)));
    }
    case Kind::kObject: {
      bj::object out;
      out.reserve(children_.size());
      for (const auto& [key, child] : children_) {
        auto v = child.Evaluate(env);
        if (!v) {
          Error e = v.error();
          e.where = "/" + PointerToken(key) + e.where;
          return e;
        }
        out.emplace(key, std::move(v.value()).Take());
      }
      return Value(bj::value(std::move(out)));
    }
  }
  return Value();
}

}  // namespace runnel::expr

#include "expr/evaluator.h"

#include <boost/container/small_vector.hpp>
#include <exception>

#include "expr/decimal.h"
#include "expr/errors.h"
#include "expr/parser.h"
#include "json/lookup.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace bj = boost::json;

namespace {

std::string KeyText(const bj::value& key) {
  return key.is_string() ? std::string(key.get_string()) : json::Serialize(key);
}

// "available properties are 'a', 'b'" (at most 10 names), to help fix a misspelled name.
std::string AvailableProperties(const bj::object& o) {
  if (o.empty()) return "the object has no properties";
  std::string out = "available properties are ";
  size_t n = 0;
  for (const auto& kv : o) {
    if (n) out += ", ";
    if (++n > 10) {
      out += "...";
      break;
    }
    out += "'" + std::string(kv.key()) + "'";
  }
  return out;
}

// Power Automate writes nested reads as one slash path: outputs('Get_items')?['body/value'].
const bj::value* FindSlashPath(const bj::object& o, std::string_view path) {
  const bj::object* cur = &o;
  const bj::value* found = nullptr;
  while (true) {
    size_t slash = path.find('/');
    std::string_view head = path.substr(0, slash);
    found = json::FindMember(*cur, head);
    if (!found || slash == std::string_view::npos) return found;
    if (!found->is_object()) return nullptr;
    cur = &found->get_object();
    path.remove_prefix(slash + 1);
  }
}

Result<Value> Access(Value base, const bj::value& key, const Node& node) {
  const bj::value& b = base.json();
  if (b.is_null()) {
    if (node.null_safe) return Value();
    return Error(errc::kMissing, "cannot read property '" + KeyText(key) +
                                     "' of null; use ?['" + KeyText(key) +
                                     "'] to get null instead",
                 node.position);
  }
  if (b.is_object()) {
    if (!key.is_string()) {
      return Error(errc::kType, "an object's property must be selected by a string, got " +
                                    std::string(TypeName(key)),
                   node.position);
    }
    std::string_view name = key.get_string();
    const bj::object& o = b.get_object();
    const bj::value* found = json::FindMember(o, name);
    if (!found && name.find('/') != std::string_view::npos) found = FindSlashPath(o, name);
    if (found) return std::move(base).Sub(*found);
    if (node.null_safe) return Value();
    return Error(errc::kMissing, "property '" + std::string(name) + "' doesn't exist; " +
                                     AvailableProperties(o) + ". Use ?['" + std::string(name) +
                                     "'] to get null when it may be missing",
                 node.position);
  }
  if (b.is_array()) {
    const bj::array& a = b.get_array();
    int64_t i = 0;
    if (key.is_int64()) {
      i = key.get_int64();
    } else if (key.is_uint64()) {
      i = key.get_uint64() > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(key.get_uint64());
    } else {
      return Error(errc::kType, "an array element must be selected by an integer index, got " +
                                    std::string(TypeName(key)) + " " + KeyText(key),
                   node.position);
    }
    if (i >= 0 && static_cast<uint64_t>(i) < a.size()) return std::move(base).Sub(a[static_cast<size_t>(i)]);
    if (node.null_safe) return Value();
    return Error(errc::kMissing, "index " + std::to_string(i) + " is outside the array, which has " +
                                     std::to_string(a.size()) + " element" +
                                     (a.size() == 1 ? "" : "s"),
                 node.position);
  }
  return Error(errc::kType, "cannot select '" + KeyText(key) + "' from a value of type " +
                                std::string(TypeName(base)),
               node.position);
}

Status CheckResultSize(const Value& v, const Node& call, const Limits& limits) {
  const bj::value& j = v.json();
  if (j.is_string() && j.get_string().size() > limits.max_result_chars) {
    return Error(errc::kLimit, std::string(call.function->name) + "() produced " +
                                   std::to_string(j.get_string().size()) +
                                   " characters; the limit is " +
                                   std::to_string(limits.max_result_chars),
                 call.position);
  }
  if (j.is_array() && j.get_array().size() > limits.max_result_items) {
    return Error(errc::kLimit, std::string(call.function->name) + "() produced " +
                                   std::to_string(j.get_array().size()) +
                                   " elements; the limit is " +
                                   std::to_string(limits.max_result_items),
                 call.position);
  }
  return Ok();
}

Result<Value> EvaluateCall(const Node& node, EvalEnv& env) {
  const FunctionDef& fn = *node.function;
  boost::container::small_vector<Value, 4> args;
  if (!(fn.flags & kLazy)) {
    args.reserve(node.children.size());
    for (const auto& child : node.children) {
      RUNNEL_TRY(v, Evaluate(*child, env));
      args.push_back(std::move(v));
    }
  }
  CallFrame frame(fn, node, env, std::span<Value>(args.data(), args.size()));
  RUNNEL_TRY(result, fn.impl(frame));
  if (auto st = CheckResultSize(result, node, *env.limits); !st) return st.error();
  return result;
}

// One last catch per evaluation (STYLE §3.4): a library exception escaping a function becomes an
// error of this expression only.
template <class F>
Result<Value> Guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Error(errc::kLimit, "the expression ran out of memory");
  } catch (const std::exception& e) {
    return Error("InternalError", std::string("unexpected failure while evaluating: ") + e.what());
  }
}

}  // namespace

Result<Value> Evaluate(const Node& node, EvalEnv& env) {
  switch (node.kind) {
    case Node::Kind::kLiteral:
      return Value::Borrow(node.literal);
    case Node::Kind::kCall:
      return EvaluateCall(node, env);
    case Node::Kind::kMember: {
      RUNNEL_TRY(base, Evaluate(*node.children[0], env));
      bj::value key(bj::string_view(node.name));
      return Access(std::move(base), key, node);
    }
    case Node::Kind::kIndex: {
      RUNNEL_TRY(base, Evaluate(*node.children[0], env));
      RUNNEL_TRY(index, Evaluate(*node.children[1], env));
      return Access(std::move(base), index.json(), node);
    }
  }
  return Error("InternalError", "unknown expression node", node.position);
}

Result<Expression> Expression::Compile(std::string_view text, const Limits& limits) {
  RUNNEL_TRY(root, Parse(text, 0, ParseMode::kWhole, limits));
  Expression e;
  e.root_ = std::move(root);
  return e;
}

Result<Value> Expression::Evaluate(EvalEnv& env) const {
  return Guarded([&] { return expr::Evaluate(*root_, env); });
}

Result<CompiledString> CompiledString::Compile(std::string_view text, const Limits& limits) {
  CompiledString out;
  // Whole-value expression: '@' first, not '@@' and not '@{'.
  if (text.size() >= 2 && text[0] == '@' && text[1] != '@' && text[1] != '{') {
    RUNNEL_TRY(root, Parse(text, 1, ParseMode::kWhole, limits));
    out.kind_ = Kind::kExpression;
    out.expr_ = std::move(root);
    return out;
  }
  // A plain literal unless an '@{' hole or a leading '@@' escape appears.
  if (text.find("@{") == std::string_view::npos && !(text.size() >= 2 && text.substr(0, 2) == "@@")) {
    out.literal_ = bj::string(bj::string_view(text.data(), text.size()));
    return out;
  }
  // Template: literal runs, '@@' -> '@', '@{expr}' holes.
  std::string run;
  bool has_holes = false;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '@' && i + 1 < text.size() && text[i + 1] == '@') {
      run += '@';
      i += 2;
      continue;
    }
    if (text[i] == '@' && i + 1 < text.size() && text[i + 1] == '{') {
      if (!run.empty()) out.segments_.push_back({std::move(run), nullptr});
      run.clear();
      size_t end = 0;
      RUNNEL_TRY(root, Parse(text, i + 2, ParseMode::kTemplate, limits, &end));
      out.segments_.push_back({std::string(), std::move(root)});
      has_holes = true;
      i = end;
      continue;
    }
    run += text[i++];
  }
  if (!has_holes) {
    out.literal_ = bj::string(run);
    out.segments_.clear();
    return out;
  }
  if (!run.empty()) out.segments_.push_back({std::move(run), nullptr});
  out.kind_ = Kind::kTemplate;
  return out;
}

Result<Value> CompiledString::Evaluate(EvalEnv& env) const {
  switch (kind_) {
    case Kind::kLiteral:
      return Value::Borrow(literal_);
    case Kind::kExpression:
      return Guarded([&] { return expr::Evaluate(*expr_, env); });
    case Kind::kTemplate:
      return Guarded([&]() -> Result<Value> {
        std::string out;
        for (const Segment& s : segments_) {
          if (!s.expr) {
            out += s.text;
            continue;
          }
          RUNNEL_TRY(v, expr::Evaluate(*s.expr, env));
          if (const Decimal* d = v.decimal()) {
            out += d->ToString();
          } else {
            json::AppendText(v.json(), out);
          }
          if (out.size() > env.limits->max_result_chars) {
            return Error(errc::kLimit, "the text would be longer than " +
                                           std::to_string(env.limits->max_result_chars) +
                                           " characters",
                         s.expr->position);
          }
        }
        return Value(bj::value(bj::string(out)));
      });
  }
  return Error("InternalError", "unknown string kind");
}

}  // namespace runnel::expr

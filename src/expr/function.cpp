#include "expr/function.h"

#include <cmath>

#include "expr/decimal.h"
#include "expr/errors.h"
#include "expr/evaluator.h"
#include "expr/limits.h"
#include "json/serialize.h"

namespace runnel::expr {
namespace bj = boost::json;

Result<Value> CallFrame::Eval(size_t i) { return Evaluate(*call_.children[i], env_); }

Error CallFrame::Fail(const char* code, std::string_view message) const {
  return Error(code, std::string(def_.name) + "(): " + std::string(message), call_.position);
}

Error CallFrame::ValueError(std::string_view message) const { return Fail(errc::kValue, message); }

Error CallFrame::TypeError(size_t i, std::string_view expected) const {
  std::string msg = std::string(def_.name) + "() expects " + std::string(expected);
  if (size() > 1) msg += " as argument " + std::to_string(i + 1);
  msg += ", got ";
  msg += i < args_.size() ? TypeName(args_[i]) : "nothing";
  int pos = i < call_.children.size() ? call_.children[i]->position : call_.position;
  return Error(errc::kType, std::move(msg), pos);
}

Status CallFrame::CheckResultChars(size_t chars) const {
  if (chars > env_.limits->max_result_chars) {
    return Fail(errc::kLimit, "the result would be " + std::to_string(chars) +
                                  " characters; the limit is " +
                                  std::to_string(env_.limits->max_result_chars));
  }
  return Ok();
}

Result<std::string_view> CallFrame::String(size_t i) {
  const bj::value& v = args_[i].json();
  if (!v.is_string()) return TypeError(i, "a string");
  return std::string_view(v.get_string());
}

Result<std::string> CallFrame::Text(size_t i) {
  const Value& v = args_[i];
  if (const Decimal* d = v.decimal()) return d->ToString();
  return json::ToText(v.json());
}

Result<int64_t> CallFrame::Int(size_t i) {
  const bj::value& v = args_[i].json();
  switch (v.kind()) {
    case bj::kind::int64: return v.get_int64();
    case bj::kind::uint64:
      if (v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(v.get_uint64());
      break;
    case bj::kind::double_: {
      double d = v.get_double();
      if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
      break;
    }
    default: break;
  }
  return TypeError(i, "an integer");
}

Result<double> CallFrame::Number(size_t i) {
  const bj::value& v = args_[i].json();
  switch (v.kind()) {
    case bj::kind::int64: return static_cast<double>(v.get_int64());
    case bj::kind::uint64: return static_cast<double>(v.get_uint64());
    case bj::kind::double_: return v.get_double();
    default: return TypeError(i, "a number");
  }
}

Result<bool> CallFrame::Bool(size_t i) {
  const bj::value& v = args_[i].json();
  if (!v.is_bool()) return TypeError(i, "a boolean");
  return v.get_bool();
}

Result<const bj::array*> CallFrame::Array(size_t i) {
  const bj::value& v = args_[i].json();
  if (!v.is_array()) return TypeError(i, "an array");
  return &v.get_array();
}

Result<const bj::object*> CallFrame::Object(size_t i) {
  const bj::value& v = args_[i].json();
  if (!v.is_object()) return TypeError(i, "an object");
  return &v.get_object();
}

}  // namespace runnel::expr

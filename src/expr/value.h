// Value: the result of evaluating an expression or one of its parts.
//
// A Value either borrows a JSON value that lives elsewhere (a trigger body, an action output, a
// variable: reading `triggerBody()?['customer']` copies nothing) or owns one it computed. A
// decimal() result additionally carries its exact Decimal; its JSON form is the nearest double.
//
// Lifetime: a borrowed Value is valid only while the thing it borrows from is unchanged; during
// one evaluation the WorkflowContext guarantees that. Take() turns any Value into an owned JSON
// value (copying only when borrowed) for storing it beyond the evaluation.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <optional>

namespace runnel::expr {

class Decimal;

class Value {
 public:
  Value() = default;  // JSON null
  Value(boost::json::value v) : ref_(nullptr), own_(std::move(v)) {}  // NOLINT(google-explicit-constructor)

  static Value Borrow(const boost::json::value& v) {
    Value out;
    out.ref_ = &v;
    return out;
  }
  static Value FromDecimal(const Decimal& d);

  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  const boost::json::value& json() const { return ref_ ? *ref_ : *own_; }
  const Decimal* decimal() const { return decimal_.get(); }
  bool is_borrowed() const { return ref_ != nullptr; }

  // The JSON value, moved out when owned, copied when borrowed.
  boost::json::value Take() && { return ref_ ? boost::json::value(*ref_) : std::move(*own_); }

  // A sub-value of this one (member or element `sub`, which must point into json()): borrowed
  // when this Value is borrowed, else moved out of the owned value.
  Value Sub(const boost::json::value& sub) && {
    if (ref_) return Borrow(sub);
    return Value(boost::json::value(std::move(const_cast<boost::json::value&>(sub))));
  }

  // Shorthands.
  bool is_null() const { return json().is_null(); }
  bool is_string() const { return json().is_string(); }
  bool is_array() const { return json().is_array(); }
  bool is_object() const { return json().is_object(); }
  bool is_bool() const { return json().is_bool(); }
  bool is_number() const {
    const auto& j = json();
    return j.is_int64() || j.is_uint64() || j.is_double();
  }

 private:
  static const boost::json::value& Null() {
    static const boost::json::value null;
    return null;
  }

  // Borrowed values (the common case when reading run data) never construct a JSON value of
  // their own: `own_` stays empty and ref_ points at the borrowed one (or at a shared null).
  const boost::json::value* ref_ = &Null();
  std::optional<boost::json::value> own_;
  std::shared_ptr<const Decimal> decimal_;
};

// A short name of the value's type for error messages: "null", "boolean", "integer", "float",
// "decimal", "string", "array", "object".
const char* TypeName(const Value& v);
const char* TypeName(const boost::json::value& v);

}  // namespace runnel::expr

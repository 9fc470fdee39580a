// Decimal: the value decimal() produces, with .NET System.Decimal's 28-29 significant digits.
//
// WDL documents that a decimal keeps its digits only inside an expression (string(decimal(x))
// round-trips them) and becomes an ordinary double when stored as a JSON number. A Value carries
// a Decimal next to that double approximation; arithmetic functions use the Decimal when present.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace runnel::expr {

class Decimal {
 public:
  // Parses an invariant-culture decimal: optional sign, digits, optional '.', digits, optional
  // exponent. Returns nullopt when s is not a number or is outside .NET decimal's range.
  static std::optional<Decimal> Parse(std::string_view s);
  static Decimal FromDouble(double d);
  static Decimal FromInt(int64_t i);

  Decimal(const Decimal&);
  Decimal& operator=(const Decimal&);
  ~Decimal();

  // Shortest text with at most 29 significant digits, no exponent ("2.4691357824624262").
  std::string ToString() const;
  double ToDouble() const;

  Decimal Add(const Decimal& o) const;
  Decimal Sub(const Decimal& o) const;
  Decimal Mul(const Decimal& o) const;
  // REQUIRES: !o.IsZero().
  Decimal Div(const Decimal& o) const;
  // Remainder with the dividend's sign (.NET %). REQUIRES: !o.IsZero().
  Decimal Mod(const Decimal& o) const;
  int Compare(const Decimal& o) const;
  bool IsZero() const;

 private:
  struct Impl;
  explicit Decimal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace runnel::expr

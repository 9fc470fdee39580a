#include "expr/decimal.h"

#include <boost/multiprecision/cpp_dec_float.hpp>
#include <cstdio>

namespace runnel::expr {

namespace mp = boost::multiprecision;

// 40 digits of working precision: enough that results rounded to .NET's 28-29 significant digits
// come out exactly as .NET computes them for the magnitudes flows use.
struct Decimal::Impl {
  mp::number<mp::cpp_dec_float<40>> v;
};

namespace {
constexpr int kSignificantDigits = 29;
}

Decimal::Decimal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Decimal::Decimal(const Decimal& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Decimal& Decimal::operator=(const Decimal& o) {
  impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
Decimal::~Decimal() = default;

std::optional<Decimal> Decimal::Parse(std::string_view s) {
  // Validate the shape ourselves: cpp_dec_float's string constructor throws on bad input and
  // accepts forms (inf, nan) that .NET decimal does not.
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  size_t end = s.size();
  while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t')) --end;
  std::string_view t = s.substr(i, end - i);
  size_t p = 0;
  if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
  size_t digits = 0;
  while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p, ++digits;
  if (p < t.size() && t[p] == '.') {
    ++p;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (p < t.size() && (t[p] == 'e' || t[p] == 'E')) {
    ++p;
    if (p < t.size() && (t[p] == '+' || t[p] == '-')) ++p;
    size_t exp_digits = 0;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9' && exp_digits < 4) ++p, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (p != t.size()) return std::nullopt;
  auto impl = std::make_unique<Impl>();
  impl->v = mp::number<mp::cpp_dec_float<40>>(std::string(t));
  // System.Decimal's range is about +-7.9e28.
  if (mp::abs(impl->v) > mp::number<mp::cpp_dec_float<40>>("79228162514264337593543950335")) {
    return std::nullopt;
  }
  return Decimal(std::move(impl));
}

Decimal Decimal::FromDouble(double d) {
  auto impl = std::make_unique<Impl>();
  // Through the shortest round-trip text, so 0.1 becomes 0.1 and not 0.1000000000000000055...
  char buf[40];
  impl->v = mp::number<mp::cpp_dec_float<40>>(d);
  double back = 0;
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, d);
    std::sscanf(buf, "%lf", &back);
    if (back == d) {
      impl->v = mp::number<mp::cpp_dec_float<40>>(buf);
      break;
    }
  }
  return Decimal(std::move(impl));
}

Decimal Decimal::FromInt(int64_t i) {
  auto impl = std::make_unique<Impl>();
  impl->v = i;
  return Decimal(std::move(impl));
}

std::string Decimal::ToString() const {
  std::string s = impl_->v.str(kSignificantDigits, std::ios_base::fixed);
  // Trim trailing zeros of the fraction (.NET prints the value's own scale; we print the
  // shortest form, which equals it for values produced by parsing and +,-).
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  // Keep at most 29 significant digits in total.
  size_t sig = 0, cut = s.size();
  bool seen_nonzero = false;
  for (size_t k = 0; k < s.size(); ++k) {
    char c = s[k];
    if (c < '0' || c > '9') continue;
    if (c != '0') seen_nonzero = true;
    if (seen_nonzero && ++sig > kSignificantDigits) {
      cut = k;
      break;
    }
  }
  if (cut < s.size() && s.find('.') < cut) {
    s.resize(cut);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

double Decimal::ToDouble() const { return impl_->v.convert_to<double>(); }

#define RUNNEL_DECIMAL_OP(name, expr)                 \
  Decimal Decimal::name(const Decimal& o) const {     \
    auto impl = std::make_unique<Impl>();             \
    const auto& a = impl_->v;                         \
    const auto& b = o.impl_->v;                       \
    impl->v = (expr);                                 \
    return Decimal(std::move(impl));                  \
  }
RUNNEL_DECIMAL_OP(Add, a + b)
RUNNEL_DECIMAL_OP(Sub, a - b)
RUNNEL_DECIMAL_OP(Mul, a * b)
RUNNEL_DECIMAL_OP(Div, a / b)
RUNNEL_DECIMAL_OP(Mod, a - b * mp::trunc(a / b))
#undef RUNNEL_DECIMAL_OP

int Decimal::Compare(const Decimal& o) const {
  return impl_->v < o.impl_->v ? -1 : (impl_->v > o.impl_->v ? 1 : 0);
}

bool Decimal::IsZero() const { return impl_->v.is_zero(); }

}  // namespace runnel::expr

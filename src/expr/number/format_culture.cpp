#include "expr/number/format_culture.h"

#include <unicode/region.h>
#include <unicode/uloc.h>
#include <unicode/unistr.h>
#include <unicode/unum.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "expr/errors.h"

namespace runnel::expr::numfmt {

namespace {

// .NET maps ICU's number patterns onto its fixed pattern tables by reducing a pattern to the
// characters below (pal_localeNumberData.c, NormalizeNumericPattern) and looking the result up.
constexpr const char* kCurrencyPositive[] = {"Cn", "nC", "C n", "n C"};
constexpr const char* kCurrencyNegative[] = {
    "(Cn)", "-Cn", "C-n", "Cn-", "(nC)", "-nC", "n-C", "nC-", "-n C",
    "-C n", "n C-", "C n-", "C -n", "n- C", "(C n)", "(n C)", "C- n"};
constexpr const char* kNumberNegative[] = {"(n)", "-n", "- n", "n-", "n -"};
constexpr const char* kPercentPositive[] = {"n %", "n%", "%n", "% n"};
constexpr const char* kPercentNegative[] = {"-n %", "-n%", "-%n", "%-n", "%n-", "n-%",
                                            "n%-", "-% n", "n %-", "% n-", "% -n", "n- %"};

// ICU 72 data that differs from what the hosted engine documents. Applied only while ICU still
// has the listed value, so newer ICU data that agrees is left alone.
struct SymbolOverride {
  const char* language;
  const char* icu_value;
  const char* value;
};
constexpr SymbolOverride kCurrencySymbolOverrides[] = {
    // The function reference: formatNumber(17.35, 'C2', 'is-IS') = '17,35 kr'.
    {"is", "kr.", "kr"},
};

// .NET's NumberDecimalDigits on ICU is the decimal pattern's maximum fraction digits (3 for
// almost every locale), which makes N, F and P print three decimals; Windows' NLS data and the
// .NET documentation give 2, which is what flow authors expect from 'N' and 'P'.
constexpr int kNumberDecimalDigits = 2;

struct UnumCloser {
  void operator()(UNumberFormat* f) const { unum_close(f); }
};
using UnumPtr = std::unique_ptr<UNumberFormat, UnumCloser>;

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

std::string Symbol(const UNumberFormat* f, UNumberFormatSymbol which) {
  UChar buf[64];
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = unum_getSymbol(f, which, buf, 64, &status);
  if (U_FAILURE(status) || n < 0 || n > 64) return "";
  return Utf8(icu::UnicodeString(buf, n));
}

icu::UnicodeString Pattern(const UNumberFormat* f) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = unum_toPattern(f, false, nullptr, 0, &status);
  if (n <= 0) return {};
  icu::UnicodeString out;
  status = U_ZERO_ERROR;
  UChar* buf = out.getBuffer(n + 1);
  if (!buf) return {};
  int32_t written = unum_toPattern(f, false, buf, n + 1, &status);
  out.releaseBuffer(U_SUCCESS(status) ? written : 0);
  return out;
}

// The positive or negative half of an ICU pattern reduced to 'n' (the number), 'C' (currency),
// '%', one ' ' and the sign characters '-', '(' and ')'. Without an explicit negative half ICU
// prefixes '-'. U+202F (narrow no-break space) counts as a space too: CLDR uses it between
// number and symbol in some locales, and .NET's check for only U+0020 and U+00A0 predates that.
std::string Normalize(const icu::UnicodeString& pattern, bool negative) {
  int32_t start = 0, end = pattern.length();
  int32_t semicolon = pattern.lastIndexOf(u';');
  if (semicolon >= 0) {
    if (negative) {
      start = semicolon + 1;
    } else {
      end = semicolon;
    }
  }
  bool has_sign = false;
  for (int32_t i = start; i < end; ++i) {
    UChar c = pattern.charAt(i);
    if (c == u'-' || c == u'(' || c == u')') has_sign = true;
  }
  std::string out;
  if (negative && !has_sign) out += '-';
  bool digit = false, currency = false, space = false;
  for (int32_t i = start; i < end; ++i) {
    UChar c = pattern.charAt(i);
    switch (c) {
      case u'#':
      case u'0':
        if (!digit) out += 'n';
        digit = true;
        break;
      case u'\u00A4':
        if (!currency) out += 'C';
        currency = true;
        break;
      case u' ':
      case u'\u00A0':
      case u'\u202F':
        if (!space) out += ' ';
        space = true;
        break;
      case u'-':
      case u'(':
      case u')':
      case u'%':
        out += static_cast<char>(c);
        break;
      default:
        break;
    }
  }
  return out;
}

template <size_t N>
int PatternIndex(const UNumberFormat* f, const char* const (&table)[N], bool negative,
                 int fallback) {
  std::string normalized = Normalize(Pattern(f), negative);
  for (size_t i = 0; i < N; ++i) {
    if (normalized == table[i]) return static_cast<int>(i);
  }
  return fallback;
}

std::vector<int> GroupSizes(const UNumberFormat* f) {
  int primary = unum_getAttribute(f, UNUM_GROUPING_SIZE);
  int secondary = unum_getAttribute(f, UNUM_SECONDARY_GROUPING_SIZE);
  if (primary < 0 || primary > 9) primary = 0;
  if (secondary <= 0 || secondary > 9 || secondary == primary) return {primary};
  return {primary, secondary};
}

Result<std::unique_ptr<NumberCulture>> Build(const std::string& icu_id, const char* language,
                                             std::string_view name) {
  UErrorCode status = U_ZERO_ERROR;
  UnumPtr dec(unum_open(UNUM_DECIMAL, nullptr, 0, icu_id.c_str(), nullptr, &status));
  UnumPtr cur(unum_open(UNUM_CURRENCY, nullptr, 0, icu_id.c_str(), nullptr, &status));
  UnumPtr pct(unum_open(UNUM_PERCENT, nullptr, 0, icu_id.c_str(), nullptr, &status));
  if (U_FAILURE(status) || !dec || !cur || !pct) {
    return Error(errc::kValue, "no number format data for the locale '" + std::string(name) + "'");
  }
  auto c = std::make_unique<NumberCulture>();
  c->name = std::string(name);
  c->negative_sign = Symbol(dec.get(), UNUM_MINUS_SIGN_SYMBOL);
  c->positive_sign = Symbol(dec.get(), UNUM_PLUS_SIGN_SYMBOL);
  c->nan_symbol = Symbol(dec.get(), UNUM_NAN_SYMBOL);
  c->positive_infinity = Symbol(dec.get(), UNUM_INFINITY_SYMBOL);
  c->negative_infinity = c->negative_sign + c->positive_infinity;
  c->decimal_separator = Symbol(dec.get(), UNUM_DECIMAL_SEPARATOR_SYMBOL);
  c->group_separator = Symbol(dec.get(), UNUM_GROUPING_SEPARATOR_SYMBOL);
  c->group_sizes = GroupSizes(dec.get());
  c->number_decimal_digits = kNumberDecimalDigits;
  c->number_negative_pattern = PatternIndex(dec.get(), kNumberNegative, true, 1);

  c->currency_symbol = Symbol(dec.get(), UNUM_CURRENCY_SYMBOL);
  for (const SymbolOverride& o : kCurrencySymbolOverrides) {
    if (std::string_view(language) == o.language && c->currency_symbol == o.icu_value) {
      c->currency_symbol = o.value;
    }
  }
  c->currency_decimal_separator = Symbol(dec.get(), UNUM_MONETARY_SEPARATOR_SYMBOL);
  c->currency_group_separator = Symbol(dec.get(), UNUM_MONETARY_GROUPING_SEPARATOR_SYMBOL);
  c->currency_group_sizes = GroupSizes(cur.get());
  int digits = unum_getAttribute(cur.get(), UNUM_MAX_FRACTION_DIGITS);
  c->currency_decimal_digits = digits >= 0 && digits <= 9 ? digits : 2;
  c->currency_positive_pattern = PatternIndex(cur.get(), kCurrencyPositive, false, 0);
  c->currency_negative_pattern = PatternIndex(cur.get(), kCurrencyNegative, true, 0);

  c->percent_symbol = Symbol(dec.get(), UNUM_PERCENT_SYMBOL);
  c->per_mille_symbol = Symbol(dec.get(), UNUM_PERMILL_SYMBOL);
  c->percent_positive_pattern = PatternIndex(pct.get(), kPercentPositive, false, 0);
  c->percent_negative_pattern = PatternIndex(pct.get(), kPercentNegative, true, 0);
  return c;
}

// Languages ICU has locale data for ("en", "is", "de", ...).
const std::set<std::string>& KnownLanguages() {
  static const std::set<std::string> languages = [] {
    std::set<std::string> out;
    int32_t n = uloc_countAvailable();
    for (int32_t i = 0; i < n; ++i) {
      char lang[ULOC_LANG_CAPACITY];
      UErrorCode status = U_ZERO_ERROR;
      int32_t len = uloc_getLanguage(uloc_getAvailable(i), lang, sizeof lang, &status);
      if (U_SUCCESS(status) && len > 0) out.emplace(lang, static_cast<size_t>(len));
    }
    return out;
  }();
  return languages;
}

Error UnknownLocale(std::string_view name) {
  return Error(errc::kValue, "the locale '" + std::string(name) +
                                 "' is not a known culture; use a name like 'en-US', 'de-DE' "
                                 "or 'is-IS'");
}

// Keeps memory bounded whatever locale names an expression tries: past this many distinct
// cultures new ones are built per call instead of cached.
constexpr size_t kMaxCachedCultures = 256;

}  // namespace

Result<const NumberCulture*> FindNumberCulture(std::string_view name) {
  static const NumberCulture kInvariant;
  if (name.empty()) return &kInvariant;
  if (name.size() > 64) return UnknownLocale(name.substr(0, 64));

  std::string tag(name);
  for (char& ch : tag) {
    if (ch == '_') ch = '-';
  }
  char id[ULOC_FULLNAME_CAPACITY];
  int32_t parsed = 0;
  UErrorCode status = U_ZERO_ERROR;
  int32_t id_len = uloc_forLanguageTag(tag.c_str(), id, sizeof id, &parsed, &status);
  if (U_FAILURE(status) || status == U_STRING_NOT_TERMINATED_WARNING || id_len <= 0 ||
      parsed != static_cast<int32_t>(tag.size())) {
    return UnknownLocale(name);
  }
  std::string icu_id(id, static_cast<size_t>(id_len));
  char language[ULOC_LANG_CAPACITY] = {};
  char country[ULOC_COUNTRY_CAPACITY] = {};
  status = U_ZERO_ERROR;
  uloc_getLanguage(icu_id.c_str(), language, sizeof language, &status);
  uloc_getCountry(icu_id.c_str(), country, sizeof country, &status);
  if (U_FAILURE(status) || !KnownLanguages().count(language)) return UnknownLocale(name);
  if (country[0] != '\0') {
    status = U_ZERO_ERROR;
    icu::Region::getInstance(country, status);
    if (U_FAILURE(status)) return UnknownLocale(name);
  }

  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<NumberCulture>> cache;
  static thread_local std::unique_ptr<NumberCulture> uncached;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(icu_id);
    if (it != cache.end()) return it->second.get();
  }
  RUNNEL_TRY(built, Build(icu_id, language, name));
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() >= kMaxCachedCultures) {
    // Valid until this thread's next uncached lookup, which outlives the formatNumber call.
    uncached = std::move(built);
    return uncached.get();
  }
  auto [it, inserted] = cache.emplace(icu_id, std::move(built));
  return it->second.get();
}

}  // namespace runnel::expr::numfmt

#include "expr/datetime/culture.h"

#include <unicode/datefmt.h>
#include <unicode/dtfmtsym.h>
#include <unicode/dtptngen.h>
#include <unicode/locid.h>
#include <unicode/smpdtfmt.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/unistr.h>

#include <map>
#include <mutex>
#include <set>

#include "expr/datetime/icu_pattern.h"
#include "json/lookup.h"

namespace runnel::expr::datetime {

namespace {

// Built cultures are kept up to this many; past it (only a fuzzer names that many distinct
// cultures) they are built per call, so memory stays bounded.
constexpr size_t kMaxCachedCultures = 256;

constexpr std::array<const char*, 12> kEnglishMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<const char*, 12> kEnglishAbbreviatedMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kEnglishDays = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<const char*, 7> kEnglishAbbreviatedDays = {"Sun", "Mon", "Tue", "Wed",
                                                                 "Thu", "Fri", "Sat"};

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

void AddName(Culture& c, const std::string& name, ParseName::Kind kind, int value) {
  if (name.empty()) return;
  c.parse_names.push_back({FoldCase(name), kind, value});
  // Abbreviations are often written without their final dot ("févr" for "févr.").
  if (name.size() > 1 && name.back() == '.') {
    c.parse_names.push_back({FoldCase(name.substr(0, name.size() - 1)), kind, value});
  }
}

void AddParseNames(Culture& c, const std::vector<std::string>& words) {
  for (int m = 0; m < 12; ++m) {
    AddName(c, c.month_names[m], ParseName::kMonth, m + 1);
    AddName(c, c.genitive_month_names[m], ParseName::kMonth, m + 1);
    AddName(c, c.abbreviated_month_names[m], ParseName::kAbbreviatedMonth, m + 1);
    AddName(c, c.abbreviated_genitive_month_names[m], ParseName::kAbbreviatedMonth, m + 1);
  }
  for (int d = 0; d < 7; ++d) {
    AddName(c, c.day_names[d], ParseName::kDay, d);
    AddName(c, c.abbreviated_day_names[d], ParseName::kAbbreviatedDay, d);
  }
  AddName(c, c.am_designator, ParseName::kAm, 0);
  AddName(c, c.pm_designator, ParseName::kPm, 0);
  AddName(c, c.era_name, ParseName::kEra, 0);
  for (const std::string& w : words) AddName(c, w, ParseName::kWord, 0);
}

Culture EnglishBase(std::string name) {
  Culture c;
  c.name = std::move(name);
  for (int m = 0; m < 12; ++m) {
    c.month_names[m] = c.genitive_month_names[m] = kEnglishMonths[m];
    c.abbreviated_month_names[m] = c.abbreviated_genitive_month_names[m] =
        kEnglishAbbreviatedMonths[m];
  }
  for (int d = 0; d < 7; ++d) {
    c.day_names[d] = kEnglishDays[d];
    c.abbreviated_day_names[d] = kEnglishAbbreviatedDays[d];
  }
  c.am_designator = "AM";
  c.pm_designator = "PM";
  c.era_name = "A.D.";
  c.date_separator = "/";
  c.time_separator = ":";
  c.date_order = DateOrder::kMonthDayYear;
  return c;
}

// .NET's CultureInfo.InvariantCulture.DateTimeFormat.
Culture MakeInvariant() {
  Culture c = EnglishBase("");
  c.short_date = "MM/dd/yyyy";
  c.long_date = "dddd, dd MMMM yyyy";
  c.short_time = "HH:mm";
  c.long_time = "HH:mm:ss";
  c.month_day = "MMMM dd";
  c.year_month = "yyyy MMMM";
  AddParseNames(c, {});
  return c;
}

// en-US as .NET on Windows (NLS) has it; the hosted engine's documented outputs use these.
Culture MakeEnglishUs() {
  Culture c = EnglishBase("en-US");
  c.short_date = "M/d/yyyy";
  c.long_date = "dddd, MMMM d, yyyy";
  c.short_time = "h:mm tt";
  c.long_time = "h:mm:ss tt";
  c.month_day = "MMMM d";
  c.year_month = "MMMM yyyy";
  AddParseNames(c, {});
  return c;
}

template <size_t N>
void CopySymbols(std::array<std::string, N>& out, const icu::UnicodeString* symbols, int32_t count,
                 int32_t first) {
  for (size_t i = 0; i < N; ++i) {
    int32_t k = first + static_cast<int32_t>(i);
    if (symbols && k < count) out[i] = ToUtf8(symbols[k]);
  }
}

std::string DateOrTimePattern(const icu::Locale& loc, bool date, icu::DateFormat::EStyle style) {
  std::unique_ptr<icu::DateFormat> df(date ? icu::DateFormat::createDateInstance(style, loc)
                                           : icu::DateFormat::createTimeInstance(style, loc));
  auto* sdf = dynamic_cast<icu::SimpleDateFormat*>(df.get());
  if (!sdf) return {};
  icu::UnicodeString pattern;
  sdf->toPattern(pattern);
  return ToUtf8(pattern);
}

std::shared_ptr<const Culture> BuildFromIcu(const icu::Locale& base, std::string name) {
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale loc(base);
  // Always the Gregorian calendar: WDL dates are Gregorian whatever the locale's default.
  loc.setKeywordValue("calendar", "gregorian", status);
  status = U_ZERO_ERROR;
  icu::DateFormatSymbols symbols(loc, status);
  if (U_FAILURE(status)) return nullptr;

  auto c = std::make_shared<Culture>();
  c->name = std::move(name);
  using S = icu::DateFormatSymbols;
  int32_t n = 0;
  // As .NET on ICU: stand-alone forms are the plain names, format forms the genitive ones.
  const icu::UnicodeString* s = symbols.getMonths(n, S::STANDALONE, S::WIDE);
  CopySymbols(c->month_names, s, n, 0);
  s = symbols.getMonths(n, S::FORMAT, S::WIDE);
  CopySymbols(c->genitive_month_names, s, n, 0);
  s = symbols.getMonths(n, S::STANDALONE, S::ABBREVIATED);
  CopySymbols(c->abbreviated_month_names, s, n, 0);
  s = symbols.getMonths(n, S::FORMAT, S::ABBREVIATED);
  CopySymbols(c->abbreviated_genitive_month_names, s, n, 0);
  // ICU weekday arrays start at index 1 (Sunday).
  s = symbols.getWeekdays(n, S::STANDALONE, S::WIDE);
  CopySymbols(c->day_names, s, n, 1);
  s = symbols.getWeekdays(n, S::STANDALONE, S::ABBREVIATED);
  CopySymbols(c->abbreviated_day_names, s, n, 1);
  s = symbols.getAmPmStrings(n);
  if (n >= 2) {
    c->am_designator = ToUtf8(s[0]);
    c->pm_designator = ToUtf8(s[1]);
  }
  s = symbols.getEras(n);
  if (n >= 2) c->era_name = ToUtf8(s[1]);

  std::vector<std::string> words;
  c->short_date = FixShortDateYear(
      IcuToDotNetPattern(DateOrTimePattern(loc, true, icu::DateFormat::kShort), &words));
  c->long_date = IcuToDotNetPattern(DateOrTimePattern(loc, true, icu::DateFormat::kFull), &words);
  c->short_time = IcuToDotNetPattern(DateOrTimePattern(loc, false, icu::DateFormat::kShort), &words);
  c->long_time = IcuToDotNetPattern(DateOrTimePattern(loc, false, icu::DateFormat::kMedium), &words);
  status = U_ZERO_ERROR;
  std::unique_ptr<icu::DateTimePatternGenerator> gen(
      icu::DateTimePatternGenerator::createInstance(loc, status));
  if (U_SUCCESS(status) && gen) {
    c->month_day = IcuToDotNetPattern(ToUtf8(gen->getBestPattern(u"MMMMd", status)), &words);
    status = U_ZERO_ERROR;
    c->year_month = IcuToDotNetPattern(ToUtf8(gen->getBestPattern(u"yMMMM", status)), &words);
  }
  if (c->short_date.empty()) c->short_date = "yyyy-MM-dd";
  if (c->long_date.empty()) c->long_date = "dddd, yyyy MMMM dd";
  if (c->short_time.empty()) c->short_time = "HH:mm";
  if (c->long_time.empty()) c->long_time = "HH:mm:ss";
  if (c->month_day.empty()) c->month_day = "MMMM dd";
  if (c->year_month.empty()) c->year_month = "yyyy MMMM";
  c->date_order = OrderOfPattern(c->short_date);
  c->date_separator = SeparatorOfPattern(c->short_date, "dMy", "/");
  c->time_separator = SeparatorOfPattern(c->long_time, "Hh", ":");
  AddParseNames(*c, words);
  return c;
}

bool IsAsciiAlpha(std::string_view s) {
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) return false;
  }
  return !s.empty();
}

bool IsAsciiDigits(std::string_view s) {
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
  }
  return !s.empty();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return out;
}

// Languages, scripts and regions ICU has locale data for, lower-cased, plus ISO 3166 regions.
struct KnownSubtags {
  std::set<std::string> languages, scripts, regions;
};

const KnownSubtags& Known() {
  static const KnownSubtags* known = [] {
    auto* k = new KnownSubtags();
    int32_t count = 0;
    const icu::Locale* locales = icu::Locale::getAvailableLocales(count);
    for (int32_t i = 0; i < count; ++i) {
      k->languages.insert(json::LowerAscii(locales[i].getLanguage()));
      if (*locales[i].getScript()) k->scripts.insert(json::LowerAscii(locales[i].getScript()));
      if (*locales[i].getCountry()) k->regions.insert(json::LowerAscii(locales[i].getCountry()));
    }
    for (const char* const* r = uloc_getISOCountries(); *r; ++r) k->regions.insert(json::LowerAscii(*r));
    return k;
  }();
  return *known;
}

// "fr-fr" -> "fr-FR", "zh-hans-cn" -> "zh-Hans-CN"; empty when not language[-Script][-REGION]
// with known subtags.
std::string CanonicalName(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dash = name.find('-', start);
    parts.push_back(name.substr(start, dash == std::string_view::npos ? dash : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() > 3) return {};
  const KnownSubtags& known = Known();
  std::string_view lang = parts[0];
  if (lang.size() < 2 || lang.size() > 3 || !IsAsciiAlpha(lang)) return {};
  if (!known.languages.count(json::LowerAscii(lang))) return {};
  std::string out = json::LowerAscii(lang);
  size_t i = 1;
  if (i < parts.size() && parts[i].size() == 4 && IsAsciiAlpha(parts[i])) {
    if (!known.scripts.count(json::LowerAscii(parts[i]))) return {};
    std::string script = json::LowerAscii(parts[i]);
    script[0] = static_cast<char>(script[0] - 'a' + 'A');
    out += "-" + script;
    ++i;
  }
  if (i < parts.size()) {
    std::string_view region = parts[i];
    bool ok = (region.size() == 2 && IsAsciiAlpha(region)) ||
              (region.size() == 3 && IsAsciiDigits(region));
    if (!ok || !known.regions.count(json::LowerAscii(region))) return {};
    out += "-" + Upper(region);
    ++i;
  }
  return i == parts.size() ? out : std::string();
}

}  // namespace

const Culture& InvariantCulture() {
  static const Culture* c = new Culture(MakeInvariant());
  return *c;
}

const Culture& DefaultCulture() {
  static const Culture* c = new Culture(MakeEnglishUs());
  return *c;
}

std::shared_ptr<const Culture> FindCulture(std::string_view name) {
  static const std::shared_ptr<const Culture> invariant(&InvariantCulture(), [](const Culture*) {});
  static const std::shared_ptr<const Culture> english(&DefaultCulture(), [](const Culture*) {});
  if (name.empty()) return invariant;
  std::string canonical = CanonicalName(name);
  if (canonical.empty()) return nullptr;
  if (canonical == "en-US") return english;

  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Culture>>* cache =
      new std::map<std::string, std::shared_ptr<const Culture>>();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(canonical);
    if (it != cache->end()) return it->second;
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale loc = icu::Locale::forLanguageTag(canonical, status);
  if (U_FAILURE(status) || loc.isBogus()) return nullptr;
  std::shared_ptr<const Culture> built = BuildFromIcu(loc, canonical);
  if (!built) return nullptr;
  std::lock_guard<std::mutex> lock(mu);
  if (cache->size() < kMaxCachedCultures) cache->emplace(canonical, built);
  return built;
}

std::u16string Utf8ToUtf16(std::string_view utf8) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  return std::u16string(s.getBuffer(), static_cast<size_t>(s.length()));
}

std::string Utf16ToUtf8(std::u16string_view utf16) {
  return ToUtf8(icu::UnicodeString(utf16.data(), static_cast<int32_t>(utf16.size())));
}

std::u16string FoldCase(std::u16string_view text) {
  std::u16string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    UChar32 c;
    U16_NEXT(text.data(), i, text.size(), c);
    UChar32 folded = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    if (folded == 0xA0 || folded == 0x202F) folded = ' ';
    // Keep positions aligned: a fold that changes the UTF-16 length is not applied.
    if (U16_LENGTH(folded) != U16_LENGTH(c)) folded = c;
    if (U16_LENGTH(folded) == 1) {
      out += static_cast<char16_t>(folded);
    } else {
      out += static_cast<char16_t>(U16_LEAD(folded));
      out += static_cast<char16_t>(U16_TRAIL(folded));
    }
  }
  return out;
}

}  // namespace runnel::expr::datetime

// .NET DateTime.ToString(format, culture) behaviour that the case files cannot reach directly:
// every custom field, the standard formats of the invariant culture, errors and the size limit.
#include "expr/datetime/format.h"

#include <gtest/gtest.h>

#include "expr/datetime/culture.h"
#include "expr/datetime/icu_pattern.h"
#include "expr/errors.h"

namespace runnel::expr::datetime {
namespace {

constexpr size_t kNoLimit = 1 << 20;

DateTime At(int y, int mo, int d, int h, int mi, int s, int frac, DateKind kind) {
  return *DateTime::FromCivil({y, mo, d, h, mi, s, frac}, kind);
}

const DateTime kUtc = At(2009, 6, 15, 13, 45, 30, 6175425, DateKind::kUtc);
const DateTime kLocal = At(2009, 6, 15, 1, 5, 3, 0, DateKind::kUnspecified);

std::string Fmt(const DateTime& v, std::string_view format, const Culture& c = DefaultCulture()) {
  auto r = FormatDateTime(v, format, c, kNoLimit);
  if (!r) return "error: " + r.error().message;
  return r.value();
}

TEST(DateFormat, CustomFieldsMatchDotNetDocs) {
  // Examples of the .NET "Custom date and time format strings" page.
  EXPECT_EQ(Fmt(kUtc, "%d"), "15");
  EXPECT_EQ(Fmt(kUtc, "dd"), "15");
  EXPECT_EQ(Fmt(kUtc, "ddd"), "Mon");
  EXPECT_EQ(Fmt(kUtc, "dddd"), "Monday");
  EXPECT_EQ(Fmt(kUtc, "%f"), "6");
  EXPECT_EQ(Fmt(kUtc, "ff"), "61");
  EXPECT_EQ(Fmt(kUtc, "fff"), "617");
  EXPECT_EQ(Fmt(kUtc, "ffff"), "6175");
  EXPECT_EQ(Fmt(kUtc, "fffff"), "61754");
  EXPECT_EQ(Fmt(kUtc, "ffffff"), "617542");
  EXPECT_EQ(Fmt(kUtc, "fffffff"), "6175425");
  EXPECT_EQ(Fmt(kUtc, "FFFFFFF"), "6175425");
  EXPECT_EQ(Fmt(At(2009, 6, 15, 13, 45, 30, 5000000, DateKind::kUtc), "FFF"), "5");
  EXPECT_EQ(Fmt(kUtc, "%g"), "A.D.");
  EXPECT_EQ(Fmt(kUtc, "%h"), "1");
  EXPECT_EQ(Fmt(kUtc, "hh"), "01");
  EXPECT_EQ(Fmt(kUtc, "%H"), "13");
  EXPECT_EQ(Fmt(kLocal, "HH"), "01");
  EXPECT_EQ(Fmt(kUtc, "%K"), "Z");
  EXPECT_EQ(Fmt(kLocal, "%K"), "");
  EXPECT_EQ(Fmt(kLocal, "%m"), "5");
  EXPECT_EQ(Fmt(kLocal, "mm"), "05");
  EXPECT_EQ(Fmt(kUtc, "%M"), "6");
  EXPECT_EQ(Fmt(kUtc, "MM"), "06");
  EXPECT_EQ(Fmt(kUtc, "MMM"), "Jun");
  EXPECT_EQ(Fmt(kUtc, "MMMM"), "June");
  EXPECT_EQ(Fmt(kLocal, "%s"), "3");
  EXPECT_EQ(Fmt(kLocal, "ss"), "03");
  EXPECT_EQ(Fmt(kUtc, "%t"), "P");
  EXPECT_EQ(Fmt(kLocal, "tt"), "AM");
  EXPECT_EQ(Fmt(At(1, 1, 1, 0, 0, 0, 0, DateKind::kUtc), "%y"), "1");
  EXPECT_EQ(Fmt(At(900, 1, 1, 0, 0, 0, 0, DateKind::kUtc), "yy"), "00");
  EXPECT_EQ(Fmt(At(2009, 1, 1, 0, 0, 0, 0, DateKind::kUtc), "yyy"), "2009");
  EXPECT_EQ(Fmt(At(900, 1, 1, 0, 0, 0, 0, DateKind::kUtc), "yyyy"), "0900");
  EXPECT_EQ(Fmt(At(2009, 1, 1, 0, 0, 0, 0, DateKind::kUtc), "yyyyy"), "02009");
  EXPECT_EQ(Fmt(kUtc, "%z"), "+0");
  EXPECT_EQ(Fmt(kUtc, "zz"), "+00");
  EXPECT_EQ(Fmt(kLocal, "zzz"), "+00:00");
}

TEST(DateFormat, LiteralsEscapesAndSeparators) {
  EXPECT_EQ(Fmt(kUtc, "yyyy'-'MM\"/\"dd"), "2009-06/15");
  EXPECT_EQ(Fmt(kUtc, "'It''s' h"), "Its 1");
  EXPECT_EQ(Fmt(kUtc, "'a\\'b'"), "a'b");
  EXPECT_EQ(Fmt(kUtc, "\\h\\h h"), "hh 1");
  EXPECT_EQ(Fmt(kUtc, "HH:mm/dd"), "13:45/15");
  EXPECT_EQ(Fmt(kUtc, "dd.MM.yyyy", *FindCulture("de-DE")), "15.06.2009");
  EXPECT_EQ(Fmt(kUtc, "d/M", *FindCulture("de-DE")), "15.6");
  EXPECT_EQ(Fmt(kUtc, "HH:mm:ss.FFF"), "13:45:30.617");
  EXPECT_EQ(Fmt(At(2009, 6, 15, 13, 45, 30, 0, DateKind::kUtc), "HH:mm:ss.FFF"), "13:45:30");
  EXPECT_EQ(Fmt(kUtc, "день ddd"), "день Mon");
  EXPECT_EQ(Fmt(kUtc, "%\xC3\xA9"), "\xC3\xA9");
}

TEST(DateFormat, StandardFormatsOfInvariantAndUs) {
  const Culture& inv = InvariantCulture();
  EXPECT_EQ(Fmt(kUtc, "d", inv), "06/15/2009");
  EXPECT_EQ(Fmt(kUtc, "D", inv), "Monday, 15 June 2009");
  EXPECT_EQ(Fmt(kUtc, "f", inv), "Monday, 15 June 2009 13:45");
  EXPECT_EQ(Fmt(kUtc, "F", inv), "Monday, 15 June 2009 13:45:30");
  EXPECT_EQ(Fmt(kUtc, "g", inv), "06/15/2009 13:45");
  EXPECT_EQ(Fmt(kUtc, "G", inv), "06/15/2009 13:45:30");
  EXPECT_EQ(Fmt(kUtc, "M", inv), "June 15");
  EXPECT_EQ(Fmt(kUtc, "Y", inv), "2009 June");
  EXPECT_EQ(Fmt(kUtc, "d"), "6/15/2009");
  EXPECT_EQ(Fmt(kUtc, "g"), "6/15/2009 1:45 PM");
  EXPECT_EQ(Fmt(kUtc, "m"), "June 15");
  EXPECT_EQ(Fmt(kUtc, "y"), "June 2009");
  EXPECT_EQ(Fmt(kUtc, "o"), "2009-06-15T13:45:30.6175425Z");
  EXPECT_EQ(Fmt(kLocal, "O"), "2009-06-15T01:05:03.0000000");
  EXPECT_EQ(Fmt(kUtc, "R"), "Mon, 15 Jun 2009 13:45:30 GMT");
  EXPECT_EQ(Fmt(kUtc, "s"), "2009-06-15T13:45:30");
  EXPECT_EQ(Fmt(kUtc, "u"), "2009-06-15 13:45:30Z");
  EXPECT_EQ(Fmt(kUtc, "U"), "Monday, June 15, 2009 1:45:30 PM");
  // O, R, s, u ignore the culture.
  EXPECT_EQ(Fmt(kUtc, "r", *FindCulture("fr-FR")), "Mon, 15 Jun 2009 13:45:30 GMT");
}

TEST(DateFormat, InvalidFormatsAreValueErrors) {
  for (std::string_view bad : {"x", "Q", "%", "'abc", "ab\"c", "abc\\", "%%", "ffffffff",
                               "FFFFFFFF", "yyyy %"}) {
    auto r = FormatDateTime(kUtc, bad, DefaultCulture(), kNoLimit);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, errc::kValue) << bad;
  }
}

TEST(DateFormat, OutputIsBoundedByTheLimit) {
  std::string many_years(5000, 'y');
  auto r = FormatDateTime(kUtc, many_years, DefaultCulture(), 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kLimit);
  std::string many_days;
  for (int i = 0; i < 300; ++i) many_days += "dddd ";
  r = FormatDateTime(kUtc, many_days, DefaultCulture(), 1000);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::kLimit);
  EXPECT_TRUE(FormatDateTime(kUtc, many_days, DefaultCulture(), kNoLimit));
}

TEST(DateFormat, GenitiveMonthNextToADay) {
  const Culture& ru = *FindCulture("ru-RU");
  EXPECT_EQ(Fmt(kUtc, "d MMMM", ru), "15 июня");
  EXPECT_EQ(Fmt(kUtc, "MMMM", ru), "июнь");
  EXPECT_EQ(Fmt(kUtc, "MMMM yyyy", ru), "июнь 2009");
  EXPECT_EQ(Fmt(kUtc, "dddd MMMM", ru), "понедельник июнь");
}

TEST(IcuPattern, ConvertsCldrPatternsToDotNet) {
  std::vector<std::string> words;
  EXPECT_EQ(IcuToDotNetPattern("EEEE, d 'de' MMMM 'de' y", &words),
            "dddd, d 'de' MMMM 'de' yyyy");
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0], "de");
  EXPECT_EQ(IcuToDotNetPattern("h:mm\xE2\x80\xAF" "a", nullptr), "h:mm tt");
  EXPECT_EQ(IcuToDotNetPattern("HH:mm:ss zzzz", nullptr), "HH:mm:ss");
  EXPECT_EQ(IcuToDotNetPattern("d MMMM y 'г'.", nullptr), "d MMMM yyyy 'г'.");
  EXPECT_EQ(IcuToDotNetPattern("'o''clock' K", nullptr), "'o\\'clock' h");
  EXPECT_EQ(FixShortDateYear("dd.MM.yy"), "dd.MM.yyyy");
  EXPECT_EQ(FixShortDateYear("d/M/yyyy"), "d/M/yyyy");
  EXPECT_EQ(OrderOfPattern("dd.MM.yyyy"), DateOrder::kDayMonthYear);
  EXPECT_EQ(OrderOfPattern("M/d/yyyy"), DateOrder::kMonthDayYear);
  EXPECT_EQ(OrderOfPattern("yyyy/MM/dd"), DateOrder::kYearMonthDay);
  EXPECT_EQ(SeparatorOfPattern("dd.MM.yyyy", "dMy", "/"), ".");
  EXPECT_EQ(SeparatorOfPattern("H.mm.ss", "Hh", ":"), ".");
  EXPECT_EQ(SeparatorOfPattern("yyyy", "dMy", "/"), "/");
}

TEST(Culture, NamesAndValidation) {
  EXPECT_EQ(FindCulture("fr-fr")->name, "fr-FR");
  EXPECT_EQ(FindCulture("FR-FR")->day_names[0], "dimanche");
  EXPECT_EQ(FindCulture("es-ES")->month_names[0], "enero");
  EXPECT_EQ(FindCulture("de-DE")->month_names[2], "März");
  EXPECT_EQ(FindCulture("en-GB")->short_date, "dd/MM/yyyy");
  EXPECT_EQ(FindCulture("en-US").get(), FindCulture("en-us").get());
  EXPECT_EQ(FindCulture("")->name, "");
  EXPECT_NE(FindCulture("de"), nullptr);
  EXPECT_NE(FindCulture("zh-Hans-CN"), nullptr);
  EXPECT_NE(FindCulture("es-419"), nullptr);
  for (std::string_view bad : {"xx", "xx-XX", "fr-XX", "fr_FR", "english", "fr-FR-x", "-", "f",
                               "fr--FR", "fr-FR-", "de-Qaaa-DE", "12-34"}) {
    EXPECT_EQ(FindCulture(bad), nullptr) << bad;
  }
}

}  // namespace
}  // namespace runnel::expr::datetime

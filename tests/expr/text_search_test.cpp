// The linear-time substring search (src/expr/functions/text_search.h): agreement with a naive
// search on many small strings, and no quadratic blow-up on the inputs that cause one.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "expr/functions/text_search.h"

namespace runnel::expr::text {
namespace {

std::vector<size_t> NaiveMatches(std::string_view text, std::string_view pattern, bool overlap) {
  std::vector<size_t> out;
  for (size_t i = 0; i + pattern.size() <= text.size();) {
    if (text.compare(i, pattern.size(), pattern) == 0) {
      out.push_back(i);
      i += overlap ? 1 : pattern.size();
    } else {
      ++i;
    }
  }
  return out;
}

TEST(TextSearch, AgreesWithNaiveSearch) {
  std::mt19937 rng(7);
  auto random_text = [&](size_t max_len) {
    std::string s(rng() % (max_len + 1), 'a');
    for (char& c : s) c = static_cast<char>('a' + rng() % 3);
    return s;
  };
  for (int round = 0; round < 5000; ++round) {
    std::string text = random_text(20);
    std::string pattern = random_text(4);
    if (pattern.empty()) pattern = "a";
    for (bool overlap : {true, false}) {
      std::vector<size_t> got;
      Matcher<char>(pattern).ForEach(text, overlap, [&](size_t p) {
        got.push_back(p);
        return true;
      });
      std::vector<size_t> want = NaiveMatches(text, pattern, overlap);
      ASSERT_EQ(got, want) << text << " / " << pattern << " overlap=" << overlap;
      ASSERT_EQ(CountMatches<char>(text, pattern, overlap), want.size());
    }
    std::vector<size_t> all = NaiveMatches(text, pattern, true);
    EXPECT_EQ(FindFirst<char>(text, pattern), all.empty() ? kNotFound : all.front());
    EXPECT_EQ(FindLast<char>(text, pattern), all.empty() ? kNotFound : all.back());
  }
}

TEST(TextSearch, FindFirstFromAnOffset) {
  EXPECT_EQ(FindFirst<char>("abcabc", "bc", 2), 4u);
  EXPECT_EQ(FindFirst<char>("abcabc", "bc", 6), kNotFound);
  EXPECT_EQ(FindFirst<char>("abcabc", "bc", 7), kNotFound);
  EXPECT_EQ(FindFirst<char16_t>(u"x\U0001F600y", u"y"), 3u);
}

// The classic worst case for a naive search: about 10^10 comparisons, instant with KMP.
TEST(TextSearch, WorstCaseInputStaysLinear) {
  std::string text(2'000'000, 'a');
  std::string pattern(5'000, 'a');
  pattern += 'b';
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(FindFirst<char>(text, pattern), kNotFound);
  EXPECT_EQ(CountMatches<char>(text, std::string(5'000, 'a'), true), 2'000'000u - 5'000u + 1);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

}  // namespace
}  // namespace runnel::expr::text

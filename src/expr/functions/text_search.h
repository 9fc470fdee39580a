// Substring search with a linear worst case, for the string functions (indexOf, nthIndexOf,
// replace, split, contains, ...).
//
// std::string_view::find is O(text x pattern) in the worst case; an expression such as
// indexOf(<100 MB of 'a'>, <50,000 'a' and a 'b'>) would then run for hours. Knuth-Morris-Pratt
// keeps every search here O(text + pattern), so no input can hang an evaluation.
//
// Works on UTF-8 bytes (char) and on UTF-16 units (char16_t); positions are in the same units.
// Matching is exact (ordinal); callers fold case beforehand for case-insensitive searches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace runnel::expr::text {

template <class CharT>
class Matcher {
 public:
  using View = std::basic_string_view<CharT>;

  // REQUIRES: !pattern.empty(); pattern outlives the Matcher.
  explicit Matcher(View pattern) : pattern_(pattern), fail_(pattern.size(), 0) {
    uint32_t k = 0;
    for (size_t i = 1; i < pattern.size(); ++i) {
      while (k > 0 && pattern[i] != pattern[k]) k = fail_[k - 1];
      if (pattern[i] == pattern[k]) ++k;
      fail_[i] = k;
    }
  }

  // Calls on_match(position) for each occurrence in `text`, left to right, until it returns
  // false. Overlapping occurrences are all reported ("aa" in "aaa": 0, 1) when `overlapping`;
  // otherwise the search resumes after each match (0 only), as .NET's Replace and Split do.
  template <class OnMatch>
  void ForEach(View text, bool overlapping, OnMatch&& on_match) const {
    const size_t m = pattern_.size();
    if (m > text.size()) return;
    uint32_t k = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      while (k > 0 && text[i] != pattern_[k]) k = fail_[k - 1];
      if (text[i] == pattern_[k]) ++k;
      if (k == m) {
        if (!on_match(i + 1 - m)) return;
        k = overlapping ? fail_[k - 1] : 0;
      }
    }
  }

 private:
  View pattern_;
  std::vector<uint32_t> fail_;  // fail_[i]: longest proper border of pattern_[0..i]
};

inline constexpr size_t kNotFound = static_cast<size_t>(-1);

// The first occurrence of a non-empty pattern at or after `from`, or kNotFound.
template <class CharT>
size_t FindFirst(std::basic_string_view<CharT> text, std::basic_string_view<CharT> pattern,
                 size_t from = 0) {
  if (from > text.size()) return kNotFound;
  size_t found = kNotFound;
  Matcher<CharT>(pattern).ForEach(text.substr(from), false, [&](size_t pos) {
    found = from + pos;
    return false;
  });
  return found;
}

// The last occurrence of a non-empty pattern, or kNotFound.
template <class CharT>
size_t FindLast(std::basic_string_view<CharT> text, std::basic_string_view<CharT> pattern) {
  size_t found = kNotFound;
  Matcher<CharT>(pattern).ForEach(text, true, [&](size_t pos) {
    found = pos;
    return true;
  });
  return found;
}

// The number of occurrences of a non-empty pattern.
template <class CharT>
size_t CountMatches(std::basic_string_view<CharT> text, std::basic_string_view<CharT> pattern,
                    bool overlapping) {
  size_t n = 0;
  Matcher<CharT>(pattern).ForEach(text, overlapping, [&](size_t) {
    ++n;
    return true;
  });
  return n;
}

}  // namespace runnel::expr::text

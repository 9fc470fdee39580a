#include "expr/number/format_custom.h"
#include "json/utf8.h"

#include <algorithm>
#include <climits>
#include <vector>

#include "expr/number/format_standard.h"

namespace runnel::expr::numfmt {

namespace {

constexpr char32_t kPerMille = U'\u2030';

void AppendUtf8(std::string& out, char32_t cp) { json::AppendUtf8(cp, out); }

// What a section's placeholders say, gathered before any output (the first pass of
// NumberToStringFormat).
struct Section {
  int digit_count = 0;        // '#' and '0' placeholders
  int decimal_pos = -1;       // placeholders before the first '.'
  int first_zero = INT_MAX;   // placeholders before the first '0'
  int last_zero = 0;          // placeholders up to and including the last '0'
  bool scientific = false;    // has E0, E+0 or E-0
  int thousand_pos = -1;      // placeholders before the last run of ','
  int thousand_count = 0;     // commas in that run
  bool thousand_seps = false; // commas between placeholders: group the integer digits
  int scale_adjust = 0;       // powers of ten from '%', '‰' and commas before the point
};

bool StartsExponent(std::u32string_view f, size_t src) {
  return (src < f.size() && f[src] == U'0') ||
         (src + 1 < f.size() && (f[src] == U'+' || f[src] == U'-') && f[src + 1] == U'0');
}

Section Scan(std::u32string_view f, size_t start) {
  Section s;
  size_t src = start;
  while (src < f.size()) {
    char32_t ch = f[src++];
    if (ch == U';') break;
    switch (ch) {
      case U'#':
        ++s.digit_count;
        break;
      case U'0':
        if (s.first_zero == INT_MAX) s.first_zero = s.digit_count;
        s.last_zero = ++s.digit_count;
        break;
      case U'.':
        if (s.decimal_pos < 0) s.decimal_pos = s.digit_count;
        break;
      case U',':
        if (s.digit_count > 0 && s.decimal_pos < 0) {
          if (s.thousand_pos >= 0) {
            if (s.thousand_pos == s.digit_count) {
              ++s.thousand_count;
              break;
            }
            s.thousand_seps = true;
          }
          s.thousand_pos = s.digit_count;
          s.thousand_count = 1;
        }
        break;
      case U'%':
        s.scale_adjust += 2;
        break;
      case kPerMille:
        s.scale_adjust += 3;
        break;
      case U'\'':
      case U'"':
        while (src < f.size() && f[src++] != ch) {
        }
        break;
      case U'\\':
        if (src < f.size()) ++src;
        break;
      case U'E':
      case U'e':
        if (StartsExponent(f, src)) {
          while (++src < f.size() && f[src] == U'0') {
          }
          s.scientific = true;
        }
        break;
      default:
        break;
    }
  }
  if (s.decimal_pos < 0) s.decimal_pos = s.digit_count;
  if (s.thousand_pos >= 0) {
    // Commas right before the decimal point scale by 1000 each instead of grouping.
    if (s.thousand_pos == s.decimal_pos) {
      s.scale_adjust -= s.thousand_count * 3;
    } else {
      s.thousand_seps = true;
    }
  }
  return s;
}

// Start of section `which` (0 positive, 1 negative, 2 zero), or 0 when the format has no such
// section or it is empty.
size_t FindSection(std::u32string_view f, int which) {
  if (which == 0) return 0;
  size_t src = 0;
  while (src < f.size()) {
    char32_t ch = f[src++];
    if (ch == U'\'' || ch == U'"') {
      while (src < f.size() && f[src++] != ch) {
      }
    } else if (ch == U'\\') {
      if (src < f.size()) ++src;
    } else if (ch == U';') {
      if (--which != 0) continue;
      return src < f.size() && f[src] != U';' ? src : 0;
    }
  }
  return 0;
}

}  // namespace

std::string FormatCustom(DigitString n, std::u32string_view f, const NumberCulture& c) {
  size_t section = FindSection(f, n.IsZero() ? 2 : n.negative ? 1 : 0);
  Section s;
  while (true) {
    s = Scan(f, section);
    if (!n.IsZero()) {
      n.scale += s.scale_adjust;
      int keep = s.scientific ? s.digit_count : n.scale + s.digit_count - s.decimal_pos;
      RoundHalfUp(n, keep);
      if (n.IsZero()) {
        // Rounded to zero: the zero section applies if there is one.
        size_t zero = FindSection(f, 2);
        if (zero != section) {
          section = zero;
          continue;
        }
      }
    } else {
      if (n.kind != NumberKind::kFloat) n.negative = false;
      n.scale = 0;
    }
    break;
  }

  // Counted in placeholders relative to the decimal point from here on.
  int first_zero = s.first_zero < s.decimal_pos ? s.decimal_pos - s.first_zero : 0;
  int last_zero = s.last_zero > s.decimal_pos ? s.decimal_pos - s.last_zero : 0;
  int dig_pos = s.scientific ? s.decimal_pos : std::max(n.scale, s.decimal_pos);
  // > 0: integer digits beyond the placeholders, all printed at the first one; < 0: leading
  // placeholders without a digit.
  int adjust = s.scientific ? 0 : n.scale - s.decimal_pos;

  // Digit positions (counted from the decimal point) after which a group separator goes,
  // largest last.
  std::vector<int> separators;
  if (s.thousand_seps && !c.group_separator.empty() && !c.group_sizes.empty()) {
    size_t size_index = 0;
    int group = c.group_sizes[0];
    int total = group;
    int digits = std::max(first_zero, dig_pos + std::min(adjust, 0));
    while (digits > total && group > 0) {
      separators.push_back(total);
      if (size_index + 1 < c.group_sizes.size()) group = c.group_sizes[++size_index];
      total += group;
    }
  }
  int next_sep = static_cast<int>(separators.size()) - 1;

  std::string out;
  if (n.negative && section == 0 && n.scale != 0) out += c.negative_sign;
  size_t cur = 0;
  auto next_digit = [&]() -> char { return cur < n.digits.size() ? n.digits[cur++] : '\0'; };
  auto after_digit = [&]() {
    if (next_sep >= 0 && dig_pos > 1 && dig_pos == separators[static_cast<size_t>(next_sep)] + 1) {
      out += c.group_separator;
      --next_sep;
    }
  };
  bool scientific = s.scientific;
  bool decimal_written = false;
  size_t src = section;
  while (src < f.size()) {
    char32_t ch = f[src++];
    if (ch == U';') break;
    if (adjust > 0 && (ch == U'#' || ch == U'0' || ch == U'.')) {
      for (; adjust > 0; --adjust, --dig_pos) {
        char d = next_digit();
        out += d ? d : '0';
        after_digit();
      }
    }
    switch (ch) {
      case U'#':
      case U'0': {
        char d = '\0';
        if (adjust < 0) {
          ++adjust;
          d = dig_pos <= first_zero ? '0' : '\0';
        } else {
          d = next_digit();
          if (!d && dig_pos > last_zero) d = '0';
        }
        if (d) {
          out += d;
          after_digit();
        }
        --dig_pos;
        break;
      }
      case U'.':
        if (dig_pos != 0 || decimal_written) break;  // only the first '.' counts
        if (last_zero < 0 || (s.decimal_pos < s.digit_count && cur < n.digits.size())) {
          out += c.decimal_separator;
          decimal_written = true;
        }
        break;
      case kPerMille:
        out += c.per_mille_symbol;
        break;
      case U'%':
        out += c.percent_symbol;
        break;
      case U',':
        break;
      case U'\'':
      case U'"':
        while (src < f.size() && f[src] != ch) AppendUtf8(out, f[src++]);
        if (src < f.size()) ++src;
        break;
      case U'\\':
        if (src < f.size()) AppendUtf8(out, f[src++]);
        break;
      case U'E':
      case U'e': {
        if (!scientific) {
          // A literal E, with the sign and zeros after it.
          AppendUtf8(out, ch);
          if (src < f.size() && (f[src] == U'+' || f[src] == U'-')) AppendUtf8(out, f[src++]);
          while (src < f.size() && f[src] == U'0') AppendUtf8(out, f[src++]);
          break;
        }
        if (!StartsExponent(f, src)) {
          AppendUtf8(out, ch);
          break;
        }
        bool positive_sign = f[src] == U'+';
        int zeros = f[src] == U'0' ? 1 : 0;
        while (++src < f.size() && f[src] == U'0') ++zeros;
        int exponent = n.IsZero() ? 0 : n.scale - s.decimal_pos;
        AppendExponent(out, c, exponent, static_cast<char>(ch), std::min(zeros, 10),
                       positive_sign);
        scientific = false;
        break;
      }
      default:
        AppendUtf8(out, ch);
        break;
    }
  }
  // A negative number whose digits all follow the decimal point gets its sign at the front.
  if (n.negative && section == 0 && n.scale == 0 && !out.empty()) {
    out.insert(0, c.negative_sign);
  }
  return out;
}

}  // namespace runnel::expr::numfmt

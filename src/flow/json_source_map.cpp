#include "flow/json_source_map.h"
#include "json/utf8.h"

#include <algorithm>
#include <cstdint>

#include "flow/json_pointer.h"

namespace runnel::flow {
namespace {

// Deeper than the loader ever accepts; only keeps a hand-built map from recursing without end.
constexpr int kMaxScanDepth = 1024;

// Walks JSON text that boost::json already accepted, recording the offset where each value
// starts under its pointer. It stops quietly at anything unexpected: a partial map only makes
// some locations fall back to an ancestor.
class Scanner {
 public:
  Scanner(std::string_view text, std::unordered_map<std::string, size_t>& out)
      : text_(text), out_(out) {}

  void Run() {
    std::string pointer;
    Space();
    Value(pointer, 0);
  }

 private:
  bool Value(std::string& pointer, int depth) {
    if (pos_ >= text_.size() || depth > kMaxScanDepth) return false;
    out_.emplace(pointer, pos_);
    switch (text_[pos_]) {
      case '{':
        return Object(pointer, depth);
      case '[':
        return Array(pointer, depth);
      case '"':
        return String(nullptr);
      default:
        return Scalar();
    }
  }

  bool Object(std::string& pointer, int depth) {
    ++pos_;
    Space();
    if (Peek() == '}') return ++pos_, true;
    std::string key;
    while (true) {
      Space();
      key.clear();
      if (Peek() != '"' || !String(&key)) return false;
      Space();
      if (Peek() != ':') return false;
      ++pos_;
      Space();
      size_t size = pointer.size();
      pointer = PointerChild(pointer, key);
      bool ok = Value(pointer, depth + 1);
      pointer.resize(size);
      if (!ok) return false;
      Space();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == '}') return ++pos_, true;
      return false;
    }
  }

  bool Array(std::string& pointer, int depth) {
    ++pos_;
    Space();
    if (Peek() == ']') return ++pos_, true;
    for (size_t index = 0;; ++index) {
      Space();
      size_t size = pointer.size();
      pointer = PointerChild(pointer, index);
      bool ok = Value(pointer, depth + 1);
      pointer.resize(size);
      if (!ok) return false;
      Space();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ']') return ++pos_, true;
      return false;
    }
  }

  // A string starting at the quote; decodes into `out` when given (object keys).
  bool String(std::string* out) {
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        if (out) *out += c;
        continue;
      }
      if (pos_ >= text_.size()) return false;
      char e = text_[pos_++];
      if (e != 'u') {
        if (out) *out += Unescape(e);
        continue;
      }
      uint32_t cp = 0;
      if (!Hex4(cp)) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
        size_t save = pos_;
        pos_ += 2;
        uint32_t low = 0;
        if (Hex4(low) && low >= 0xDC00 && low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else {
          pos_ = save;
        }
      }
      if (out) AppendUtf8(*out, cp);
    }
    return false;
  }

  bool Scalar() {
    size_t start = pos_;
    while (pos_ < text_.size() &&
           std::string_view(",]} \t\r\n").find(text_[pos_]) == std::string_view::npos) {
      ++pos_;
    }
    return pos_ > start;
  }

  bool Hex4(uint32_t& cp) {
    if (pos_ + 4 > text_.size()) return false;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      cp <<= 4;
      if (h >= '0' && h <= '9')
        cp |= h - '0';
      else if (h >= 'a' && h <= 'f')
        cp |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F')
        cp |= h - 'A' + 10;
      else
        return false;
    }
    return true;
  }

  static char Unescape(char e) {
    switch (e) {
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return e;  // '"', '\\', '/'
    }
  }

  static void AppendUtf8(std::string& out, uint32_t cp) { json::AppendUtf8(cp, out); }

  void Space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  std::string_view text_;
  size_t pos_ = 0;
  std::unordered_map<std::string, size_t>& out_;
};

// Finds `pointer` or its nearest ancestor through `lookup`.
template <class Lookup>
auto FindWithAncestors(std::string_view pointer, const Lookup& lookup) {
  while (true) {
    if (auto found = lookup(pointer)) return found;
    if (pointer.empty()) return decltype(lookup(pointer)){};
    pointer = PointerParent(pointer);
  }
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourceLocation LineIndex::Locate(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  size_t start = line_starts_[line - 1];
  int column = 1;
  for (size_t i = start; i < offset; ++i) {
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {static_cast<int>(line), column};
}

SourceLocation LocateOffset(std::string_view text, size_t offset) {
  return LineIndex(text).Locate(offset);
}

void TableSourceMap::Add(std::string pointer, SourceLocation location) {
  table_.emplace(std::move(pointer), location);
}

SourceLocation TableSourceMap::Find(std::string_view pointer) const {
  auto found = FindWithAncestors(pointer, [&](std::string_view p) -> const SourceLocation* {
    auto it = table_.find(std::string(p));
    return it == table_.end() ? nullptr : &it->second;
  });
  return found ? *found : SourceLocation{};
}

JsonSourceMap::JsonSourceMap(std::shared_ptr<const std::string> text) : text_(std::move(text)) {}

void JsonSourceMap::Scan() const {
  Scanner(*text_, offsets_).Run();
  lines_ = std::make_unique<LineIndex>(*text_);
}

SourceLocation JsonSourceMap::Find(std::string_view pointer) const {
  std::call_once(scanned_, [this] { Scan(); });
  auto found = FindWithAncestors(pointer, [&](std::string_view p) -> const size_t* {
    auto it = offsets_.find(std::string(p));
    return it == offsets_.end() ? nullptr : &it->second;
  });
  return found ? lines_->Locate(*found) : SourceLocation{};
}

}  // namespace runnel::flow

// Source maps: where each value of a loaded document starts in its file.
//
// boost::json keeps no positions, so JsonSourceMap scans the text itself — once, on the first
// Find, because most files load, validate clean and never ask. The YAML loader records marks as it
// converts and uses TableSourceMap. Both are immutable after construction apart from the lazy
// scan, which is guarded, so a map may be shared between threads.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flow/loader.h"

namespace runnel::flow {

// Byte offset -> 1-based line and column. Columns count UTF-8 characters, as editors do.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);
  SourceLocation Locate(size_t offset) const;

 private:
  std::string_view text_;
  std::vector<size_t> line_starts_;
};

// The location of `offset` in `text`, without keeping an index (for one-off parse errors).
SourceLocation LocateOffset(std::string_view text, size_t offset);

// The location of `pointer` in a table, or of its nearest ancestor in it.
class TableSourceMap final : public SourceMap {
 public:
  void Add(std::string pointer, SourceLocation location);
  SourceLocation Find(std::string_view pointer) const override;

 private:
  std::unordered_map<std::string, SourceLocation> table_;
};

// Over JSON text that boost::json has accepted. Pointers are relative to the text's root.
class JsonSourceMap final : public SourceMap {
 public:
  explicit JsonSourceMap(std::shared_ptr<const std::string> text);
  SourceLocation Find(std::string_view pointer) const override;

 private:
  void Scan() const;

  std::shared_ptr<const std::string> text_;
  mutable std::once_flag scanned_;
  mutable std::unordered_map<std::string, size_t> offsets_;
  mutable std::unique_ptr<LineIndex> lines_;
};

// A map that knows nothing (text in memory that was not parsed from a file).
class EmptySourceMap final : public SourceMap {
 public:
  SourceLocation Find(std::string_view) const override { return {}; }
};

}  // namespace runnel::flow

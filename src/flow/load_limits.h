// Limits that keep any input file from crashing the loader or exhausting memory.
#pragma once

#include <cstddef>

namespace runnel::flow {

// A flow file on disk. Real definitions are kilobytes; the largest in the public corpus is
// under 200 KB.
inline constexpr size_t kMaxFlowFileBytes = size_t{64} << 20;  // 64 MiB
// One uncompressed member of a zip package (the zip-bomb guard), and all members read together.
inline constexpr size_t kMaxPackageMemberBytes = size_t{64} << 20;  // 64 MiB
inline constexpr size_t kMaxPackageTotalBytes = size_t{256} << 20;  // 256 MiB
// Nesting of arrays and objects in a document. A definition nested to the documented limit of
// 8 containers, with inputs, stays far below this.
inline constexpr int kMaxDocumentDepth = 256;
// Values produced when converting YAML: aliases can expand a small file exponentially. Without
// aliases a document has fewer values than bytes, so the limit for a text of n bytes is
// min(kMaxYamlValues, kYamlValuesBase + kYamlValuesPerByte * n): generous for real files, and a
// few-hundred-byte alias bomb stops after some thousands of values.
inline constexpr size_t kMaxYamlValues = size_t{4} << 20;
inline constexpr size_t kYamlValuesBase = size_t{64} << 10;
inline constexpr size_t kYamlValuesPerByte = 4;

}  // namespace runnel::flow

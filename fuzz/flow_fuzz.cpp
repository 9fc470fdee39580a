// Fuzzes flow loading and validation: any bytes given as a flow file — JSON, YAML, or neither —
// must load and build to a Definition or to diagnostics, never crash, hang or blow up memory.
// This is the path `runnel validate` and every deploy to `runnel serve` take.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "flow/definition_builder.h"
#include "flow/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto files = runnel::flow::LoadFlowText(text, "fuzz.json");
  if (!files) return 0;
  for (const auto& file : files.value()) {
    std::vector<runnel::flow::Diagnostic> diagnostics;
    (void)runnel::flow::BuildDefinition(file, runnel::flow::BuildOptions(), diagnostics);
  }
  return 0;
}

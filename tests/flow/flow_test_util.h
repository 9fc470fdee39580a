// Helpers for the flow-layer tests: build a definition from inline JSON or YAML text and look
// for the diagnostics a rule should produce.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/definition_builder.h"
#include "flow/loader.h"

namespace runnel::flow::testing {

struct Built {
  std::unique_ptr<Definition> definition;  // null when the build failed
  std::optional<Error> error;              // the summary error when it failed
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return definition != nullptr; }
  // The first diagnostic with `code` (and `pointer`, when given), or nullptr.
  const Diagnostic* Find(std::string_view code, std::string_view pointer = {}) const {
    for (const Diagnostic& d : diagnostics) {
      if (d.code == code && (pointer.empty() || d.pointer == pointer)) return &d;
    }
    return nullptr;
  }
  size_t Count(std::string_view code) const {
    size_t n = 0;
    for (const Diagnostic& d : diagnostics) n += d.code == code;
    return n;
  }
  size_t Errors() const {
    size_t n = 0;
    for (const Diagnostic& d : diagnostics) n += d.severity == Diagnostic::Severity::kError;
    return n;
  }
  std::string Dump() const {
    std::string out;
    for (const Diagnostic& d : diagnostics) {
      out += (d.severity == Diagnostic::Severity::kError ? "error " : "warning ") + d.code + " " +
             d.pointer + " " + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " +
             d.message + "\n";
    }
    return out;
  }
};

// Loads `text` (named `origin`, which decides nothing: the format is told by content) and builds
// its first flow. A load failure fails the calling test.
inline Built BuildText(std::string_view text, const BuildOptions& options = BuildOptions(),
                       const std::string& origin = "test.json") {
  Built out;
  auto files = LoadFlowText(text, origin);
  EXPECT_TRUE(files) << (files ? "" : files.error().ToString());
  if (!files || files.value().empty()) return out;
  auto built = BuildDefinition(files.value()[0], options, out.diagnostics);
  if (built) {
    out.definition = std::move(built.value());
  } else {
    out.error = built.error();
  }
  return out;
}

// A definition with a Request trigger and the given actions object (JSON text).
inline std::string WithActions(std::string_view actions, std::string_view extra = {}) {
  return std::string(R"({"triggers": {"manual": {"type": "Request", "kind": "Http"}}, )") +
         std::string(extra) + (extra.empty() ? "" : ", ") + "\"actions\": " + std::string(actions) +
         "}";
}

}  // namespace runnel::flow::testing

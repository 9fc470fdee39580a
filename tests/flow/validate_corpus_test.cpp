// Every definition of the shared public corpus (../shared/corpus/wdl, 426 real definitions)
// loads without a crash, and every one INDEX.tsv marks core_ops_only=yes builds with no error.
// The one malformed file must fail with a clear error naming its problem.
//
// Registered only when the corpus exists at configure time (tests/CMakeLists.txt).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>

#include "flow/definition_builder.h"
#include "flow/errors.h"
#include "flow/loader.h"

namespace runnel::flow {
namespace {

constexpr char kMalformed[] =
    "azure-microsoft-defender-for-cloud/Workflow_automation__Open-DevOpsTaskRecommendation.json";

// Core-only definitions (by INDEX.tsv's heuristic, which looks at type names only) that are
// invalid for a reason stated here, with the only error codes they may produce. A file that
// starts to build cleanly fails the test, so the list shrinks as Runnel grows.
struct KnownInvalid {
  const char* file;
  std::vector<std::string> codes;
  const char* why;
};
const KnownInvalid kKnownInvalid[] = {
    {"azure-logicappsux/mocks__AllScopeNodes.json",
     {"UninitializedVariable"},
     "designer fixture: changes 'var1', which it never initializes"},
    {"azure-logicappsux/mocks__MultipleRunAftersBig.json",
     {"UninitializedVariable", "MissingProperty"},
     "designer fixture: IncrementVariable actions without inputs, variable 't' never initialized"},
    {"azure-logicappsux/mocks__Conditionals.json",
     {"WrongArgumentCount"},
     "designer fixture: concat() called without arguments"},
    {"azure-logicappsux/mocks__Panel.json",
     {"UndeclaredParameter"},
     "designer fixture: reads an environment-variable parameter it does not declare"},
    {"azure-logicappsux/mocks__RunAfter.json",
     {"DuplicateVariable", "UnknownActionReference"},
     "designer fixture: initializes 'testVar' twice and reads actions it does not have"},
    {"azure-microsoft-defender-for-cloud/"
     "Workflow_automation__Activity_log_Alerts_for_DDoS__ActivityLogAlertsForDDoS_Template.json",
     {"UndeclaredParameter"},
     "reads parameters('ActionGroupID'), which it never declares"},
};

const KnownInvalid* FindKnownInvalid(const std::string& file) {
  for (const KnownInvalid& k : kKnownInvalid) {
    if (file == k.file) return &k;
  }
  return nullptr;
}

struct Outcome {
  bool core_only = false;
  std::optional<Error> load_error;
  size_t flows = 0;
  std::vector<Diagnostic> diagnostics;
  size_t errors = 0;
};

std::string Describe(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity != Diagnostic::Severity::kError) continue;
    out += "  " + std::to_string(d.line) + ":" + std::to_string(d.column) + " " + d.code + ": " +
           d.message + " (at " + d.pointer + ")\n";
  }
  return out;
}

class CorpusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    outcomes_ = new std::map<std::string, Outcome>();
    std::ifstream index(std::string(RUNNEL_CORPUS_DIR) + "/INDEX.tsv");
    ASSERT_TRUE(index) << "cannot read INDEX.tsv";
    std::string line;
    std::getline(index, line);  // header
    while (std::getline(index, line)) {
      std::vector<std::string> fields;
      std::stringstream ss(line);
      for (std::string field; std::getline(ss, field, '\t');) fields.push_back(field);
      if (fields.size() < 6) continue;
      Outcome& outcome = (*outcomes_)[fields[0]];
      outcome.core_only = fields[5] == "yes";
      auto flows = LoadFlowFile(std::string(RUNNEL_CORPUS_DIR) + "/" + fields[0]);
      if (!flows) {
        outcome.load_error = flows.error();
        continue;
      }
      outcome.flows = flows.value().size();
      for (const FlowFile& file : flows.value()) {
        auto built = BuildDefinition(file, BuildOptions(), outcome.diagnostics);
        for (const Diagnostic& d : outcome.diagnostics)
          outcome.errors += d.severity == Diagnostic::Severity::kError;
        EXPECT_EQ(static_cast<bool>(built), outcome.errors == 0) << fields[0];
      }
    }
  }
  static void TearDownTestSuite() { delete outcomes_; }

  static std::map<std::string, Outcome>* outcomes_;
};

std::map<std::string, Outcome>* CorpusTest::outcomes_ = nullptr;

TEST_F(CorpusTest, HasEveryIndexedDefinition) { EXPECT_EQ(outcomes_->size(), 426u); }

TEST_F(CorpusTest, EveryFileLoads) {
  for (const auto& [file, outcome] : *outcomes_) {
    EXPECT_FALSE(outcome.load_error) << file << ": " << outcome.load_error->ToString();
    EXPECT_EQ(outcome.flows, 1u) << file;
  }
}

TEST_F(CorpusTest, CoreOnlyDefinitionsBuildWithoutErrors) {
  size_t core = 0;
  for (const auto& [file, outcome] : *outcomes_) {
    if (!outcome.core_only) continue;
    ++core;
    const KnownInvalid* known = FindKnownInvalid(file);
    if (!known) {
      EXPECT_EQ(outcome.errors, 0u) << file << "\n" << Describe(outcome.diagnostics);
      continue;
    }
    EXPECT_GT(outcome.errors, 0u) << file << " now builds: remove it from kKnownInvalid ("
                                  << known->why << ")";
    for (const Diagnostic& d : outcome.diagnostics) {
      if (d.severity != Diagnostic::Severity::kError) continue;
      EXPECT_NE(std::find(known->codes.begin(), known->codes.end(), d.code), known->codes.end())
          << file << ": unexpected " << d.code << ": " << d.message;
    }
  }
  EXPECT_EQ(core, 94u);
}

TEST_F(CorpusTest, MalformedFileFailsWithClearError) {
  const Outcome& outcome = outcomes_->at(kMalformed);
  ASSERT_GT(outcome.errors, 0u);
  bool named = false;
  for (const Diagnostic& d : outcome.diagnostics) {
    if (d.code == errc::kTriggersWrappedTwice) {
      named = true;
      EXPECT_EQ(d.pointer, "/triggers/triggers");
      EXPECT_GT(d.line, 0);
    }
  }
  EXPECT_TRUE(named) << Describe(outcome.diagnostics);
}

// Damaged copies of real files (cut short, a byte changed, a byte dropped) load or fail with a
// coded error, and whatever loads builds or reports: never a crash or a hang. Deterministic.
TEST_F(CorpusTest, DamagedFilesNeverCrash) {
  std::mt19937 random(20240601);
  size_t cases = 0;
  for (const auto& [file, outcome] : *outcomes_) {
    if (!outcome.core_only) continue;
    std::ifstream in(std::string(RUNNEL_CORPUS_DIR) + "/" + file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.empty()) continue;
    constexpr int kMutantsPerFile = 24;
    for (int m = 0; m < kMutantsPerFile; ++m) {
      std::string mutant = text;
      size_t at = random() % text.size();
      switch (m % 3) {
        case 0:
          mutant.resize(at);
          break;
        case 1:
          mutant[at] = static_cast<char>("{}[]\",:@'0\x01"[random() % 11]);
          break;
        default:
          mutant.erase(at, 1);
          break;
      }
      ++cases;
      auto flows = LoadFlowText(mutant, file);
      if (!flows) {
        EXPECT_FALSE(flows.error().code.empty()) << file << " mutant " << m;
        continue;
      }
      for (const FlowFile& f : flows.value()) {
        std::vector<Diagnostic> diagnostics;
        auto built = BuildDefinition(f, BuildOptions(), diagnostics);
        if (!built) {
          EXPECT_FALSE(diagnostics.empty()) << file << " mutant " << m;
        }
      }
    }
  }
  EXPECT_GT(cases, 2000u);
}

// Not an assertion on numbers that will move as Runnel grows: prints the counts for the log.
TEST_F(CorpusTest, Summary) {
  size_t valid = 0, core_valid = 0;
  std::map<std::string, size_t> codes;
  for (const auto& [file, outcome] : *outcomes_) {
    valid += !outcome.load_error && outcome.errors == 0;
    core_valid += outcome.core_only && !outcome.load_error && outcome.errors == 0;
    for (const Diagnostic& d : outcome.diagnostics) {
      if (d.severity == Diagnostic::Severity::kError) ++codes[d.code];
    }
  }
  std::cout << "corpus: " << outcomes_->size() << " files, " << valid << " valid, " << core_valid
            << " core-only valid\n";
  for (const auto& [code, n] : codes) std::cout << "  " << code << ": " << n << "\n";
}

}  // namespace
}  // namespace runnel::flow

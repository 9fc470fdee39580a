// A Google Benchmark reporter that prints, after the usual table, the ratio of each engine
// benchmark to its hand-written baseline run in the same process.
//
// Pairs are found by name: "Engine/<case>" is compared with "Baseline/<case>". With
// --benchmark_repetitions the medians are compared (the machine is noisy; medians, not means).
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>

namespace runnel::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::map<std::string, double> engine_ns_;    // case -> ns per iteration
  std::map<std::string, double> baseline_ns_;
};

}  // namespace runnel::bench

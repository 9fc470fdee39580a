#include "ratio_reporter.h"

#include <cstdio>

namespace runnel::bench {

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& r : runs) {
    // Without repetitions there is one plain run per benchmark; with them, take the median.
    bool aggregate = r.run_type == Run::RT_Aggregate;
    if (aggregate && r.aggregate_name != "median") continue;
    std::string name = r.run_name.function_name;
    double ns = r.GetAdjustedCPUTime();
    auto split = [&](const std::string& prefix, std::map<std::string, double>& into) {
      if (name.rfind(prefix, 0) != 0) return;
      std::string key = name.substr(prefix.size());
      if (aggregate || !into.count(key)) into[key] = ns;
    };
    split("Engine/", engine_ns_);
    split("Baseline/", baseline_ns_);
  }
}

void RatioReporter::Finalize() {
  ConsoleReporter::Finalize();
  std::printf("\n%-28s %14s %14s %8s\n", "case", "engine ns", "hand ns", "ratio");
  for (const auto& [key, engine] : engine_ns_) {
    auto it = baseline_ns_.find(key);
    if (it == baseline_ns_.end()) continue;
    std::printf("%-28s %14.1f %14.1f %7.2fx\n", key.c_str(), engine, it->second,
                it->second > 0 ? engine / it->second : 0.0);
  }
}

}  // namespace runnel::bench

// Metrics: counters and sums kept per I/O thread (no shared cache line on the hot path) and
// summed when /metrics is scraped, rendered in the Prometheus text format.
//
// A series is named by its full Prometheus text (`runnel_runs_total{flow="orders",status=
// "Succeeded"}`); Series() builds that text with label values escaped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace runnel::server {

class Metrics {
 public:
  explicit Metrics(size_t shards);

  // Adds to a counter (or the _sum of a summary) on shard `shard` (the caller's thread index;
  // other threads use shard 0).
  void Add(size_t shard, const std::string& series, double value);
  void Increment(size_t shard, const std::string& series) { Add(shard, series, 1); }
  // A summary's two series, built once (SummaryKey) and reused on every observation.
  struct SummaryKey {
    std::string sum, count;
  };
  static SummaryKey Summary(std::string_view name, std::string_view labels);
  // Records one observation: `name_sum{labels}` += value, `name_count{labels}` += 1.
  void Observe(size_t shard, const SummaryKey& key, double value);

  // Gauges sampled at scrape time (queue depth, in-flight runs, open connections).
  void AddGauge(std::string series, std::function<double()> sample);

  // The Prometheus text exposition of every series, with HELP/TYPE lines for known families.
  std::string Render() const;

 private:
  struct Shard {
    std::mutex mu;  // uncontended except while scraping
    std::unordered_map<std::string, double> values;
  };
  std::vector<std::unique_ptr<Shard>> shards_;
  std::mutex gauges_mu_;
  std::vector<std::pair<std::string, std::function<double()>>> gauges_;
};

// `name{k1="v1",k2="v2"}` with label values escaped as Prometheus requires.
std::string Series(std::string_view name, std::initializer_list<std::pair<std::string_view, std::string_view>> labels);

}  // namespace runnel::server

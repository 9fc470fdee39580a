#include "server/metrics.h"

#include <cstdio>

namespace runnel::server {
namespace {

struct Family {
  const char* name;
  const char* type;
  const char* help;
};

constexpr Family kFamilies[] = {
    {"runnel_http_requests_total", "counter", "HTTP requests answered, by route class and status."},
    {"runnel_runs_started_total", "counter", "Runs started, by flow and trigger."},
    {"runnel_runs_total", "counter", "Runs finished, by flow and final status."},
    {"runnel_run_duration_seconds", "summary", "Run duration from start to finish, by flow."},
    {"runnel_action_duration_seconds", "summary", "Action duration, by flow and action type."},
    {"runnel_trigger_events_total", "counter", "Trigger events, by flow, trigger and outcome (Fired, Skipped, Rejected)."},
    {"runnel_trigger_lag_seconds", "summary", "Time from a trigger event to its run's start."},
    {"runnel_schedule_lateness_seconds", "summary", "How late a schedule tick fired, by flow."},
    {"runnel_schedule_overruns_total", "counter", "Ticks that found the previous run still going, by flow."},
    {"runnel_runs_in_flight", "gauge", "Runs started and not finished."},
    {"runnel_store_pending_writes", "gauge", "Writes queued for the store's next commit."},
    {"runnel_http_open_connections", "gauge", "Open HTTP connections."},
};

std::string_view FamilyOf(std::string_view series) {
  size_t brace = series.find('{');
  std::string_view name = series.substr(0, brace);
  for (std::string_view suffix : {"_sum", "_count"}) {
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
      std::string_view base = name.substr(0, name.size() - suffix.size());
      for (const auto& f : kFamilies) {
        if (base == f.name) return base;
      }
    }
  }
  return name;
}

std::string FormatValue(double v) {
  char buf[64];
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 9e15 && v > -9e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", v);
  }
  return buf;
}

}  // namespace

Metrics::Metrics(size_t shards) {
  for (size_t i = 0; i < std::max<size_t>(shards, 1); ++i) shards_.push_back(std::make_unique<Shard>());
}

void Metrics::Add(size_t shard, const std::string& series, double value) {
  Shard& s = *shards_[shard < shards_.size() ? shard : 0];
  std::lock_guard lock(s.mu);
  s.values[series] += value;
}

Metrics::SummaryKey Metrics::Summary(std::string_view name, std::string_view labels) {
  SummaryKey k;
  k.sum.append(name).append("_sum").append(labels);
  k.count.append(name).append("_count").append(labels);
  return k;
}

void Metrics::Observe(size_t shard, const SummaryKey& key, double value) {
  Shard& s = *shards_[shard < shards_.size() ? shard : 0];
  std::lock_guard lock(s.mu);
  s.values[key.sum] += value;
  s.values[key.count] += 1;
}

void Metrics::AddGauge(std::string series, std::function<double()> sample) {
  std::lock_guard lock(gauges_mu_);
  gauges_.emplace_back(std::move(series), std::move(sample));
}

std::string Metrics::Render() const {
  std::map<std::string, double> all;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mu);
    for (const auto& [k, v] : s->values) all[k] += v;
  }
  {
    std::lock_guard lock(const_cast<std::mutex&>(gauges_mu_));
    for (const auto& [k, sample] : gauges_) all[k] = sample();
  }
  // Every family's HELP/TYPE once, even before its first sample, so dashboards find it.
  std::map<std::string, std::vector<std::pair<std::string, double>>, std::less<>> by_family;
  for (const auto& f : kFamilies) by_family[f.name];
  for (const auto& [k, v] : all) by_family[std::string(FamilyOf(k))].emplace_back(k, v);
  std::string out;
  for (const auto& [family, series] : by_family) {
    for (const auto& f : kFamilies) {
      if (family == f.name) {
        out += "# HELP " + family + " " + f.help + "\n# TYPE " + family + " " + f.type + "\n";
      }
    }
    for (const auto& [k, v] : series) out += k + " " + FormatValue(v) + "\n";
  }
  return out;
}

std::string Series(std::string_view name, std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string s(name);
  if (labels.size() == 0) return s;
  s += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) s += ',';
    first = false;
    s += k;
    s += "=\"";
    for (char c : v) {
      if (c == '\\' || c == '"') s += '\\';
      if (c == '\n') {
        s += "\\n";
        continue;
      }
      s += c;
    }
    s += '"';
  }
  s += '}';
  return s;
}

}  // namespace runnel::server

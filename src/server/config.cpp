#include "server/config.h"

#include <boost/url/parse.hpp>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>

namespace runnel::server {
namespace {

Error ConfigError(const std::string& file, const YAML::Node& node, const std::string& message) {
  Error e("InvalidConfiguration", message);
  e.where = file;
  if (node.Mark().line >= 0) e.where += ":" + std::to_string(node.Mark().line + 1) + ":" + std::to_string(node.Mark().column + 1);
  return e;
}

template <class T>
Status Read(const std::string& file, const YAML::Node& node, const std::string& key, T& out) {
  try {
    out = node.as<T>();
    return Ok();
  } catch (const YAML::Exception&) {
    return ConfigError(file, node, "'" + key + "' has the wrong type");
  }
}

}  // namespace

Status ParseListen(std::string_view text, ServerConfig& config) {
  size_t colon = text.rfind(':');
  std::string_view host = colon == std::string_view::npos ? std::string_view() : text.substr(0, colon);
  std::string_view port = colon == std::string_view::npos ? text : text.substr(colon + 1);
  unsigned value = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), value);
  if (r.ec != std::errc() || r.ptr != port.data() + port.size() || value > 65535) {
    return Error("InvalidConfiguration", "listen address '" + std::string(text) +
                                             "' must be HOST:PORT, :PORT or PORT (e.g. 127.0.0.1:7070)");
  }
  if (!host.empty()) config.host = std::string(host);
  config.port = static_cast<uint16_t>(value);
  return Ok();
}

Status LoadConfigFile(const std::string& path, ServerConfig& c) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Error("ConfigurationNotFound", "cannot read the configuration file '" + path + "'");
  } catch (const YAML::Exception& e) {
    return Error("InvalidConfiguration", path + ":" + std::to_string(e.mark.line + 1) + ":" +
                                             std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return Ok();
  if (!root.IsMap()) return ConfigError(path, root, "the configuration must be a mapping of settings");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "listen") {
      std::string listen;
      RUNNEL_TRY_STATUS(Read(path, v, key, listen));
      RUNNEL_TRY_STATUS(ParseListen(listen, c));
    } else if (key == "threads") {
      RUNNEL_TRY_STATUS(Read(path, v, key, c.threads));
    } else if (key == "data") {
      RUNNEL_TRY_STATUS(Read(path, v, key, c.data_dir));
    } else if (key == "flows") {
      RUNNEL_TRY_STATUS(Read(path, v, key, c.flows_dir));
    } else if (key == "tables") {
      RUNNEL_TRY_STATUS(Read(path, v, key, c.tables_dir));
    } else if (key == "token") {
      RUNNEL_TRY_STATUS(Read(path, v, key, c.token));
    } else if (key == "public_url") {
      RUNNEL_TRY_STATUS(Read(path, v, key, c.public_url));
      RUNNEL_TRY_STATUS(CheckPublicUrl(c.public_url, "public_url in " + path));
    } else if (key == "retention_days") {
      RUNNEL_TRY_STATUS(Read(path, v, key, c.retention_days));
    } else if (key == "store") {
      for (const auto& s : v) {
        std::string k = s.first.as<std::string>();
        if (k == "sync") {
          std::string mode;
          RUNNEL_TRY_STATUS(Read(path, s.second, k, mode));
          if (mode != "normal" && mode != "full") return ConfigError(path, s.second, "store.sync must be 'normal' or 'full'");
          c.sync_full = mode == "full";
        } else {
          return ConfigError(path, s.first, "unknown setting 'store." + k + "' (known: sync)");
        }
      }
    } else if (key == "schedules") {
      for (const auto& s : v) {
        std::string k = s.first.as<std::string>();
        if (k == "overlap") {
          std::string mode;
          RUNNEL_TRY_STATUS(Read(path, s.second, k, mode));
          if (mode != "skip" && mode != "wait") return ConfigError(path, s.second, "schedules.overlap must be 'skip' or 'wait'");
          c.skip_overlapping_ticks = mode == "skip";
        } else {
          return ConfigError(path, s.first, "unknown setting 'schedules." + k + "' (known: overlap)");
        }
      }
    } else if (key == "limits") {
      for (const auto& s : v) {
        std::string k = s.first.as<std::string>();
        Status st = Ok();
        if (k == "max_body_bytes") st = Read(path, s.second, k, c.http.max_body_bytes);
        else if (k == "max_header_bytes") st = Read(path, s.second, k, c.http.max_header_bytes);
        else if (k == "idle_timeout_seconds") st = Read(path, s.second, k, c.http.idle_timeout_seconds);
        else if (k == "request_timeout_seconds") st = Read(path, s.second, k, c.http.request_timeout_seconds);
        else if (k == "sync_response_seconds") st = Read(path, s.second, k, c.runs.sync_response_seconds);
        else if (k == "max_in_flight_runs") st = Read(path, s.second, k, c.runs.max_in_flight);
        else if (k == "recent_stateless_runs") st = Read(path, s.second, k, c.runs.recent_stateless);
        else if (k == "table_max_page_size") st = Read(path, s.second, k, c.tables.max_page_size);
        else if (k == "table_max_count") st = Read(path, s.second, k, c.tables.max_count);
        else if (k == "table_change_retention_days") st = Read(path, s.second, k, c.tables.change_retention_days);
        else if (k == "table_max_filter_chars") st = Read(path, s.second, k, c.tables.query.max_filter_chars);
        else if (k == "table_max_batch_requests") st = Read(path, s.second, k, c.tables.max_batch_requests);
        else if (k == "table_max_batch_response_bytes") st = Read(path, s.second, k, c.tables.max_batch_response_bytes);
        else if (k == "trigger_max_hops") st = Read(path, s.second, k, c.change_triggers.max_hops);
        else if (k == "trigger_skip_history_per_minute") st = Read(path, s.second, k, c.change_triggers.skip_history_per_minute);
        else
          return ConfigError(path, s.first, "unknown setting 'limits." + k +
                                                "' (known: max_body_bytes, max_header_bytes, idle_timeout_seconds, "
                                                "request_timeout_seconds, sync_response_seconds, max_in_flight_runs, "
                                                "recent_stateless_runs, table_max_page_size, table_max_count, "
                                                "table_change_retention_days, table_max_filter_chars, "
                                                "table_max_batch_requests, table_max_batch_response_bytes, "
                                                "trigger_max_hops, trigger_skip_history_per_minute)");
        RUNNEL_TRY_STATUS(std::move(st));
        if (c.tables.max_page_size < 1 || c.tables.max_count < 1 || c.tables.change_retention_days < 1 ||
            c.tables.query.max_filter_chars < 1 || c.tables.max_batch_requests < 1 ||
            c.tables.max_batch_response_bytes < 1 ||
            c.change_triggers.max_hops < 1) {
          return ConfigError(path, s.second, "'limits." + k + "' must be at least 1");
        }
      }
    } else if (key == "app_settings") {
      if (!v.IsMap()) return ConfigError(path, v, "app_settings must be a mapping of names to text values");
      auto settings = std::make_shared<boost::json::object>();
      for (const auto& s : v) {
        if (!s.second.IsScalar()) {
          return ConfigError(path, s.second, "app setting '" + s.first.as<std::string>() + "' must be a text value");
        }
        (*settings)[s.first.as<std::string>()] = s.second.as<std::string>();
      }
      c.app_settings = std::move(settings);
    } else if (key == "testing") {
      for (const auto& s : v) {
        std::string k = s.first.as<std::string>();
        if (k == "manual_clock") {
          RUNNEL_TRY_STATUS(Read(path, s.second, k, c.manual_clock));
        } else if (k == "start_micros") {
          RUNNEL_TRY_STATUS(Read(path, s.second, k, c.start_micros));
        } else {
          return ConfigError(path, s.first, "unknown setting 'testing." + k + "' (known: manual_clock, start_micros)");
        }
      }
    } else {
      return ConfigError(path, kv.first, "unknown setting '" + key +
                                             "' (known: listen, threads, data, flows, tables, token, retention_days, store, "
                                             "schedules, limits, app_settings, testing)");
    }
  }
  return Ok();
}

Status CheckPublicUrl(std::string& url, const std::string& where) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  auto parsed = boost::urls::parse_absolute_uri(url);
  bool http = parsed && (parsed->scheme() == "http" || parsed->scheme() == "https") && parsed->has_authority() &&
              !parsed->has_query() && !parsed->has_fragment();
  if (!http) {
    return Error("InvalidConfig", where + ": '" + url +
                                      "' is not an http(s) URL; give the address services use to reach this "
                                      "server, such as https://runnel.example.com or http://10.0.0.5:7070");
  }
  return Ok();
}

std::string PublicUrl(const ServerConfig& c) {
  if (!c.public_url.empty()) return c.public_url;
  // An unspecified listen address is not an address anyone can call: name the loopback one.
  std::string host = c.host == "0.0.0.0" || c.host.empty() ? "127.0.0.1" : c.host == "::" ? "[::1]" : c.host;
  return "http://" + host + ":" + std::to_string(c.port);
}

Status ApplyEnvironment(ServerConfig& c) {
  if (const char* v = std::getenv("RUNNEL_LISTEN"); v && *v) RUNNEL_TRY_STATUS(ParseListen(v, c));
  if (const char* v = std::getenv("RUNNEL_DATA"); v && *v) c.data_dir = v;
  if (const char* v = std::getenv("RUNNEL_FLOWS"); v && *v) c.flows_dir = v;
  if (const char* v = std::getenv("RUNNEL_TABLES"); v && *v) c.tables_dir = v;
  if (const char* v = std::getenv("RUNNEL_TOKEN"); v && *v) c.token = v;
  if (const char* v = std::getenv("RUNNEL_PUBLIC_URL"); v && *v) {
    c.public_url = v;
    RUNNEL_TRY_STATUS(CheckPublicUrl(c.public_url, "RUNNEL_PUBLIC_URL"));
  }
  if (const char* v = std::getenv("RUNNEL_THREADS"); v && *v) {
    int n = 0;
    std::string_view s(v);
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (r.ec != std::errc() || n < 0 || n > 256) {
      return Error("InvalidConfiguration", "RUNNEL_THREADS must be a number from 0 to 256");
    }
    c.threads = n;
  }
  return Ok();
}

}  // namespace runnel::server

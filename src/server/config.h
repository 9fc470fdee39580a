// ServerConfig: what `runnel serve` reads from its YAML file, then the environment, then its
// flags (each overriding the one before). docs/configuration.md lists every setting.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "server/change_dispatcher.h"
#include "server/http_server.h"
#include "server/run_manager.h"
#include "tables/table_store.h"

namespace runnel::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 7070;
  int threads = 0;                 // 0: one per core
  std::string data_dir = "runnel-data";
  std::string flows_dir;           // deployed at start when set
  std::string tables_dir;          // table definitions applied at start when set
  std::string token;               // management API token; generated into data_dir when empty
  // How services reach this server ("https://runnel.example.com"): the base of webhook actions'
  // callback URLs. Empty: http://{listen address}.
  std::string public_url;
  bool sync_full = false;          // store: flush to disk on every commit
  int retention_days = 30;
  bool skip_overlapping_ticks = true;  // schedules with concurrency 1: skip (true) or wait
  bool manual_clock = false;       // tests: time moves only through the debug clock endpoint
  int64_t start_micros = 0;        // with manual_clock: where the clock starts (0: now)
  HttpLimits http;
  RunManagerOptions runs;
  tables::TableStoreOptions tables;
  ChangeDispatcherOptions change_triggers;
  // appsetting(name) in every flow: the app_settings mapping of the configuration file.
  std::shared_ptr<const boost::json::object> app_settings;
};

// Reads a YAML configuration file into `config` (unknown keys are errors naming the key).
Status LoadConfigFile(const std::string& path, ServerConfig& config);

// Applies RUNNEL_LISTEN, RUNNEL_DATA, RUNNEL_FLOWS, RUNNEL_TABLES, RUNNEL_TOKEN, RUNNEL_THREADS.
Status ApplyEnvironment(ServerConfig& config);

// Checks a public_url setting (an http or https URL without query) and drops trailing slashes;
// `where` names the setting in the error.
Status CheckPublicUrl(std::string& url, const std::string& where);
// The configured public_url, or http://{host}:{port} of the listen address.
std::string PublicUrl(const ServerConfig& config);

// "127.0.0.1:7070", ":7070" or "7070".
Status ParseListen(std::string_view text, ServerConfig& config);

}  // namespace runnel::server

// `runnel serve`: the long-running server (docs/cli.md, docs/configuration.md).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "server/server.h"

namespace runnel::cli {

void AddServeCommand(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string config, listen, data, flows, tables, token;
    int threads = -1;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the server: trigger endpoints, schedules, durable runs, management API");
  cmd->add_option("--config", flags->config, "YAML configuration file (docs/configuration.md)");
  cmd->add_option("--listen", flags->listen, "address to listen on, HOST:PORT (default 127.0.0.1:7070)");
  cmd->add_option("--data", flags->data, "data directory: the store and the admin token (default ./runnel-data)");
  cmd->add_option("--flows", flags->flows, "deploy the flow files of this directory at start");
  cmd->add_option("--tables", flags->tables, "apply the table definitions (*.json, *.yaml) of this directory at start");
  cmd->add_option("--threads", flags->threads, "I/O threads (default: one per core)");
  cmd->add_option("--token", flags->token, "management API token (default: generated into the data directory)");
  cmd->callback([flags, &exit_code] {
    server::ServerConfig config;
    auto fail = [&exit_code](const Error& e) {
      std::fprintf(stderr, "runnel serve: %s\n", e.ToString().c_str());
      exit_code = 2;
    };
    if (!flags->config.empty()) {
      if (auto st = server::LoadConfigFile(flags->config, config); !st) return fail(st.error());
    }
    if (auto st = server::ApplyEnvironment(config); !st) return fail(st.error());
    if (!flags->listen.empty()) {
      if (auto st = server::ParseListen(flags->listen, config); !st) return fail(st.error());
    }
    if (!flags->data.empty()) config.data_dir = flags->data;
    if (!flags->flows.empty()) config.flows_dir = flags->flows;
    if (!flags->tables.empty()) config.tables_dir = flags->tables;
    if (!flags->token.empty()) config.token = flags->token;
    if (flags->threads >= 0) config.threads = flags->threads;
    server::Server server(std::move(config));
    server::Server::CatchStopSignals();
    if (auto st = server.Start(); !st) {
      std::fprintf(stderr, "runnel serve: %s\n", st.error().ToString().c_str());
      exit_code = 1;
      return;
    }
    server.RunUntilSignal();
    exit_code = 0;
  });
}

}  // namespace runnel::cli

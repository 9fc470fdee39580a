// The `runnel` subcommands. Each registers its flags on the CLI11 app and returns the exit code
// when run; main.cpp only wires them together.
#pragma once

namespace CLI {
class App;
}

namespace runnel::cli {

// `runnel eval`: evaluate one expression, or many as JSON lines (docs/cli.md).
void AddEvalCommand(CLI::App& app, int& exit_code);

// `runnel run`: run a flow in-process and print its run record (docs/cli.md).
void AddRunCommand(CLI::App& app, int& exit_code);

// `runnel validate`: load and check flow files, report diagnostics (docs/cli.md).
void AddValidateCommand(CLI::App& app, int& exit_code);

// `runnel serve`: the server (docs/cli.md, docs/configuration.md).
void AddServeCommand(CLI::App& app, int& exit_code);

// The client of `runnel serve` (docs/cli.md, "Client commands"): `runnel flows ...`,
// `runnel runs ...` and `runnel trigger`, over the HTTP API of docs/http-api.md.
void AddClientCommands(CLI::App& app, int& exit_code);

}  // namespace runnel::cli

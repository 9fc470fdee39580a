// runnel: the command line. Parses flags and hands off to one command.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Runnel: a self-hosted integration engine for Workflow Definition Language flows"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "runnel 0.1.0");
  int exit_code = 0;
  runnel::cli::AddEvalCommand(app, exit_code);
  runnel::cli::AddRunCommand(app, exit_code);
  runnel::cli::AddValidateCommand(app, exit_code);
  runnel::cli::AddServeCommand(app, exit_code);
  runnel::cli::AddClientCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // bad usage is "bad input" (exit 2) for every command
  }
  return exit_code;
}

// The command line's parts: each file registers its commands on the CLI11 application (help is generated
// from the descriptions given here), and the chosen command's callback stores what to run once the
// configuration is loaded. Used only by cli.cc and the cli_*.cc files.
#pragma once

#include <functional>
#include <string>

#include "app/config.h"
#include "core/status.h"

namespace CLI {
class App;
}

namespace entraide::app {

// What the chosen command will do with the loaded configuration; its exit code.
using CommandFn = std::function<int(const Config&)>;

struct CliContext {
  CommandFn run;
};

// migrate, import, check-content, reindex.
void AddContentCommands(CLI::App& app, CliContext& ctx);
// group add, user add|list|link.
void AddPeopleCommands(CLI::App& app, CliContext& ctx);
// mail send|status, digest.
void AddMailCommands(CLI::App& app, CliContext& ctx);
// backup, restore, check-data.
void AddDataCommands(CLI::App& app, CliContext& ctx);
// export, erase.
void AddPrivacyCommands(CLI::App& app, CliContext& ctx);

// Prints "entraide: <message>" to standard error and returns 1.
int Fail(const core::Status& st);
// Prints "entraide: <message>" to standard error and returns 2 (a usage error).
int UsageError(const std::string& message);

}  // namespace entraide::app

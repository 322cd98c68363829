// entraide's command line (CLI11): the global options, `serve`, and the commands registered by the cli_*.cc
// files. Exit codes: 0 done, 1 failed (the message says why), 2 a usage or configuration error.
#include "app/cli.h"

#include <Poco/Util/ServerApplication.h>
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/data_check.h"
#include "core/log.h"
#include "markdown/markdown.h"
#include "markdown/render_workers.h"

namespace entraide::app {
namespace {

core::LogLevel ParseLevel(const std::string& s) {
  if (s == "debug") return core::LogLevel::kDebug;
  if (s == "warn") return core::LogLevel::kWarning;
  if (s == "error") return core::LogLevel::kError;
  return core::LogLevel::kInfo;
}

class ServeApp : public Poco::Util::ServerApplication {
 public:
  ServeApp(const Config& config, bool backup) : config_(config), backup_(backup) {}

 protected:
  int main(const std::vector<std::string>&) override {
    // Poco's Application::run installed its own handlers just before calling main (they turn SIGSEGV and SIGBUS
    // into C++ exceptions, which end in an abort that hides the signal): take them back.
    core::InstallFatalSignalLogger();
    AppOverrides overrides;
    overrides.backup_before_migrations = backup_;
    auto app = App::Create(config_, overrides);
    if (!app.ok()) {
      std::cerr << "entraide: " << app.status().message() << "\n";
      return app.status().code() == core::StatusCode::kInvalidArgument ? 2 : 1;
    }
    core::Status st = (*app)->Start();
    if (!st.ok()) {
      std::cerr << "entraide: " << st.message() << "\n";
      return 1;
    }
    waitForTerminationRequest();
    core::LogInfo("stopping: finishing requests in flight");
    (*app)->Stop();
    app->reset();  // closes every connection: the WAL goes into the file, which the next start need not check
    MarkCleanStop(config_);
    core::LogInfo("stopped");
    return 0;
  }

 private:
  const Config& config_;
  bool backup_;
};

int Serve(const Config& config, bool backup) {
  // Block the termination signals in every thread before any starts, so only the main thread's
  // sigwait (in waitForTerminationRequest) receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  ServeApp serve(config, backup);
  std::vector<std::string> poco_args = {"entraide"};
  return serve.run(poco_args);
}

}  // namespace

int Fail(const core::Status& st) {
  std::cerr << "entraide: " << st.message() << "\n";
  return 1;
}

int UsageError(const std::string& message) {
  std::cerr << "entraide: " << message << "\n";
  return 2;
}

namespace {
// `entraide render-worker MEMORY_BYTES`: the process markdown::RenderWorkers starts (not in --help, no
// configuration read). Its stdin and stdout are the server's socket to it.
int RenderWorker(int argc, char** argv) {
  size_t memory_bytes = 0;
  std::string_view arg = argc == 3 ? argv[2] : "";
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), memory_bytes);
  if (arg.empty() || ec != std::errc() || end != arg.data() + arg.size() || memory_bytes == 0)
    return UsageError("render-worker: MEMORY_BYTES must be a positive number of bytes");
  return markdown::RunRenderWorker(memory_bytes);
}
}  // namespace

int RunCli(int argc, char** argv) {
  core::InstallFatalSignalLogger();
  if (argc >= 2 && std::string_view(argv[1]) == "render-worker") return RenderWorker(argc, argv);
  // Everything serve and the commands create under data.dir (the database and its -wal, the search index,
  // attachments, .eml files) is for this user alone: files 0600, folders 0700.
  umask(077);
  CLI::App cli("Entraide: a self-hosted knowledge base and help desk.", "entraide");
  cli.footer(
      "Every configuration key can be set by an environment variable: ENTRAIDE_ + the key in capitals,\n"
      "dots as underscores (http.port -> ENTRAIDE_HTTP_PORT, data.dir -> ENTRAIDE_DATA_DIR).\n"
      "Help for a command: entraide COMMAND --help.");
  std::string config_path = "config/entraide.ini";
  auto* config_option = cli.add_option("--config", config_path, "configuration file (default: config/entraide.ini)");
  cli.set_version_flag("--version", std::string("entraide ") + ENTRAIDE_VERSION, "print the version and exit");
  cli.require_subcommand(1);
  CliContext ctx;
  auto serve_backup = std::make_shared<bool>(true);
  auto* serve = cli.add_subcommand("serve", "migrate, import content/, then serve HTTP until SIGTERM or SIGINT");
  serve->add_flag("!--no-backup", *serve_backup, "apply migrations without taking a snapshot first");
  serve->footer(
      "Applies missing migrations (after a snapshot into backup.dir, default data.dir/backups, when the\n"
      "database has data), checks the data (damage, missing files, stuck mail: logged), imports content/\n"
      "(bad files are logged, the rest is served), and serves HTTP on http.host:http.port. SIGTERM or\n"
      "SIGINT: requests in flight finish, then exit 0. A damaged database is not served (exit 1).");
  serve->callback(
      [&ctx, serve_backup] { ctx.run = [serve_backup](const Config& c) { return Serve(c, *serve_backup); }; });
  AddContentCommands(cli, ctx);
  AddPeopleCommands(cli, ctx);
  AddMailCommands(cli, ctx);
  AddDataCommands(cli, ctx);
  AddPrivacyCommands(cli, ctx);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (argc == 1) {
      std::cerr << cli.help();
      return 2;
    }
    int code = cli.exit(e);  // prints help, the version, or the error with a hint
    return code == 0 ? 0 : 2;
  }
  auto config =
      LoadConfig(config_path, config_option->count() > 0, [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
      });
  if (!config.ok()) return UsageError("configuration: " + config.status().message());
  core::SetLogLevel(ParseLevel(config->log_level));
  markdown::InitMarkdown();
  // Bounded rendering (import, tickets) runs in workers started from this very binary: /proc/self/exe still
  // names it when the file has been replaced by an upgrade, so workers always match the running server.
  markdown::UseRenderWorkers({"/proc/self/exe"});
  std::string command = cli.get_subcommands().empty() ? "" : cli.get_subcommands().front()->get_name();
  if (command == "serve") return ctx.run(*config);  // it takes the clean-stop marker and leaves one itself
  // A command passes the clean-stop marker on (data_check.h): the database it found had been checked, or is one it
  // created, and it ended well. `check-data` checks it itself; `restore` puts a file in place that serve must check.
  std::error_code ec;
  bool checked = !std::filesystem::exists(config->DatabasePath(), ec) || TakeCleanStop(*config);
  int rc = ctx.run(*config);
  if (rc == 0 && (checked || command == "check-data") && command != "restore") MarkCleanStop(*config);
  return rc;
}

}  // namespace entraide::app

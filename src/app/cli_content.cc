// `migrate`, `import`, `check-content`, `export-content`, `reindex`: the library's files, the store and the search
// index.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/app.h"
#include "app/commands.h"
#include "kb/content.h"
#include "kb/export.h"
#include "kb/importer.h"
#include "kb/search_sync.h"
#include "search/index.h"
#include "search/resources.h"
#include "store/database.h"

namespace entraide::app {

namespace {

struct MigrateArgs {
  bool dry_run = false, backup = true;
};

int Migrate(const Config& config, const MigrateArgs& a) {
  if (a.dry_run) {
    auto pending = PendingMigrationNames(config);
    if (!pending.ok()) return Fail(pending.status());
    for (const auto& name : *pending) std::cout << "would apply " << name << "\n";
    std::cout << "migrate --dry-run: "
              << (pending->empty() ? "nothing to apply" : std::to_string(pending->size()) + " to apply")
              << "; nothing was changed\n";
    return 0;
  }
  PrepareOptions options;
  options.backup = a.backup;
  auto report = PrepareStore(config, options);
  if (!report.ok()) return Fail(report.status());
  if (!report->backup.empty()) std::cout << "backup first: " << report->backup << "\n";
  for (const auto& name : report->applied) std::cout << "applied " << name << "\n";
  std::cout << "database ready: " << config.DatabasePath() << (report->applied.empty() ? " (nothing to apply)" : "")
            << "\n";
  return 0;
}

int Import(const Config& config) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  auto db = store::Database::Open(config.DatabasePath());
  if (!db.ok()) return Fail(db.status());
  auto report = kb::ImportContent(**db, config.content_dir);
  if (!report.ok()) return Fail(report.status());
  for (const auto& p : report->problems) std::cerr << p.ToString() << "\n";
  std::cout << "import: " << report->Summary() << "\n";
  // Bring the search index up to date, unless serve's worker is writing it (it will do so itself).
  auto resources = search::LoadResources(config.search_dir);
  if (!resources.ok()) return Fail(resources.status());
  if (!search::IndexExists(config.data_dir)) {
    auto n = kb::RebuildIndex(**db, config.data_dir, *resources, nullptr, false);
    if (n.ok())
      std::cout << "search: index built with " << *n << " documents\n";
    else
      std::cout << "search: " << n.status().message() << "\n";
  } else {
    auto sync = kb::DrainIndexQueue(**db, config.data_dir, *resources);
    if (sync.ok())
      std::cout << "search: " << sync->indexed << " indexed, " << sync->deleted << " removed\n";
    else
      std::cout << "search: " << sync.status().message() << " (serve's worker will update the index)\n";
  }
  return report->has_errors() ? 1 : 0;
}

int CheckContent(const Config& config) {
  auto problems = kb::CheckContent(config.content_dir);
  for (const auto& p : problems) std::cout << p.ToString() << "\n";
  std::cout << "check-content: " << (problems.empty() ? "no problems" : std::to_string(problems.size()) + " problem(s)")
            << " in " << config.content_dir << "\n";
  return problems.empty() ? 0 : 1;
}

int Reindex(const Config& config) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  auto resources = search::LoadResources(config.search_dir);
  if (!resources.ok()) return Fail(resources.status());
  auto db = store::Database::Open(config.DatabasePath());
  if (!db.ok()) return Fail(db.status());
  bool tty = isatty(1);
  auto start = std::chrono::steady_clock::now();
  auto progress = [&](int done, int total) {
    if (!tty || (done % 50 != 0 && done != total)) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\rreindex: %d/%d documents, %.0f/s   ", done, total, secs > 0 ? done / secs : 0.0);
    std::fflush(stdout);
  };
  auto n = kb::RebuildIndex(**db, config.data_dir, *resources, progress, true);
  if (tty) std::printf("\n");
  if (!n.ok()) return Fail(n.status());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("reindex: %d documents in %.2f s\n", *n, secs);
  return 0;
}

int ExportContentTo(const Config& config, const std::string& dir) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  auto db = store::Database::Open(config.DatabasePath());
  if (!db.ok()) return Fail(db.status());
  auto report = kb::ExportContent(**db, dir);
  if (!report.ok()) return Fail(report.status());
  for (const auto& p : report->problems) std::cerr << p.ToString() << "\n";
  for (const auto& path : report->extra) std::cerr << path << ": not in the library (left in place)\n";
  std::cout << "export-content: " << report->Summary() << "\n";
  return report->problems.empty() ? 0 : 1;
}

}  // namespace

void AddContentCommands(CLI::App& app, CliContext& ctx) {
  auto migrate_args = std::make_shared<MigrateArgs>();
  auto* migrate = app.add_subcommand("migrate", "apply the database migrations that are missing");
  migrate->add_flag("--dry-run", migrate_args->dry_run, "list the migrations it would apply; change nothing");
  migrate->add_flag("!--no-backup", migrate_args->backup, "apply them without taking a snapshot first");
  migrate->footer(
      "Applies the migrations of migrations.dir that the database in data.dir does not have yet, and\n"
      "prints each. Before the first, when the database has data, it writes a snapshot into backup.dir\n"
      "(default data.dir/backups; see entraide backup --help) unless --no-backup; a backup that fails\n"
      "applies nothing. Refuses (exit 1) when an applied migration's file was changed.");
  migrate->callback(
      [&ctx, migrate_args] { ctx.run = [migrate_args](const Config& c) { return Migrate(c, *migrate_args); }; });
  app.add_subcommand("import", "import content/ into the store (only what changed)")
      ->footer(
          "Imports content.dir into the store: renders only the files that changed, unpublishes articles\n"
          "whose file is gone, reports each bad file with its path, line and reason, and exits 1 if any failed.")
      ->callback([&ctx] { ctx.run = Import; });
  app.add_subcommand("check-content", "validate content/ without writing anything")
      ->footer(
          "Validates content.dir without writing: front matter, duplicate slugs and keys, categories,\n"
          "rendering and links between articles. Prints each problem; exits 1 on any error or warning.")
      ->callback([&ctx] { ctx.run = CheckContent; });
  auto export_dir = std::make_shared<std::string>();
  auto* export_content =
      app.add_subcommand("export-content", "write the library as Markdown files (for git), as import reads them");
  export_content->add_option("DIR", *export_dir, "the folder to write ({en,fr}/*.md and categories.yml)")->required();
  export_content->footer(
      "Writes every published article as the text of the revision it serves: byte for byte the file import\n"
      "read for an article not edited online since, the editor's text (front matter and Markdown) for one\n"
      "that was. Files already identical are not touched; .md files in DIR that are not in the library are\n"
      "listed and left in place. Importing DIR afterwards changes nothing. Exits 1 if an article could not\n"
      "be written.");
  export_content->callback(
      [&ctx, export_dir] { ctx.run = [export_dir](const Config& c) { return ExportContentTo(c, *export_dir); }; });
  app.add_subcommand("reindex", "rebuild the search index from the store and swap it in atomically")
      ->footer(
          "Rebuilds the search index from every published article into a fresh folder under data.dir, then\n"
          "swaps it in atomically: searches keep using the old index until the new one is complete, and a\n"
          "crash leaves the old one serving. Shows progress (done/total, rate) on a terminal. Safe while serve\n"
          "runs.")
      ->callback([&ctx] { ctx.run = Reindex; });
}

}  // namespace entraide::app

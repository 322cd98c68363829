// `migrate`, `import`, `check-content`, `reindex`: the library's files, the store and the search index.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "kb/content.h"
#include "kb/importer.h"
#include "kb/search_sync.h"
#include "search/index.h"
#include "search/resources.h"
#include "store/database.h"

namespace entraide::app {

namespace {

int Migrate(const Config& config) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  std::cout << "database ready: " << config.DatabasePath() << "\n";
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
    if (n.ok()) std::cout << "search: index built with " << *n << " documents\n";
    else std::cout << "search: " << n.status().message() << "\n";
  } else {
    auto sync = kb::DrainIndexQueue(**db, config.data_dir, *resources);
    if (sync.ok()) std::cout << "search: " << sync->indexed << " indexed, " << sync->deleted << " removed\n";
    else std::cout << "search: " << sync.status().message() << " (serve's worker will update the index)\n";
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

}  // namespace

void AddContentCommands(CLI::App& app, CliContext& ctx) {
  app.add_subcommand("migrate", "apply the database migrations that are missing")
      ->footer("Applies the migrations of migrations.dir that the database in data.dir does not have yet.\n"
               "Refuses (exit 1) when an applied migration's file was changed.")
      ->callback([&ctx] { ctx.run = Migrate; });
  app.add_subcommand("import", "import content/ into the store (only what changed)")
      ->footer("Imports content.dir into the store: renders only the files that changed, unpublishes articles\n"
               "whose file is gone, reports each bad file with its path, line and reason, and exits 1 if any failed.")
      ->callback([&ctx] { ctx.run = Import; });
  app.add_subcommand("check-content", "validate content/ without writing anything")
      ->footer("Validates content.dir without writing: front matter, duplicate slugs and keys, categories,\n"
               "rendering and links between articles. Prints each problem; exits 1 on any error or warning.")
      ->callback([&ctx] { ctx.run = CheckContent; });
  app.add_subcommand("reindex", "rebuild the search index from the store and swap it in atomically")
      ->footer("Rebuilds the search index from every published article into a fresh folder under data.dir, then\n"
               "swaps it in atomically: searches keep using the old index until the new one is complete, and a\n"
               "crash leaves the old one serving. Shows progress (done/total, rate) on a terminal. Safe while serve\n"
               "runs.")
      ->callback([&ctx] { ctx.run = Reindex; });
}

}  // namespace entraide::app

// `backup`, `restore`, `check-data`: snapshots of data.dir, putting one back, and checking what is there.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/backup.h"
#include "app/commands.h"
#include "app/data_check.h"

namespace entraide::app {

namespace {

// 1234567 -> "1.2 MB" (decimal units, as df -H and file managers show them).
std::string Bytes(int64_t n) {
  char buf[32];
  if (n < 1000) return std::to_string(n) + " B";
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = -1;
  while (v >= 1000 && u < 3) {
    v /= 1000;
    ++u;
  }
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

struct BackupArgs {
  std::string dir;
  int keep = 0;
};

int RunBackup(const Config& config, const BackupArgs& a) {
  BackupOptions options;
  options.keep = a.keep;
  auto r = Backup(config, a.dir.empty() ? config.BackupDir() : a.dir, options);
  if (!r.ok()) return Fail(r.status());
  for (const auto& name : r->removed) std::cout << "removed " << name << "\n";
  for (const auto& p : r->problems) std::cout << "problem: " << p << "\n";
  std::cout << "backup: " << r->path << "\n"
            << "  database     " << Bytes(r->database_bytes) << "\n"
            << "  attachments  " << r->attachments << " files, " << Bytes(r->attachment_bytes) << " (" << r->linked
            << " hard-linked)\n"
            << "  mail-in      " << r->mail_originals << " originals of mail received\n"
            << "  written in " << Seconds(r->seconds) << "\n";
  if (r->problems.empty()) return 0;
  std::cerr << "entraide: backup: " << r->problems.size()
            << " attachment file(s) could not be taken as they should (above); older snapshots were kept. "
               "Run entraide check-data.\n";
  return 1;
}

int RunRestore(const Config& config, const std::string& snapshot, bool force) {
  RestoreOptions options;
  options.force = force;
  auto r = Restore(config, snapshot, options);
  if (!r.ok()) return Fail(r.status());
  const Manifest& m = r->manifest;
  std::cout << "restore: " << snapshot << " (made " << m.created_at << " by entraide " << m.entraide_version << ", "
            << m.reason << ")\n";
  for (const auto& p : m.problems) std::cout << "  noted when it was made: " << p << "\n";
  if (!r->moved_aside.empty())
    std::cout << "  what data.dir held is now in " << r->moved_aside << ": delete it once the site looks right\n";
  std::cout << "  entraide.db and " << r->files - 1 << " attachment file(s) checked and written into "
            << config.data_dir << ", " << Bytes(r->bytes) << ", in " << Seconds(r->seconds) << "\n"
            << "next: start entraide (e.g. systemctl start entraide); it rebuilds the search index as it starts\n";
  return 0;
}

int RunCheckData(const Config& config, bool quick, int minutes) {
  DataCheckOptions options;
  options.full = !quick;
  options.stale_minutes = minutes;
  core::SystemClock clock;
  DataCheckReport r = CheckData(config, options, clock);
  for (const auto& p : r.problems) std::cout << p << "\n";
  std::cout << "check-data: "
            << (r.problems.empty() ? "no problems" : std::to_string(r.problems.size()) + " problem(s)") << " in "
            << config.data_dir << " (" << r.attachment_files << " attachment files, " << Bytes(r.attachment_bytes)
            << (quick ? ", sizes only" : ", hashed") << ", " << Seconds(r.seconds) << ")\n";
  return r.problems.empty() ? 0 : 1;
}

}  // namespace

void AddDataCommands(CLI::App& app, CliContext& ctx) {
  auto b = std::make_shared<BackupArgs>();
  auto* backup = app.add_subcommand("backup", "write a snapshot of the data (safe while serve runs)");
  backup->add_option("DIR", b->dir, "the folder of snapshots (default: backup.dir, else data.dir/backups)");
  backup->add_option("--keep", b->keep, "then keep only the N newest snapshots of DIR")->check(CLI::Range(1, 100000));
  backup->footer(
      "Writes DIR/entraide-<UTC time>: the database (SQLite's online backup: consistent while serve writes),\n"
      "the attachments its rows name (hard links when DIR is on the same file system, else copies) and\n"
      "manifest.json (each file's size and SHA-256), written last: a folder without one is incomplete and\n"
      "removed by the next backup. The search index is left out (serve rebuilds it). Exits 1, keeping older\n"
      "snapshots, when an attachment file is missing or damaged.");
  backup->callback([&ctx, b] { ctx.run = [b](const Config& c) { return RunBackup(c, *b); }; });

  auto snapshot = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* restore = app.add_subcommand("restore", "put a snapshot back into data.dir (serve stopped)");
  restore
      ->add_option("SNAPSHOT", *snapshot, "a snapshot folder, e.g. /var/backups/entraide/entraide-2026-12-04T03-00-00Z")
      ->required();
  restore->add_flag("--force", *force, "restore into a data.dir that holds data: it is moved aside first");
  restore->footer(
      "Checks every file of SNAPSHOT against its manifest first (any difference: nothing is written), then\n"
      "fills data.dir with the database and the attachments. A data.dir holding data is refused unless\n"
      "--force, which moves its content into data.dir/before-restore-<UTC time> (kept: delete it once the\n"
      "restored site looks right). Refused while serve runs on data.dir. The next serve rebuilds the search index.");
  restore->callback([&ctx, snapshot, force] {
    ctx.run = [snapshot, force](const Config& c) { return RunRestore(c, *snapshot, *force); };
  });

  auto quick = std::make_shared<bool>(false);
  auto minutes = std::make_shared<int>(30);
  auto* check = app.add_subcommand("check-data", "check the database, attachments, outbox and search index");
  check->add_flag("--quick", *quick, "SQLite's quick_check and file sizes instead of every page and hash");
  check
      ->add_option("--minutes", *minutes,
                   "how long a message may stay sending, a change wait for the index, or a "
                   "file wait for its row, before it is a problem (default 30)")
      ->check(CLI::Range(1, 100000));
  check->footer(
      "One line per problem, exit 1 when there is any: SQLite's integrity and foreign keys; every attachment\n"
      "row's file is there with its size and SHA-256; no file in attachments/ that no row names; nothing\n"
      "stuck sending in the outbox; the search index is there and its queue is draining. Safe while serve runs.");
  check->callback([&ctx, quick, minutes] {
    ctx.run = [quick, minutes](const Config& c) { return RunCheckData(c, *quick, *minutes); };
  });
}

}  // namespace entraide::app

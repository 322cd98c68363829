#include "app/data_check.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "app/files.h"
#include "core/log.h"
#include "search/index.h"
#include "store/database.h"
#include "store/maintenance_repo.h"
#include "tickets/attachment_store.h"

namespace entraide::app {
namespace fs = std::filesystem;

namespace {

std::string Minutes(int64_t seconds) { return std::to_string(seconds / 60) + " minutes"; }

void CheckDatabase(store::Database& db, const DataCheckOptions& options, DataCheckReport& report) {
  store::MaintenanceRepository repo(db);
  auto damage = repo.IntegrityProblems(!options.full);
  if (!damage.ok()) {
    report.database_damaged = true;
    report.problems.push_back("database: cannot be checked: " + damage.status().message());
    return;
  }
  for (const auto& line : *damage) report.problems.push_back("database: damaged: " + line);
  report.database_damaged = !damage->empty();
  if (!options.foreign_keys) return;
  auto orphans = repo.ForeignKeyProblems();
  if (!orphans.ok()) {
    report.problems.push_back("database: foreign keys cannot be checked: " + orphans.status().message());
    return;
  }
  for (const auto& p : *orphans)
    report.problems.push_back("database: " + p.table + " row " + std::to_string(p.rowid) + " refers to a row of " +
                              p.parent + " that does not exist");
}

// Every file the rows name is there with its size (and hash when `full`); every file there is named by a row.
void CheckAttachments(const Config& config, store::Database& db, const DataCheckOptions& options,
                      const core::Clock& clock, DataCheckReport& report) {
  auto rows = store::MaintenanceRepository(db).AttachmentFiles();
  if (!rows.ok()) {
    report.problems.push_back("attachments: cannot be listed: " + rows.status().message());
    return;
  }
  std::set<std::string> named;
  for (const auto& row : *rows) {
    named.insert(row.sha256);
    std::string rel = tickets::AttachmentPath("attachments", row.sha256);
    std::string what = "attachment " + std::to_string(row.first_id) + " (ticket " + std::to_string(row.ticket_id) +
                       (row.rows > 1 ? ", and " + std::to_string(row.rows - 1) + " more with the same file" : "") +
                       "): " + rel;
    struct stat st;
    if (::stat((config.data_dir + "/" + rel).c_str(), &st) != 0) {
      report.problems.push_back(what + " is missing");
      continue;
    }
    ++report.attachment_files;
    report.attachment_bytes += st.st_size;
    if (st.st_size != row.size) {
      report.problems.push_back(what + " has " + std::to_string(st.st_size) + " bytes, the database says " +
                                std::to_string(row.size));
      continue;
    }
    if (!options.full) continue;
    auto digest = HashFile(config.data_dir + "/" + rel);
    if (!digest.ok()) {
      report.problems.push_back(what + ": " + digest.status().message());
    } else if (digest->sha256 != row.sha256) {
      report.problems.push_back(what + " is damaged: its SHA-256 is " + digest->sha256);
    }
  }
  static const std::regex kFileName("[0-9a-f]{64}");
  std::error_code ec;
  fs::path root = fs::path(config.data_dir) / "attachments";
  int64_t now = clock.NowSeconds();
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec)) continue;
    std::string name = it->path().filename().string();
    std::string rel = "attachments/" + it->path().lexically_relative(root).string();
    bool well_placed = std::regex_match(name, kFileName) && it->path().parent_path().filename() == name.substr(0, 2) &&
                       it.depth() == 1;
    if (well_placed && named.count(name)) continue;
    struct stat st;
    if (::stat(it->path().c_str(), &st) == 0 && now - st.st_mtime < int64_t{options.stale_minutes} * 60) continue;
    report.problems.push_back("attachments: " + rel + " is named by no attachment (an orphan file)");
  }
}

void CheckOutbox(store::Database& db, const DataCheckOptions& options, const core::Clock& clock,
                 DataCheckReport& report) {
  int64_t now = clock.NowSeconds();
  auto stuck = store::MaintenanceRepository(db).SendingClaimedBefore(now - int64_t{options.stale_minutes} * 60);
  if (!stuck.ok()) {
    report.problems.push_back("outbox: cannot be read: " + stuck.status().message());
    return;
  }
  for (const auto& m : *stuck)
    report.problems.push_back("outbox: message " + std::to_string(m.id) + " (" + m.kind + ") has been sending for " +
                              Minutes(now - m.claimed_at) + ": no sender took it back (is serve running?)");
}

void CheckSearch(const Config& config, store::Database& db, const DataCheckOptions& options, const core::Clock& clock,
                 DataCheckReport& report) {
  if (!search::StubExists(config.data_dir)) {
    report.problems.push_back("search: there is no index (" + search::StubPath(config.data_dir) +
                              "): serve builds it as it starts, or run entraide reindex");
  } else if (!search::IndexExists(config.data_dir)) {
    report.problems.push_back("search: the index folder named by " + search::StubPath(config.data_dir) +
                              " is missing: serve rebuilds it, or run entraide reindex");
  }
  int64_t now = clock.NowSeconds();
  auto waiting = store::MaintenanceRepository(db).IndexQueueOlderThan(now - int64_t{options.stale_minutes} * 60);
  if (!waiting.ok()) {
    report.problems.push_back("search: index_queue cannot be read: " + waiting.status().message());
  } else if (waiting->count > 0) {
    report.problems.push_back("search: " + std::to_string(waiting->count) + " change(s) waited more than " +
                              Minutes(int64_t{options.stale_minutes} * 60) + " in index_queue (the oldest since " +
                              core::FormatIso8601Utc(waiting->oldest) +
                              "): is serve running? entraide import or reindex applies them too");
  }
}

}  // namespace

DataCheckReport CheckData(const Config& config, const DataCheckOptions& options, const core::Clock& clock) {
  auto start = std::chrono::steady_clock::now();
  DataCheckReport report;
  std::error_code ec;
  if (!fs::is_regular_file(config.DatabasePath(), ec)) {
    report.problems.push_back("database: there is none at " + config.DatabasePath());
    return report;
  }
  store::Database::Options read_only;
  read_only.read_only = true;
  auto db = store::Database::Open(config.DatabasePath(), read_only);
  if (!db.ok()) {
    report.database_damaged = true;
    report.problems.push_back("database: cannot be opened: " + db.status().message());
    return report;
  }
  if (options.database) CheckDatabase(**db, options, report);
  if (!report.database_damaged) {
    CheckAttachments(config, **db, options, clock, report);
    CheckOutbox(**db, options, clock, report);
    if (options.search_index) CheckSearch(config, **db, options, clock, report);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

namespace {
std::string CleanStopPath(const Config& config) { return config.data_dir + "/clean-stop"; }

// "size mtime_ns inode" of the database file; "" when it cannot be read.
std::string DatabaseStamp(const Config& config) {
  struct stat st {};
  if (::stat(config.DatabasePath().c_str(), &st) != 0) return "";
  int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  return std::to_string(st.st_size) + " " + std::to_string(mtime_ns) + " " + std::to_string(st.st_ino);
}
}  // namespace

void MarkCleanStop(const Config& config) {
  std::string stamp = DatabaseStamp(config);
  if (stamp.empty()) return;
  std::string tmp = CleanStopPath(config) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << stamp << "\n";
    if (!out.flush()) return;
  }
  std::error_code ec;
  fs::rename(tmp, CleanStopPath(config), ec);
}

bool TakeCleanStop(const Config& config) {
  std::ifstream in(CleanStopPath(config));
  std::string line;
  bool found = static_cast<bool>(std::getline(in, line));
  std::error_code ec;
  fs::remove(CleanStopPath(config), ec);
  if (!found || line.empty() || line != DatabaseStamp(config)) return false;
  // Changes still in a WAL were written after the stop (or the stop did not checkpoint): the file is not as it was.
  auto wal = fs::file_size(config.DatabasePath() + "-wal", ec);
  return ec || wal == 0;
}

core::Status CheckDataAtStart(const Config& config, const core::Clock& clock) {
  std::error_code ec;
  if (!fs::is_regular_file(config.DatabasePath(), ec)) return core::Status::Ok();
  DataCheckOptions options;
  options.full = false;
  options.foreign_keys = false;
  options.search_index = false;
  options.database = !TakeCleanStop(config);
  DataCheckReport report = CheckData(config, options, clock);
  for (const auto& p : report.problems) core::LogWarning("check-data: " + p);
  char took[32];
  std::snprintf(took, sizeof took, "%.0f", report.seconds * 1000);
  core::LogInfo("check-data at start: " + std::to_string(report.problems.size()) + " problem(s)",
                {{"attachments", std::to_string(report.attachment_files)},
                 {"database", options.database ? "quick_check" : "not read: unchanged since a clean stop"},
                 {"ms", took}});
  if (report.database_damaged)
    return core::Internal("the database " + config.DatabasePath() + " is damaged (" + report.problems.front() +
                          "); not serving it: restore the last good snapshot (entraide restore, see docs/BACKUP.md)");
  return core::Status::Ok();
}

}  // namespace entraide::app

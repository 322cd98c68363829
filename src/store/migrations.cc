#include "store/migrations.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/sha256.h"
#include "store/rows.h"

namespace entraide::store {
namespace fs = std::filesystem;

StatusOr<std::vector<MigrationFile>> LoadMigrations(const std::string& dir) {
  std::vector<MigrationFile> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return core::InvalidArgument("migrations folder not found: " + dir);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    if (name.size() < 10 || name[4] != '_' ||
        !std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; })) {
      return core::InvalidArgument(entry.path().string() + ": migration files are named NNNN_name.sql");
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    MigrationFile f;
    f.version = std::stoi(name.substr(0, 4));
    f.name = name;
    f.sql = ss.str();
    f.checksum = core::Sha256Hex(f.sql);
    out.push_back(std::move(f));
  }
  if (ec) return core::Unavailable("cannot read " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version)
      return core::InvalidArgument("two migrations share version " + std::to_string(out[i].version) + ": " +
                                   out[i - 1].name + " and " + out[i].name);
  }
  return out;
}

namespace {

// The migrations recorded in schema_migrations, by version: (name, checksum).
StatusOr<std::map<int, std::pair<std::string, std::string>>> ReadApplied(Database& db) {
  auto rows = AppliedMigrations(db);
  if (!rows.ok()) return rows.status();
  std::map<int, std::pair<std::string, std::string>> applied;
  for (auto& m : *rows) applied[m.version] = {std::move(m.name), std::move(m.checksum)};
  return applied;
}

// Whether `f` is still to apply given what is applied: kConflict when the database is newer than `files` or
// `f` was applied from different text.
StatusOr<bool> IsPending(const std::map<int, std::pair<std::string, std::string>>& applied,
                         const std::vector<MigrationFile>& files, const MigrationFile& f) {
  int max_known = files.empty() ? 0 : files.back().version;
  if (!applied.empty() && applied.rbegin()->first > max_known) {
    return core::Conflict("the database has migration " + std::to_string(applied.rbegin()->first) + " (" +
                          applied.rbegin()->second.first +
                          ") which this program does not know: it was migrated by a newer version");
  }
  auto it = applied.find(f.version);
  if (it == applied.end()) return true;
  if (it->second.second != f.checksum) {
    return core::Conflict("migration " + f.name + " was changed after it was applied (applied checksum " +
                          it->second.second + ", file checksum " + f.checksum +
                          "); never edit a landed migration, add a new one");
  }
  return false;
}

}  // namespace

StatusOr<MigrationReport> Migrate(Database& db, const std::vector<MigrationFile>& files) {
  ENTRAIDE_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
              " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"));
  MigrationReport report;
  for (const auto& f : files) {
    auto tx = Transaction::Begin(db);
    if (!tx.ok()) return tx.status();
    // Read what is applied inside the transaction, so two processes never apply one file twice.
    auto applied = ReadApplied(db);
    if (!applied.ok()) return applied.status();
    auto pending = IsPending(*applied, files, f);
    if (!pending.ok()) return pending.status();
    if (!*pending) continue;
    Status st = db.Exec(f.sql);
    if (!st.ok()) return Status(st.code(), "migration " + f.name + " failed: " + st.message());
    auto ins = db.Prepare("INSERT INTO schema_migrations(version, name, checksum) VALUES (?, ?, ?)");
    if (!ins.ok()) return ins.status();
    ENTRAIDE_RETURN_IF_ERROR((*ins)->Bind(1, f.version).Bind(2, f.name).Bind(3, f.checksum).Run());
    ENTRAIDE_RETURN_IF_ERROR((*tx)->Commit());
    report.applied.push_back(f.name);
  }
  return report;
}

StatusOr<std::vector<MigrationFile>> PendingMigrations(Database& db, const std::vector<MigrationFile>& files) {
  auto applied = ReadApplied(db);
  if (!applied.ok()) return applied.status();
  std::vector<MigrationFile> out;
  for (const auto& f : files) {
    auto pending = IsPending(*applied, files, f);
    if (!pending.ok()) return pending.status();
    if (*pending) out.push_back(f);
  }
  return out;
}

StatusOr<std::vector<AppliedMigration>> AppliedMigrations(Database& db) {
  auto exists = db.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists.ok()) return exists.status();
  auto n = OneRow<int64_t>(*exists, [](Statement& q) { return q.ColumnInt(0); });
  if (!n.ok()) return n.status();
  if (n->value_or(0) == 0) return std::vector<AppliedMigration>();
  auto st = db.Prepare("SELECT version, name, checksum FROM schema_migrations ORDER BY version");
  if (!st.ok()) return st.status();
  return AllRows<AppliedMigration>(*st, [](Statement& q) {
    return AppliedMigration{static_cast<int>(q.ColumnInt(0)), q.ColumnText(1), q.ColumnText(2)};
  });
}

}  // namespace entraide::store

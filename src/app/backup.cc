#include "app/backup.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <set>

#include "app/data_lock.h"
#include "app/files.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "store/backup.h"
#include "store/maintenance_repo.h"
#include "store/migrations.h"
#include "tickets/attachment_store.h"

namespace entraide::app {
namespace fs = std::filesystem;

namespace {

constexpr const char* kDatabaseFile = "entraide.db";
constexpr const char* kManifestFile = "manifest.json";
constexpr const char* kBackupLockFile = ".entraide-backup.lock";  // hidden: `ls DIR` lists snapshots only

// "entraide-2026-12-04T03-00-00Z", and "-2", "-3"… after it for a second snapshot of the same second.
const std::regex& SnapshotName() {
  static const std::regex re(R"(entraide-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ(?:-(\d+))?)");
  return re;
}

// A time as a file name part: 2026-12-04T03-00-00Z (no colons: they trouble scp, rsync and other systems).
std::string FileTime(int64_t epoch_seconds) {
  std::string t = core::FormatIso8601Utc(epoch_seconds);
  std::replace(t.begin(), t.end(), ':', '-');
  return t;
}

int64_t Now(const core::Clock* clock) {
  core::SystemClock system;
  return clock ? clock->NowSeconds() : system.NowSeconds();
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Relative to the data dir, as a snapshot and its manifest name it.
std::string AttachmentPath(const std::string& sha256) { return tickets::AttachmentPath("attachments", sha256); }

bool IsAttachmentPath(const std::string& path) {
  static const std::regex re(R"(attachments/([0-9a-f]{2})/([0-9a-f]{64}))");
  std::smatch m;
  return std::regex_match(path, m, re) && m[2].str().compare(0, 2, m[1].str()) == 0;
}

// The original of a message received by mail, as inbox::Receiver names it (data.dir/mail-in/<hex>-<token>.eml).
bool IsMailOriginalPath(const std::string& path) {
  static const std::regex re(R"(mail-in/[0-9a-f]{16}-[A-Za-z0-9_-]{1,16}\.eml)");
  return std::regex_match(path, re);
}

bool HasManifest(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / kManifestFile, ec);
}

// Snapshot folders of `dir` (complete or not), sorted oldest first: by time, then by the -N suffix.
std::vector<std::string> SnapshotFolders(const std::string& dir, bool complete) {
  std::vector<std::pair<std::string, int>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    std::smatch m;
    if (!entry.is_directory(ec) || !std::regex_match(name, m, SnapshotName())) continue;
    if (HasManifest(entry.path()) != complete) continue;
    found.emplace_back(name.substr(0, 29), m[1].matched ? std::stoi(m[1]) : 1);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (const auto& [base, n] : found) out.push_back(n == 1 ? base : base + "-" + std::to_string(n));
  return out;
}

// Copies the database and then the files its attachment rows name; fills `manifest` and `report`.
core::Status WriteSnapshot(const Config& config, const fs::path& snap, Manifest& manifest, BackupReport& report) {
  {
    auto source = store::Database::Open(config.DatabasePath());
    if (!source.ok()) return source.status();
    ENTRAIDE_RETURN_IF_ERROR(store::CopyDatabase(**source, (snap / kDatabaseFile).string()));
  }
  auto db_digest = HashFile((snap / kDatabaseFile).string());
  if (!db_digest.ok()) return db_digest.status();
  manifest.files.push_back({kDatabaseFile, db_digest->size, db_digest->sha256});
  report.database_bytes = db_digest->size;

  // The copy's rows, not the live ones: attachments added since the copy started are not in it, and every
  // row in it has its file, which data.dir keeps (content-addressed files are never rewritten).
  std::vector<store::AttachmentFileRow> rows;
  std::vector<std::string> originals;
  {
    store::Database::Options read_only;
    read_only.read_only = true;
    auto copy = store::Database::Open((snap / kDatabaseFile).string(), read_only);
    if (!copy.ok()) return copy.status();
    store::MaintenanceRepository repo(**copy);
    auto files = repo.AttachmentFiles();
    if (!files.ok()) return files.status();
    rows = std::move(files).value();
    auto kept = repo.MailOriginals();
    if (!kept.ok()) return kept.status();
    originals = std::move(kept).value();
    auto applied = store::AppliedMigrations(**copy);
    if (!applied.ok()) return applied.status();
    for (const auto& m : *applied) manifest.migrations.push_back(m.name);
  }
  std::set<std::string> made_dirs;
  for (const auto& row : rows) {
    std::string rel = AttachmentPath(row.sha256);
    std::string what =
        "attachment " + std::to_string(row.first_id) + " (ticket " + std::to_string(row.ticket_id) + "): " + rel;
    if (!IsAttachmentPath(rel)) {
      report.problems.push_back(what + " is not a SHA-256 file name; not copied");
      continue;
    }
    std::error_code ec;
    std::string from = config.data_dir + "/" + rel;
    if (!fs::exists(from, ec)) {
      report.problems.push_back(what + " is missing from data.dir; the snapshot lacks it");
      continue;
    }
    fs::path to = snap / rel;
    if (made_dirs.insert(to.parent_path().string()).second) {
      fs::create_directories(to.parent_path(), ec);
      if (ec) return core::Unavailable("cannot create " + to.parent_path().string() + ": " + ec.message());
    }
    auto placed = LinkOrCopy(from, to.string());
    if (!placed.ok()) return placed.status();
    if (placed->digest.sha256 != row.sha256)
      report.problems.push_back(what + " does not match its SHA-256 (damaged); the snapshot holds it as it is");
    manifest.files.push_back({rel, placed->digest.size, placed->digest.sha256});
    ++report.attachments;
    report.attachment_bytes += placed->digest.size;
    report.linked += placed->linked;
  }
  // The originals of mail received, offered to volunteers on their tickets.
  for (const auto& name : originals) {
    std::string rel = "mail-in/" + name;
    std::error_code ec;
    if (!IsMailOriginalPath(rel)) {
      report.problems.push_back("mail original " + rel + " is not a name Entraide gives; not copied");
      continue;
    }
    std::string from = config.data_dir + "/" + rel;
    if (!fs::exists(from, ec)) {
      report.problems.push_back("mail original " + rel + " is missing from data.dir; the snapshot lacks it");
      continue;
    }
    fs::create_directories(snap / "mail-in", ec);
    if (ec) return core::Unavailable("cannot create " + (snap / "mail-in").string() + ": " + ec.message());
    auto placed = LinkOrCopy(from, (snap / rel).string());
    if (!placed.ok()) return placed.status();
    manifest.files.push_back({rel, placed->digest.size, placed->digest.sha256});
    ++report.mail_originals;
    report.linked += placed->linked;
  }
  manifest.problems = report.problems;
  // Everything on disk before the manifest says the snapshot is complete.
  return SyncFileSystem(snap.string());
}

}  // namespace

std::string ManifestJson(const Manifest& m) {
  core::JsonWriter w;
  w.BeginObject();
  w.Field("format", m.format);
  w.Field("entraide_version", m.entraide_version);
  w.Field("created_at", m.created_at);
  w.Field("reason", m.reason);
  w.Key("migrations").BeginArray();
  for (const auto& name : m.migrations) w.String(name);
  w.EndArray();
  w.Key("problems").BeginArray();
  for (const auto& p : m.problems) w.String(p);
  w.EndArray();
  w.Key("files").BeginArray();
  for (const auto& f : m.files) {
    w.BeginObject();
    w.Field("path", f.path);
    w.Field("size", f.size);
    w.Field("sha256", f.sha256);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take() + "\n";
}

core::StatusOr<Manifest> ParseManifest(const std::string& json) {
  Manifest m;
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    if (!root) return core::InvalidArgument("manifest.json: not a JSON object");
    m.format = root->getValue<int>("format");
    if (m.format != kSnapshotFormat)
      return core::InvalidArgument("manifest.json: format " + std::to_string(m.format) +
                                   " is not one this version reads (" + std::to_string(kSnapshotFormat) +
                                   "): restore it with a newer entraide");
    m.entraide_version = root->getValue<std::string>("entraide_version");
    m.created_at = root->getValue<std::string>("created_at");
    m.reason = root->optValue<std::string>("reason", "");
    if (auto list = root->getArray("migrations"))
      for (size_t i = 0; i < list->size(); ++i) m.migrations.push_back(list->getElement<std::string>(i));
    if (auto list = root->getArray("problems"))
      for (size_t i = 0; i < list->size(); ++i) m.problems.push_back(list->getElement<std::string>(i));
    auto files = root->getArray("files");
    if (!files) return core::InvalidArgument("manifest.json: no files");
    std::set<std::string> seen;
    for (size_t i = 0; i < files->size(); ++i) {
      auto f = files->getObject(i);
      if (!f) return core::InvalidArgument("manifest.json: files[" + std::to_string(i) + "] is not an object");
      SnapshotFile file{f->getValue<std::string>("path"), f->getValue<int64_t>("size"),
                        f->getValue<std::string>("sha256")};
      if (file.path != kDatabaseFile && !IsAttachmentPath(file.path) && !IsMailOriginalPath(file.path))
        return core::InvalidArgument("manifest.json: unexpected path '" + file.path + "'");
      if (file.size < 0 || file.sha256.size() != 64)
        return core::InvalidArgument("manifest.json: bad size or sha256 for " + file.path);
      if (!seen.insert(file.path).second) return core::InvalidArgument("manifest.json: " + file.path + " twice");
      m.files.push_back(std::move(file));
    }
    if (!seen.count(kDatabaseFile)) return core::InvalidArgument("manifest.json: no entraide.db");
  } catch (const Poco::Exception& e) {
    return core::InvalidArgument("manifest.json: " + e.displayText());
  } catch (const std::exception& e) {
    return core::InvalidArgument(std::string("manifest.json: ") + e.what());
  }
  return m;
}

std::vector<std::string> ListSnapshots(const std::string& dir) { return SnapshotFolders(dir, true); }

core::StatusOr<BackupReport> Backup(const Config& config, const std::string& dir, const BackupOptions& options) {
  auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  if (!fs::is_regular_file(config.DatabasePath(), ec))
    return core::NotFound("no database in data.dir " + config.data_dir + ": nothing to back up");
  auto data_lock = LockDataDirShared(config.data_dir);  // never a half-restored data.dir
  if (!data_lock.ok()) return data_lock.status();
  fs::create_directories(dir, ec);
  if (ec) return core::Unavailable("cannot create " + dir + ": " + ec.message());
  auto lock = FileLock::Take(dir + "/" + kBackupLockFile, true, true);
  if (!lock.ok()) return lock.status();

  BackupReport report;
  // Under the lock no other backup is writing here: a folder without a manifest is one that stopped midway.
  for (const auto& name : SnapshotFolders(dir, false)) {
    fs::remove_all(fs::path(dir) / name, ec);
    report.removed.push_back(name + " (incomplete)");
  }
  int64_t now = Now(options.clock);
  std::string name = "entraide-" + FileTime(now);
  for (int n = 2; fs::exists(fs::path(dir) / name, ec); ++n)
    name = "entraide-" + FileTime(now) + "-" + std::to_string(n);
  fs::path snap = fs::path(dir) / name;
  fs::create_directory(snap, ec);
  if (ec) return core::Unavailable("cannot create " + snap.string() + ": " + ec.message());
  report.path = snap.string();

  Manifest manifest;
  manifest.entraide_version = ENTRAIDE_VERSION;
  manifest.created_at = core::FormatIso8601Utc(now);
  manifest.reason = options.reason;
  core::Status st = WriteSnapshot(config, snap, manifest, report);
  if (st.ok()) st = WriteFileAtomically((snap / kManifestFile).string(), ManifestJson(manifest));
  if (!st.ok()) {
    fs::remove_all(snap, ec);
    return core::Status(st.code(), "backup into " + snap.string() + " failed (removed): " + st.message());
  }

  // Pruning after a snapshot with problems could remove the last one that had the missing files.
  if (options.keep > 0 && report.problems.empty()) {
    auto complete = SnapshotFolders(dir, true);
    int extra = static_cast<int>(complete.size()) - options.keep;
    for (int i = 0; i < extra; ++i) {
      if (complete[i] == name) continue;  // the clock went back: never the one just written
      fs::remove_all(fs::path(dir) / complete[i], ec);
      if (ec) return core::Unavailable("cannot remove " + complete[i] + ": " + ec.message());
      report.removed.push_back(complete[i]);
    }
  }
  report.seconds = SecondsSince(start);
  return report;
}

namespace {

// What data.dir holds that a restore replaces: everything but the lock file, earlier before-restore folders,
// and the folders holding the backups or the snapshot itself (when they are inside it).
std::vector<std::string> DataEntries(const Config& config, const std::string& snapshot) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::path data = fs::weakly_canonical(config.data_dir, ec);
  auto inside = [&](const std::string& other, const fs::path& entry) {
    fs::path p = fs::weakly_canonical(other, ec);
    auto rel = p.lexically_relative(entry);
    return !rel.empty() && *rel.begin() != "..";
  };
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    std::string name = entry.path().filename().string();
    if (name == kDataDirLockName || name.rfind("before-restore-", 0) == 0) continue;
    if (inside(config.BackupDir(), entry.path()) || inside(snapshot, entry.path())) continue;
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

core::Status RefuseNonEmpty(const Config& config, const std::vector<std::string>& entries) {
  std::string list;
  for (size_t i = 0; i < entries.size() && i < 5; ++i) list += (i ? ", " : "") + entries[i];
  if (entries.size() > 5) list += "…";
  return core::Conflict("data.dir " + config.data_dir + " is not empty (" + list +
                        "): restore fills an empty one; add --force to move what it holds aside into " +
                        config.data_dir + "/before-restore-<time> first");
}

// Checks every file of the snapshot against its manifest; one line per mismatch.
std::vector<std::string> Verify(const std::string& snapshot, const Manifest& m) {
  std::vector<std::string> bad;
  for (const auto& f : m.files) {
    auto d = HashFile(snapshot + "/" + f.path);
    if (!d.ok()) {
      bad.push_back(f.path + ": " + d.status().message());
    } else if (d->size != f.size || d->sha256 != f.sha256) {
      bad.push_back(f.path + ": " + std::to_string(d->size) + " bytes with SHA-256 " + d->sha256 +
                    ", the manifest says " + std::to_string(f.size) + " bytes with " + f.sha256);
    }
  }
  return bad;
}

// Copies the snapshot's files into `staging` (a new folder of data.dir), checking each again as it goes.
core::Status Stage(const std::string& snapshot, const Manifest& m, const fs::path& staging, RestoreReport& report) {
  std::error_code ec;
  fs::create_directory(staging, ec);
  if (ec) return core::Unavailable("cannot create " + staging.string() + ": " + ec.message());
  for (const auto& f : m.files) {
    fs::path to = staging / f.path;
    fs::create_directories(to.parent_path(), ec);
    if (ec) return core::Unavailable("cannot create " + to.parent_path().string() + ": " + ec.message());
    std::string from = snapshot + "/" + f.path;
    FileDigest d;
    if (f.path == kDatabaseFile) {  // the database is written to: always a copy of its own
      auto copied = CopyFile(from, to.string());
      if (!copied.ok()) return copied.status();
      d = *copied;
    } else {
      auto placed = LinkOrCopy(from, to.string());
      if (!placed.ok()) return placed.status();
      d = placed->digest;
      report.linked += placed->linked;
    }
    if (d.size != f.size || d.sha256 != f.sha256)
      return core::Conflict(f.path + " changed in the snapshot while it was restored; nothing was restored");
    ++report.files;
    report.bytes += f.size;
  }
  return SyncFileSystem(staging.string());
}

}  // namespace

core::StatusOr<RestoreReport> Restore(const Config& config, const std::string& snapshot,
                                      const RestoreOptions& options) {
  auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  std::string manifest_path = snapshot + "/" + kManifestFile;
  if (!fs::is_regular_file(manifest_path, ec)) {
    auto inside = ListSnapshots(snapshot);
    if (!inside.empty())
      return core::InvalidArgument(snapshot + " is a folder of snapshots, not one: name one of them, e.g. " + snapshot +
                                   "/" + inside.back() + " (the newest)");
    return core::NotFound(snapshot + " has no " + kManifestFile +
                          ": it is not a snapshot, or one whose backup did not finish");
  }
  auto text = ReadSmallFile(manifest_path);
  if (!text.ok()) return text.status();
  auto manifest = ParseManifest(*text);
  if (!manifest.ok()) return manifest.status();
  RestoreReport report;
  report.manifest = *manifest;

  // A snapshot of a newer schema would be refused by serve afterwards: say so before touching anything.
  auto known = store::LoadMigrations(config.migrations_dir);
  if (!known.ok()) return known.status();
  std::set<std::string> names;
  for (const auto& f : *known) names.insert(f.name);
  for (const auto& m : manifest->migrations)
    if (!names.count(m))
      return core::Conflict("the snapshot's database has migration " + m + ", which this entraide does not know: " +
                            "restore it with entraide " + manifest->entraide_version + " (which made it) or newer");

  if (fs::exists(config.data_dir, ec) && !options.force) {
    auto entries = DataEntries(config, snapshot);
    if (!entries.empty()) return RefuseNonEmpty(config, entries);
  }
  auto bad = Verify(snapshot, *manifest);
  if (!bad.empty()) {
    std::string msg = snapshot + " does not match its manifest; nothing was restored:";
    for (const auto& line : bad) msg += "\n  " + line;
    return core::Conflict(msg);
  }

  fs::create_directories(config.data_dir, ec);
  if (ec) return core::Unavailable("cannot create data.dir " + config.data_dir + ": " + ec.message());
  fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  auto lock = LockDataDirExclusive(config.data_dir);
  if (!lock.ok()) return lock.status();

  std::string stamp = FileTime(Now(options.clock));
  fs::path data(config.data_dir);
  // Under the lock: a staging folder left here is one a killed restore was filling.
  std::vector<fs::path> killed;
  for (const auto& entry : fs::directory_iterator(data, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("restore-", 0) == 0 && name.ends_with(".partial")) killed.push_back(entry.path());
  }
  for (const auto& path : killed) fs::remove_all(path, ec);
  auto entries = DataEntries(config, snapshot);
  if (!entries.empty() && !options.force) return RefuseNonEmpty(config, entries);
  fs::path staging = data / ("restore-" + stamp + ".partial");
  core::Status st = Stage(snapshot, *manifest, staging, report);
  if (!st.ok()) {
    fs::remove_all(staging, ec);
    return st;
  }
  entries = DataEntries(config, snapshot);
  entries.erase(std::remove(entries.begin(), entries.end(), staging.filename().string()), entries.end());
  if (!entries.empty()) {
    fs::path aside = data / ("before-restore-" + stamp);
    for (int n = 2; fs::exists(aside, ec); ++n) aside = data / ("before-restore-" + stamp + "-" + std::to_string(n));
    fs::create_directory(aside, ec);
    for (const auto& name : entries) {
      if (!ec) fs::rename(data / name, aside / name, ec);
    }
    if (ec) {
      std::string why = ec.message();
      fs::remove_all(staging, ec);
      return core::Unavailable("cannot move data.dir's content aside into " + aside.string() + ": " + why +
                               "; what was moved is there, nothing was restored");
    }
    report.moved_aside = aside.string();
  }
  fs::rename(staging / kDatabaseFile, data / kDatabaseFile, ec);
  if (!ec && fs::exists(staging / "attachments")) fs::rename(staging / "attachments", data / "attachments", ec);
  if (!ec && fs::exists(staging / "mail-in")) fs::rename(staging / "mail-in", data / "mail-in", ec);
  if (ec) return core::Unavailable("cannot move the restored files into " + config.data_dir + ": " + ec.message());
  fs::remove_all(staging, ec);
  st = SyncFileSystem(config.data_dir);
  if (!st.ok()) return st;
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace entraide::app

// Snapshots of data.dir and restoring them (app/backup.h), and the backup taken before migrations.
#include "app/backup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "app/app.h"
#include "app/data_lock.h"
#include "app/files.h"
#include "data_dir_fixture.h"
#include "search/index.h"
#include "store/migrations.h"

namespace entraide::testing {
namespace {

namespace fs = std::filesystem;

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

class BackupTest : public DataDirTest {
 protected:
  app::BackupReport BackUp(int keep = 0) {
    app::BackupOptions o;
    o.keep = keep;
    o.clock = &clock_;
    auto r = app::Backup(config_, backups(), o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : app::BackupReport{};
  }
  std::string backups() const { return tmp_.Join("backups"); }
  app::Manifest ReadManifest(const std::string& snapshot) {
    auto m = app::ParseManifest(ReadFile(snapshot + "/manifest.json"));
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : app::Manifest{};
  }
  int64_t CountRows(const std::string& db_path, const std::string& table) {
    store::Database::Options o;
    o.read_only = true;
    auto db = store::Database::Open(db_path, o);
    EXPECT_TRUE(db.ok());
    auto st = (*db)->Prepare("SELECT count(*) FROM " + table);
    EXPECT_TRUE(st.ok());
    store::StatementScope q(*st);
    EXPECT_TRUE(*q->Step());
    return q->ColumnInt(0);
  }
  core::FakeClock clock_;
};

TEST_F(BackupTest, ASnapshotHoldsTheDatabaseTheFilesItsRowsNameAndTheirSums) {
  AddAttachment("first file");
  AddAttachment(std::string(300000, 'x'));
  fs::create_directories(config_.data_dir + "/attachments/00");
  WriteBytes(config_.data_dir + "/attachments/00/" + std::string(64, '0'), "named by no row");
  app::BackupReport r = BackUp();
  EXPECT_EQ(fs::path(r.path).filename(), "entraide-2027-01-01T00-00-00Z");
  EXPECT_EQ(r.attachments, 2);
  EXPECT_EQ(r.linked, 2) << "the backup folder is on the same file system: hard links";
  EXPECT_TRUE(r.problems.empty());

  app::Manifest m = ReadManifest(r.path);
  EXPECT_EQ(m.created_at, "2027-01-01T00:00:00Z");
  EXPECT_EQ(m.reason, "backup");
  auto migrations = store::LoadMigrations(config_.migrations_dir);
  ASSERT_TRUE(migrations.ok());
  ASSERT_EQ(m.migrations.size(), migrations->size());
  EXPECT_EQ(m.migrations.back(), migrations->back().name);
  ASSERT_EQ(m.files.size(), 3u);
  EXPECT_EQ(m.files[0].path, "entraide.db");
  for (const auto& f : m.files) {
    auto d = app::HashFile(r.path + "/" + f.path);
    ASSERT_TRUE(d.ok()) << f.path;
    EXPECT_EQ(d->size, f.size) << f.path;
    EXPECT_EQ(d->sha256, f.sha256) << f.path;
  }
  EXPECT_FALSE(fs::exists(r.path + "/attachments/00")) << "only the files the rows name";
  EXPECT_FALSE(fs::exists(r.path + "/xapian")) << "the search index is rebuilt, not copied";
  // One file in rollback-journal mode (header bytes 18 and 19 are 1; WAL would be 2), nothing beside it.
  std::string db = ReadFile(r.path + "/entraide.db");
  ASSERT_GT(db.size(), 100u);
  EXPECT_EQ(db[18], 1);
  EXPECT_EQ(db[19], 1);
  EXPECT_EQ(CountRows(r.path + "/entraide.db", "attachments"), 2);
  EXPECT_FALSE(fs::exists(r.path + "/entraide.db-wal"));
}

TEST_F(BackupTest, ATransactionNotCommittedWhenTheCopyStartsIsNotInItAndDoesNotBlockIt) {
  AddAttachment("committed");
  Exec("BEGIN IMMEDIATE");
  Exec("INSERT INTO groups (slug, name) VALUES ('late', 'Late')");
  app::BackupReport r = BackUp();  // while this connection holds the write lock
  Exec("COMMIT");
  EXPECT_EQ(CountRows(r.path + "/entraide.db", "groups"), 1);
  EXPECT_EQ(CountRows(config_.DatabasePath(), "groups"), 2);
}

TEST_F(BackupTest, AFolderWithoutManifestIsNeverListedAndTheNextBackupRemovesIt) {
  std::string stale = backups() + "/entraide-2026-12-31T03-00-00Z";
  fs::create_directories(stale + "/attachments");
  WriteBytes(stale + "/entraide.db", "half written");
  EXPECT_TRUE(app::ListSnapshots(backups()).empty());
  app::BackupReport r = BackUp();
  EXPECT_FALSE(fs::exists(stale));
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.removed[0], "entraide-2026-12-31T03-00-00Z (incomplete)");
  EXPECT_EQ(app::ListSnapshots(backups()), std::vector<std::string>{"entraide-2027-01-01T00-00-00Z"});
}

TEST_F(BackupTest, KeepRemovesTheOldestCompleteSnapshotsBeyondTheNewestN) {
  BackUp();
  BackUp();  // the same second: a -2 after the name
  clock_.Advance(86400);
  BackUp();
  fs::create_directories(backups() + "/notes");  // not ours: never touched
  clock_.Advance(86400);
  app::BackupReport r = BackUp(2);
  EXPECT_EQ(app::ListSnapshots(backups()),
            (std::vector<std::string>{"entraide-2027-01-02T00-00-00Z", "entraide-2027-01-03T00-00-00Z"}));
  EXPECT_EQ(r.removed, (std::vector<std::string>{"entraide-2027-01-01T00-00-00Z", "entraide-2027-01-01T00-00-00Z-2"}));
  EXPECT_TRUE(fs::exists(backups() + "/notes"));
}

TEST_F(BackupTest, AMissingOrDamagedFileIsReportedAndOlderSnapshotsAreKept) {
  std::string kept = "kept as it was";
  AddAttachment(kept);
  BackUp();
  clock_.Advance(60);
  int64_t lost = AddAttachment("never stored", false);
  fs::remove(AttachmentFile(kept));  // the first snapshot has a hard link to it: never write through it
  WriteBytes(AttachmentFile(kept), "kept as it WAS");  // same size, other bytes
  app::BackupReport r = BackUp(1);
  ASSERT_EQ(r.problems.size(), 2u);
  std::sort(r.problems.begin(), r.problems.end());
  EXPECT_EQ(r.problems[0].rfind("attachment 1 (ticket 1): ", 0), 0u) << r.problems[0];
  EXPECT_NE(r.problems[0].find("does not match its SHA-256"), std::string::npos) << r.problems[0];
  EXPECT_EQ(r.problems[1].rfind("attachment " + std::to_string(lost) + " (ticket 2): ", 0), 0u) << r.problems[1];
  EXPECT_NE(r.problems[1].find("is missing from data.dir"), std::string::npos) << r.problems[1];
  EXPECT_EQ(app::ListSnapshots(backups()).size(), 2u) << "nothing pruned after a snapshot with problems";
  auto noted = ReadManifest(r.path).problems;
  std::sort(noted.begin(), noted.end());
  EXPECT_EQ(noted, r.problems);
}

class RestoreTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    target_ = TestConfig(tmp_.Join("restored"));
    target_.content_dir = content_.path();
  }
  core::StatusOr<app::RestoreReport> RestoreInto(const app::Config& config, const std::string& snapshot,
                                                 bool force = false) {
    app::RestoreOptions o;
    o.force = force;
    o.clock = &clock_;
    return app::Restore(config, snapshot, o);
  }
  TempDir content_;
  app::Config target_;
};

TEST_F(RestoreTest, FillsAnEmptyDataDirAndServeRebuildsTheIndex) {
  std::string content(100000, 'r');
  AddAttachment(content);
  app::BackupReport b = BackUp();
  auto r = RestoreInto(target_, b.path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files, 2);
  EXPECT_TRUE(r->moved_aside.empty());
  EXPECT_EQ(ReadFile(target_.DatabasePath()), ReadFile(b.path + "/entraide.db"));
  std::string hash = core::Sha256Hex(content);
  EXPECT_EQ(ReadFile(target_.data_dir + "/attachments/" + hash.substr(0, 2) + "/" + hash), content);
  EXPECT_FALSE(search::StubExists(target_.data_dir));
  RunningApp served(target_);  // waits for the index
  EXPECT_TRUE(search::IndexExists(target_.data_dir));
}

TEST_F(RestoreTest, TheOriginalsOfMailReceivedAreInTheSnapshotAndComeBack) {
  AddAttachment("a ticket");
  std::string name = "0123456789abcdef-AbCd_123.eml", raw = "From: m@example.org\r\n\r\nBonjour";
  fs::create_directories(config_.data_dir + "/mail-in");
  WriteBytes(config_.data_dir + "/mail-in/" + name, raw);
  WriteBytes(config_.data_dir + "/mail-in/ffffffffffffffff-gone.eml", "a file no row names");
  Exec("INSERT INTO inbound_mail (received_at, outcome, user_id, ticket_id, original) VALUES (1, 'taken', 1, 1, '" +
       name + "'), (2, 'taken', 1, 1, 'aaaaaaaaaaaaaaaa-missing.eml')");
  app::BackupReport b = BackUp();
  EXPECT_EQ(b.mail_originals, 1);
  ASSERT_EQ(b.problems.size(), 1u);
  EXPECT_NE(b.problems[0].find("mail-in/aaaaaaaaaaaaaaaa-missing.eml is missing"), std::string::npos) << b.problems[0];
  EXPECT_FALSE(fs::exists(b.path + "/mail-in/ffffffffffffffff-gone.eml")) << "only the files the rows name";
  auto r = RestoreInto(target_, b.path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ReadFile(target_.data_dir + "/mail-in/" + name), raw);
  // A manifest naming a file outside data.dir's folders is refused.
  auto forged = app::ParseManifest(Replace(ReadFile(b.path + "/manifest.json"), "mail-in/" + name, "mail-in/../x.eml"));
  EXPECT_FALSE(forged.ok());
}

TEST_F(RestoreTest, ASnapshotThatDiffersFromItsManifestIsRefusedAndNothingIsWritten) {
  std::string content = "attached";
  AddAttachment(content);
  app::BackupReport b = BackUp();
  std::string hash = core::Sha256Hex(content);
  std::string file = b.path + "/attachments/" + hash.substr(0, 2) + "/" + hash;
  fs::remove(file);  // a hard link to data.dir's file: replace it, never write through it
  WriteBytes(file, "attacheD");
  auto r = RestoreInto(target_, b.path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("attachments/" + hash.substr(0, 2) + "/" + hash + ": 8 bytes with SHA-256"),
            std::string::npos)
      << r.status().message();
  EXPECT_FALSE(fs::exists(target_.data_dir)) << "nothing written";
}

TEST_F(RestoreTest, ADataDirThatHoldsDataIsRefusedWithoutForceAndMovedAsideWithIt) {
  AddAttachment("before the snapshot");
  app::BackupReport b = BackUp();
  AddAttachment("after the snapshot");
  db_.reset();
  auto refused = RestoreInto(config_, b.path);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("is not empty (attachments, entraide.db"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("--force"), std::string::npos);
  std::string live_db = ReadFile(config_.DatabasePath());

  clock_.Advance(3600);
  auto r = RestoreInto(config_, b.path, true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->moved_aside, config_.data_dir + "/before-restore-2027-01-01T01-00-00Z");
  EXPECT_EQ(ReadFile(r->moved_aside + "/entraide.db"), live_db) << "moved, not deleted";
  EXPECT_TRUE(fs::exists(AttachmentFile("before the snapshot")));
  EXPECT_FALSE(fs::exists(AttachmentFile("after the snapshot")));
  EXPECT_EQ(CountRows(config_.DatabasePath(), "attachments"), 1);
  // The data dir now holds a restored database again, besides the folder moved aside: refused again, and
  // with --force in the same second, moved into a folder of its own.
  EXPECT_FALSE(RestoreInto(config_, b.path).ok());
  auto again = RestoreInto(config_, b.path, true);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->moved_aside, config_.data_dir + "/before-restore-2027-01-01T01-00-00Z-2");
}

TEST_F(RestoreTest, IsRefusedWhileServeUsesTheDataDir) {
  app::BackupReport b = BackUp();
  RunningApp serving(target_);
  auto r = RestoreInto(target_, b.path, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("serve is running"), std::string::npos) << r.status().message();
}

TEST_F(RestoreTest, AServerDoesNotStartWhileARestoreHoldsTheDataDir) {
  fs::create_directories(target_.data_dir);
  auto restoring = app::LockDataDirExclusive(target_.data_dir);
  ASSERT_TRUE(restoring.ok());
  auto app = app::App::Create(target_);
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.status().message().find("a restore is replacing the files"), std::string::npos);
}

TEST_F(BackupTest, IsRefusedWhileARestoreReplacesTheFiles) {
  auto restoring = app::LockDataDirExclusive(config_.data_dir);
  ASSERT_TRUE(restoring.ok());
  auto r = app::Backup(config_, backups(), app::BackupOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a restore is replacing the files"), std::string::npos) << r.status().message();
  EXPECT_TRUE(app::ListSnapshots(backups()).empty());
}

TEST_F(BackupTest, TheLockFileCanBeTakenByAnyUserOfTheFolder) {
  mode_t old = umask(077);  // as every command runs
  auto held = app::LockDataDirShared(config_.data_dir);
  umask(old);
  ASSERT_TRUE(held.ok());
  struct stat st;
  ASSERT_EQ(::stat((config_.data_dir + "/entraide.lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u) << "made by root, the service's user must still open it";
}

TEST_F(RestoreTest, ASnapshotOfANewerSchemaIsRefused) {
  app::BackupReport b = BackUp();
  app::Manifest m = ReadManifest(b.path);
  m.migrations.push_back("9999_from_the_future.sql");
  WriteBytes(b.path + "/manifest.json", app::ManifestJson(m));
  auto r = RestoreInto(target_, b.path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("9999_from_the_future.sql, which this entraide does not know"), std::string::npos)
      << r.status().message();
}

TEST_F(RestoreTest, AFolderOfSnapshotsOrOneWithoutManifestIsNotRestored) {
  BackUp();
  clock_.Advance(60);
  app::BackupReport newest = BackUp();
  auto r = RestoreInto(target_, backups());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a folder of snapshots, not one: name one of them, e.g. " + newest.path),
            std::string::npos)
      << r.status().message();
  fs::remove(newest.path + "/manifest.json");
  r = RestoreInto(target_, newest.path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kNotFound);
}

TEST(ManifestTest, APathOutsideTheSnapshotsLayoutIsRefused) {
  std::string hash(64, 'a');
  auto with = [&](const std::string& path) {
    return R"({"format": 1, "entraide_version": "0.1.0", "created_at": "x", "migrations": [], "files": [)"
           R"({"path": "entraide.db", "size": 1, "sha256": ")" +
           hash + R"("}, {"path": ")" + path + R"(", "size": 1, "sha256": ")" + hash + R"("}]})";
  };
  EXPECT_TRUE(app::ParseManifest(with("attachments/aa/" + hash)).ok());
  for (const std::string& bad : std::vector<std::string>{"../entraide.db", "/etc/passwd", "attachments/ab/" + hash,
                                                         "attachments/aa/../../x" + hash, "xapian", "entraide.db"}) {
    auto m = app::ParseManifest(with(bad));
    EXPECT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), core::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(app::ParseManifest("{\"format\": 2}").ok());
  EXPECT_FALSE(app::ParseManifest("not json").ok());
}

// A copy of the repository's migrations and one more, to upgrade to.
class UpgradeTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    AddAttachment("a file");
    db_.reset();
    fs::copy(config_.migrations_dir, tmp_.Join("migrations"));
    tmp_.Write("migrations/9000_upgrade.sql", "CREATE TABLE upgraded (x INTEGER);");
    upgrade_ = config_;
    upgrade_.migrations_dir = tmp_.Join("migrations");
  }
  app::Config upgrade_;
};

TEST_F(UpgradeTest, ADatabaseWithDataIsBackedUpBeforeMigrationsAreApplied) {
  auto r = app::PrepareStore(upgrade_, app::PrepareOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->applied, std::vector<std::string>{"9000_upgrade.sql"});
  ASSERT_FALSE(r->backup.empty());
  EXPECT_EQ(fs::path(r->backup).parent_path(), config_.data_dir + "/backups");
  app::Manifest m = ReadManifest(r->backup);
  EXPECT_EQ(m.reason, "before migrations 9000_upgrade.sql");
  EXPECT_NE(m.migrations.back(), "9000_upgrade.sql") << "taken before";
  EXPECT_EQ(m.files.size(), 2u);
  auto again = app::PrepareStore(upgrade_, app::PrepareOptions{});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->backup.empty()) << "nothing to apply, no backup";
}

TEST_F(UpgradeTest, BackupDirIsWhereTheyGoWhenSet) {
  upgrade_.backup_dir = tmp_.Join("elsewhere");
  auto r = app::PrepareStore(upgrade_, app::PrepareOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(fs::path(r->backup).parent_path(), tmp_.Join("elsewhere"));
}

TEST_F(UpgradeTest, NoBackupForANewDatabaseOrWhenAskedNotTo) {
  app::Config fresh = upgrade_;
  fresh.data_dir = tmp_.Join("fresh");
  auto r = app::PrepareStore(fresh, app::PrepareOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->backup.empty());
  EXPECT_FALSE(fs::exists(fresh.data_dir + "/backups"));
  app::PrepareOptions no_backup;
  no_backup.backup = false;
  r = app::PrepareStore(upgrade_, no_backup);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->applied, std::vector<std::string>{"9000_upgrade.sql"});
  EXPECT_TRUE(r->backup.empty());
  EXPECT_FALSE(fs::exists(config_.data_dir + "/backups"));
}

TEST_F(UpgradeTest, ABackupThatFailsAppliesNothing) {
  tmp_.Write("a-file", "not a folder");
  upgrade_.backup_dir = tmp_.Join("a-file/backups");
  auto r = app::PrepareStore(upgrade_, app::PrepareOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no backup could be written before applying 9000_upgrade.sql, so none was "
                                      "applied"),
            std::string::npos)
      << r.status().message();
  auto pending = app::PendingMigrationNames(upgrade_);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, std::vector<std::string>{"9000_upgrade.sql"});
}

}  // namespace
}  // namespace entraide::testing

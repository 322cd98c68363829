#include "store/migrations.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/database.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::store {
namespace {

using entraide::testing::TempDir;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("migrations/0001_first.sql", "CREATE TABLE a (x INTEGER);");
    dir_.Write("migrations/0002_second.sql", "CREATE TABLE b (y TEXT);");
    auto db = Database::Open(dir_.Join("test.db"));
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  std::vector<MigrationFile> Load() {
    auto files = LoadMigrations(dir_.Join("migrations"));
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return files.ok() ? *files : std::vector<MigrationFile>{};
  }
  int64_t Count(const std::string& sql) {
    auto st = db_->Prepare(sql);
    EXPECT_TRUE(st.ok());
    StatementScope q(*st);
    auto row = q->Step();
    return row.ok() && *row ? q->ColumnInt(0) : -1;
  }
  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(MigrationsTest, AppliesInOrderAndRecordsChecksums) {
  auto report = Migrate(*db_, Load());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->applied, (std::vector<std::string>{"0001_first.sql", "0002_second.sql"}));
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations WHERE length(checksum) = 64"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM b"), 0);
}

TEST_F(MigrationsTest, SecondRunAppliesNothing) {
  ASSERT_TRUE(Migrate(*db_, Load()).ok());
  auto again = Migrate(*db_, Load());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->applied.empty());
}

TEST_F(MigrationsTest, RefusesAnAppliedMigrationWhoseFileChanged) {
  ASSERT_TRUE(Migrate(*db_, Load()).ok());
  dir_.Write("migrations/0001_first.sql", "CREATE TABLE a (x INTEGER, z INTEGER);");
  auto report = Migrate(*db_, Load());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), core::StatusCode::kConflict);
  EXPECT_NE(report.status().message().find("0001_first.sql was changed"), std::string::npos);
}

TEST_F(MigrationsTest, AFailingMigrationRollsBackAndStopsTheRest) {
  dir_.Write("migrations/0003_broken.sql", "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);");
  dir_.Write("migrations/0004_after.sql", "CREATE TABLE d (w INTEGER);");
  auto report = Migrate(*db_, Load());
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("0003_broken.sql"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM sqlite_master WHERE name IN ('c', 'd')"), 0);
  EXPECT_EQ(Count("SELECT max(version) FROM schema_migrations"), 2);
}

TEST_F(MigrationsTest, RefusesADatabaseMigratedByANewerProgram) {
  dir_.Write("migrations/0003_third.sql", "CREATE TABLE c (z INTEGER);");
  ASSERT_TRUE(Migrate(*db_, Load()).ok());
  auto older = Load();
  older.pop_back();
  auto report = Migrate(*db_, older);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.status().message().find("newer version"), std::string::npos);
}

TEST_F(MigrationsTest, PendingListsWhatMigrateWouldApplyAndChangesNothing) {
  auto pending = PendingMigrations(*db_, Load());
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].name, "0001_first.sql");
  EXPECT_EQ(Count("SELECT count(*) FROM sqlite_master"), 0) << "not even schema_migrations";
  auto applied = AppliedMigrations(*db_);
  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(applied->empty());

  ASSERT_TRUE(Migrate(*db_, Load()).ok());
  dir_.Write("migrations/0003_third.sql", "CREATE TABLE c (z INTEGER);");
  pending = PendingMigrations(*db_, Load());
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].name, "0003_third.sql");
  EXPECT_EQ(Count("SELECT count(*) FROM sqlite_master WHERE name = 'c'"), 0);
  applied = AppliedMigrations(*db_);
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[1].name, "0002_second.sql");
  EXPECT_EQ((*applied)[1].checksum, Load()[1].checksum);

  dir_.Write("migrations/0001_first.sql", "CREATE TABLE a (x INTEGER, z INTEGER);");
  pending = PendingMigrations(*db_, Load());
  ASSERT_FALSE(pending.ok()) << "the same refusal as Migrate";
  EXPECT_EQ(pending.status().code(), core::StatusCode::kConflict);
}

TEST_F(MigrationsTest, RejectsBadlyNamedFiles) {
  dir_.Write("migrations/first.sql", "SELECT 1;");
  auto files = LoadMigrations(dir_.Join("migrations"));
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("NNNN_name.sql"), std::string::npos);
}

TEST_F(MigrationsTest, RealMigrationsApplyToAnEmptyDatabase) {
  auto files = LoadMigrations(testing::SourceDir() + "/migrations");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  auto report = Migrate(*db_, *files);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->applied.size(), files->size());
}

TEST(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  auto db = Database::Open(dir.Join("t.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER)").ok());
  {
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (1)").ok());
  }
  {
    auto tx = Transaction::Begin(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto st = (*db)->Prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(st.ok());
  StatementScope q(*st);
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "2");
}

TEST(DatabaseTest, UsesWalAndForeignKeys) {
  TempDir dir;
  auto db = Database::Open(dir.Join("t.db"));
  ASSERT_TRUE(db.ok());
  auto mode = (*db)->Prepare("PRAGMA journal_mode");
  StatementScope q(*mode);
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "wal");
  auto fk = (*db)->Prepare("PRAGMA foreign_keys");
  StatementScope f(*fk);
  ASSERT_TRUE(*f->Step());
  EXPECT_EQ(f->ColumnInt(0), 1);
}

TEST(DatabaseTest, BusyDatabaseIsUnavailableNotACrash) {
  TempDir dir;
  Database::Options opts;
  opts.busy_timeout_ms = 50;
  auto a = Database::Open(dir.Join("t.db"), opts);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*a)->Exec("CREATE TABLE t (x INTEGER)").ok());
  // Another process writing (a raw connection, which knows nothing of this process's writer lock).
  sqlite3* other_process = nullptr;
  ASSERT_EQ(sqlite3_open(dir.Join("t.db").c_str(), &other_process), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other_process, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto tx = Transaction::Begin(**a);
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.status().code(), core::StatusCode::kUnavailable);
  sqlite3_exec(other_process, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other_process);
  EXPECT_TRUE(Transaction::Begin(**a).ok()) << "the writer lock was released after the failed BEGIN";
}

TEST(DatabaseTest, WritersOfThisProcessWaitForEachOtherOnTheWriterLockNotInSqlitesBusyHandler) {
  TempDir dir;
  Database::Options opts;
  opts.busy_timeout_ms = 0;  // SQLite alone would refuse the second writer at once
  opts.write_wait_ms = 5000;
  auto a = Database::Open(dir.Join("t.db"), opts);
  auto b = Database::Open(dir.Join("./t.db"), opts);  // another spelling of the same file: the same lock
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Exec("CREATE TABLE t (x INTEGER)").ok());
  auto tx = Transaction::Begin(**a);
  ASSERT_TRUE(tx.ok());
  std::atomic<bool> began{false};
  core::Status second;
  std::thread other([&] {
    auto t2 = Transaction::Begin(**b);
    began = true;
    if (!t2.ok()) {
      second = t2.status();
      return;
    }
    second = (*b)->Exec("INSERT INTO t VALUES (2)");
    if (second.ok()) second = (*t2)->Commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(began) << "the second writer waits while the first holds the lock";
  ASSERT_TRUE((*a)->Exec("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  other.join();
  EXPECT_TRUE(second.ok()) << second.ToString();
  auto st = (*a)->Prepare("SELECT group_concat(x) FROM (SELECT x FROM t ORDER BY x)");
  StatementScope q(*st);
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "1,2");
}

TEST(DatabaseTest, WaitingForTheWriterLockIsBounded) {
  TempDir dir;
  Database::Options opts;
  opts.write_wait_ms = 50;
  auto a = Database::Open(dir.Join("t.db"), opts);
  auto b = Database::Open(dir.Join("t.db"), opts);
  ASSERT_TRUE(a.ok() && b.ok());
  auto tx = Transaction::Begin(**a);
  ASSERT_TRUE(tx.ok());
  auto other = Transaction::Begin(**b);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), core::StatusCode::kUnavailable);
  EXPECT_NE(other.status().message().find("50 ms"), std::string::npos) << other.status().message();
}

TEST(PoolTest, ConnectionsGatherStatisticsForTheTablesTheirQueriesUse) {
  TempDir dir;
  Pool pool(dir.Join("t.db"));
  {
    auto db = pool.Acquire();
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE t (a INTEGER PRIMARY KEY, b INTEGER); CREATE INDEX t_b ON t (b)").ok());
    auto ins = (*db)->Prepare("INSERT INTO t (b) VALUES (?)");
    for (int i = 0; i < 5000; ++i) ASSERT_TRUE((*ins)->Bind(1, i % 50).Run().ok());
  }
  auto stat_rows = [&] {
    auto db = pool.Acquire();
    sqlite3_stmt* q = nullptr;
    int64_t n = -1;
    if (sqlite3_prepare_v2((*db)->raw(), "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 't'", -1, &q, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
      n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;  // -1: no sqlite_stat1 table yet
  };
  EXPECT_LE(stat_rows(), 0);
  auto query = [&](int64_t i) {
    auto db = pool.Acquire();
    ASSERT_TRUE(db.ok());
    auto q = (*db)->Prepare("SELECT count(*) FROM t WHERE b = ?");
    StatementScope s(*q);
    ASSERT_TRUE(*s->Bind(1, i % 50).Step());
  };
  {
    // While another connection of this process writes, the statistics wait (no busy wait on a request).
    auto writer = Database::Open(dir.Join("t.db"));
    ASSERT_TRUE(writer.ok());
    auto tx = Transaction::Begin(**writer);
    ASSERT_TRUE(tx.ok());
    for (int64_t i = 0; i < Database::kUsesPerOptimize; ++i) query(i);
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_LE(stat_rows(), 0);
  query(0);  // uses after the commit (this one, or the lease that read the count) run it
  EXPECT_GT(stat_rows(), 0) << "PRAGMA optimize ran ANALYZE on t";
}

TEST(DatabaseTest, UniqueViolationIsAlreadyExists) {
  TempDir dir;
  auto db = Database::Open(dir.Join("t.db"));
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t (x INTEGER UNIQUE)").ok());
  auto ins = (*db)->Prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE((*ins)->Bind(1, 5).Run().ok());
  core::Status st = (*ins)->Bind(1, 5).Run();
  EXPECT_EQ(st.code(), core::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace entraide::store

// Database: what this process's connections to one file share. Every commit, by any of them and autocommit
// or not, is counted once it is visible (the WAL hook), and setting that hook keeps SQLite's automatic
// checkpoints (the WAL does not grow without end).
#include "store/database.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "store/pool.h"
#include "test_util.h"

namespace entraide::store {
namespace {

using entraide::testing::TempDir;

TEST(DatabaseTest, EveryCommitOfTheProcessIsCountedAndTheWalIsStillCheckpointed) {
  TempDir dir;
  std::string path = dir.Join("test.db");
  Pool one(path), two(path);
  EXPECT_EQ(one.shared(), nullptr) << "no connection opened yet";
  auto a = one.Acquire();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*a)->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB)").ok());
  ASSERT_NE(one.shared(), nullptr);
  uint64_t before = one.shared()->commits.load();
  {
    auto b = two.Acquire();  // another pool on the same file: the same count
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(two.shared(), one.shared());
    auto tx = Transaction::Begin(**b);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*b)->Exec("INSERT INTO t (blob) VALUES (x'00')").ok());
    EXPECT_EQ(one.shared()->commits.load(), before) << "not committed yet";
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_EQ(one.shared()->commits.load(), before + 1);
  ASSERT_TRUE((*a)->Exec("INSERT INTO t (blob) VALUES (x'01')").ok());  // autocommit
  EXPECT_EQ(one.shared()->commits.load(), before + 2);
  ASSERT_TRUE((*a)->Exec("SELECT count(*) FROM t").ok());
  EXPECT_EQ(one.shared()->commits.load(), before + 2) << "a read commits nothing";

  // 3,000 commits of 4 KiB each (12 MiB): the WAL is checkpointed and reused as SQLite's default hook does
  // (every 1,000 pages), instead of holding all of it.
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE((*a)->Exec("INSERT INTO t (blob) VALUES (randomblob(4096))").ok());
  EXPECT_EQ(one.shared()->commits.load(), before + 3002);
  auto wal = std::filesystem::file_size(path + "-wal");
  EXPECT_LT(wal, 8u << 20) << "the WAL was never checkpointed";
}

}  // namespace
}  // namespace entraide::store

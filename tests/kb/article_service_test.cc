// ArticleService::Generation, which validates every cached page: kept in memory, read again at once after a
// commit of this process (through any of its pools), and within ArticleService::kOtherProcessesMs after a write
// of another process (a connection of SQLite's own here, which the process does not count).
#include "kb/article_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "app/app.h"
#include "store/article_repo.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::kb {
namespace {

using entraide::testing::TempDir;

TEST(ArticleServiceTest, TheGenerationIsReadAgainAtOnceAfterACommitHereAndSoonAfterAnotherProcesssWrite) {
  TempDir dir;
  app::Config config = entraide::testing::TestConfig(dir.path());
  ASSERT_TRUE(app::PrepareStore(config).ok());
  store::Pool pool(config.DatabasePath()), other_pool(config.DatabasePath());
  ArticleService articles(pool);
  auto g0 = articles.Generation();
  ASSERT_TRUE(g0.ok()) << g0.status().ToString();

  // A commit of this process, through another pool: seen by the very next call.
  for (int i = 1; i <= 3; ++i) {
    auto db = other_pool.Acquire();
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        store::InTransaction(**db, [&] { return store::ArticleRepository(**db).BumpContentGeneration(); }).ok());
    auto g = articles.Generation();
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(*g, *g0 + i);
  }

  // Another process's write: not counted here, so the value kept is served until kOtherProcessesMs passed since
  // the last read, then the new one.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(config.DatabasePath().c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(raw, 5000);
  auto read_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(articles.Generation().ok());  // read again by now, or kept from a read just before
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE meta SET value = CAST(value AS INTEGER) + 10 WHERE key = 'content_generation'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close_v2(raw);
  auto kept = articles.Generation();
  ASSERT_TRUE(kept.ok());
  auto elapsed = std::chrono::steady_clock::now() - read_at;
  if (elapsed < std::chrono::milliseconds(ArticleService::kOtherProcessesMs / 2)) {
    EXPECT_EQ(*kept, *g0 + 3) << "kept in memory: not read for every call";
  }
  int64_t seen = *kept;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (seen != *g0 + 13 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto g = articles.Generation();
    ASSERT_TRUE(g.ok());
    seen = *g;
  }
  EXPECT_EQ(seen, *g0 + 13) << "another process's write is seen";
}

}  // namespace
}  // namespace entraide::kb

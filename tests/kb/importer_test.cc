#include "kb/importer.h"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <thread>

#include "fixtures.h"
#include "kb/article_service.h"
#include "store/article_repo.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::kb {
namespace {

class ImporterTest : public testing::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    content_ = dir_.Join("content");
    dir_.Write("content/categories.yml",
               "- slug: security\n  name: {en: Security, fr: Sécurité}\n  description: {en: Safe, fr: Sûr}\n");
    dir_.Write("content/en/backups.md",
               "---\ntitle: Backups\nkey: backups\ncategory: security\ntags: [backup]\nupdated: 2026-01-01\n---\n"
               "## Why\n\ntext\n");
    dir_.Write("content/fr/sauvegardes.md",
               "---\ntitle: Sauvegardes\nkey: backups\ncategory: security\nupdated: 2026-02-01\n---\n## Pourquoi\n");
  }
  ImportReport Import() {
    auto r = ImportContent(Db(), content_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportReport{};
  }
  std::optional<model::Article> Served(const std::string& lang, const std::string& slug) {
    store::ArticleRepository repo(Db());
    auto a = repo.FindServed(lang, slug);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : std::nullopt;
  }
  std::string content_;
};

TEST_F(ImporterTest, ImportsRendersAndIsIdempotent) {
  ImportReport first = Import();
  EXPECT_EQ(first.added, 2);
  auto a = Served("en", "backups");
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->html.find("<h2 id=\"why\">Why</h2>"), std::string::npos);
  EXPECT_EQ(a->tags, (std::vector<std::string>{"backup"}));
  ImportReport second = Import();
  EXPECT_EQ(second.added, 0);
  EXPECT_EQ(second.updated, 0);
  EXPECT_EQ(second.unchanged, 2);
}

TEST_F(ImporterTest, ReRendersOnlyWhatChanged) {
  Import();
  dir_.Write("content/en/backups.md",
             "---\ntitle: Backups v2\nkey: backups\ncategory: security\nupdated: 2026-03-01\n---\nnew body\n");
  ImportReport r = Import();
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(Served("en", "backups")->title, "Backups v2");
}

TEST_F(ImporterTest, RemovedFileUnpublishesAndReturningFileRepublishes) {
  Import();
  std::filesystem::remove(dir_.Join("content/fr/sauvegardes.md"));
  ImportReport r = Import();
  EXPECT_EQ(r.unpublished, 1);
  EXPECT_FALSE(Served("fr", "sauvegardes").has_value());
  dir_.Write("content/fr/sauvegardes.md",
             "---\ntitle: Sauvegardes\nkey: backups\ncategory: security\nupdated: 2026-02-01\n---\n## Pourquoi\n");
  ImportReport back = Import();
  EXPECT_EQ(back.updated, 1);
  EXPECT_TRUE(Served("fr", "sauvegardes").has_value());
}

TEST_F(ImporterTest, DraftsAreNeverServed) {
  dir_.Write("content/en/draft.md", "---\ntitle: Draft\ndraft: true\n---\nsecret\n");
  Import();
  EXPECT_FALSE(Served("en", "draft").has_value());
  store::ArticleRepository repo(Db());
  auto list = repo.ListServed({"en", "", "", 100});
  ASSERT_TRUE(list.ok());
  for (const auto& s : *list) EXPECT_NE(s.slug, "draft");
}

TEST_F(ImporterTest, BadFileIsReportedOthersImportedAndItsLastGoodVersionStays) {
  Import();
  dir_.Write("content/en/backups.md", "---\ntitle: Backups\nupdated: not-a-date\n---\nbroken\n");
  dir_.Write("content/en/new.md", "---\ntitle: New\n---\nfresh\n");
  ImportReport r = Import();
  EXPECT_TRUE(r.has_errors());
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems[0].path, "en/backups.md");
  EXPECT_EQ(r.problems[0].line, 3);
  EXPECT_EQ(r.added, 1);
  EXPECT_TRUE(Served("en", "new").has_value());
  EXPECT_TRUE(Served("en", "backups").has_value()) << "the last good version must stay served";
}

TEST_F(ImporterTest, ServiceLinksTranslationsAndFlagsANewerOne) {
  Import();
  store::Pool pool(dir_.Join("entraide.db"));
  ArticleService service(pool);
  auto page = service.Get("en", "backups");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->translations.size(), 1u);
  EXPECT_EQ(page->translations[0].slug, "sauvegardes");
  ASSERT_TRUE(page->newer_translation.has_value());  // fr updated 2026-02-01 > en 2026-01-01
  EXPECT_EQ(page->category_name, "Security");
  auto fr = service.Get("fr", "sauvegardes");
  ASSERT_TRUE(fr.ok());
  EXPECT_FALSE(fr->newer_translation.has_value());
  EXPECT_EQ(service.Get("en", "nope").status().code(), core::StatusCode::kNotFound);
}

// serve imports at every start: a file whose stat did not change since the last import is not read, parsed nor
// hashed again (issue #20: 100,000 unchanged files cost 22 s). `later`: an import far enough after the files were
// written for their stamps to be trusted (a file changed within 2 s may change again without its stamp changing).
TEST_F(ImporterTest, AFileWhoseStatDidNotChangeIsNotReadAgain) {
  int64_t later = static_cast<int64_t>(std::time(nullptr)) + 60;
  auto import = [&](int64_t now) {
    auto r = ImportContent(Db(), content_, now);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportReport{};
  };
  ImportReport first = import(later);
  EXPECT_EQ(first.added, 2);
  EXPECT_EQ(first.not_read, 0);
  ImportReport second = import(later);
  EXPECT_EQ(second.not_read, 2) << second.Summary();
  EXPECT_EQ(second.unchanged, 2);
  EXPECT_NE(second.Summary().find("2 unchanged since the last import, not read"), std::string::npos);

  // The same size, other bytes: the times tell (once the file system's clock has moved on: its step is a tick).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  dir_.Write("content/en/backups.md",
             "---\ntitle: Backups\nkey: backups\ncategory: security\ntags: [backup]\nupdated: 2026-01-01\n---\n"
             "## Who\n\ntext\n");
  ImportReport changed = import(later);
  EXPECT_EQ(changed.updated, 1) << changed.Summary();
  EXPECT_EQ(changed.not_read, 1);
  EXPECT_NE(Served("en", "backups")->html.find("Who"), std::string::npos);

  // A new file taking the key of a file not read is still the duplicate.
  dir_.Write("content/en/zz-copy.md", "---\ntitle: Copy\nkey: backups\ncategory: security\n---\nbody\n");
  ImportReport dup = import(later);
  EXPECT_EQ(dup.not_read, 2) << dup.Summary();
  bool reported = false;
  for (const auto& p : dup.problems)
    reported = reported || (p.path == "en/zz-copy.md" && p.message.find("en/backups.md") != std::string::npos);
  EXPECT_TRUE(reported) << dup.Summary();
  std::filesystem::remove(dir_.Join("content/en/zz-copy.md"));

  // A removed file unpublishes its article, not read or not; it is forgotten.
  std::filesystem::remove(dir_.Join("content/fr/sauvegardes.md"));
  ImportReport removed = import(later);
  EXPECT_EQ(removed.unpublished, 1);
  EXPECT_FALSE(Served("fr", "sauvegardes").has_value());
  {
    auto st = Db().Prepare("SELECT group_concat(path) FROM content_files");
    ASSERT_TRUE(st.ok());
    store::StatementScope q(*st);
    ASSERT_TRUE(*q->Step());
    EXPECT_EQ(q->ColumnText(0), "en/backups.md");
  }

  // Other categories, or another renderer: every file is read again.
  dir_.Write("content/categories.yml",
             "- slug: security\n  name: {en: Security!, fr: Sécurité}\n  description: {en: Safe, fr: Sûr}\n");
  EXPECT_EQ(import(later).not_read, 0);
  EXPECT_EQ(import(later).not_read, 1);
  ASSERT_TRUE(store::ArticleRepository(Db()).SetMeta("render_version", "render-v0").ok());
  EXPECT_EQ(import(later).not_read, 0);
  EXPECT_EQ(import(later).not_read, 1);
}

TEST_F(ImporterTest, AFileChangedJustBeforeAnImportIsReadAgainNextTime) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));  // the files were written within the last 2 s
  ASSERT_TRUE(ImportContent(Db(), content_, now).ok());
  auto again = ImportContent(Db(), content_, now);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->not_read, 0);
  EXPECT_EQ(again->unchanged, 2);
}

TEST_F(ImporterTest, MissingContentFolderIsAnError) {
  auto r = ImportContent(Db(), dir_.Join("nowhere"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not found"), std::string::npos);
}

}  // namespace
}  // namespace entraide::kb

// Files stay the source for git: export-content writes the library back byte for byte, import keeps the hash
// of every file it read, an online edit survives an unchanged file, and a file changed on both sides is a
// conflict that import reports and does not resolve.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "editorial/editorial_service.h"
#include "fixtures.h"
#include "kb/article_file.h"
#include "kb/article_service.h"
#include "kb/export.h"
#include "kb/importer.h"
#include "store/article_repo.h"
#include "test_util.h"

namespace entraide::editorial {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every regular file under `root`, by path relative to it.
std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = ReadAll(e.path());
  return out;
}

class ImportExportTest : public testing::PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    service_ = std::make_unique<EditorialService>(*pool_, clock_);
    coordinator_ = Person("coord@example.org", "Coralie", "coordinator", {});
  }
  kb::ImportReport Import(const std::string& dir) {
    auto r = kb::ImportContent(Db(), dir, clock_.NowSeconds());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : kb::ImportReport{};
  }
  kb::ExportReport Export(const std::string& dir) {
    auto r = kb::ExportContent(Db(), dir);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : kb::ExportReport{};
  }
  int64_t PublishOnline(const std::string& lang, const std::string& slug, const std::string& body) {
    auto open = service_->Open(&coordinator_, lang, slug);
    EXPECT_TRUE(open.ok()) << open.status().ToString();
    if (!open.ok()) return 0;
    SaveRequest r;
    r.fields = open->fields;
    r.fields.body = body;
    r.base_revision_id = open->base_revision_id;
    r.publish = true;
    auto out = service_->Save(&coordinator_, r);
    EXPECT_TRUE(out.ok() && out->published) << out.status().ToString();
    return out.ok() ? out->revision_id : 0;
  }
  std::string Served(const std::string& lang, const std::string& slug) {
    auto a = store::ArticleRepository(Db()).FindServed(lang, slug);
    return a.ok() && *a ? (*a)->html : "";
  }
  void SmallLibrary() {
    dir_.Write("content/categories.yml",
               "- slug: security\n  name: {en: Security, fr: Sécurité}\n  description: {en: Safe, fr: Sûr}\n");
    dir_.Write("content/en/backups.md",
               "---\ntitle: Backups\nkey: backups\ncategory: security\nupdated: 2026-01-01\n---\n\nThree copies.\n");
  }

  std::unique_ptr<EditorialService> service_;
  auth::Principal coordinator_;
};

TEST_F(ImportExportTest, TheWholeLibraryGoesOutByteForByteAndComesBackUnchanged) {
  const std::string content = testing::SourceDir() + "/content";
  kb::ImportReport first = Import(content);
  ASSERT_FALSE(first.has_errors()) << first.Summary();
  ASSERT_GT(first.added, 30);
  std::string out = dir_.Join("export");
  kb::ExportReport exported = Export(out);
  EXPECT_TRUE(exported.problems.empty());
  auto original = Tree(content);
  auto written = Tree(out);
  std::set<std::string> library;  // categories.yml and the articles: what import reads
  for (const auto& [path, text] : original)
    if (path == "categories.yml" || (path.size() > 3 && path.substr(path.size() - 3) == ".md" && path.find('/') == 2))
      library.insert(path);
  ASSERT_EQ(written.size(), library.size());
  for (const auto& path : library) {
    ASSERT_TRUE(written.count(path)) << path;
    EXPECT_EQ(written[path], original[path]) << path << " differs";
  }
  // Importing what was written changes nothing; exporting again writes nothing.
  kb::ImportReport again = Import(out);
  EXPECT_EQ(again.added + again.updated + again.unpublished + again.conflicts, 0) << again.Summary();
  EXPECT_EQ(again.unchanged, first.added);
  EXPECT_EQ(Export(out).written, 0);

  // An article edited online: the folder, whose file did not change, leaves the online edit alone.
  PublishOnline("en", "backups-3-2-1", "Back up **today**.\n");
  kb::ImportReport original_again = Import(content);
  EXPECT_EQ(original_again.updated + original_again.conflicts, 0) << original_again.Summary();
  EXPECT_NE(Served("en", "backups-3-2-1").find("<strong>today</strong>"), std::string::npos);
  // The export writes its new text there (and only there), and importing that folder back is in step.
  kb::ExportReport after_edit = Export(out);
  EXPECT_EQ(after_edit.written, 1);
  auto edited = Tree(out);
  for (const auto& [path, text] : edited) {
    if (text != written[path]) {
      EXPECT_EQ(path, "en/backups-3-2-1.md");
      EXPECT_NE(text.find("Back up **today**."), std::string::npos) << path;
    }
  }
  kb::ImportReport in_step = Import(out);
  EXPECT_EQ(in_step.added + in_step.updated + in_step.conflicts, 0) << in_step.Summary();
  EXPECT_NE(Served("en", "backups-3-2-1").find("<strong>today</strong>"), std::string::npos);
  EXPECT_EQ(Export(out).written, 0);
}

TEST_F(ImportExportTest, AChangedFileBecomesANewRevisionWhenNobodyEditedOnline) {
  SmallLibrary();
  Import(dir_.Join("content"));
  dir_.Write("content/en/backups.md",
             "---\ntitle: Backups\nkey: backups\ncategory: security\nupdated: 2026-02-01\n---\n\nFour copies.\n");
  kb::ImportReport r = Import(dir_.Join("content"));
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_NE(Served("en", "backups").find("Four copies"), std::string::npos);
  auto history = service_->History(&coordinator_, "en", "backups");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].origin, model::RevisionOrigin::kImport);
  EXPECT_TRUE((*history)[0].current);
  EXPECT_EQ((*history)[1].parent_id, 0);
  EXPECT_EQ((*history)[0].parent_id, (*history)[1].id);
}

TEST_F(ImportExportTest, AFileChangedOnBothSidesIsAConflictReportedOnceAndNeverResolvedByImport) {
  SmallLibrary();
  Import(dir_.Join("content"));
  int64_t online = PublishOnline("en", "backups", "Three copies, one offsite.\n");
  dir_.Write("content/en/backups.md",
             "---\ntitle: Backups\nkey: backups\ncategory: security\nupdated: 2026-02-01\n---\n\nFour copies.\n");
  kb::ImportReport r = Import(dir_.Join("content"));
  EXPECT_EQ(r.conflicts, 1);
  EXPECT_TRUE(r.has_errors());
  ASSERT_FALSE(r.problems.empty());
  const kb::Problem& p = r.problems.back();
  EXPECT_EQ(p.path, "en/backups.md");
  EXPECT_NE(p.message.find("conflict"), std::string::npos);
  EXPECT_NE(p.message.find("en/backups"), std::string::npos);
  EXPECT_NE(p.message.find("revision " + std::to_string(online)), std::string::npos) << p.message;
  EXPECT_NE(r.Summary().find("1 conflict"), std::string::npos);
  // The online text stays served; the file's text is kept as a revision waiting in review.
  EXPECT_NE(Served("en", "backups").find("one offsite"), std::string::npos);
  auto waiting = service_->Waiting(&coordinator_);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 1u);
  const model::Revision& file = (*waiting)[0].revision;
  EXPECT_EQ(file.state, model::RevisionState::kConflict);
  EXPECT_NE(p.message.find("revision " + std::to_string(file.id)), std::string::npos) << p.message;
  // Importing again reports it again, and keeps one revision of it.
  kb::ImportReport twice = Import(dir_.Join("content"));
  EXPECT_EQ(twice.conflicts, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM article_revisions WHERE state = 'conflict'"), 1);
  // An editor keeps the file's version: it is served, and the next import is in step.
  ASSERT_TRUE(service_->Publish(&coordinator_, file.id).ok());
  EXPECT_NE(Served("en", "backups").find("Four copies"), std::string::npos);
  kb::ImportReport settled = Import(dir_.Join("content"));
  EXPECT_EQ(settled.conflicts + settled.updated, 0) << settled.Summary();
  EXPECT_FALSE(settled.has_errors());
}

TEST_F(ImportExportTest, KeepingTheOnlineVersionOfAConflictThenExportingItSettlesIt) {
  SmallLibrary();
  Import(dir_.Join("content"));
  PublishOnline("en", "backups", "Three copies, one offsite.\n");
  dir_.Write("content/en/backups.md",
             "---\ntitle: Backups\nkey: backups\ncategory: security\nupdated: 2026-02-01\n---\n\nFour copies.\n");
  Import(dir_.Join("content"));
  auto waiting = service_->Waiting(&coordinator_);
  ASSERT_EQ(waiting->size(), 1u);
  int64_t file = (*waiting)[0].revision.id;
  ASSERT_TRUE(service_->Decline(&coordinator_, file, "the online text is right").ok());
  // Still a conflict (the file differs), but the declined text is not kept again, and the report says what to do.
  kb::ImportReport again = Import(dir_.Join("content"));
  EXPECT_EQ(again.conflicts, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM article_revisions WHERE source_hash = (SELECT source_hash FROM "
                  "article_revisions WHERE id = " +
                  std::to_string(file) + ")"),
            1);
  ASSERT_FALSE(again.problems.empty());
  EXPECT_NE(again.problems.back().message.find("revision " + std::to_string(file) + ", declined"), std::string::npos)
      << again.problems.back().message;
  EXPECT_NE(again.problems.back().message.find("export-content"), std::string::npos);
  EXPECT_TRUE(service_->Waiting(&coordinator_)->empty());
  // Written back, the file is in step: no conflict, the online text served.
  Export(dir_.Join("content"));
  kb::ImportReport settled = Import(dir_.Join("content"));
  EXPECT_EQ(settled.conflicts + settled.updated, 0) << settled.Summary();
  EXPECT_NE(Served("en", "backups").find("one offsite"), std::string::npos);
}

// A new renderer (the content hash covers its version) renders every article again: an article edited online
// from its own text, never from its older file.
TEST_F(ImportExportTest, ANewRendererRendersAnOnlineEditFromItsOwnText) {
  SmallLibrary();
  Import(dir_.Join("content"));
  PublishOnline("en", "backups", "Edited **online**.\n");
  // As after an upgrade: the stored HTML and the import's record of the renderer are an older renderer's.
  Exec("UPDATE articles SET content_hash = 'from-an-older-renderer', html = '<p>stale</p>'");
  Exec("UPDATE meta SET value = 'render-v0' WHERE key = 'render_version'");
  kb::ImportReport r = Import(dir_.Join("content"));
  EXPECT_EQ(r.updated, 1) << r.Summary();
  EXPECT_EQ(r.conflicts, 0);
  EXPECT_NE(Served("en", "backups").find("<strong>online</strong>"), std::string::npos) << Served("en", "backups");
  EXPECT_EQ(Import(dir_.Join("content")).updated, 0) << "rendered once";
}

TEST_F(ImportExportTest, ARemovedFileUnpublishesUnlessItsArticleWasEditedOnline) {
  SmallLibrary();
  dir_.Write("content/en/passwords.md",
             "---\ntitle: Passwords\nkey: passwords\ncategory: security\n---\n\nA manager.\n");
  Import(dir_.Join("content"));
  PublishOnline("en", "backups", "Edited online.\n");
  fs::remove(dir_.Join("content/en/backups.md"));
  fs::remove(dir_.Join("content/en/passwords.md"));
  kb::ImportReport r = Import(dir_.Join("content"));
  EXPECT_EQ(r.unpublished, 1);  // passwords
  EXPECT_EQ(r.conflicts, 1);    // backups stays, reported
  EXPECT_EQ(Served("en", "passwords"), "");
  EXPECT_NE(Served("en", "backups").find("Edited online"), std::string::npos);
}

TEST_F(ImportExportTest, ArticlesImportedBeforeRevisionsExistedAreAdoptedWithoutRenderingAgain) {
  SmallLibrary();
  Import(dir_.Join("content"));
  // As the store was before migration 0018's first import: no revision, no file hash.
  Exec("UPDATE articles SET revision_id = NULL, file_hash = NULL; DELETE FROM article_revisions;");
  Exec("UPDATE articles SET html = '<p>as rendered before</p>'");
  kb::ImportReport r = Import(dir_.Join("content"));
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(r.updated, 0);
  EXPECT_EQ(Served("en", "backups"), "<p>as rendered before</p>");  // its content hash matched: not rendered
  EXPECT_EQ(Count("SELECT count(*) FROM articles WHERE revision_id IS NOT NULL AND file_hash IS NOT NULL"), 1);
  auto open = service_->Open(&coordinator_, "en", "backups");
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->fields.body, "Three copies.\n");
}

TEST_F(ImportExportTest, AnExportedOnlineArticleIsWrittenCanonicallyAndReadBackFieldForField) {
  SmallLibrary();
  Import(dir_.Join("content"));
  SaveRequest r;
  r.fields.lang = "en";
  r.fields.title = "Quotes: \"and\" # colons";
  r.fields.summary = "- starts with a dash, has: a colon";
  r.fields.category = "security";
  r.fields.tags = {"yes", "2026"};
  r.fields.body = "Body with --- inside.\n\n---\n\nAnd a rule.\n";
  r.publish = true;
  auto saved = service_->Save(&coordinator_, r);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  auto out = Export(dir_.Join("export"));
  EXPECT_TRUE(out.problems.empty());
  std::string text = ReadAll(dir_.Join("export/en/quotes-and-colons.md"));
  ASSERT_FALSE(text.empty());
  kb::ArticleSource back;
  std::vector<kb::Problem> problems;
  ASSERT_TRUE(kb::ParseArticle(text, "en/quotes-and-colons.md", "en", back, problems));
  EXPECT_EQ(back.title, r.fields.title);
  EXPECT_EQ(back.summary, r.fields.summary);
  EXPECT_EQ(back.tags, (std::vector<std::string>{"yes", "2026"}));
  EXPECT_EQ(kb::NormalizeBody(back.body), r.fields.body);
  kb::ImportReport again = Import(dir_.Join("export"));
  EXPECT_EQ(again.added + again.updated + again.conflicts, 0) << again.Summary();
}

}  // namespace
}  // namespace entraide::editorial

namespace entraide::kb {
namespace {

// Whatever people type in the editor's fields, the file written for it reads back as the same fields.
TEST(ArticleFileTest, WhatIsWrittenIsReadBackFieldForField) {
  const std::vector<std::string> values = {"Plain title", "L'accessibilité (WCAG)",
                                           "null",        "~",
                                           "true",        "No",
                                           "123",         "1e3",
                                           "2026-12-04",  "#hash",
                                           "a: b",        "a #b",
                                           "- dash",      "[x]",
                                           "{y}",         "'q'",
                                           "\"dq\"",      "back\\slash",
                                           "tab\tinside", "emoji 😀 ok",
                                           "ends with:",  "@at",
                                           "`tick`",      "%pct",
                                           "!bang",       "*star",
                                           "&amp",        "|pipe",
                                           ">gt",         "?q",
                                           "comma, fine", "Montréal, QC",
                                           "x\x01y",      "« guillemets »"};
  for (const auto& v : values) {
    model::ArticleFields f;
    f.lang = "fr";
    f.slug = "un-article";
    f.key = "an-article";
    f.title = v;
    f.summary = v;
    f.category = "securite";
    f.updated = "2026-12-04";
    f.tags = {"mot-cle", "2026"};
    f.body = "Texte.\n\n---\n\nAprès une ligne.\n";
    std::string text = WriteArticleFile(f);
    ArticleSource back;
    std::vector<Problem> problems;
    ASSERT_TRUE(ParseArticle(text, "fr/un-article.md", "fr", back, problems))
        << v << "\n"
        << text << (problems.empty() ? "" : problems[0].ToString());
    model::ArticleFields read = FieldsOf(back);
    EXPECT_EQ(read.title, f.title) << text;
    EXPECT_EQ(read.summary, f.summary) << text;
    EXPECT_EQ(read.slug, f.slug);
    EXPECT_EQ(read.key, f.key);
    EXPECT_EQ(read.category, f.category);
    EXPECT_EQ(read.updated, f.updated);
    EXPECT_EQ(read.tags, f.tags);
    EXPECT_EQ(read.body, f.body);
    EXPECT_FALSE(read.draft);
    EXPECT_EQ(WriteArticleFile(read), text) << "written twice, the same bytes";
  }
}

TEST(ArticleFileTest, BodiesAreNormalizedAsABrowserSendsThem) {
  EXPECT_EQ(NormalizeBody("\r\n\r\n  \r\nLine one\r\nLine two\r\n\r\n"), "Line one\nLine two\n");
  EXPECT_EQ(NormalizeBody("    code first\n"), "    code first\n");
  EXPECT_EQ(NormalizeBody("a\rb"), "a\nb\n");
  EXPECT_EQ(NormalizeBody(" \n\t\n"), "");
}

}  // namespace
}  // namespace entraide::kb

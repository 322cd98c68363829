#include "kb/content.h"

#include <gtest/gtest.h>

#include "kb/importer.h"
#include "test_util.h"

namespace entraide::kb {
namespace {

bool Parse(const std::string& text, ArticleSource& out, std::vector<Problem>& problems,
           const std::string& path = "en/some-article.md", const std::string& lang = "en") {
  return ParseArticle(text, path, lang, out, problems);
}

TEST(FrontMatterTest, ParsesEveryFieldWithDefaults) {
  ArticleSource a;
  std::vector<Problem> p;
  ASSERT_TRUE(
      Parse("---\ntitle: Hello\ncategory: security\ntags: [Passwords, two words]\nsummary: S\n"
            "updated: 2026-11-27\n---\n## Body\n",
            a, p));
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(a.title, "Hello");
  EXPECT_EQ(a.slug, "some-article");  // from the file name
  EXPECT_EQ(a.lang, "en");            // from the folder
  EXPECT_EQ(a.key, "some-article");   // from the slug
  EXPECT_EQ(a.tags, (std::vector<std::string>{"passwords", "two-words"}));
  EXPECT_EQ(a.updated, "2026-11-27");
  EXPECT_FALSE(a.draft);
  EXPECT_EQ(a.body, "## Body\n");
}

TEST(FrontMatterTest, ReportsEachProblemWithItsLine) {
  struct Case {
    std::string text;
    int line;
    std::string needle;
  };
  const Case cases[] = {
      {"no front matter\n", 1, "front matter missing"},
      {"---\ntitle: x\n", 1, "not closed"},
      {"---\nsummary: x\n---\n", 2, "title is required"},
      {"---\ntitle: x\nupdated: 27/11/2026\n---\n", 3, "YYYY-MM-DD"},
      {"---\ntitle: x\nupdated: 2026-02-30\n---\n", 3, "YYYY-MM-DD"},
      {"---\ntitle: x\nslug: Bad Slug\n---\n", 3, "slug 'Bad Slug'"},
      {"---\ntitle: x\nlang: de\n---\n", 3, "must be en or fr"},
      {"---\ntitle: x\nlang: fr\n---\n", 3, "does not match the folder"},
      {"---\ntitle: x\ndraft: maybe\n---\n", 3, "draft must be true or false"},
      {"---\ntitle: x\ntags: {a: b}\n---\n", 3, "tags must be a list"},
      {"---\ntitle: [unclosed\n---\n", 3, "not valid YAML"},
      {"---\ntitle: x\n  bad: indent\n---\n", 3, "not valid YAML"},
  };
  for (const auto& c : cases) {
    ArticleSource a;
    std::vector<Problem> p;
    EXPECT_FALSE(Parse(c.text, a, p)) << c.text;
    ASSERT_FALSE(p.empty()) << c.text;
    bool found = false;
    for (const auto& prob : p)
      if (prob.message.find(c.needle) != std::string::npos) {
        found = true;
        EXPECT_EQ(prob.line, c.line) << c.text << " -> " << prob.ToString();
        EXPECT_EQ(prob.path, "en/some-article.md");
      }
    EXPECT_TRUE(found) << c.text << " -> " << p.front().ToString();
  }
}

TEST(FrontMatterTest, UnknownKeyIsAWarningNotAnError) {
  ArticleSource a;
  std::vector<Problem> p;
  EXPECT_TRUE(Parse("---\ntitle: x\nauthor: me\n---\n", a, p));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(p[0].warning);
  EXPECT_EQ(p[0].line, 3);
}

TEST(FrontMatterTest, RefusesInvalidUtf8AndHugeFiles) {
  ArticleSource a;
  std::vector<Problem> p;
  EXPECT_FALSE(Parse("---\ntitle: caf\xC3\n---\n", a, p));
  EXPECT_NE(p.back().message.find("UTF-8"), std::string::npos);
  EXPECT_FALSE(Parse("---\ntitle: x\n---\n" + std::string(kMaxArticleBytes, 'a'), a, p));
  EXPECT_NE(p.back().message.find("limit"), std::string::npos);
}

TEST(CategoriesTest, ParsesAndReportsProblems) {
  std::vector<Problem> p;
  auto cats = ParseCategories(
      "- slug: security\n  name: {en: Security, fr: Sécurité}\n  description: {en: a, fr: b}\n"
      "- slug: security\n  name: {en: Again, fr: Encore}\n  description: {en: a, fr: b}\n"
      "- slug: Bad Slug\n  name: {en: x, fr: y}\n",
      p);
  ASSERT_EQ(cats.size(), 1u);
  EXPECT_EQ(cats[0].name_fr, "Sécurité");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].message.find("listed twice"), std::string::npos);
  EXPECT_EQ(p[0].line, 4);
  EXPECT_NE(p[1].message.find("must be a slug"), std::string::npos);
}

// Issue #21: a category's address in each language; the slug when none is given.
TEST(CategoriesTest, AnAddressPerLanguage) {
  std::vector<Problem> p;
  auto cats = ParseCategories(
      "- slug: security\n  url: {en: security, fr: securite}\n  name: {en: Security, fr: Sécurité}\n"
      "  description: {en: a, fr: b}\n"
      "- slug: planning\n  name: {en: Planning, fr: Planification}\n  description: {en: a, fr: b}\n"
      "- slug: other\n  url: {fr: securite}\n  name: {en: O, fr: A}\n  description: {en: a, fr: b}\n"
      "- slug: bad\n  url: {fr: Pas Un Slug}\n  name: {en: B, fr: M}\n  description: {en: a, fr: b}\n",
      p);
  ASSERT_EQ(cats.size(), 2u);
  EXPECT_EQ(cats[0].url_fr, "securite");
  EXPECT_EQ(cats[0].url_en, "security");
  EXPECT_EQ(cats[1].url_fr, "planning");
  EXPECT_EQ(cats[1].url_en, "planning");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].message.find("has the address of another category"), std::string::npos) << p[0].message;
  EXPECT_NE(p[1].message.find("url.en and url.fr must be slugs"), std::string::npos) << p[1].message;
}

TEST(ScanContentTest, FindsDuplicateSlugsAndUnknownCategories) {
  testing::TempDir dir;
  dir.Write("categories.yml", "- slug: security\n  name: {en: S, fr: S}\n  description: {en: a, fr: b}\n");
  dir.Write("en/a.md", "---\ntitle: A\nslug: same\ncategory: security\n---\n");
  dir.Write("en/b.md", "---\ntitle: B\nslug: same\n---\n");
  dir.Write("en/c.md", "---\ntitle: C\ncategory: nowhere\n---\n");
  ContentScan scan = ScanContent(dir.path());
  ASSERT_EQ(scan.articles.size(), 1u);
  EXPECT_EQ(scan.articles[0].path, "en/a.md");
  EXPECT_TRUE(scan.has_errors());
  std::string all;
  for (const auto& p : scan.problems) all += p.ToString() + "\n";
  EXPECT_NE(all.find("en/b.md: error: slug 'same' is already used by en/a.md"), std::string::npos) << all;
  EXPECT_NE(all.find("en/c.md: error: category 'nowhere'"), std::string::npos) << all;
}

TEST(CheckContentTest, ReportsLinksToMissingArticlesWithTheirLine) {
  testing::TempDir dir;
  dir.Write("en/a.md", "---\ntitle: A\nkey: k\n---\nSee [b](/en/articles/b) and\n[gone](/en/articles/gone#x).\n");
  dir.Write("en/b.md", "---\ntitle: B\nkey: k2\n---\nBack to [a](/en/articles/a).\n");
  dir.Write("fr/a.md", "---\ntitle: A fr\nkey: k\n---\nVoir [b](/fr/articles/b).\n");
  auto problems = CheckContent(dir.path());
  std::string all;
  for (const auto& p : problems) all += p.ToString() + "\n";
  EXPECT_NE(all.find("en/a.md:6: error: link to /en/articles/gone#x points to no article"), std::string::npos) << all;
  EXPECT_NE(all.find("fr/a.md:5: error: link to /fr/articles/b points to no article"), std::string::npos) << all;
  EXPECT_NE(all.find("en/b.md: warning: no translation"), std::string::npos) << all;
  EXPECT_EQ(all.find("/en/articles/b points"), std::string::npos) << all;
}

TEST(CheckContentTest, TheRealLibraryHasNoProblem) {
  auto problems = CheckContent(testing::SourceDir() + "/content");
  std::string all;
  for (const auto& p : problems) all += p.ToString() + "\n";
  EXPECT_TRUE(problems.empty()) << all;
}

}  // namespace
}  // namespace entraide::kb

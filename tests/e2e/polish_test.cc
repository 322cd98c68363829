// Issue #21: what a first-time user tripped over. Pages of a small library of its own (a wide table, nested
// headings), the real server on a loopback port.
#include <gtest/gtest.h>

#include <regex>

#include "core/strings.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

const char* kCategories = R"(- slug: security
  order: 1
  name:
    en: Security
    fr: Sécurité
  description:
    en: Keep accounts and data safe.
    fr: Garder les comptes et les données en sécurité.
)";

std::string Article(const std::string& lang, const std::string& slug, const std::string& title,
                    const std::string& summary, const std::string& body) {
  return "---\ntitle: " + title + "\nslug: " + slug + "\nlang: " + lang + "\nkey: " + slug +
         "\ncategory: security\ntags: [test]\nsummary: " + summary + "\nupdated: 2026-11-27\n---\n\n" + body;
}

class PolishPagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    content_ = new TempDir();
    content_->Write("categories.yml", kCategories);
    std::string wide = "| Tool | What | Where | Price | Licence | Languages | Notes |\n|---|---|---|---|---|---|---|\n";
    for (int i = 0; i < 5; ++i)
      wide +=
          "| Nextcloud Calendar | Shared calendars for the whole group | Hosted by a member co-op in Montréal | "
          "Free | AGPL-3.0-or-later | French, English | Works with phones through CalDAV |\n";
    content_->Write("en/tools.md", Article("en", "tools", "Tools compared", "Which tool for which need, side by side.",
                                           "Intro.\n\n## Calendars\n\n" + wide +
                                               "\n### On phones\n\nText.\n\n### On computers\n\n"
                                               "Text.\n\n## Documents\n\nText.\n\n## Mail\n\nText.\n"));
    content_->Write("fr/outils.md",
                    Article("fr", "outils", "Outils comparés", "Quel outil pour quel besoin.",
                            "Intro.\n\n## Agendas\n\nTexte.\n\n## Documents\n\nTexte.\n\n## Courriel\n"));
    data_ = new TempDir();
    app::Config c = TestConfig(data_->path());
    c.content_dir = content_->path();
    app_ = new RunningApp(c);
  }
  static void TearDownTestSuite() {
    delete app_;
    delete data_;
    delete content_;
  }
  static int port() { return app_->port(); }
  static TempDir *content_, *data_;
  static RunningApp* app_;
};
TempDir* PolishPagesTest::content_ = nullptr;
TempDir* PolishPagesTest::data_ = nullptr;
RunningApp* PolishPagesTest::app_ = nullptr;

// Item 5: sub-headings are a list inside their heading's item, not items of the same list.
TEST_F(PolishPagesTest, TheTableOfContentsNestsSubHeadings) {
  auto r = Get(port(), "/en/articles/tools");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<li><a href=\"#calendars\">Calendars</a><ol><li><a href=\"#on-phones\">On phones</a></li>"
                        "<li><a href=\"#on-computers\">On computers</a></li></ol></li><li><a href=\"#documents\">"),
            std::string::npos)
      << r.body.substr(r.body.find("article-toc"), 600);
  EXPECT_EQ(r.body.find("class=\"sub\""), std::string::npos);
}

// Item 6: a table wider than the screen scrolls in a region the keyboard reaches, with a name.
TEST_F(PolishPagesTest, AWideTableScrollsInAFocusableNamedRegion) {
  auto r = Get(port(), "/en/articles/tools");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Table (scrolls "
                        "sideways)\"><table>"),
            std::string::npos);
  EXPECT_NE(r.body.find("</table>\n</div>"), std::string::npos);
}

// Item 7: every page has a description: the article's summary, the category's description, else the tagline.
TEST_F(PolishPagesTest, PagesHaveAMetaDescription) {
  EXPECT_NE(Get(port(), "/en/articles/tools")
                .body.find("<meta name=\"description\" content=\"Which tool for which need, side by side.\">"),
            std::string::npos);
  EXPECT_NE(Get(port(), "/fr/categories/security")
                .body.find("<meta name=\"description\" content=\"Garder les comptes et les données en sécurité.\">"),
            std::string::npos);
  auto home = Get(port(), "/fr/");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(home.body, m, std::regex("<meta name=\"description\" content=\"([^\"]+)\">")));
  EXPECT_GT(m[1].str().size(), 40u) << m[1];
}

// Item 7: the no-results section has a heading.
TEST_F(PolishPagesTest, TheNoResultsSectionHasAHeading) {
  auto r = Get(port(), "/fr/search?q=zzzqqqxxx");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<section class=\"no-results\" aria-labelledby=\"no-results-heading\">\n  <h2 "
                        "id=\"no-results-heading\">Aucun résultat</h2>"),
            std::string::npos);
}

// Item 8: articles, lists and feeds carry an ETag and answer a matching If-None-Match with 304.
TEST_F(PolishPagesTest, LibraryPagesAndFeedsAnswerIfNoneMatchWith304) {
  for (const char* path :
       {"/en/articles/tools", "/en/articles", "/fr/", "/en/categories/security", "/en/tags/test", "/fr/feed.atom"}) {
    auto first = Get(port(), path);
    ASSERT_EQ(first.status, 200) << path;
    std::string etag = first.Header("etag");
    ASSERT_FALSE(etag.empty()) << path;
    EXPECT_EQ(Get(port(), path).Header("etag"), etag) << path << ": the same page, the same tag";
    auto again = Get(port(), path, {"If-None-Match: " + etag});
    EXPECT_EQ(again.status, 304) << path;
    EXPECT_TRUE(again.body.empty()) << path;
    EXPECT_EQ(again.Header("etag"), etag) << path;
    EXPECT_EQ(Get(port(), path, {"If-None-Match: \"other\", " + etag}).status, 304) << path;
    EXPECT_EQ(Get(port(), path, {"If-None-Match: W/\"0000000000000000\""}).status, 200) << path;
  }
}

// Item 8: the lang cookie is set when the language changes, not on every page.
TEST_F(PolishPagesTest, TheLangCookieIsSetOnlyWhenTheLanguageChanges) {
  EXPECT_NE(Get(port(), "/en/articles/tools").Header("set-cookie").find("lang=en"), std::string::npos);
  EXPECT_EQ(Get(port(), "/en/articles/tools", {"Cookie: lang=en"}).Header("set-cookie").find("lang="),
            std::string::npos);
  EXPECT_NE(Get(port(), "/fr/articles/outils", {"Cookie: lang=en"}).Header("set-cookie").find("lang=fr"),
            std::string::npos);
  // The cached page of a visitor who had no cookie gives no cookie to one who has it.
  Get(port(), "/fr/articles");
  EXPECT_EQ(Get(port(), "/fr/articles", {"Cookie: lang=fr"}).Header("set-cookie").find("lang="), std::string::npos);
}

}  // namespace
}  // namespace entraide::testing

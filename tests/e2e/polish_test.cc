// Issue #21: what a first-time user tripped over. Pages of a small library of its own (a wide table, nested
// headings), the real server on a loopback port.
#include <gtest/gtest.h>

#include <regex>

#include "auth/accounts.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/strings.h"
#include "fixtures.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

const char* kCategories = R"(- slug: security
  url:
    en: security
    fr: securite
  order: 1
  name:
    en: Security
    fr: Sécurité
  description:
    en: Keep accounts and data safe.
    fr: Garder les comptes et les données en sécurité.
)";

std::string Article(const std::string& lang, const std::string& slug, const std::string& title,
                    const std::string& summary, const std::string& body, const std::string& key = "") {
  return "---\ntitle: " + title + "\nslug: " + slug + "\nlang: " + lang + "\nkey: " + (key.empty() ? slug : key) +
         "\ncategory: security\ntags: [test]\nsummary: " + summary + "\nupdated: 2026-11-27\n---\n\n" + body;
}

class PolishPagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp([](app::Config& c) {
      auto write = [&](const std::string& rel, const std::string& text) { WriteFile(c.content_dir + "/" + rel, text); };
      write("categories.yml", kCategories);
      std::string wide =
          "| Tool | What | Where | Price | Licence | Languages | Notes |\n|---|---|---|---|---|---|---|\n";
      for (int i = 0; i < 5; ++i)
        wide +=
            "| Nextcloud Calendar | Shared calendars for the whole group | Hosted by a member co-op in Montréal | "
            "Free | AGPL-3.0-or-later | French, English | Works with phones through CalDAV |\n";
      write("en/tools.md", Article("en", "tools", "Tools compared", "Which tool for which need, side by side.",
                                   "Intro.\n\n## Calendars\n\n" + wide +
                                       "\n### On phones\n\nText.\n\n### On computers\n\n"
                                       "Text.\n\n## Documents\n\nText.\n\n## Mail\n\nText.\n"));
      write("fr/outils.md", Article("fr", "outils", "Outils comparés", "Quel outil pour quel besoin.",
                                    "Intro.\n\n## Agendas\n\nTexte.\n\n## Documents\n\nTexte.\n\n## Courriel\n"));
    });
  }
  static void TearDownTestSuite() { delete app_; }
  static int port() { return app_->port(); }
  static TestApp* app_;
};
TestApp* PolishPagesTest::app_ = nullptr;

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
  EXPECT_NE(r.body.find("</table></div>"), std::string::npos);
}

// Item 7: every page has a description: the article's summary, the category's description, else the tagline.
TEST_F(PolishPagesTest, PagesHaveAMetaDescription) {
  EXPECT_NE(Get(port(), "/en/articles/tools")
                .body.find("<meta name=\"description\" content=\"Which tool for which need, side by side.\">"),
            std::string::npos);
  EXPECT_NE(Get(port(), "/fr/categories/securite")
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

// Item 14: with no contact configured, the sign-in page still says who gives accounts.
TEST_F(PolishPagesTest, TheSignInPageSaysWhoToAskForAnAccount) {
  auto fr = Get(port(), "/fr/signin");
  EXPECT_NE(fr.body.find("Pas encore de compte?"), std::string::npos);
  EXPECT_NE(fr.body.find("Demandez-en un à la personne qui coordonne votre organisme."), std::string::npos);
  EXPECT_NE(Get(port(), "/en/signin").body.find("Ask your group’s coordinator for one."), std::string::npos);
}

// ---- help desk ----

class PolishDeskTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp([](app::Config& c) {
      c.site_account_contact = "aide@reseau.example";
      WriteFile(c.content_dir + "/categories.yml", kCategories);
      WriteFile(c.content_dir + "/en/backups.md",
                Article("en", "backups-3-2-1", "Backups, the 3-2-1 rule", "Three copies.", "Text.", "backups"));
      WriteFile(c.content_dir + "/fr/sauvegardes.md", Article("fr", "sauvegardes-3-2-1", "Sauvegardes, la règle 3-2-1",
                                                              "Trois copies.", "Texte.", "backups"));
    });
    app_->directory().Group("coop-a", "Coop A");
    app_->directory().Person("m@example.org", "M", "member", {"coop-a"}, "en");
    app_->directory().Person("v@example.org", "V", "volunteer");
  }
  static void TearDownTestSuite() { delete app_; }
  static int port() { return app_->port(); }
  // Signs in through the form, with `next` when given; the answer (303 and its Location).
  static HttpResponse SignInForm(const std::string& lang, const std::string& email, const std::string& next) {
    return SignInFormResponse(port(), email, kTestPassword, lang, next);
  }
  static ApiSession Api(const std::string& email) {
    static std::map<std::string, ApiSession> sessions;
    if (auto it = sessions.find(email); it != sessions.end()) return it->second;
    return sessions[email] = SignInApi(port(), email);
  }
  static TestApp* app_;
};
TestApp* PolishDeskTest::app_ = nullptr;

// Item 11: the page asked for survives sign-in; without one, volunteers land on the queue, members on their
// requests; a return address that is not a path of this site is dropped (no open redirect).
TEST_F(PolishDeskTest, SignInReturnsToThePageAskedForSameSiteOnly) {
  auto asked = Get(port(), "/en/tickets/new?subject=Printer%20jam");
  ASSERT_EQ(asked.status, 303);
  EXPECT_EQ(asked.Header("location"), "/en/signin?next=%2Fen%2Ftickets%2Fnew%3Fsubject%3DPrinter%2520jam");
  auto form = Get(port(), asked.Header("location"));
  EXPECT_NE(form.body.find("name=\"next\" value=\"/en/tickets/new?subject=Printer%20jam\""), std::string::npos);
  auto back = SignInForm("en", "m@example.org", "/en/tickets/new?subject=Printer%20jam");
  ASSERT_EQ(back.status, 303) << back.body;
  EXPECT_EQ(back.Header("location"), "/en/tickets/new?subject=Printer%20jam");
  auto sid = CookieValue(back, "sid");
  auto ticket_form = Get(port(), back.Header("location"), {"Cookie: sid=" + sid});
  EXPECT_NE(ticket_form.body.find("value=\"Printer jam\""), std::string::npos) << "the subject is kept";

  EXPECT_EQ(SignInForm("en", "m@example.org", "").Header("location"), "/en/tickets");
  EXPECT_EQ(SignInForm("fr", "v@example.org", "").Header("location"), "/fr/queue");
  for (const char* evil : {"//evil.example/", "https://evil.example/", "/\\evil.example", "/en//evil.example",
                           "/en/tickets\r\nSet-Cookie: x=1"}) {
    auto r = SignInForm("fr", "v@example.org", evil);
    EXPECT_EQ(r.status, 303) << evil;
    EXPECT_EQ(r.Header("location"), "/fr/queue") << evil;
    EXPECT_EQ(Get(port(), "/fr/signin?next=" + core::UrlEncodeComponent(evil)).body.find("name=\"next\""),
              std::string::npos)
        << evil;
  }
}

// Every signed-in page sends a visitor who is not signed in to sign in, and back to it afterwards (not only the
// ticket pages): the account page, email settings, saved replies, the dashboard and the administration.
TEST_F(PolishDeskTest, EverySignedInPageSendsAVisitorToSignInAndBackToIt) {
  for (const char* page : {"/fr/account", "/fr/account/email", "/en/replies", "/fr/admin/dashboard?weeks=4",
                           "/en/admin/people", "/fr/tickets", "/en/queue"}) {
    auto r = Get(port(), page);
    EXPECT_EQ(r.status, 303) << page;
    EXPECT_EQ(r.Header("location"), std::string(page).substr(0, 3) + "/signin?next=" + core::UrlEncodeComponent(page))
        << page;
  }
  auto back = SignInForm("fr", "v@example.org", "/fr/account/email");
  ASSERT_EQ(back.status, 303) << back.body;
  EXPECT_EQ(back.Header("location"), "/fr/account/email");
}

// Item 12: the status menu starts on the current status (saving it changes nothing); the words match.
TEST_F(PolishDeskTest, TheStatusMenuStartsOnTheCurrentStatusAndTheWordsMatch) {
  ApiSession m = Api("m@example.org");
  auto created = Send(port(), "POST", "/api/v1/tickets",
                      R"({"subject": "Printer", "body": "It blinks.", "category": "hardware", "urgency": "high"})",
                      m.Headers(true));
  ASSERT_EQ(created.status, 201) << created.body;
  std::smatch id;
  ASSERT_TRUE(std::regex_search(created.body, id, std::regex(R"("id":\s*(\d+))")));
  ApiSession v = Api("v@example.org");
  std::string url = "/fr/tickets/" + id[1].str();
  auto page = Get(port(), url, v.Page());
  ASSERT_EQ(page.status, 200);
  std::smatch menu;
  ASSERT_TRUE(std::regex_search(page.body, menu, std::regex("<select id=\"status\" name=\"status\">(.*?)</select>")));
  EXPECT_EQ(menu[1].str().find("<option value=\"new\" selected>Nouvelle"), 0u) << menu[1];
  EXPECT_TRUE(std::regex_search(page.body, std::regex("<nav class=\"breadcrumb\"[^>]*><a href=\"/fr/queue\">")))
      << "a volunteer's breadcrumb leads to the queue";
  auto unchanged = Send(port(), "POST", url + "/status", "csrf=" + v.csrf + "&current=new&status=new", v.Form());
  EXPECT_EQ(unchanged.status, 303) << unchanged.body;
  auto queue = Get(port(), "/fr/queue", v.Page());
  std::smatch h1, nav;
  ASSERT_TRUE(std::regex_search(queue.body, h1, std::regex("<h1>([^<]+)</h1>")));
  ASSERT_TRUE(std::regex_search(queue.body, nav, std::regex("href=\"/fr/queue\" aria-current=\"page\">([^<]+)<")));
  EXPECT_EQ(h1[1], nav[1]) << "the navigation says what the page says";
  auto en = Get(port(), "/en/queue", v.Page());
  EXPECT_NE(en.body.find("<th scope=\"col\">Opened</th>"), std::string::npos) << "over \"1 minute ago\"";
}

// Item 10: an article is linked by its address, slug or title; the history shows its title, not its key.
TEST_F(PolishDeskTest, AnArticleIsLinkedByItsAddressSlugOrTitleAndTheHistoryShowsItsTitle) {
  ApiSession m = Api("m@example.org");
  auto created =
      Send(port(), "POST", "/api/v1/tickets",
           R"({"subject": "Backups", "body": "How?", "category": "hardware", "urgency": "low"})", m.Headers(true));
  ASSERT_EQ(created.status, 201) << created.body;
  std::smatch id;
  ASSERT_TRUE(std::regex_search(created.body, id, std::regex(R"("id":\s*(\d+))")));
  ApiSession v = Api("v@example.org");
  std::string url = "/fr/tickets/" + id[1].str();
  for (const std::string& article : {std::string("http://entraide.test/fr/articles/sauvegardes-3-2-1?x=1#top"),
                                     std::string("/en/articles/backups-3-2-1"), std::string("sauvegardes-3-2-1"),
                                     std::string("  backups, THE 3-2-1 rule "), std::string("backups")}) {
    auto r = Send(port(), "POST", url + "/link", "csrf=" + v.csrf + "&article=" + core::UrlEncodeComponent(article),
                  v.Form());
    EXPECT_EQ(r.status, 303) << article << ": " << r.body.substr(0, 300);
  }
  auto bad = Send(port(), "POST", url + "/link", "csrf=" + v.csrf + "&article=nothing-like-it", v.Form());
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("Aucun article n’a cette adresse, ce nom court ou ce titre."), std::string::npos);
  auto page = Get(port(), url, v.Page());
  EXPECT_NE(page.body.find("<a href=\"/fr/articles/sauvegardes-3-2-1\">Sauvegardes, la règle 3-2-1</a>"),
            std::string::npos);
  EXPECT_EQ(page.body.find("A lié l'article backups<"), std::string::npos) << "never the key";
  EXPECT_EQ(page.body.find("A lié l&#39;article backups<"), std::string::npos) << "never the key";
}

// Item 13: a queue filter the page cannot read is said on the page with a 400; the API keeps its 422.
TEST_F(PolishDeskTest, AQueueFilterThatCannotBeReadIsShownWithA400) {
  ApiSession v = Api("v@example.org");
  for (const char* q : {"group=abc", "page=abc", "status=lost"}) {
    auto page = Get(port(), std::string("/fr/queue?") + q, v.Page());
    EXPECT_EQ(page.status, 400) << q;
    EXPECT_NE(page.body.find("role=\"alert\""), std::string::npos) << q;
    auto api = Get(port(), std::string("/api/v1/queue?") + q, v.Headers());
    EXPECT_EQ(api.status, 422) << q;
  }
  EXPECT_NE(Get(port(), "/fr/queue?group=abc", v.Page()).body.find("Le filtre d’organisme doit être"),
            std::string::npos);
  EXPECT_EQ(Get(port(), "/fr/queue?page=2", v.Page()).status, 200);
}

// Item 14: the configured contact is on the sign-in page, as a link when it is an address.
TEST_F(PolishDeskTest, TheSignInPageNamesTheConfiguredContact) {
  auto fr = Get(port(), "/fr/signin");
  EXPECT_NE(fr.body.find("Demandez-en un à <a href=\"mailto:aide@reseau.example\">aide@reseau.example</a>."),
            std::string::npos);
}

}  // namespace
}  // namespace entraide::testing

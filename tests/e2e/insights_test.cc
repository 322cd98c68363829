// End-to-end: the insights of issue #19 through the real server: article feedback as a form without
// JavaScript (counted once per address, article and day), search gaps counted from the search page and its
// result links, the coordinators' dashboard (who may see it, its charts and tables, its CSV, its size), saved
// replies offered in the ticket's language without JavaScript, and late tickets first in the queue, marked in
// words.
#include <gtest/gtest.h>

#include <regex>

#include "auth/accounts.h"
#include "fixtures.h"
#include "store/pool.h"
#include "store/rows.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

const std::string kArticle = "/fr/articles/choisir-un-hebergeur";

class InsightsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp([](app::Config& c) {
      c.content_dir = SourceDir() + "/content";
      c.helpdesk_first_answer_hours = "high:4, normal:24, low:72";
    });
    app_->directory().Group("coop-a", "Coop A");
    app_->directory().Person("ana@example.org", "Ana", "coordinator");
    app_->directory().Person("vic@example.org", "Vic", "volunteer");
    app_->directory().Person("mo@example.org", "Mo", "member", {"coop-a"});
    ana_ = SignIn("ana@example.org");
    vic_ = SignIn("vic@example.org");
    mo_ = SignIn("mo@example.org");
  }
  static void TearDownTestSuite() { delete app_; }
  static int port() { return app_->port(); }
  static std::string SignIn(const std::string& email) { return SignInApi(port(), email).sid; }
  static HttpResponse Page(const std::string& target, const std::string& sid) {
    return Get(port(), target, {"Cookie: sid=" + sid});
  }
  static HttpResponse PostForm(const std::string& target, const std::string& body, const std::string& sid,
                               const std::string& from = "127.0.0.1") {
    std::vector<std::string> h = {"Content-Type: application/x-www-form-urlencoded"};
    if (!sid.empty()) h.push_back("Cookie: sid=" + sid);
    return SendFrom(from, port(), "POST", target, body, h);
  }
  static int64_t Sql(const std::string& sql) { return QueryInt(app_->pool(), sql); }
  static void Exec(const std::string& sql) { ExecSql(app_->pool(), sql); }
  static TestApp* app_;
  static std::string ana_, vic_, mo_;
};
TestApp* InsightsTest::app_ = nullptr;
std::string InsightsTest::ana_, InsightsTest::vic_, InsightsTest::mo_;

TEST_F(InsightsTest, FeedbackWorksWithoutJavaScriptAndCountsOncePerAddressAndDay) {
  auto article = Get(port(), kArticle);
  ASSERT_EQ(article.status, 200);
  EXPECT_NE(article.body.find("action=\"" + kArticle + "/feedback\""), std::string::npos);
  EXPECT_NE(article.body.find("name=\"helpful\" value=\"no\""), std::string::npos);
  int64_t before = Sql("SELECT COUNT(*) FROM article_feedback");
  // A No from 127.0.0.21: the page thanks and asks what was missing.
  auto no = PostForm(kArticle + "/feedback", "helpful=no", "", "127.0.0.21");
  ASSERT_EQ(no.status, 200) << no.body;
  EXPECT_NE(no.body.find("name=\"comment\""), std::string::npos);
  auto comment = PostForm(kArticle + "/feedback", "helpful=no&comment=Rien+sur+Infomaniak", "", "127.0.0.21");
  EXPECT_EQ(comment.status, 200);
  // The same address again, even with a Yes: still one answer.
  EXPECT_EQ(PostForm(kArticle + "/feedback", "helpful=yes", "", "127.0.0.21").status, 200);
  // Another address counts.
  auto yes = PostForm(kArticle + "/feedback", "helpful=yes", "", "127.0.0.22");
  EXPECT_EQ(yes.status, 200);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM article_feedback") - before, 2);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM article_feedback WHERE article_key = 'choosing-host' AND helpful = 0 AND "
                "comment = 'Rien sur Infomaniak'"),
            1);
  // Bad input: a clear 422, another site's form a 403, an unknown article a 404; nothing counted.
  EXPECT_EQ(PostForm(kArticle + "/feedback", "helpful=maybe", "", "127.0.0.23").status, 422);
  EXPECT_EQ(SendFrom("127.0.0.24", port(), "POST", kArticle + "/feedback", "helpful=yes",
                     {"Content-Type: application/x-www-form-urlencoded", "Origin: https://evil.example"})
                .status,
            403);
  EXPECT_EQ(PostForm("/fr/articles/nope/feedback", "helpful=yes", "", "127.0.0.25").status, 404);
  EXPECT_EQ(PostForm(kArticle + "/feedback", "helpful=no&comment=" + std::string(501, 'x'), "", "127.0.0.26").status,
            422);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM article_feedback") - before, 3);  // the long comment's No counted, not it
}

TEST_F(InsightsTest, SearchesAndClicksAreCountedWithoutPersonalData) {
  auto none = Get(port(), "/fr/search?q=Zorglub+Quantique");
  EXPECT_EQ(none.status, 200);
  auto found = Get(port(), "/fr/search?q=h%C3%A9bergeur");
  ASSERT_EQ(found.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(found.body, m, std::regex("href=\"(/fr/search/go\\?[^\"]+)\"")));
  std::string go = std::regex_replace(m[1].str(), std::regex("&amp;"), "&");
  auto click = Get(port(), go);
  EXPECT_EQ(click.status, 303);
  EXPECT_EQ(click.Header("location").rfind("/", 0), 0u);
  // Only pages of this site: no open redirect.
  EXPECT_EQ(Get(port(), "/fr/search/go?q=x&to=https://evil.example/").status, 404);
  EXPECT_EQ(Get(port(), "/fr/search/go?q=x&to=//evil.example/fr/articles/a").status, 404);
  ASSERT_TRUE(app_->app().MaintainInsightsNow(10000));
  EXPECT_EQ(Sql("SELECT no_result FROM search_log WHERE lang = 'fr' AND query = 'zorglub quantique'"), 1);
  EXPECT_EQ(Sql("SELECT clicks FROM search_log WHERE lang = 'fr' AND query = 'hébergeur'"), 1);
  EXPECT_EQ(Sql("SELECT searches FROM search_log WHERE lang = 'fr' AND query = 'hébergeur'"), 1);
  auto dash = Page("/fr/admin/dashboard", ana_);
  ASSERT_EQ(dash.status, 200);
  EXPECT_NE(dash.body.find("zorglub quantique"), std::string::npos);
}

TEST_F(InsightsTest, DashboardIsForCoordinatorsWithChartsTablesAndCsv) {
  EXPECT_EQ(Get(port(), "/fr/admin/dashboard").status, 303);
  EXPECT_EQ(Page("/fr/admin/dashboard", vic_).status, 403);
  EXPECT_EQ(Page("/fr/admin/dashboard", mo_).status, 403);
  EXPECT_EQ(Page("/fr/admin/dashboard?weeks=7", ana_).status, 422);
  for (const char* lang : {"fr", "en"}) {
    auto r = Page(std::string("/") + lang + "/admin/dashboard?weeks=12", ana_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_LT(r.body.size(), 60u * 1024);
    // Every chart has its title and description, and a table below.
    size_t charts = 0;
    for (size_t at = 0; (at = r.body.find("<svg ", at)) != std::string::npos; ++at) ++charts;
    EXPECT_GE(charts, 5u);
    EXPECT_NE(r.body.find("<desc id=\"chart-weekly-d\">"), std::string::npos);
    EXPECT_NE(r.body.find("<table>"), std::string::npos);
    EXPECT_NE(r.body.find("/admin/dashboard/csv/weekly?weeks=12"), std::string::npos);
  }
  auto csv = Page("/en/admin/dashboard/csv/weekly?weeks=4", ana_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.Header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(csv.body.rfind("Week of,Opened,Resolved\r\n", 0), 0u);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 5);  // the heading and 4 weeks
  EXPECT_EQ(Page("/en/admin/dashboard/csv/nothing", ana_).status, 404);
  EXPECT_EQ(Page("/en/admin/dashboard/csv/weekly", vic_).status, 403);
}

TEST_F(InsightsTest, SavedRepliesAreInsertedInTheTicketsLanguageWithoutJavaScript) {
  auto list = Page("/fr/replies", vic_);
  ASSERT_EQ(list.status, 200);
  std::string csrf = CsrfField(list.body);
  EXPECT_EQ(
      PostForm(
          "/fr/replies",
          "csrf=" + csrf + "&title_fr=Mot+de+passe&title_en=Password&body_fr=R%C3%A9initialisez" + "&body_en=", vic_)
          .status,
      422);
  auto made = PostForm("/fr/replies",
                       "csrf=" + csrf + "&title_fr=Mot+de+passe&title_en=Password" +
                           "&body_fr=R%C3%A9initialisez-le+ici.&body_en=Reset+it+here.",
                       vic_);
  ASSERT_EQ(made.status, 303) << made.body;
  EXPECT_EQ(Page("/fr/replies", mo_).status, 403);
  int64_t reply = Sql("SELECT MAX(id) FROM saved_replies");
  // Two tickets, one in each language.
  Exec(
      "INSERT INTO tickets (ref, group_id, opened_by, subject, body, body_html, category, urgency, status, lang, "
      "created_at, updated_at) SELECT 'ENT-R-' || l, g.id, u.id, 'Aide', 'b', 'b', 'email', 'normal', 'new', l, "
      "strftime('%s','now'), strftime('%s','now') FROM groups g, users u, (SELECT 'fr' AS l UNION SELECT 'en') "
      "WHERE g.slug = 'coop-a' AND u.email = 'mo@example.org'");
  for (const char* lang : {"fr", "en"}) {
    int64_t id = Sql(std::string("SELECT id FROM tickets WHERE ref = 'ENT-R-") + lang + "'");
    std::string path = "/en/tickets/" + std::to_string(id);
    auto page = Page(path, vic_);
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("name=\"saved_reply\""), std::string::npos);
    std::string want = std::string(lang) == "fr" ? "Réinitialisez-le ici." : "Reset it here.";
    EXPECT_NE(page.body.find("data-body=\"" + want + "\""), std::string::npos) << lang;  // what app.js inserts
    auto chosen = Page(path + "?saved_reply=" + std::to_string(reply), vic_);
    ASSERT_EQ(chosen.status, 200);
    EXPECT_NE(chosen.body.find(">" + want + "</textarea>"), std::string::npos) << lang;
    // The group never sees them.
    EXPECT_EQ(Page(path, mo_).body.find("name=\"saved_reply\""), std::string::npos);
  }
}

TEST_F(InsightsTest, LateTicketsComeFirstWithinTheirUrgencyAndAreMarkedInWords) {
  // Normal urgency (24 h): an answered old ticket, a late one (30 h), a nearly late one (20 h), a fresh one.
  Exec(
      "INSERT INTO tickets (ref, group_id, opened_by, subject, body, body_html, category, urgency, status, lang, "
      "created_at, updated_at, first_response_at, assignee_id) SELECT 'ENT-L-' || x.name, g.id, u.id, 'Sujet ' || "
      "x.name, "
      "'b', 'b', 'email', 'low', 'in_progress', 'fr', strftime('%s','now') - x.age, strftime('%s','now'), "
      "x.answered, v.id FROM groups g, users u, users v, (SELECT 'answered' AS name, 500000 AS age, 1 AS answered "
      "UNION SELECT 'late', 300000, NULL UNION SELECT 'nearly', 216000, NULL UNION SELECT 'fresh', 3600, NULL) x "
      "WHERE g.slug = 'coop-a' AND u.email = 'mo@example.org' AND v.email = 'vic@example.org'");
  auto q = Page("/en/queue?urgency=low&status=in_progress", vic_);
  ASSERT_EQ(q.status, 200);
  size_t late = q.body.find("Sujet late"), nearly = q.body.find("Sujet nearly"), fresh = q.body.find("Sujet fresh"),
         answered = q.body.find("Sujet answered");
  ASSERT_NE(late, std::string::npos);
  EXPECT_LT(late, nearly);
  EXPECT_LT(nearly, fresh);
  EXPECT_LT(fresh, answered);  // answered: no longer waiting for a first answer
  // The marker is a word in the row (not a colour alone).
  std::string late_row = q.body.substr(late, nearly - late);
  EXPECT_NE(late_row.find(">⏰ Late</strong>"), std::string::npos) << late_row;
  std::string nearly_row = q.body.substr(nearly, fresh - nearly);
  EXPECT_NE(nearly_row.find("Nearly late"), std::string::npos);
  EXPECT_EQ(q.body.substr(fresh, answered - fresh).find("late</strong>"), std::string::npos);
  EXPECT_EQ(q.body.substr(answered, 400).find("</strong>"), std::string::npos);
}

}  // namespace
}  // namespace entraide::testing

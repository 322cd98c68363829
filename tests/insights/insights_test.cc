// The insights (issue #19) on a real SQLite database in a temp folder: the needs-revision rule on a table of
// cases, query normalisation, response targets, the SVG charts (parsed as XML), feedback counted once per
// address, article and day, search gap counting and its retention purge, the dashboard's figures checked against
// SQL on a generated history, and saved replies' permissions and limits.
#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/SAX/InputSource.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "fixtures.h"
#include "http/charts.h"
#include "http/dashboard_pages.h"
#include "insights/insights_service.h"
#include "insights/rules.h"
#include "store/rows.h"
#include "test_util.h"
#include "tickets/response_targets.h"

namespace entraide::testing {
namespace {

using insights::RevisionReason;

TEST(NeedsRevisionTest, FollowsTheRuleOnATableOfCases) {
  struct Case {
    int64_t yes, no, cited;
    RevisionReason want;
  };
  const Case cases[] = {
      {0, 0, 0, RevisionReason::kNone},
      {0, 4, 0, RevisionReason::kNone},                   // 4 answers: too few to judge
      {0, 5, 0, RevisionReason::kPoorScore},              // 5 No
      {2, 3, 0, RevisionReason::kPoorScore},              // 40 % Yes
      {3, 3, 0, RevisionReason::kNone},                   // exactly half: not poor
      {3, 2, 0, RevisionReason::kNone},                   // 60 % Yes
      {10, 11, 0, RevisionReason::kPoorScore},            // just under half
      {100, 0, 2, RevisionReason::kNone},                 // two unresolved citations: not several
      {100, 0, 3, RevisionReason::kUnresolvedCitations},  // well liked, but did not resolve 3 tickets
      {1, 1, 3, RevisionReason::kUnresolvedCitations},    // few answers, cited
      {1, 9, 4, RevisionReason::kBoth},
  };
  for (const auto& c : cases)
    EXPECT_EQ(insights::NeedsRevision(c.yes, c.no, c.cited), c.want) << c.yes << " yes, " << c.no << " no, " << c.cited;
  insights::RevisionRule strict{2, 1};
  EXPECT_EQ(insights::NeedsRevision(0, 2, 1, strict), RevisionReason::kBoth);
}

TEST(NormaliseQueryTest, CountsOneFormAndDropsWhatMayNameSomeone) {
  EXPECT_EQ(insights::NormaliseQuery("  Sauvegarde   ÉTÉ "), "sauvegarde été");
  EXPECT_EQ(insights::NormaliseQuery("Mot\tde  PASSE"), "mot de passe");
  EXPECT_EQ(insights::NormaliseQuery("ŒUVRE"), "œuvre");
  EXPECT_EQ(insights::NormaliseQuery("2 × 3"), "2 × 3");  // the multiplication sign stays
  EXPECT_EQ(insights::NormaliseQuery(""), "");
  EXPECT_EQ(insights::NormaliseQuery("   "), "");
  EXPECT_EQ(insights::NormaliseQuery("marie@exemple.org"), "");
  EXPECT_EQ(insights::NormaliseQuery("appeler 5145551234"), "");
  EXPECT_EQ(insights::NormaliseQuery("windows 11 22h2"), "windows 11 22h2");
  std::string long_q = Repeat("é", 80);  // 160 bytes
  std::string cut = insights::NormaliseQuery(long_q);
  EXPECT_EQ(cut, Repeat("é", 50));  // 100 bytes, never half a character
}

TEST(ResponseTargetsTest, ParsesDefaultsAndRefusesBadParts) {
  auto t = tickets::ParseResponseTargets("high:4, normal:24, low:72");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->SecondsFor("high"), 4 * 3600);
  EXPECT_EQ(t->SecondsFor("blocking"), 4 * 3600);  // takes high's
  EXPECT_EQ(t->SecondsFor("low"), 72 * 3600);
  auto b = tickets::ParseResponseTargets("blocking:1,high:8");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->blocking_hours, 1);
  EXPECT_EQ(b->normal_hours, 24);
  EXPECT_EQ(tickets::FormatResponseTargets(*b), "blocking:1, high:8, normal:24, low:72");
  for (const char* bad : {"urgent:4", "high", "high:0", "high:4h", "normal:9999"}) {
    auto r = tickets::ParseResponseTargets(bad);
    EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ResponseTargetsTest, LateAndNearlyLateOnlyBeforeTheFirstAnswer) {
  tickets::ResponseTargets t;  // high 4 h, normal 24 h
  using tickets::Lateness;
  int64_t opened = 1000000;
  EXPECT_EQ(tickets::LatenessOf(t, "high", opened, std::nullopt, opened + 2 * 3600), Lateness::kOnTime);
  EXPECT_EQ(tickets::LatenessOf(t, "high", opened, std::nullopt, opened + 3 * 3600), Lateness::kNearlyLate);
  EXPECT_EQ(tickets::LatenessOf(t, "high", opened, std::nullopt, opened + 4 * 3600), Lateness::kLate);
  EXPECT_EQ(tickets::LatenessOf(t, "normal", opened, std::nullopt, opened + 5 * 3600), Lateness::kOnTime);
  EXPECT_EQ(tickets::LatenessOf(t, "high", opened, opened + 100, opened + 99 * 3600), Lateness::kOnTime);
  EXPECT_TRUE(tickets::AnsweredInTime(t, "high", 4 * 3600));
  EXPECT_FALSE(tickets::AnsweredInTime(t, "high", 4 * 3600 + 1));
}

// Parses `svg` as XML (Poco's DOM parser, which refuses what is not well formed) and returns its root.
Poco::AutoPtr<Poco::XML::Document> ParseSvg(const std::string& svg) {
  Poco::XML::DOMParser parser;
  return parser.parseString(svg);
}

TEST(ChartsTest, ColumnAndBarChartsAreValidSvgWithTitleDescAndEveryValue) {
  http::Chart c{"chart-w",
                "Opened & resolved <per week>",
                "12 opened, 7 resolved",
                {"01-04", "01-11", "01-18"},
                {{"Opened", {5, 0, 7}}, {"Resolved", {3, 4, 0}}},
                ""};
  std::string svg = http::ColumnChartSvg(c);
  Poco::AutoPtr<Poco::XML::Document> doc;
  ASSERT_NO_THROW(doc = ParseSvg(svg)) << svg;
  Poco::XML::Element* root = doc->documentElement();
  EXPECT_EQ(root->localName(), "svg");
  EXPECT_EQ(root->getAttribute("role"), "img");
  EXPECT_EQ(root->getAttribute("aria-labelledby"), "chart-w-t chart-w-d");
  Poco::AutoPtr<Poco::XML::NodeList> titles = root->getElementsByTagName("title");
  ASSERT_GE(titles->length(), 1u);
  EXPECT_EQ(titles->item(0)->innerText(), "Opened & resolved <per week>");
  Poco::AutoPtr<Poco::XML::NodeList> descs = root->getElementsByTagName("desc");
  ASSERT_EQ(descs->length(), 1u);
  EXPECT_EQ(descs->item(0)->innerText(), "12 opened, 7 resolved");
  // One bar per value, each named with its series, label and value; the second series hatched, not coloured.
  Poco::AutoPtr<Poco::XML::NodeList> rects = root->getElementsByTagName("rect");
  int bars = 0, hatched = 0;
  for (unsigned long i = 0; i < rects->length(); ++i) {
    auto* e = static_cast<Poco::XML::Element*>(rects->item(i));
    if (e->getElementsByTagName("title")->length() == 0) continue;
    ++bars;
    if (e->getAttribute("fill") == "url(#chart-w-hatch)") ++hatched;
  }
  EXPECT_EQ(bars, 6);
  EXPECT_EQ(hatched, 3);
  EXPECT_NE(svg.find("Resolved, 01-11: 4"), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos);  // the CSP forbids style attributes

  http::Chart b{"chart-g",
                "Groups",
                "Coop “Les Érables” opened the most",
                {"Coop “Les Érables”", "Café <b>"},
                {{"Tickets", {9, 2}}},
                " %"};
  std::string bars_svg = http::BarChartSvg(b);
  ASSERT_NO_THROW(ParseSvg(bars_svg)) << bars_svg;
  EXPECT_NE(bars_svg.find(">9 %</text>"), std::string::npos);
  EXPECT_NE(bars_svg.find("Café &lt;b&gt;"), std::string::npos);
  // Empty data still makes a valid chart.
  ASSERT_NO_THROW(ParseSvg(http::BarChartSvg({"chart-e", "Empty", "Nothing", {}, {}, ""})));
  ASSERT_NO_THROW(ParseSvg(http::ColumnChartSvg({"chart-f", "Empty", "Nothing", {}, {}, ""})));
}

TEST(ChartsTest, AxisStepsAreRound) {
  EXPECT_EQ(http::NiceStep(0), 1);
  EXPECT_EQ(http::NiceStep(4), 1);
  EXPECT_EQ(http::NiceStep(9), 5);
  EXPECT_EQ(http::NiceStep(37), 10);
  EXPECT_EQ(http::NiceStep(180), 50);
  EXPECT_EQ(http::NiceStep(1234), 500);
}

TEST(CsvFieldTest, QuotesAndDefusesFormulas) {
  EXPECT_EQ(http::CsvField("plain"), "plain");
  EXPECT_EQ(http::CsvField("a, b"), "\"a, b\"");
  EXPECT_EQ(http::CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(http::CsvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(http::CsvField("+1"), "'+1");
  EXPECT_EQ(http::CsvField("@sum"), "'@sum");
}

class InsightsServiceTest : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    clock_.Set(1798761600 + 12 * 3600);  // 2027-01-01 12:00 UTC
    service_ = std::make_unique<insights::InsightsService>(*pool_, clock_, insights::Options{});
    coordinator_.user_id = 1, coordinator_.role = model::Role::kCoordinator;
    volunteer_.user_id = 2, volunteer_.role = model::Role::kVolunteer;
    member_.user_id = 3, member_.role = model::Role::kMember;
  }
  std::unique_ptr<insights::InsightsService> service_;
  auth::Principal coordinator_, volunteer_, member_;
};

TEST_F(InsightsServiceTest, FeedbackCountsOncePerAddressArticleAndDayAndKeepsNoAddress) {
  EXPECT_TRUE(*service_->RecordFeedback("backups", "fr", "203.0.113.7", false));
  EXPECT_FALSE(*service_->RecordFeedback("backups", "fr", "203.0.113.7", true));   // same day: not again
  EXPECT_FALSE(*service_->RecordFeedback("backups", "en", "203.0.113.7", true));   // nor in the other language
  EXPECT_TRUE(*service_->RecordFeedback("backups", "fr", "203.0.113.8", true));    // another address
  EXPECT_TRUE(*service_->RecordFeedback("passwords", "fr", "203.0.113.7", true));  // another article
  EXPECT_EQ(Count("SELECT COUNT(*) FROM article_feedback"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM article_feedback WHERE client LIKE '%203.0.113%'"), 0);
  // The comment goes on that address's No, once; a Yes takes none.
  EXPECT_TRUE(*service_->AddFeedbackComment("backups", "203.0.113.7", "  Il manque Windows 11. "));
  EXPECT_FALSE(*service_->AddFeedbackComment("backups", "203.0.113.7", "again"));
  EXPECT_FALSE(*service_->AddFeedbackComment("backups", "203.0.113.8", "yes said"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM article_feedback WHERE comment = 'Il manque Windows 11.'"), 1);
  auto too_long = service_->AddFeedbackComment("backups", "203.0.113.7", std::string(501, 'x'));
  EXPECT_EQ(too_long.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.status().field(), "comment");
  // The next day the same address counts again; the past day's hashes are forgotten by Maintain.
  clock_.Advance(86400);
  EXPECT_TRUE(*service_->RecordFeedback("backups", "fr", "203.0.113.7", true));
  ASSERT_TRUE(service_->Maintain().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM article_feedback WHERE client IS NOT NULL"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM article_feedback WHERE client IS NOT NULL AND day = '2027-01-02'"), 1);
}

TEST_F(InsightsServiceTest, SearchesAreCountedPerQueryLanguageAndDayAndPurgedAfterRetention) {
  service_->CountSearch("fr", "Sauvegarde  NAS", false);
  service_->CountSearch("fr", "sauvegarde nas", false);
  service_->CountSearch("en", "sauvegarde nas", true);
  service_->CountSearch("fr", "courriel", true);
  service_->CountClick("fr", "Courriel");
  service_->CountSearch("fr", "jean@exemple.org", false);  // not counted: may name someone
  ASSERT_TRUE(service_->Maintain().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_log"), 3);
  EXPECT_EQ(Count("SELECT searches FROM search_log WHERE lang = 'fr' AND query = 'sauvegarde nas'"), 2);
  EXPECT_EQ(Count("SELECT no_result FROM search_log WHERE lang = 'fr' AND query = 'sauvegarde nas'"), 2);
  EXPECT_EQ(Count("SELECT clicks FROM search_log WHERE query = 'courriel'"), 1);
  // A second pass adds to the same rows.
  service_->CountSearch("fr", "sauvegarde nas", false);
  ASSERT_TRUE(service_->Maintain().ok());
  EXPECT_EQ(Count("SELECT searches FROM search_log WHERE lang = 'fr' AND query = 'sauvegarde nas'"), 3);
  // The dashboard lists the gaps: no result, and results never followed.
  auto d = service_->GetDashboard(&coordinator_, 4, "fr");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->no_result.size(), 1u);
  EXPECT_EQ(d->no_result[0].query, "sauvegarde nas");
  EXPECT_EQ(d->no_result[0].no_result, 3);
  ASSERT_EQ(d->no_click.size(), 1u);  // "courriel" was clicked; the English search found and was not followed
  EXPECT_EQ(d->no_click[0].lang, "en");
  // 90 days later (the default retention) the day is still there; one more day and it is gone.
  clock_.Advance(89 * 86400);
  service_->CountSearch("fr", "today", false);
  ASSERT_TRUE(service_->Maintain().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_log WHERE day = '2027-01-01'"), 3);
  clock_.Advance(86400);
  ASSERT_TRUE(service_->Maintain().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_log WHERE day = '2027-01-01'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_log"), 1);
}

// A generated history: 3 groups, 600 tickets over 20 weeks of every urgency and status, first answers after
// random delays (some never), events of public replies by two volunteers, links to articles, feedback.
TEST_F(InsightsServiceTest, DashboardFiguresMatchSqlOnAGeneratedHistory) {
  int64_t now = clock_.NowSeconds();
  Exec(R"sql(
INSERT INTO groups (id, slug, name) VALUES (1, 'g1', 'Coop A'), (2, 'g2', 'Coop B'), (3, 'g3', 'Coop C');
INSERT INTO users (id, email, name, role) VALUES (1, 'c@x.org', 'Coord', 'coordinator'), (2, 'v@x.org', 'Vol', 'volunteer'),
  (3, 'm@x.org', 'Mem', 'member'), (4, 'w@x.org', 'Vol Two', 'volunteer');
INSERT INTO articles (lang, slug, key, title, source_path, content_hash, html) VALUES
  ('fr', 'sauvegardes', 'backups', 'Sauvegardes', 'fr/s.md', 'h', ''), ('en', 'backups', 'backups', 'Backups', 'en/b.md', 'h', ''),
  ('fr', 'courriel', 'email', 'Courriel', 'fr/c.md', 'h', '');
)sql");
  std::mt19937 rng(20261128);
  const char* urgencies[] = {"low", "normal", "high", "blocking"};
  const char* statuses[] = {"new", "triaged", "in_progress", "waiting_on_group", "resolved", "closed"};
  const char* categories[] = {"email", "website", "hardware"};
  std::ostringstream sql;
  sql << "BEGIN;";
  for (int i = 1; i <= 600; ++i) {
    int64_t created = now - static_cast<int64_t>(rng() % (20 * 7 * 86400));
    std::string status = statuses[rng() % 6];
    std::string first = rng() % 5 == 0 ? "NULL" : std::to_string(created + rng() % (100 * 3600));
    std::string resolved =
        status == "resolved" || status == "closed" ? std::to_string(created + rng() % (20 * 86400)) : "NULL";
    sql << "INSERT INTO tickets (id, ref, group_id, opened_by, subject, body, body_html, category, urgency, status, "
           "created_at, updated_at, first_response_at, resolved_at, helpful) VALUES ("
        << i << ", 'ENT-" << i << "', " << 1 + rng() % 3 << ", 3, 's', 'b', 'b', '" << categories[rng() % 3] << "', '"
        << urgencies[rng() % 4] << "', '" << status << "', " << created << ", " << created << ", " << first << ", "
        << resolved << ", " << (i % 7 == 0 ? "0" : "NULL") << ");";
    if (first != "NULL")
      sql << "INSERT INTO ticket_events (ticket_id, actor_id, kind, created_at) VALUES (" << i << ", "
          << (i % 3 ? 2 : 4) << ", 'reply', " << first << ");";
    if (i % 10 == 0)
      sql << "INSERT INTO ticket_articles (ticket_id, article_key, added_by, created_at) VALUES (" << i
          << ", 'backups', 2, " << created << ");";
  }
  sql << "COMMIT;";
  Exec(sql.str());
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(service_->RecordFeedback("backups", "fr", "198.51.100." + std::to_string(i), i == 0).ok());
  ASSERT_TRUE(service_->RecordFeedback("email", "fr", "198.51.100.1", true).ok());

  auto d = service_->GetDashboard(&coordinator_, 12, "fr");
  ASSERT_TRUE(d.ok()) << d.status().message();
  int64_t from = now - 12 * 7 * 86400;
  std::string period = " created_at >= " + std::to_string(from) + " AND created_at < " + std::to_string(now);
  EXPECT_EQ(d->opened, Count("SELECT COUNT(*) FROM tickets WHERE" + period));
  ASSERT_EQ(d->per_week.size(), 12u);
  for (int w = 0; w < 12; ++w) {
    int64_t a = from + w * 7 * 86400, b = a + 7 * 86400;
    EXPECT_EQ(d->per_week[w].opened, Count("SELECT COUNT(*) FROM tickets WHERE created_at >= " + std::to_string(a) +
                                           " AND created_at < " + std::to_string(b)))
        << "week " << w;
    EXPECT_EQ(d->per_week[w].resolved, Count("SELECT COUNT(*) FROM tickets WHERE resolved_at >= " + std::to_string(a) +
                                             " AND resolved_at < " + std::to_string(b)))
        << "week " << w;
  }
  EXPECT_EQ(d->answered, Count("SELECT COUNT(*) FROM tickets WHERE first_response_at IS NOT NULL AND" + period));
  // The median by SQL: the middle row(s) of the ordered waits.
  int64_t n = d->answered;
  std::string waits =
      "SELECT first_response_at - created_at AS w FROM tickets WHERE first_response_at IS NOT NULL AND" + period +
      " ORDER BY w";
  int64_t median = n % 2 ? Count(waits + " LIMIT 1 OFFSET " + std::to_string(n / 2))
                         : (Count(waits + " LIMIT 1 OFFSET " + std::to_string(n / 2 - 1)) +
                            Count(waits + " LIMIT 1 OFFSET " + std::to_string(n / 2))) /
                               2;
  ASSERT_TRUE(d->median_first_answer_s.has_value());
  EXPECT_EQ(*d->median_first_answer_s, median);
  // In time, per urgency (high and blocking 4 h, normal 24 h, low 72 h).
  for (const auto& t : d->targets) {
    std::string hours = std::to_string(t.target_hours * 3600);
    std::string u = " AND urgency = '" + t.urgency + "'";
    EXPECT_EQ(t.in_time, Count("SELECT COUNT(*) FROM tickets WHERE first_response_at - created_at <= " + hours + u +
                               " AND" + period))
        << t.urgency;
    EXPECT_EQ(t.due, Count("SELECT COUNT(*) FROM tickets WHERE (first_response_at IS NOT NULL OR (status IN ('new', "
                           "'triaged', 'in_progress', 'waiting_on_group') AND created_at + " +
                           hours + " <= " + std::to_string(now) + "))" + u + " AND" + period))
        << t.urgency;
  }
  int64_t open = 0;
  for (const auto& c : d->open) open += c.count;
  EXPECT_EQ(
      open,
      Count("SELECT COUNT(*) FROM tickets WHERE status IN ('new', 'triaged', 'in_progress', 'waiting_on_group')"));
  ASSERT_FALSE(d->groups.empty());
  EXPECT_EQ(d->groups[0].count,
            Count("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM tickets WHERE" + period + " GROUP BY group_id)"));
  ASSERT_EQ(d->volunteers.size(), 2u);
  for (const auto& v : d->volunteers)
    EXPECT_EQ(v.count,
              Count("SELECT COUNT(DISTINCT ticket_id) FROM ticket_events WHERE kind = 'reply' AND actor_id = " +
                    std::to_string(v.id) + " AND" + period));
  // Feedback: "backups" has 1 Yes and 5 No (a poor score) and unresolved citations; "email" 1 Yes.
  ASSERT_GE(d->articles.size(), 2u);
  EXPECT_EQ(d->articles[0].score.key, "backups");
  EXPECT_EQ(d->articles[0].score.title, "Sauvegardes");
  EXPECT_EQ(d->articles[0].score.yes, 1);
  EXPECT_EQ(d->articles[0].score.no, 5);
  EXPECT_NE(d->articles[0].revision, RevisionReason::kNone);
  EXPECT_EQ(
      d->articles[0].score.unresolved_citations,
      Count("SELECT COUNT(*) FROM ticket_articles ta JOIN tickets t ON t.id = ta.ticket_id WHERE ta.created_at >= " +
            std::to_string(from) +
            " AND (t.helpful = 0 OR (t.status IN ('new', 'triaged', 'in_progress', "
            "'waiting_on_group') AND ta.created_at <= " +
            std::to_string(now - 7 * 86400) + "))"));
  EXPECT_EQ(d->articles[1].revision, RevisionReason::kNone);
}

TEST_F(InsightsServiceTest, DashboardFiguresAreReadAtMostOnceAMinutePerPeriodAndLanguage) {
  Exec(
      "INSERT INTO groups (id, slug, name) VALUES (1, 'g1', 'Coop A');"
      "INSERT INTO users (id, email, name, role) VALUES (3, 'm@x.org', 'Mem', 'member');");
  auto add_ticket = [&](int id) {
    Exec(
        "INSERT INTO tickets (id, ref, group_id, opened_by, subject, body, body_html, category, urgency, status, "
        "created_at, updated_at) VALUES (" +
        std::to_string(id) + ", 'ENT-" + std::to_string(id) + "', 1, 3, 's', 'b', 'b', 'email', 'normal', 'new', " +
        std::to_string(clock_.NowSeconds() - 3600) + ", " + std::to_string(clock_.NowSeconds()) + ")");
  };
  add_ticket(1);
  auto first = service_->GetDashboard(&coordinator_, 12, "fr");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->opened, 1);
  add_ticket(2);
  clock_.Advance(insights::kDashboardMaxAgeS - 1);
  EXPECT_EQ(service_->GetDashboard(&coordinator_, 12, "fr")->opened, 1);  // the same figures, not read again
  EXPECT_EQ(service_->GetDashboard(&coordinator_, 4, "fr")->opened, 2);   // another period: its own figures
  EXPECT_EQ(service_->GetDashboard(&coordinator_, 12, "en")->opened, 2);  // another language too
  // The policy is checked on every call, cached figures or not.
  EXPECT_EQ(service_->GetDashboard(&volunteer_, 12, "fr").status().code(), core::StatusCode::kPermissionDenied);
  clock_.Advance(1);
  EXPECT_EQ(service_->GetDashboard(&coordinator_, 12, "fr")->opened, 2);  // a minute later: read again
}

TEST_F(InsightsServiceTest, DashboardIsForCoordinatorsAndPeriodsAreChecked) {
  EXPECT_EQ(service_->GetDashboard(&volunteer_, 12, "fr").status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->GetDashboard(nullptr, 12, "fr").status().code(), core::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->GetDashboard(&coordinator_, 13, "fr").status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_TRUE(service_->GetDashboard(&coordinator_, 52, "en").ok());
}

TEST_F(InsightsServiceTest, SavedRepliesAreForVolunteersInBothLanguages) {
  Exec("INSERT INTO users (id, email, name, role) VALUES (2, 'v@x.org', 'Vol', 'volunteer')");
  insights::SavedReplyInput in{"Réinitialiser", "Reset", "Cliquez sur *Oublié*.", "Click *Forgot*."};
  EXPECT_EQ(service_->CreateSavedReply(&member_, in).status().code(), core::StatusCode::kPermissionDenied);
  auto id = service_->CreateSavedReply(&volunteer_, in);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto got = service_->SavedReply(&volunteer_, *id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->title_en, "Reset");
  EXPECT_EQ(got->body_fr, "Cliquez sur *Oublié*.");
  insights::SavedReplyInput no_en = in;
  no_en.body_en = " ";
  auto refused = service_->UpdateSavedReply(&volunteer_, *id, no_en);
  EXPECT_EQ(refused.code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.field(), "body_en");
  insights::SavedReplyInput long_title = in;
  long_title.title_fr = std::string(121, 'a');
  EXPECT_EQ(service_->CreateSavedReply(&volunteer_, long_title).status().field(), "title_fr");
  EXPECT_EQ(service_->UpdateSavedReply(&volunteer_, 999, in).code(), core::StatusCode::kNotFound);
  EXPECT_TRUE(service_->DeleteSavedReply(&coordinator_, *id).ok());
  EXPECT_EQ(service_->SavedReply(&volunteer_, *id).status().code(), core::StatusCode::kNotFound);
}

}  // namespace
}  // namespace entraide::testing

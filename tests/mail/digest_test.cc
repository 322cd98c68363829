// The digests against a real SQLite store and the real help desk: what each kind says (and to whom), one message
// per person and period however often they run, nothing for an empty digest or a person who turned it off,
// 08:00 local time on both sides of a daylight saving change, Mondays for weekly ones, and the "I'll take it"
// links (once, already yours, someone else first, expired, forged).
#include "mail/digest.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <tuple>

#include "auth/accounts.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "fixtures.h"
#include "i18n/catalog.h"
#include "privacy/privacy_service.h"
#include "store/mail_repo.h"
#include "test_util.h"
#include "tickets/take_links.h"
#include "tickets/ticket_service.h"
#include "view/renderer.h"

namespace entraide::testing {
namespace {

using Result = tickets::TakeOutcome::Result;

class DigestTest : public DeskTest {
 protected:
  void SetUp() override {
    DeskTest::SetUp();
    Groups({{"coop-a", "Épicerie A", "fr"}, {"coop-b", "Coop B", "en"}});
    member_a_ = Person("a@example.org", "member", {"coop-a"}, "fr");
    member_b_ = Person("b@example.org", "member", {"coop-b"}, "en");
    volunteer_ = Person("v@example.org", "volunteer", {}, "fr");
    volunteer2_ = Person("w@example.org", "volunteer", {}, "en");
    coordinator_ = Person("c@example.org", "coordinator", {}, "fr");
    auto catalogs = i18n::Catalogs::Load(SourceDir() + "/views/i18n");
    ASSERT_TRUE(catalogs.ok());
    catalogs_ = std::move(catalogs).value();
    auto zone = core::TimeZone::Load("America/Toronto");
    ASSERT_TRUE(zone.ok());
    zone_ = *zone;
    mail::DigestOptions d;
    d.base_url = "https://entraide.example.org";
    digests_ = std::make_unique<mail::DigestService>(*pool_, clock_, zone_, *catalogs_, d);
  }

  auth::Principal Person(const std::string& email, const std::string& role, const std::vector<std::string>& groups,
                         const std::string& lang) {
    return DeskTest::Person(email, "Person " + email.substr(0, 1), role, groups, lang);
  }
  // Sets the clock to a local time in Toronto.
  void At(int64_t y, int m, int d, int h, int min = 0) { clock_.Set(LocalInstant(y, m, d, h, min)); }
  tickets::Ticket Open(const auth::Principal& who, const std::string& subject,
                       const std::string& category = "hardware") {
    return DeskTest::Open(who, NewTicketOf(subject, "Ça ne marche plus.", category, "high"));
  }
  void Article(const std::string& lang, const std::string& slug, const std::string& title, int64_t imported,
               int64_t created) {
    auto db = pool_->Acquire();
    auto st = (*db)->Prepare(
        "INSERT INTO articles (lang, slug, key, title, summary, source_path, content_hash, html, imported_at) "
        "VALUES (?, ?, ?, ?, 'Résumé court.', 'x.md', 'h', '<p>x</p>', ?)");
    ASSERT_TRUE(st.ok());
    ASSERT_TRUE((*st)
                    ->Bind(1, lang)
                    .Bind(2, slug)
                    .Bind(3, slug)
                    .Bind(4, title)
                    .Bind(5, core::FormatIso8601Utc(created))
                    .Run()
                    .ok());
    auto up = (*db)->Prepare("UPDATE articles SET imported_at = ? WHERE lang = ? AND slug = ?");
    ASSERT_TRUE((*up)->Bind(1, core::FormatIso8601Utc(imported)).Bind(2, lang).Bind(3, slug).Run().ok());
  }
  mail::DigestReport Run(mail::DigestRun run, bool dry_run = false, const std::string& to = "") {
    auto r = digests_->Run(run, dry_run, to);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : mail::DigestReport{};
  }
  // The data_json of the digest of `kind` queued for `email` (the newest).
  Poco::JSON::Object::Ptr Data(const std::string& kind, const std::string& email) {
    auto db = pool_->Acquire();
    auto st = (*db)->Prepare("SELECT data_json FROM outbox WHERE kind = ? AND recipient_email = ? ORDER BY id DESC");
    store::StatementScope q(*st);
    q->Bind(1, kind).Bind(2, email);
    auto row = q->Step();
    if (!row.ok() || !*row) return nullptr;
    Poco::JSON::Parser p;
    return p.parse(q->ColumnText(0)).extract<Poco::JSON::Object::Ptr>();
  }
  static std::string TokenOf(const std::string& take_url) { return take_url.substr(take_url.rfind('/') + 1); }
  std::string FirstTakeToken(const std::string& email) {
    auto d = Data("volunteer_digest", email);
    if (!d) return "";
    auto list = d->getArray("unclaimed");
    return list && list->size() ? TokenOf(list->getObject(0)->getValue<std::string>("take_url")) : "";
  }
  void SetPreference(const auth::Principal& p, const std::string& column, const std::string& value) {
    auto db = pool_->Acquire();
    store::MailRepository repo(**db);
    auto s = repo.Settings(p.user_id);
    ASSERT_TRUE(s.ok());
    if (column == "volunteer_digest") s->volunteer_digest = value;
    if (column == "group_digest") s->group_digest = value;
    if (column == "coordinator_summary") s->coordinator_summary = value;
    ASSERT_TRUE(repo.SaveSettings(*s, clock_.NowSeconds()).ok());
  }

  core::TimeZone zone_ = core::TimeZone::Utc();
  std::shared_ptr<const i18n::Catalogs> catalogs_;
  std::unique_ptr<mail::DigestService> digests_;
  auth::Principal member_a_, member_b_, volunteer_, volunteer2_, coordinator_;
};

TEST_F(DigestTest, PeriodsStartAtEightLocalAcrossADaylightSavingChange) {
  // Sunday March 14, 2027 starts daylight time: 08:00 is 12:00 UTC that day, 13:00 UTC the day before.
  At(2027, 3, 14, 8);
  mail::DigestPeriod p = digests_->Daily(clock_.NowSeconds());
  EXPECT_EQ(p.key, "2027-03-14");
  EXPECT_EQ(p.until, core::DaysFromCivil(2027, 3, 14) * 86400 + 12 * 3600);
  EXPECT_EQ(p.since, core::DaysFromCivil(2027, 3, 13) * 86400 + 13 * 3600);
  EXPECT_EQ(p.until - p.since, 23 * 3600);  // the short day
  clock_.Advance(-60);                      // 07:59: still the previous day's period
  EXPECT_EQ(digests_->Daily(clock_.NowSeconds()).key, "2027-03-13");
  // The week of the change: Monday March 15 08:00 EDT back to Monday March 8 08:00 EST (167 hours).
  At(2027, 3, 15, 9);
  mail::DigestPeriod w = digests_->Weekly(clock_.NowSeconds());
  EXPECT_EQ(w.key, "2027-W11");
  EXPECT_EQ(w.until, core::DaysFromCivil(2027, 3, 15) * 86400 + 12 * 3600);
  EXPECT_EQ(w.until - w.since, 167 * 3600);
  At(2027, 3, 15, 7, 59);  // Monday before 08:00: still last week
  EXPECT_EQ(digests_->Weekly(clock_.NowSeconds()).key, "2027-W10");
  At(2027, 3, 17, 12);  // a Wednesday: this week's
  EXPECT_EQ(digests_->Weekly(clock_.NowSeconds()).key, "2027-W11");
}

TEST_F(DigestTest, ServeQueuesAtEightLocalOnceAndCatchesUpLater) {
  At(2027, 3, 18, 7);  // Thursday
  Open(member_a_, "Imprimante en panne");
  At(2027, 3, 18, 7, 59);
  auto before = digests_->QueueDue();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->queued, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest'"), 0);
  At(2027, 3, 18, 8);
  auto at_eight = digests_->QueueDue();
  ASSERT_TRUE(at_eight.ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest'"), 2);  // both volunteers
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE dedupe_key = 'digest:volunteer:" +
                  std::to_string(volunteer_.user_id) + ":2027-03-18'"),
            1);
  At(2027, 3, 18, 10);
  EXPECT_EQ(digests_->QueueDue()->queued, 0);  // done for today (and cheap)
  // A restarted server (a new service, no memory) at 10:00 queues nothing twice.
  mail::DigestService restarted(*pool_, clock_, zone_, *catalogs_, mail::DigestOptions{});
  auto again = restarted.QueueDue();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->queued, 0);
  EXPECT_EQ(again->already_queued, 2);
  // Thursday: no weekly digest, although member A's group has an open ticket (Monday's is not caught up
  // more than two days late).
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'group_digest'"), 0);
}

TEST_F(DigestTest, AServerStartedLateOnAMondayStillQueuesThatDaysDigests) {
  At(2027, 3, 22, 6);  // Monday
  Open(member_a_, "Courriel bloqué");
  At(2027, 3, 22, 10);  // started at 10:00
  auto r = digests_->QueueDue();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'group_digest' AND recipient_email = 'a@example.org' "
                  "AND dedupe_key LIKE '%:2027-W12'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'coordinator_summary'"), 1);
}

TEST_F(DigestTest, AServerDownOnMondayCatchesTheWeeklyDigestsUpForTwoDays) {
  At(2027, 3, 22, 6);  // Monday of 2027-W12: nobody runs a server
  Open(member_a_, "Courriel bloqué");
  const std::string w12 = "SELECT count(*) FROM outbox WHERE kind = 'group_digest' AND dedupe_key LIKE '%:2027-W12'";
  At(2027, 3, 23, 9);  // Tuesday 09:00: started
  ASSERT_TRUE(digests_->QueueDue().ok());
  EXPECT_EQ(Count(w12), 1);
  EXPECT_EQ(digests_->QueueDue()->queued, 0);
  mail::DigestService restarted(*pool_, clock_, zone_, *catalogs_, mail::DigestOptions{});
  At(2027, 3, 23, 12);  // restarted at noon: it runs the weekly digests again, and each person still has one
  auto again = restarted.QueueDue();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->queued, 0);
  EXPECT_GT(again->already_queued, 0);
  EXPECT_EQ(Count(w12), 1);
  // The next week, a server first started on Wednesday 08:00 skips that week's weekly digests.
  mail::DigestService late(*pool_, clock_, zone_, *catalogs_, mail::DigestOptions{});
  At(2027, 3, 31, 8);
  ASSERT_TRUE(late.QueueDue().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'group_digest' AND dedupe_key LIKE '%:2027-W13'"), 0);
  EXPECT_GT(Count("SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest' AND dedupe_key LIKE '%:2027-03-31'"), 0)
      << "the daily ones go out as usual";
}

TEST_F(DigestTest, RunningTwiceQueuesOneMessagePerPerson) {
  At(2027, 3, 22, 7);
  Open(member_a_, "Imprimante en panne");
  Open(member_b_, "Printer jam");
  At(2027, 3, 22, 9);
  auto first = Run(mail::DigestRun::kWeekly);
  auto first_daily = Run(mail::DigestRun::kDaily);
  EXPECT_GT(first.queued + first_daily.queued, 0);
  auto second = Run(mail::DigestRun::kWeekly);
  auto second_daily = Run(mail::DigestRun::kDaily);
  EXPECT_EQ(second.queued + second_daily.queued, 0);
  EXPECT_EQ(second.already_queued + second_daily.already_queued, first.queued + first_daily.queued);
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT recipient_email, kind FROM outbox WHERE kind LIKE '%digest' OR "
                  "kind = 'coordinator_summary' GROUP BY 1, 2 HAVING count(*) > 1)"),
            0);
  // Take links were written only for the digests actually queued (2 volunteers x 2 unclaimed tickets).
  EXPECT_EQ(Count("SELECT count(*) FROM take_links"), 4);
}

TEST_F(DigestTest, AnEmptyDigestIsNotQueuedAndADryRunQueuesNothing) {
  At(2027, 3, 23, 9);  // nothing happened: no tickets, no articles
  auto r = Run(mail::DigestRun::kDaily);
  EXPECT_EQ(r.queued, 0);
  EXPECT_EQ(r.empty, 2);  // the two volunteers
  auto w = Run(mail::DigestRun::kWeekly);
  EXPECT_EQ(w.queued, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);

  Open(member_a_, "Imprimante en panne");
  At(2027, 3, 24, 9);
  auto dry = Run(mail::DigestRun::kDaily, true);
  EXPECT_EQ(dry.queued, 0);
  ASSERT_EQ(dry.digests.size(), 2u);
  EXPECT_FALSE(dry.digests[0].queued);
  EXPECT_EQ(dry.digests[0].counts[0], (std::pair<std::string, int>("unclaimed", 1)));
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind LIKE '%digest' OR kind = 'coordinator_summary'"), 0)
      << "only the new ticket's acknowledgement and alerts";
  EXPECT_EQ(Count("SELECT count(*) FROM take_links"), 0);
  // --to: only that person.
  auto one = Run(mail::DigestRun::kDaily, false, "W@example.org");
  EXPECT_EQ(one.queued, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient_email <> 'w@example.org' "
                  "AND kind NOT IN ('ticket_received', 'new_ticket_alert')"),
            0);
  EXPECT_EQ(digests_->Run(mail::DigestRun::kDaily, false, "nobody@example.org").status().code(),
            core::StatusCode::kNotFound);
}

TEST_F(DigestTest, VolunteerDigestListsNewUnclaimedTicketsUnansweredOnesAndActivityOnHeldOnes) {
  At(2027, 3, 18, 10);  // Thursday: opened 5 days before the digest, never answered
  auto old = Open(member_a_, "Site web en panne");
  auto held = Open(member_a_, "Courriel qui rebondit");
  ASSERT_TRUE(tickets_->Claim(&volunteer_, held.id).ok());
  tickets::ReplyRequest reply;
  reply.body = "Quelle adresse?";
  reply.ask_group = true;
  ASSERT_TRUE(tickets_->Reply(&volunteer_, held.id, reply).ok());
  At(2027, 3, 22, 12);  // the day before: the group answers, a new ticket comes in
  ASSERT_TRUE(ReplyAs(member_a_, held.id, "C'est info@epicerie.org").ok());
  auto fresh = Open(member_b_, "Wi-Fi down");
  At(2027, 3, 23, 8);
  Run(mail::DigestRun::kDaily);

  auto d = Data("volunteer_digest", "v@example.org");
  ASSERT_TRUE(d);
  auto unclaimed = d->getArray("unclaimed");
  ASSERT_EQ(unclaimed->size(), 1u);
  EXPECT_EQ(unclaimed->getObject(0)->getValue<std::string>("ref"), fresh.ref);
  EXPECT_TRUE(std::regex_match(unclaimed->getObject(0)->getValue<std::string>("take_url"),
                               std::regex(R"(https://entraide\.example\.org/fr/take/[0-9a-f]{64})")));
  auto waiting = d->getArray("waiting");
  ASSERT_EQ(waiting->size(), 1u);  // the held one: the group replied only yesterday
  EXPECT_EQ(waiting->getObject(0)->getValue<std::string>("ref"), old.ref);
  EXPECT_EQ(waiting->getObject(0)->getValue<std::string>("days"), "4");
  EXPECT_TRUE(waiting->getObject(0)->has("take_url"));  // nobody holds it either
  auto activity = d->getArray("activity");
  ASSERT_EQ(activity->size(), 2u);  // the group's reply, and the status it brought back
  EXPECT_EQ(activity->getObject(0)->getValue<std::string>("ref"), held.ref);
  EXPECT_EQ(activity->getObject(0)->getValue<std::string>("actor"), "Person a");
  EXPECT_EQ(activity->getObject(1)->getValue<std::string>("status"), "En cours");
  // The other volunteer holds nothing: no activity, but the same tickets to take, with links of their own.
  auto d2 = Data("volunteer_digest", "w@example.org");
  ASSERT_TRUE(d2);
  EXPECT_EQ(d2->getArray("activity")->size(), 0u);
  EXPECT_FALSE(d2->getValue<bool>("has_activity"));
  EXPECT_NE(FirstTakeToken("v@example.org"), FirstTakeToken("w@example.org"));
  EXPECT_TRUE(core::StartsWith(d2->getArray("unclaimed")->getObject(0)->getValue<std::string>("take_url"),
                               "https://entraide.example.org/en/take/"));
}

TEST_F(DigestTest, AnErasedPersonsActivityReadsAsAFormerMember) {
  At(2027, 3, 22, 10);
  auto held = Open(member_a_, "Courriel qui rebondit");
  ASSERT_TRUE(tickets_->Claim(&volunteer_, held.id).ok());
  ASSERT_TRUE(ReplyAs(member_a_, held.id, "C'est info@epicerie.org").ok());
  privacy::Options o;
  o.mail_dir = dir_.Join("mail");
  ASSERT_TRUE(privacy::PrivacyService(*pool_, clock_, *catalogs_, o).Erase("a@example.org").ok());
  At(2027, 3, 23, 8);
  Run(mail::DigestRun::kDaily);
  auto d = Data("volunteer_digest", "v@example.org");
  ASSERT_TRUE(d);
  auto activity = d->getArray("activity");
  ASSERT_GE(activity->size(), 1u);
  EXPECT_EQ(activity->getObject(0)->getValue<std::string>("actor"), "un ancien membre");
}

TEST_F(DigestTest, GroupDigestHasArticlesInTheMembersLanguageAndOnlyTheirGroupsOpenTickets) {
  At(2027, 3, 17, 12);
  int64_t during = clock_.NowSeconds();
  Article("fr", "nouveau-guide", "Un nouveau guide", during, during);
  Article("fr", "guide-revu", "Un guide revu", during, during - 90 * 86400);
  Article("en", "new-guide", "A new guide", during, during);
  Article("fr", "vieux-guide", "Un vieux guide", during - 30 * 86400, during - 30 * 86400);
  auto a = Open(member_a_, "Imprimante en panne");
  auto b = Open(member_b_, "Printer jam");
  At(2027, 3, 22, 8);
  Run(mail::DigestRun::kWeekly);

  auto d = Data("group_digest", "a@example.org");
  ASSERT_TRUE(d);
  auto articles = d->getArray("articles");
  ASSERT_EQ(articles->size(), 2u);
  EXPECT_EQ(articles->getObject(0)->getValue<std::string>("title"), "Un nouveau guide");
  EXPECT_TRUE(articles->getObject(0)->getValue<bool>("is_new"));
  EXPECT_EQ(articles->getObject(1)->getValue<std::string>("title"), "Un guide revu");
  EXPECT_FALSE(articles->getObject(1)->getValue<bool>("is_new"));
  EXPECT_EQ(articles->getObject(0)->getValue<std::string>("url"),
            "https://entraide.example.org/fr/articles/nouveau-guide");
  auto groups = d->getArray("groups");
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ(groups->getObject(0)->getValue<std::string>("group"), "Épicerie A");
  auto tickets = groups->getObject(0)->getArray("tickets");
  ASSERT_EQ(tickets->size(), 1u);
  EXPECT_EQ(tickets->getObject(0)->getValue<std::string>("ref"), a.ref);
  EXPECT_EQ(tickets->getObject(0)->getValue<std::string>("status"), "Nouvelle");
  EXPECT_EQ(std::string(d->get("tickets_total").toString()), "1");

  auto e = Data("group_digest", "b@example.org");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->getArray("articles")->size(), 1u);
  EXPECT_EQ(e->getArray("articles")->getObject(0)->getValue<std::string>("title"), "A new guide");
  auto bt = e->getArray("groups")->getObject(0)->getArray("tickets");
  ASSERT_EQ(bt->size(), 1u);
  EXPECT_EQ(bt->getObject(0)->getValue<std::string>("ref"), b.ref);
  // Volunteers and coordinators in no group get no group digest.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'group_digest'"), 2);
}

TEST_F(DigestTest, CoordinatorSummaryCountsTheWeek) {
  At(2027, 3, 16, 9);
  auto t1 = Open(member_a_, "Imprimante en panne", "hardware");
  auto t2 = Open(member_a_, "Courriel", "email");
  auto t3 = Open(member_b_, "Printer", "hardware");
  At(2027, 3, 16, 11);  // first answer after 2 hours
  ASSERT_TRUE(ReplyAs(volunteer_, t1.id, "Redémarrez-la.", true).ok());
  At(2027, 3, 16, 13);  // after 4 hours
  ASSERT_TRUE(ReplyAs(volunteer_, t2.id, "Quelle adresse?").ok());
  Article("en", "added", "Added guide", clock_.NowSeconds(), clock_.NowSeconds());
  At(2027, 3, 22, 8);
  Run(mail::DigestRun::kCoordinator);
  auto d = Data("coordinator_summary", "c@example.org");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->get("opened").toString(), "3");
  EXPECT_EQ(d->get("resolved").toString(), "1");
  EXPECT_EQ(d->getValue<std::string>("median_first_answer"), "3 h");
  // The coordinator reads French: the count is of the guides added in French, which the list below it shows
  // (issue #21: it said 42 for both languages over 20 French titles). The English one added is not.
  EXPECT_EQ(d->get("articles_added").toString(), "0");
  auto oldest = d->getArray("oldest");
  ASSERT_EQ(oldest->size(), 2u);  // t1 is resolved
  EXPECT_EQ(oldest->getObject(0)->getValue<std::string>("ref"), t2.ref);
  EXPECT_EQ(oldest->getObject(1)->getValue<std::string>("ref"), t3.ref);
  auto cats = d->getArray("categories");
  ASSERT_EQ(cats->size(), 2u);
  EXPECT_EQ(cats->getObject(0)->getValue<std::string>("category"), "Matériel");
  EXPECT_EQ(cats->getObject(0)->get("count").toString(), "2");
  // Only coordinators get it.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'coordinator_summary'"), 1);
}

// A third language is a new catalog and nothing else: with catalogs whose every value is a marker, nothing a
// digest's data says (the period's date, "4 days", "and 1 more", durations, statuses) is in French or English.
TEST_F(DigestTest, WithMarkerCatalogsNoWordOfADigestComesFromTheCode) {
  TempDir i18n_dir;
  for (const char* lang : {"en", "fr"})
    std::ofstream(i18n_dir.Join(std::string(lang) + ".json")) << MarkerCatalogJson(lang, lang);
  auto markers = i18n::Catalogs::Load(i18n_dir.path());
  ASSERT_TRUE(markers.ok()) << markers.status().ToString();
  mail::DigestOptions o;
  o.base_url = "https://entraide.example.org";
  o.max_items = 1;  // so that the lists say "and 1 more"
  digests_ = std::make_unique<mail::DigestService>(*pool_, clock_, zone_, **markers, o);
  At(2027, 3, 16, 9);
  auto t1 = Open(member_a_, "Imprimante en panne");
  Open(member_a_, "Courriel");
  Open(member_b_, "Printer");
  At(2027, 3, 16, 11);
  ASSERT_TRUE(ReplyAs(volunteer_, t1.id, "Redémarrez-la.").ok());
  At(2027, 3, 22, 8);
  Run(mail::DigestRun::kCoordinator);
  Run(mail::DigestRun::kDaily);
  for (const char* email : {"c@example.org", "v@example.org", "w@example.org"}) {
    for (const char* kind : {"coordinator_summary", "volunteer_digest"}) {
      auto d = Data(kind, email);
      if (!d) continue;
      std::ostringstream json;
      d->stringify(json);
      auto words = HardCodedWords(std::regex_replace(json.str(), std::regex(R"("[a-z_]+":)"), ""));  // values only
      EXPECT_TRUE(words.empty()) << kind << " to " << email << ": " << words.front() << " in " << json.str();
    }
  }
  auto v = Data("volunteer_digest", "v@example.org");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->getValue<std::string>("period_label"), "[fr:date_long]");
  EXPECT_EQ(v->getArray("waiting")->getObject(0)->getValue<std::string>("days_label"), "[fr:count_days.other]");
  EXPECT_EQ(v->getValue<std::string>("waiting_more_label"), "[fr:digest_more.one]");
  auto c = Data("coordinator_summary", "c@example.org");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->getValue<std::string>("median_first_answer"), "[fr:duration_hours]");
}

// "et 1 autre", not "et 1 autres": the counted sentences of the catalog.
TEST_F(DigestTest, OneMoreIsSingularInFrench) {
  mail::DigestOptions o;
  o.base_url = "https://entraide.example.org";
  o.max_items = 1;
  digests_ = std::make_unique<mail::DigestService>(*pool_, clock_, zone_, *catalogs_, o);
  At(2027, 3, 22, 12);
  Open(member_a_, "Imprimante en panne");
  Open(member_b_, "Printer");
  At(2027, 3, 23, 8);
  Run(mail::DigestRun::kDaily);
  auto fr = Data("volunteer_digest", "v@example.org");
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->getValue<std::string>("unclaimed_more_label"), "et 1 autre");
  auto en = Data("volunteer_digest", "w@example.org");
  ASSERT_TRUE(en);
  EXPECT_EQ(en->getValue<std::string>("unclaimed_more_label"), "and 1 more");
}

TEST_F(DigestTest, PreferencesOffMeanNothingAndDailyGroupDigestsGoOutEveryDay) {
  SetPreference(volunteer_, "volunteer_digest", "off");
  SetPreference(volunteer2_, "volunteer_digest", "weekly");
  SetPreference(member_a_, "group_digest", "daily");
  SetPreference(member_b_, "group_digest", "off");
  SetPreference(coordinator_, "coordinator_summary", "off");
  SetPreference(member_a_, "volunteer_digest", "daily");  // a member never gets the queue's contents
  At(2027, 3, 17, 7);                                     // Wednesday
  Open(member_a_, "Imprimante en panne");
  Open(member_b_, "Printer jam");
  At(2027, 3, 17, 8);
  ASSERT_TRUE(digests_->QueueDue().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest'"), 0);  // off, weekly, a member
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'group_digest' AND recipient_email = 'a@example.org' "
                  "AND dedupe_key LIKE '%:2027-03-17'"),
            1);
  At(2027, 3, 22, 8);  // Monday: the weekly volunteer digest, never the member who turned theirs off
  ASSERT_TRUE(digests_->QueueDue().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest' AND recipient_email = 'w@example.org' "
                  "AND dedupe_key LIKE '%:2027-W12'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient_email IN ('v@example.org', 'b@example.org', "
                  "'c@example.org') AND kind NOT IN ('ticket_received', 'new_ticket_alert')"),
            0);
}

// Issue #21: the coordinator summary's count of guides added is the one its list is "and N more" of, and "and N
// more" agrees with N in the rendered mails ("et 1 autre", "et 2 autres").
TEST_F(DigestTest, TheSummaryCountMatchesItsListAndAndNMoreAgreesWithItsNumber) {
  mail::DigestOptions o;
  o.base_url = "https://entraide.example.org";
  o.max_items = 1;
  digests_ = std::make_unique<mail::DigestService>(*pool_, clock_, zone_, *catalogs_, o);
  At(2027, 3, 17, 12);
  int64_t during = clock_.NowSeconds();
  for (const char* slug : {"guide-a", "guide-b", "guide-c"}) Article("fr", slug, slug, during, during);
  Article("en", "guide-en", "English guide", during, during);
  Open(member_a_, "Imprimante en panne");
  At(2027, 3, 22, 8);
  Run(mail::DigestRun::kWeekly);
  auto group = Data("group_digest", "a@example.org");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->get("articles_more").toString(), "2");
  EXPECT_EQ(group->getValue<std::string>("articles_more_label"), "et 2 autres");
  auto summary = Data("coordinator_summary", "c@example.org");
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->get("articles_added").toString(), "3") << "the French guides, as listed";
  EXPECT_EQ(summary->getArray("added")->size(), 1u);
  EXPECT_EQ(summary->get("added_more").toString(), "2");
  EXPECT_EQ(summary->getValue<std::string>("added_more_label"), "et 2 autres");

  auto views = view::Renderer::Load(SourceDir() + "/views");
  ASSERT_TRUE(views.ok()) << views.status().ToString();
  for (int more : {1, 2}) {
    for (const char* lang : {"fr", "en"}) {
      std::string label = catalogs_->For(lang).Plural("digest_more", more);
      view::Value v = view::Value::Object();
      v.Set("has_articles", true).Set("articles", view::Value::List()).Set("articles_more", static_cast<int64_t>(more));
      v.Set("articles_more_label", label).Set("articles_url", "https://x/articles");
      v.Set("has_oldest", false).Set("has_added", true).Set("added", view::Value::List());
      v.Set("added_more", static_cast<int64_t>(more)).Set("added_more_label", label);
      std::string want = std::string(lang) == "fr" ? (more == 1 ? "et 1 autre" : "et 2 autres")
                                                   : "and " + std::to_string(more) + " more";
      for (std::string name : {"mail/group_digest.", "mail/coordinator_summary."})
        for (const char* ext : {".txt", ".html"}) {
          auto text = (*views)->Render(name + lang + ext, lang, v);
          ASSERT_TRUE(text.ok()) << name << ": " << text.status().ToString();
          EXPECT_NE(text->find(want), std::string::npos) << name << lang << ext << ":\n" << *text;
          EXPECT_EQ(text->find("et 1 autres"), std::string::npos) << name;
        }
    }
  }
}

class TakeLinkTest : public DigestTest {
 protected:
  void SetUp() override {
    DigestTest::SetUp();
    At(2027, 3, 22, 7);
    ticket_ = Open(member_a_, "Imprimante en panne");
    At(2027, 3, 22, 8);
    Run(mail::DigestRun::kDaily);
    token_ = FirstTakeToken("v@example.org");
    ASSERT_EQ(token_.size(), 64u);
    take_links_ = std::make_unique<tickets::TakeLinkService>(*pool_, clock_);
  }
  tickets::Ticket ticket_;
  std::string token_;
  std::unique_ptr<tickets::TakeLinkService> take_links_;
};

TEST_F(TakeLinkTest, WorksOnceForItsVolunteerThenSaysItIsAlreadyTheirs) {
  auto check = take_links_->Check(token_);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->result, Result::kReady);
  EXPECT_EQ(check->volunteer_id, volunteer_.user_id);
  EXPECT_EQ(tickets_->Get(&volunteer_, ticket_.id)->ticket.assignee_id, std::nullopt);  // looking claims nothing
  auto taken = take_links_->Take(token_);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->result, Result::kTaken);
  EXPECT_EQ(taken->ticket_id, ticket_.id);
  auto t = tickets_->Get(&volunteer_, ticket_.id);
  EXPECT_EQ(t->ticket.assignee_id, volunteer_.user_id);
  EXPECT_EQ(t->ticket.status, model::TicketStatus::kInProgress);
  auto again = take_links_->Take(token_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->result, Result::kAlreadyYours);
  // Released later: the used link does not take it again.
  ASSERT_TRUE(tickets_->Assign(&coordinator_, ticket_.id, std::nullopt).ok());
  EXPECT_EQ(take_links_->Take(token_)->result, Result::kUsed);
  EXPECT_EQ(tickets_->Get(&volunteer_, ticket_.id)->ticket.assignee_id, std::nullopt);
}

TEST_F(TakeLinkTest, SaysWhoTookItFirst) {
  ASSERT_TRUE(tickets_->Claim(&volunteer2_, ticket_.id).ok());
  auto r = take_links_->Take(token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, Result::kTakenByOther);
  EXPECT_EQ(r->holder_name, "Person w");
  EXPECT_EQ(tickets_->Get(&volunteer_, ticket_.id)->ticket.assignee_id, volunteer2_.user_id);
  // The other volunteer's own link says it is theirs.
  EXPECT_EQ(take_links_->Take(FirstTakeToken("w@example.org"))->result, Result::kAlreadyYours);
}

TEST_F(TakeLinkTest, ExpiresAfterSevenDays) {
  clock_.Advance(7 * 24 * 3600 - 1);
  EXPECT_EQ(take_links_->Check(token_)->result, Result::kReady);
  clock_.Advance(1);
  auto r = take_links_->Take(token_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result, Result::kExpired);
  EXPECT_EQ(tickets_->Get(&volunteer_, ticket_.id)->ticket.assignee_id, std::nullopt);
}

TEST_F(TakeLinkTest, ExpiredLinksAreForgottenAMonthAfterTheyExpire) {
  const std::string hash = core::Sha256Hex(token_);
  auto rows = [&] { return Count("SELECT count(*) FROM take_links WHERE token_hash = '" + hash + "'"); };
  ASSERT_EQ(rows(), 1);
  clock_.Advance((7 + 30) * 24 * 3600 - 60);  // expired 30 days ago, less a minute
  Run(mail::DigestRun::kDaily, /*dry_run=*/true);
  Run(mail::DigestRun::kDaily);
  EXPECT_EQ(rows(), 1) << "kept: it still says \"expired\" to whoever clicks it";
  clock_.Advance(120);
  Run(mail::DigestRun::kDaily, /*dry_run=*/true);
  EXPECT_EQ(rows(), 1) << "a dry run changes nothing";
  Run(mail::DigestRun::kDaily);
  EXPECT_EQ(rows(), 0);
  EXPECT_EQ(take_links_->Take(token_).status().code(), core::StatusCode::kUnauthenticated);
}

TEST_F(TakeLinkTest, ForgedDamagedOrStrangersLinksAreRefused) {
  std::string damaged = token_;
  damaged[10] = damaged[10] == 'a' ? 'b' : 'a';
  for (const std::string& bad : {damaged, token_.substr(1), token_ + "0", std::string(64, 'g'), std::string(),
                                 std::string("../../etc/passwd"), core::Sha256Hex(token_)}) {
    auto r = take_links_->Take(bad);
    EXPECT_EQ(r.status().code(), core::StatusCode::kUnauthenticated) << bad;
  }
  EXPECT_EQ(tickets_->Get(&volunteer_, ticket_.id)->ticket.assignee_id, std::nullopt);
}

TEST_F(TakeLinkTest, ALinkOfSomeoneWhoIsNoLongerAVolunteerIsRefused) {
  ASSERT_TRUE(auth_->directory.UpdatePerson(coordinator_, volunteer_.user_id, model::Role::kMember, true).ok());
  EXPECT_EQ(take_links_->Take(token_).status().code(), core::StatusCode::kUnauthenticated);
}

TEST_F(TakeLinkTest, AClosedTicketNeedsNobody) {
  ASSERT_TRUE(tickets_->ChangeStatus(&volunteer2_, ticket_.id, "in_progress").ok());
  ASSERT_TRUE(ReplyAs(volunteer2_, ticket_.id, "Réglé.", true).ok());
  auto out = take_links_->Take(token_);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->result, Result::kNotOpen);
}

TEST_F(DigestTest, VolunteerDigestListsTicketsLateForAFirstAnswerFirstAndOnlyThere) {
  mail::DigestOptions o;
  o.base_url = "https://entraide.example.org";
  o.first_answer_target_s = {{"blocking", 4 * 3600}, {"high", 4 * 3600}, {"normal", 24 * 3600}, {"low", 72 * 3600}};
  digests_ = std::make_unique<mail::DigestService>(*pool_, clock_, zone_, *catalogs_, o);
  auto open_with = [&](const std::string& subject, const std::string& urgency) {
    return DeskTest::Open(member_a_, NewTicketOf(subject, "Ça ne marche plus.", "hardware", urgency));
  };
  At(2027, 3, 22, 2);  // 30 hours before the digest
  auto normal_late = open_with("Imprimante muette", "normal");
  auto low_in_time = open_with("Police de caractères", "low");  // 72 hours allowed
  At(2027, 3, 23, 1);                                           // 7 hours before
  auto high_late = open_with("Courriel bloqué", "high");
  At(2027, 3, 23, 3);
  auto high_answered = open_with("Site lent", "high");
  ASSERT_TRUE(ReplyAs(volunteer_, high_answered.id, "On regarde ça.").ok());  // a first public answer: never late
  At(2027, 3, 23, 6);                                                         // 2 hours before: within its 4 hours
  auto high_fresh = open_with("Wi-Fi lent", "high");
  At(2027, 3, 23, 8);
  Run(mail::DigestRun::kDaily);

  auto d = Data("volunteer_digest", "v@example.org");
  ASSERT_TRUE(d);
  auto refs = [&](const char* list) {
    std::vector<std::string> out;
    auto a = d->getArray(list);
    for (size_t i = 0; a && i < a->size(); ++i) out.push_back(a->getObject(i)->getValue<std::string>("ref"));
    return out;
  };
  // Oldest first, whatever the urgency; each with a link to take it (nobody holds them).
  EXPECT_EQ(refs("late"), (std::vector<std::string>{normal_late.ref, high_late.ref}));
  EXPECT_TRUE(d->getValue<bool>("has_late"));
  EXPECT_EQ(d->getArray("late")->getObject(0)->getValue<std::string>("days"), "1");
  EXPECT_TRUE(d->getArray("late")->getObject(1)->has("take_url"));
  // Listed once: a late ticket is not repeated among the new ones nobody took.
  auto unclaimed = refs("unclaimed");
  EXPECT_EQ(std::count(unclaimed.begin(), unclaimed.end(), high_late.ref), 0);
  EXPECT_EQ(std::count(unclaimed.begin(), unclaimed.end(), high_fresh.ref), 1);
  for (const auto& ref : {low_in_time.ref, high_answered.ref, high_fresh.ref}) {
    auto late = refs("late");
    EXPECT_EQ(std::count(late.begin(), late.end(), ref), 0) << ref;
  }

  // Without targets (helpdesk.first_answer_hours not given to the digest), no such list.
  digests_ = std::make_unique<mail::DigestService>(*pool_, clock_, zone_, *catalogs_, mail::DigestOptions{});
  At(2027, 3, 26, 8);  // the unanswered ones are now 3 days old: they are listed as waiting instead
  Run(mail::DigestRun::kDaily);
  d = Data("volunteer_digest", "v@example.org");
  ASSERT_TRUE(d);
  auto waiting = refs("waiting");
  EXPECT_EQ(std::count(waiting.begin(), waiting.end(), normal_late.ref), 1);
  EXPECT_TRUE(refs("late").empty());
  EXPECT_FALSE(d->getValue<bool>("has_late"));
}

// Issue #18: the coordinator summary counts the articles drafted from solved tickets in the period (distinct
// language and slug of revisions of origin 'ticket') and how many of them are published, in both languages.
class DraftedSummaryTest : public DigestTest {
 protected:
  void Revision(const std::string& lang, const std::string& slug, const std::string& origin, const std::string& state,
                int64_t created, int64_t ticket_id) {
    auto db = pool_->Acquire();
    auto st = (*db)->Prepare(
        "INSERT INTO article_revisions (lang, slug, key, title, source, source_hash, state, origin, created_at, "
        "ticket_id) VALUES (?1, ?2, ?2, 'T', 'x', 'h', ?3, ?4, ?5, ?6)");
    ASSERT_TRUE(st.ok());
    auto& q = **st;
    q.Bind(1, lang).Bind(2, slug).Bind(3, state).Bind(4, origin).Bind(5, created);
    if (origin == "ticket")
      q.Bind(6, ticket_id);
    else
      q.BindNull(6);
    ASSERT_TRUE(q.Run().ok());
  }
};

TEST_F(DraftedSummaryTest, CountsArticlesDraftedFromSolvedTicketsAndThosePublished) {
  auto english = DeskTest::Person("d@example.org", "Person d", "coordinator", {}, "en");
  At(2027, 3, 10, 12);
  auto t = Open(member_a_, "Imprimante en panne");
  ASSERT_TRUE(ReplyAs(volunteer_, t.id, "Redémarrez-la.", true).ok());
  Revision("fr", "before", "ticket", "pending", clock_.NowSeconds(), t.id);  // the week before: not counted
  At(2027, 3, 17, 12);
  int64_t during = clock_.NowSeconds();
  Revision("fr", "imprimante", "ticket", "pending", during, t.id);
  Revision("fr", "imprimante", "ticket", "pending", during + 60, t.id);  // the same article: once
  Revision("en", "imprimante", "ticket", "declined", during, t.id);      // the other language: another
  Revision("fr", "courriel", "ticket", "pending", during, t.id);
  Revision("fr", "courriel", "web", "published", during + 120, 0);  // published since
  Revision("fr", "web-only", "web", "published", during, 0);        // not from a ticket
  At(2027, 3, 22, 8);
  Run(mail::DigestRun::kCoordinator);

  auto views = view::Renderer::Load(SourceDir() + "/views");
  ASSERT_TRUE(views.ok()) << views.status().ToString();
  for (const auto& [email, lang, sentence] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"c@example.org", "fr", "3 articles rédigés à partir de demandes résolues (1 publié)"},
           {"d@example.org", "en", "3 articles drafted from solved tickets (1 published)"}}) {
    SCOPED_TRACE(lang);
    auto d = Data("coordinator_summary", email);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->get("drafted").toString(), "3");
    EXPECT_EQ(d->getValue<std::string>("drafted_label"), sentence);
    view::Value v = view::Value::Object();
    v.Set("has_drafted", true).Set("drafted_label", sentence).Set("has_oldest", false).Set("has_added", false);
    for (const char* ext : {".txt", ".html"}) {
      auto text = (*views)->Render("mail/coordinator_summary." + lang + ext, lang, v);
      ASSERT_TRUE(text.ok()) << text.status().ToString();
      EXPECT_NE(text->find(sentence), std::string::npos) << *text;
    }
  }
  // The plural forms of both numbers.
  const auto& fr = catalogs_->For("fr");
  EXPECT_EQ(fr.Plural("digest_drafted", 1, {{"published", fr.Plural("digest_drafted_published", 0)}}),
            "1 article rédigé à partir de demandes résolues (0 publié)");
  EXPECT_EQ(fr.Plural("digest_drafted", 2, {{"published", fr.Plural("digest_drafted_published", 2)}}),
            "2 articles rédigés à partir de demandes résolues (2 publiés)");
  const auto& en = catalogs_->For("en");
  EXPECT_EQ(en.Plural("digest_drafted", 1, {{"published", en.Plural("digest_drafted_published", 1)}}),
            "1 article drafted from solved tickets (1 published)");
}

TEST_F(DraftedSummaryTest, NoDraftNoSentence) {
  At(2027, 3, 17, 12);
  Open(member_a_, "Imprimante en panne");
  At(2027, 3, 22, 8);
  Run(mail::DigestRun::kCoordinator);
  auto d = Data("coordinator_summary", "c@example.org");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->get("drafted").toString(), "0");
  EXPECT_FALSE(d->getValue<bool>("has_drafted"));
}

}  // namespace
}  // namespace entraide::testing

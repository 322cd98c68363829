// End-to-end: digests through the real server, its mail worker and a real SMTP server (aiosmtpd on loopback):
// queued at 08:00 local and delivered once in French; the "I'll take it" link over HTTP (a prefetch claims
// nothing, one click for the signed-in volunteer, the confirm button, someone else first, expired, forged); and
// the coordinators' page of failed messages with its retry.
#include <gtest/gtest.h>

#include <regex>

#include "auth/accounts.h"
#include "core/escape.h"
#include "core/strings.h"
#include "fixtures.h"
#include "mail_util.h"
#include "store/pool.h"
#include "test_util.h"
#include "tickets/ticket_service.h"

namespace entraide::testing {
namespace {

const std::string kForm = "Content-Type: application/x-www-form-urlencoded";

class DigestEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    smtp_.Start();
    At(2027, 3, 22, 7);  // a Monday, before 08:00
    auth::AuthOptions o;
    o.base_url = "http://entraide.test";
    o.hash_cost = auth::HashCost::Minimum();
    o.rate_limit = 1000;
    app_ = std::make_unique<TestApp>(
        [this](app::Config& c) {
          c.mail_smtp_host = "127.0.0.1";
          c.mail_smtp_port = smtp_.port();
          c.mail_poll_seconds = 3600;  // the tests say when the worker runs
        },
        &clock_, o);
    TestDirectory& people = app_->directory();
    people.Group("coop-a", "Épicerie solidaire");
    member_ = people.SignedInPerson("mo@example.org", "Maude Ouellet", "member", {"coop-a"});
    volunteer_ = people.SignedInPerson("eloise@example.org", "Éloïse Bélanger", "volunteer");
    volunteer2_ = people.SignedInPerson("zoe@example.org", "Zoé Tremblay", "volunteer");
    coordinator_ = people.SignedInPerson("coord@example.org", "Hélène Gagnon", "coordinator");
    tickets_ = std::make_unique<tickets::TicketService>(app_->pool(), clock_, app_->data().Join("attachments"),
                                                        "http://entraide.test");
    auto created = tickets_->Create(
        &member_, NewTicketOf("Imprimante bloquée après la mise à jour", "Elle clignote.", "hardware"), nullptr);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ticket_ = *created;
  }
  void At(int64_t y, int m, int d, int h, int min = 0) { clock_.Set(LocalInstant(y, m, d, h, min)); }
  int port() { return app_->port(); }
  void Pass() { ASSERT_TRUE(app_->app().DeliverMail(30000)); }
  std::string Text(const std::string& sql) { return QueryText(app_->pool(), sql); }
  std::string SignIn(const std::string& email) { return SignInForm(port(), email, kTestPassword, "fr"); }
  // The path of the take link in the digest delivered to `email` ("/fr/take/<64 hex>"), read from the message as
  // it arrived: the outbox row loses its take links once the digest is sent.
  std::string TakePath(const std::string& email) {
    At(2027, 3, 22, 8);
    Pass();
    std::string text;
    for (const auto& f : smtp_.MessageFiles()) {
      DecodedMail d = DecodeMail(f);
      if (d.Header("To").find(email) != std::string::npos && d.text.find("/take/") != std::string::npos) text = d.text;
    }
    std::smatch m;
    EXPECT_TRUE(std::regex_search(text, m, std::regex(R"(http://entraide\.test(/fr/take/[0-9a-f]{64}))"))) << text;
    return m.size() > 1 ? m[1].str() : "";
  }
  std::string Assignee() {
    return Text("SELECT coalesce(assignee_id, '') FROM tickets WHERE id = " + std::to_string(ticket_.id));
  }

  SmtpServer smtp_;
  core::FakeClock clock_;
  std::unique_ptr<TestApp> app_;
  std::unique_ptr<tickets::TicketService> tickets_;
  auth::Principal member_, volunteer_, volunteer2_, coordinator_;
  tickets::Ticket ticket_;
};

TEST_F(DigestEndToEndTest, TheDigestArrivesOnceAtEightInFrenchWithItsTakeLink) {
  At(2027, 3, 22, 7, 59);
  Pass();
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE kind LIKE '%digest' OR kind = 'coordinator_summary'"), "0");
  At(2027, 3, 22, 8);
  Pass();
  Pass();  // a second pass queues nothing more
  At(2027, 3, 22, 12);
  Pass();
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest'"), "2");
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE kind = 'group_digest'"), "1");
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE kind = 'coordinator_summary'"), "1");
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE status <> 'sent'"), "0");
  int to_eloise = 0;
  DecodedMail digest;
  for (const auto& f : smtp_.MessageFiles()) {
    DecodedMail d = DecodeMail(f);
    if (d.Header("To").find("eloise@example.org") != std::string::npos) {
      ++to_eloise;
      digest = d;
    }
  }
  ASSERT_EQ(to_eloise, 1);
  EXPECT_EQ(digest.Header("Subject"),
            "Résumé des bénévoles : à prendre (1), sans réponse (0), du nouveau sur vos demandes (0)");
  EXPECT_EQ(digest.Header("To"), "Éloïse Bélanger <eloise@example.org>");
  EXPECT_TRUE(digest.defects.empty());
  EXPECT_NE(digest.text.find("Bonjour Éloïse Bélanger,"), std::string::npos) << digest.text;
  EXPECT_EQ(digest.text.find("\n\n\n"), std::string::npos) << digest.text;  // no empty sections left behind
  EXPECT_NE(digest.text.find(ticket_.ref + " · Imprimante bloquée après la mise à jour (Épicerie solidaire"),
            std::string::npos)
      << digest.text;
  EXPECT_TRUE(
      std::regex_search(digest.text, std::regex(R"(Je m'en occupe : http://entraide\.test/fr/take/[0-9a-f]{64})")));
  EXPECT_TRUE(std::regex_search(
      digest.html, std::regex(R"(<a href="http://entraide\.test/fr/take/[0-9a-f]{64}"[^>]*>Je m'en occupe</a>)")))
      << digest.html;
  EXPECT_TRUE(core::StartsWith(digest.Header("List-Unsubscribe"), "<http://entraide.test/fr/unsubscribe/"));
}

TEST_F(DigestEndToEndTest, APrefetchClaimsNothingAndTheButtonTakesTheTicketOnce) {
  std::string path = TakePath("eloise@example.org");
  ASSERT_FALSE(path.empty());
  auto look = Get(port(), path);  // a mail scanner, or a browser that is not signed in
  EXPECT_EQ(look.status, 200);
  EXPECT_NE(look.body.find("Éloïse Bélanger"), std::string::npos);
  EXPECT_NE(look.body.find("method=\"post\" action=\"" + path + "\""), std::string::npos);
  EXPECT_EQ(Assignee(), "");
  EXPECT_EQ(Get(port(), path).status, 200);  // looking twice changes nothing either
  EXPECT_EQ(Assignee(), "");

  auto take = Send(port(), "POST", path, "", {kForm});
  EXPECT_EQ(take.status, 303);
  EXPECT_EQ(take.Header("location"), "/fr/tickets/" + std::to_string(ticket_.id));
  EXPECT_EQ(Assignee(), std::to_string(volunteer_.user_id));
  EXPECT_EQ(Text("SELECT status FROM tickets WHERE id = " + std::to_string(ticket_.id)), "in_progress");

  auto again = Send(port(), "POST", path, "", {kForm});
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("Cette demande est déjà à vous."), std::string::npos);
  EXPECT_NE(again.body.find("href=\"/fr/tickets/" + std::to_string(ticket_.id) + "\""), std::string::npos);
}

TEST_F(DigestEndToEndTest, OneClickForTheSignedInVolunteerLandsOnTheTicket) {
  std::string path = TakePath("eloise@example.org");
  std::string sid = SignIn("eloise@example.org");
  auto r = Get(port(), path, {"Cookie: sid=" + sid});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("location"), "/fr/tickets/" + std::to_string(ticket_.id));
  EXPECT_EQ(Assignee(), std::to_string(volunteer_.user_id));
  auto page = Get(port(), r.Header("location"), {"Cookie: sid=" + sid});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find(ticket_.ref), std::string::npos);
}

TEST_F(DigestEndToEndTest, SomeoneElseSignedInDoesNotTakeItForTheLinksVolunteer) {
  std::string path = TakePath("eloise@example.org");
  std::string sid = SignIn("zoe@example.org");
  auto r = Get(port(), path, {"Cookie: sid=" + sid});
  EXPECT_EQ(r.status, 200);  // the confirm page, naming Éloïse
  EXPECT_NE(r.body.find("Éloïse Bélanger"), std::string::npos);
  EXPECT_EQ(Assignee(), "");
}

TEST_F(DigestEndToEndTest, SaysWhoTookItFirstExpiredAndForgedLinks) {
  std::string path = TakePath("eloise@example.org");
  std::string later = TakePath("zoe@example.org");  // Zoé's own link, still unused
  ASSERT_TRUE(tickets_->Claim(&volunteer2_, ticket_.id).ok());
  auto first = Send(port(), "POST", path, "", {kForm});
  EXPECT_EQ(first.status, 409);
  EXPECT_NE(first.body.find("Quelqu&#39;un d&#39;autre a pris cette demande avant vous."), std::string::npos)
      << first.body;
  EXPECT_NE(first.body.find("Zoé Tremblay"), std::string::npos);
  EXPECT_NE(first.body.find("href=\"/fr/tickets/" + std::to_string(ticket_.id) + "\""), std::string::npos);
  EXPECT_EQ(Assignee(), std::to_string(volunteer2_.user_id));

  std::string forged = path.substr(0, path.size() - 1) + (path.back() == '0' ? "1" : "0");
  for (const std::string& bad :
       {forged, std::string("/fr/take/nope"), path + "00", std::string("/en/take/") + std::string(64, 'Z')}) {
    auto r = Get(port(), bad);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_TRUE(r.body.find("Ce lien n&#39;est pas valide.") != std::string::npos ||
                r.body.find("This link is not valid.") != std::string::npos)
        << bad;
    EXPECT_EQ(Send(port(), "POST", bad, "", {kForm}).status, 404) << bad;
  }
  EXPECT_EQ(Get(port(), "/xx/take/" + std::string(64, 'a')).status, 404);

  ASSERT_TRUE(tickets_->Assign(&coordinator_, ticket_.id, std::nullopt).ok());
  clock_.Advance(7 * 24 * 3600);
  auto expired = Get(port(), later);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("Ce lien est expiré"), std::string::npos);
}

TEST_F(DigestEndToEndTest, FailedMessagesAreShownToCoordinatorsOnlyAndCanBeSentAgain) {
  Text("DELETE FROM outbox");  // the acknowledgement of the fixture's ticket: the failed message is number 1
  ASSERT_EQ(Text("INSERT INTO outbox (kind, recipient_email, recipient_name, lang, status, attempts, last_error, "
                 "created_at, subject) VALUES ('ticket_reply', 'gone@example.org', 'Parti', 'fr', 'failed', 12, "
                 "'550 no such user <gone@example.org>', 1790000000, 'ENT-2027-0001 : réponse') RETURNING id"),
            "1");
  EXPECT_EQ(Get(port(), "/fr/admin/mail").status, 303);  // to sign in
  std::string member_sid = SignIn("mo@example.org");
  EXPECT_EQ(Get(port(), "/fr/admin/mail", {"Cookie: sid=" + member_sid}).status, 403);
  EXPECT_EQ(Send(port(), "POST", "/fr/admin/mail/1/retry", "csrf=x", {kForm, "Cookie: sid=" + member_sid}).status, 403);
  std::string volunteer_sid = SignIn("eloise@example.org");
  EXPECT_EQ(Get(port(), "/fr/admin/mail", {"Cookie: sid=" + volunteer_sid}).status, 403);

  std::string sid = SignIn("coord@example.org");
  auto page = Get(port(), "/fr/admin/mail", {"Cookie: sid=" + sid});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("gone@example.org"), std::string::npos);
  EXPECT_NE(page.body.find("550 no such user &lt;gone@example.org&gt;"), std::string::npos);
  EXPECT_NE(page.body.find("ENT-2027-0001 : réponse"), std::string::npos);
  EXPECT_NE(page.body.find("<td>12</td>"), std::string::npos);
  EXPECT_NE(Get(port(), "/fr/admin", {"Cookie: sid=" + sid}).body.find("href=\"/fr/admin/mail\""), std::string::npos);

  EXPECT_EQ(Send(port(), "POST", "/fr/admin/mail/1/retry", "csrf=wrong", {kForm, "Cookie: sid=" + sid}).status, 403);
  EXPECT_EQ(Text("SELECT status FROM outbox WHERE id = 1"), "failed");
  auto retry =
      Send(port(), "POST", "/fr/admin/mail/1/retry", "csrf=" + CsrfField(page.body), {kForm, "Cookie: sid=" + sid});
  EXPECT_EQ(retry.status, 303);
  EXPECT_EQ(retry.Header("location"), "/fr/admin/mail?retried=1");
  EXPECT_EQ(Text("SELECT status || ' ' || attempts || ' ' || (created_at = next_attempt_at) FROM outbox WHERE id = 1"),
            "pending 0 1");
  auto after = Get(port(), "/fr/admin/mail?retried=1", {"Cookie: sid=" + sid});
  EXPECT_NE(after.body.find("Aucun courriel en échec"), std::string::npos);
  EXPECT_EQ(
      Send(port(), "POST", "/fr/admin/mail/1/retry", "csrf=" + CsrfField(page.body), {kForm, "Cookie: sid=" + sid})
          .status,
      404);
  EXPECT_EQ(
      Send(port(), "POST", "/fr/admin/mail/abc/retry", "csrf=" + CsrfField(page.body), {kForm, "Cookie: sid=" + sid})
          .status,
      404);
}

// A failed sign-in, reset or invitation email lost its link when it failed: no "send again" button, and the
// POST is refused with a page that says why.
TEST_F(DigestEndToEndTest, AFailedLinkEmailCannotBeSentAgain) {
  Text("DELETE FROM outbox");  // the acknowledgement of the fixture's ticket: the failed message is number 1
  ASSERT_EQ(Text("INSERT INTO outbox (kind, recipient_email, lang, status, attempts, last_error, created_at, subject) "
                 "VALUES ('signin_link', 'mo@example.org', 'fr', 'failed', 30, 'timeout', 1790000000, "
                 "'Votre lien de connexion') RETURNING id"),
            "1");
  std::string sid = SignIn("coord@example.org");
  auto page = Get(port(), "/fr/admin/mail", {"Cookie: sid=" + sid});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("/fr/admin/mail/1/retry"), std::string::npos) << "no button";
  EXPECT_NE(page.body.find("Son lien a été effacé"), std::string::npos);
  auto retry =
      Send(port(), "POST", "/fr/admin/mail/1/retry", "csrf=" + CsrfField(page.body), {kForm, "Cookie: sid=" + sid});
  EXPECT_EQ(retry.status, 409);
  EXPECT_NE(retry.body.find("contenait un lien à usage unique"), std::string::npos);
  EXPECT_EQ(Text("SELECT status FROM outbox WHERE id = 1"), "failed");
}

}  // namespace
}  // namespace entraide::testing

// End-to-end: email through the real server and a real SMTP server (aiosmtpd on loopback): a sign-in link in
// the reader's language, the one-click unsubscribe of RFC 8058 from a message's own header, the preferences
// page, and `entraide mail send` writing .eml files when no SMTP host is set.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "auth/accounts.h"
#include "core/escape.h"
#include "core/json_writer.h"
#include "core/strings.h"
#include "fixtures.h"
#include "mail_util.h"
#include "store/account_repo.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {
namespace fs = std::filesystem;

const std::string kForm = "Content-Type: application/x-www-form-urlencoded";

class MailEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    smtp_.Start();
    auth::AuthOptions o;
    o.base_url = "http://entraide.test";
    o.hash_cost = auth::HashCost::Minimum();
    app_ = std::make_unique<TestApp>(
        [this](app::Config& c) {
          c.views_dir = ViewsWithTestMail(views_);
          c.mail_smtp_host = "127.0.0.1";
          c.mail_smtp_port = smtp_.port();
          c.mail_poll_seconds = 3600;  // the tests say when to deliver
        },
        &clock_, o);
    app_->directory().Group("coop-a", "Coop A");
    mo_ = app_->directory().Person("mo@example.org", "Maude Ouellet", "member", {"coop-a"});
    ASSERT_NE(mo_, 0);
  }
  int port() { return app_->port(); }
  void Deliver() { ASSERT_TRUE(app_->app().DeliverMail(30000)); }

  void QueueReply() {
    ASSERT_NE(QueueTicketReply(app_->pool(), {.number = 7,
                                              .ticket_subject = "Courriel qui rebondit",
                                              .reply = "Vérifiez l'adresse.",
                                              .recipient_email = "mo@example.org",
                                              .recipient_name = "Maude Ouellet",
                                              .user_id = mo_,
                                              .created_at = clock_.NowSeconds()}),
              0);
  }
  std::string Text(const std::string& sql) { return QueryText(app_->pool(), sql); }
  std::string SignIn(const std::string& email) { return SignInForm(port(), email); }

  SmtpServer smtp_;
  TempDir views_;
  core::FakeClock clock_;
  std::unique_ptr<TestApp> app_;
  int64_t mo_ = 0;
};

TEST_F(MailEndToEndTest, SignInLinkAskedInFrenchArrivesInFrenchAndWorks) {
  auto page = Get(port(), "/fr/signin/link");
  auto r = Send(port(), "POST", "/fr/signin/link", "csrf=" + CsrfField(page.body) + "&email=mo%40example.org",
                {kForm, "Cookie: csrf=" + CookieValue(page, "csrf")});
  ASSERT_EQ(r.status, 200);
  Deliver();
  auto files = smtp_.MessageFiles();
  ASSERT_EQ(files.size(), 1u);
  DecodedMail d = DecodeMail(files[0]);
  EXPECT_EQ(d.Header("Subject"), "Votre lien de connexion à Entraide");
  EXPECT_EQ(d.Header("To"), "Maude Ouellet <mo@example.org>");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(d.text, m, std::regex(R"(http://entraide\.test(/fr/signin/link/[A-Za-z0-9_-]+))")));
  auto confirm = Get(port(), m[1]);
  EXPECT_EQ(confirm.status, 200);
  EXPECT_NE(confirm.body.find("Me connecter"), std::string::npos);
}

TEST_F(MailEndToEndTest, OneClickUnsubscribeFromTheMessageHeader) {
  QueueReply();
  Deliver();
  auto files = smtp_.MessageFiles();
  ASSERT_EQ(files.size(), 1u);
  DecodedMail d = DecodeMail(files[0]);
  EXPECT_EQ(d.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  std::string url = d.Header("List-Unsubscribe");
  ASSERT_TRUE(core::StartsWith(url, "<http://entraide.test/fr/unsubscribe/")) << url;
  std::string path = url.substr(std::string("<http://entraide.test").size());
  path.pop_back();

  auto confirm = Get(port(), path);  // what a person sees after clicking the link in the body
  ASSERT_EQ(confirm.status, 200);
  EXPECT_NE(confirm.body.find("mo@example.org"), std::string::npos);
  EXPECT_NE(confirm.body.find("name=\"List-Unsubscribe\" value=\"One-Click\""), std::string::npos);
  EXPECT_EQ(Text("SELECT notifications FROM mail_settings WHERE user_id = " + std::to_string(mo_)), "1")
      << "a GET changes nothing (mail scanners open links)";

  EXPECT_EQ(Send(port(), "POST", path, "", {kForm}).status, 400) << "the body must say One-Click";
  auto done = Send(port(), "POST", path, "List-Unsubscribe=One-Click", {kForm});  // as a mail provider sends it
  EXPECT_EQ(done.status, 200);
  EXPECT_EQ(Text("SELECT notifications FROM mail_settings WHERE user_id = " + std::to_string(mo_)), "0");
  EXPECT_EQ(Send(port(), "POST", path, "List-Unsubscribe=One-Click", {kForm}).status, 200) << "twice is fine";
  std::string multipart =
      "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n";
  EXPECT_EQ(Send(port(), "POST", path, multipart, {"Content-Type: multipart/form-data; boundary=b"}).status, 200);

  std::string forged = path.substr(0, path.size() - 4) + "0000";
  EXPECT_EQ(Get(port(), forged).status, 404);
  EXPECT_EQ(Send(port(), "POST", forged, "List-Unsubscribe=One-Click", {kForm}).status, 404);

  QueueReply();  // the next notification is not sent any more
  Deliver();
  EXPECT_EQ(smtp_.MessageFiles().size(), 1u);
  EXPECT_EQ(Text("SELECT status FROM outbox WHERE kind = 'ticket_reply' ORDER BY id DESC LIMIT 1"), "skipped");
}

TEST_F(MailEndToEndTest, PreferencesPageNeedsTheSessionAndItsCsrfToken) {
  EXPECT_EQ(Get(port(), "/en/account/email").status, 303) << "signed out: to the sign-in page";
  std::string sid = SignIn("mo@example.org");
  auto page = Get(port(), "/en/account/email", {"Cookie: sid=" + sid});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("name=\"group_digest\""), std::string::npos) << "members get the group digest";
  EXPECT_EQ(page.body.find("name=\"volunteer_digest\""), std::string::npos);
  EXPECT_NE(page.body.find("value=\"weekly\" selected"), std::string::npos) << "weekly by default for members";
  std::string csrf = CsrfField(page.body);
  EXPECT_EQ(
      Send(port(), "POST", "/en/account/email", "notifications=off&group_digest=daily", {kForm, "Cookie: sid=" + sid})
          .status,
      403);
  auto saved = Send(port(), "POST", "/en/account/email", "csrf=" + csrf + "&notifications=off&group_digest=daily",
                    {kForm, "Cookie: sid=" + sid});
  EXPECT_EQ(saved.status, 303);
  std::string uid = std::to_string(mo_);
  EXPECT_EQ(Text("SELECT notifications || ' ' || group_digest FROM mail_settings WHERE user_id = " + uid), "0 daily");
  auto bad = Send(port(), "POST", "/en/account/email", "csrf=" + csrf + "&notifications=on&group_digest=hourly",
                  {kForm, "Cookie: sid=" + sid});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Text("SELECT group_digest FROM mail_settings WHERE user_id = " + uid), "daily");
  auto fr = Get(port(), "/fr/account/email", {"Cookie: sid=" + sid});
  EXPECT_NE(fr.body.find("Préférences de courriel"), std::string::npos);
}

TEST(MailCliTest, MailSendWritesEmlFilesWithoutAnSmtpHostAndStatusCountsThem) {
  TempDir data;
  std::string env = "ENTRAIDE_DATA_DIR='" + data.path() + "' ENTRAIDE_SITE_NAME='Entraide Québec'";
  auto add = RunEntraide("user add --email lea@example.org --name 'Léa Tremblay' --role member --lang fr", env);
  ASSERT_EQ(add.exit_code, 0) << add.output;
  auto send = RunEntraide("mail send", env);
  EXPECT_EQ(send.exit_code, 0) << send.output;
  EXPECT_NE(send.output.find("1 sent"), std::string::npos) << send.output;
  std::string file = data.Join("mail/outbox-1.eml");
  ASSERT_TRUE(fs::exists(file)) << send.output;
  DecodedMail d = DecodeMail(file);
  EXPECT_EQ(d.Header("Subject"), "Votre invitation à Entraide Québec");
  EXPECT_EQ(d.Header("To"), "Léa Tremblay <lea@example.org>");
  auto again = RunEntraide("mail send --retry-now", env);
  EXPECT_NE(again.output.find("0 sent"), std::string::npos) << again.output;
  auto status = RunEntraide("mail status", env);
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.output.find("sent 1"), std::string::npos) << status.output;
  auto json = RunEntraide("mail status --json", env);
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.output.find(R"({"counts":{"pending":0,"sending":0,"sent":1,"failed":0,"skipped":0},"failed":[]})"),
            std::string::npos)
      << json.output;
  EXPECT_EQ(RunEntraide("mail frobnicate", env).exit_code, 2);
  EXPECT_EQ(RunEntraide("mail send", env + " ENTRAIDE_MAIL_SMTP_TLS=sometimes").exit_code, 2) << "validated config";
}

// The configuration reaches the transport: `mail send` through a relay that requires STARTTLS and whose
// certificate comes from a private CA (mail.smtp.ca_file); without that CA the message waits, unsent.
TEST(MailCliTest, MailSendThroughARelayRequiringStartTlsWithAPrivateCa) {
  TempDir data, certs;
  TestCertificate cert = MakeTestCertificate(certs, "DNS:localhost,IP:127.0.0.1");
  SmtpServer relay(SmtpServer::Tls::kStartTls, cert);
  relay.Start();
  std::string env = "ENTRAIDE_DATA_DIR='" + data.path() +
                    "' ENTRAIDE_MAIL_SMTP_HOST=127.0.0.1 ENTRAIDE_MAIL_SMTP_PORT=" + std::to_string(relay.port()) +
                    " ENTRAIDE_MAIL_SMTP_TLS=starttls";
  auto add = RunEntraide("user add --email lea@example.org --name 'Léa Tremblay' --role member --lang fr", env);
  ASSERT_EQ(add.exit_code, 0) << add.output;
  auto untrusted = RunEntraide("mail send", env);
  EXPECT_NE(untrusted.output.find("0 sent"), std::string::npos) << untrusted.output;
  EXPECT_TRUE(relay.MessageFiles().empty());
  auto sent = RunEntraide("mail send --retry-now", env + " ENTRAIDE_MAIL_SMTP_CA_FILE='" + cert.cert + "'");
  EXPECT_NE(sent.output.find("1 sent"), std::string::npos) << sent.output;
  ASSERT_EQ(relay.MessageFiles().size(), 1u);
  EXPECT_EQ(DecodeMail(relay.MessageFiles()[0]).Header("To"), "Léa Tremblay <lea@example.org>");
}

// The help desk's notifications, with the real templates: a volunteer's question reaches the group in French,
// threaded by ticket; the group's answer reaches the volunteer who holds the ticket.
TEST(TicketMailTest, HelpDeskNotificationsArriveInTheReadersLanguageThreadedByTicket) {
  SmtpServer smtp;
  smtp.Start();
  core::FakeClock clock;
  auth::AuthOptions o;
  o.base_url = "http://entraide.test";
  o.hash_cost = auth::HashCost::Minimum();
  TestApp app(
      [&](app::Config& c) {
        c.mail_smtp_host = "127.0.0.1";
        c.mail_smtp_port = smtp.port();
        c.mail_poll_seconds = 3600;
      },
      &clock, o);
  app.directory().Group("coop-a", "Coop A");
  app.directory().Person("mo@example.org", "Maude Ouellet", "member", {"coop-a"});
  app.directory().Person("eli@example.org", "Éloïse", "volunteer", {}, "en");
  ApiSession mo = SignInApi(app.port(), "mo@example.org");
  auto [mo_sid, mo_csrf] = mo;
  auto [eli_sid, eli_csrf] = SignInApi(app.port(), "eli@example.org");
  int64_t created = CreateTicketApi(app.port(), mo, TicketJson("Imprimante bloquée", "Elle clignote.", "hardware"));
  ASSERT_NE(created, 0);
  std::string id = std::to_string(created);
  ASSERT_EQ(Send(app.port(), "POST", "/api/v1/tickets/" + id + "/claim", "",
                 {"Cookie: sid=" + eli_sid, "X-CSRF-Token: " + eli_csrf})
                .status,
            200);
  auto patch_ask = Send(app.port(), "PATCH", "/api/v1/tickets/" + id, R"({"status": "waiting_on_group"})",
                        {"Cookie: sid=" + eli_sid, "X-CSRF-Token: " + eli_csrf});
  ASSERT_EQ(patch_ask.status, 200);
  ASSERT_EQ(Send(app.port(), "POST", "/api/v1/tickets/" + id + "/replies", R"({"body": "Quel modèle exactement?"})",
                 {"Cookie: sid=" + eli_sid, "X-CSRF-Token: " + eli_csrf})
                .status,
            201);
  ASSERT_EQ(Send(app.port(), "POST", "/api/v1/tickets/" + id + "/replies", R"({"body": "Une Brother HL-2270."})",
                 {"Cookie: sid=" + mo_sid, "X-CSRF-Token: " + mo_csrf})
                .status,
            201);
  ASSERT_TRUE(app.app().DeliverMail(30000));
  auto files = smtp.MessageFiles();
  ASSERT_EQ(files.size(), 3u) << "the acknowledgement of the new ticket, the volunteer's question, the answer";
  DecodedMail to_group, to_volunteer, received;
  for (const auto& f : files) {
    DecodedMail d = DecodeMail(f);
    if (d.Header("To").find("eli@example.org") != std::string::npos)
      to_volunteer = d;
    else if (d.Header("Subject").find("nous avons bien reçu") != std::string::npos)
      received = d;
    else
      to_group = d;
  }
  EXPECT_EQ(received.Header("References"), to_group.Header("References")) << "the acknowledgement starts the thread";
  EXPECT_NE(to_group.Header("Subject").find("a répondu à votre demande"), std::string::npos)
      << to_group.Header("Subject");
  EXPECT_NE(to_group.text.find("Quel modèle exactement?"), std::string::npos) << to_group.text;
  EXPECT_NE(to_group.text.find("http://entraide.test/fr/tickets/" + id), std::string::npos);
  EXPECT_FALSE(to_group.Header("List-Unsubscribe").empty());
  EXPECT_NE(to_volunteer.Header("Subject").find("the group answered"), std::string::npos)
      << to_volunteer.Header("Subject");
  EXPECT_NE(to_volunteer.text.find("http://entraide.test/en/tickets/" + id), std::string::npos);
  // Both belong to the ticket's thread.
  std::string ref_a = to_group.Header("References"), ref_b = to_volunteer.Header("References");
  EXPECT_FALSE(ref_a.empty());
  EXPECT_EQ(ref_a, ref_b);
}

}  // namespace
}  // namespace entraide::testing

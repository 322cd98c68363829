// End-to-end: mail received (#17) through the built binary and the running server: `entraide mail receive` on
// standard input with its sysexits codes, serve's POP3 poller against a real POP3 server on loopback, the
// original offered to volunteers only as a download, the confirmation page of a ticket written by mail (without
// JavaScript, in both languages), and bouncing addresses on the coordinators' pages and in /metrics.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "core/sha256.h"
#include "fixtures.h"
#include "mail_util.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

namespace fs = std::filesystem;

std::string Corpus(const std::string& name) { return ReadFile(SourceDir() + "/tests/mail/messages/" + name); }

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

class MailInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pop3_ = std::make_unique<Pop3Server>("aide@reseau.example", "pop-secret");
    smtp_.Start();
    app_ = std::make_unique<TestApp>([this](app::Config& c) {
      c.mail_smtp_host = "127.0.0.1";
      c.mail_smtp_port = smtp_.port();
      c.mail_reply_address = "aide@reseau.example";
      c.mail_bounce_address = "bounces@reseau.example";
      c.mail_new_ticket_address = "nouveau@reseau.example";
      c.mail_from = "Entraide <entraide@reseau.example>";
      c.mail_pop3_host = "127.0.0.1";
      c.mail_pop3_port = pop3_->port();
      c.mail_pop3_user = pop3_->user();
      c.mail_pop3_password = pop3_->password();
      c.mail_pop3_tls = "none";
      c.mail_pop3_poll_seconds = 3600;  // the tests ask for each pass
    });
    app_->directory().Group("quartier", "Groupe du quartier");
    app_->directory().Group("coop", "Coop du coin");
    app_->directory().Person("ana@reseau.example", "Ana", "coordinator");
    app_->directory().Person("jf@benevoles.example", "Jean-François", "volunteer");
    marie_id_ = app_->directory().Person("marie.tremblay@groupe.example", "Marie Tremblay", "member", {"quartier"});
    marie_ = SignInApi(port(), "marie.tremblay@groupe.example");
    jf_ = SignInApi(port(), "jf@benevoles.example");
    ana_ = SignInApi(port(), "ana@reseau.example");
    ticket_ = CreateTicketApi(port(), marie_, TicketJson("Sauvegarde en erreur", "Déjà Dup échoue.", "other"));
    ASSERT_GT(ticket_, 0);
  }
  int port() const { return app_->port(); }
  int64_t Sql(const std::string& sql) { return QueryInt(app_->pool(), sql); }
  std::string Token(int64_t user) {
    std::string token = "e2e" + std::to_string(++tokens_) + "aaaabbbbccccddddeeeeffff0000";
    ExecSql(app_->pool(), "INSERT INTO reply_tokens (token_hash, user_id, ticket_id, created_at) VALUES ('" +
                              core::Sha256Hex(token) + "', " + std::to_string(user) + ", " + std::to_string(ticket_) +
                              ", 0)");
    return token;
  }
  // `entraide mail receive` with `raw` on standard input, on the app's data dir and mail settings.
  CommandResult Receive(const std::string& raw, const std::string& flags = "") {
    std::string path = scratch_.Join("in-" + std::to_string(++files_) + ".eml");
    std::ofstream(path, std::ios::binary) << raw;
    std::string env =
        QuietDataDirEnv(app_->config().data_dir) +
        " ENTRAIDE_MAIL_REPLY_ADDRESS=aide@reseau.example ENTRAIDE_MAIL_BOUNCE_ADDRESS=bounces@reseau.example"
        " ENTRAIDE_MAIL_NEW_TICKET_ADDRESS=nouveau@reseau.example"
        " ENTRAIDE_SITE_BASE_URL=https://entraide.example.org";
    return RunEntraide("mail receive " + flags + " < " + ShellQuote(path), env);
  }
  int64_t Replies() {
    return Sql("SELECT count(*) FROM ticket_events WHERE kind = 'reply' AND ticket_id = " + std::to_string(ticket_));
  }

  // The messages aiosmtpd received for `to` so far, decoded, oldest first.
  std::vector<DecodedMail> MailTo(const std::string& to) {
    std::vector<DecodedMail> out;
    for (const auto& f : smtp_.MessageFiles()) {
      DecodedMail m = DecodeMail(f);
      if (m.Header("To").find(to) != std::string::npos) out.push_back(std::move(m));
    }
    return out;
  }

  TempDir scratch_;
  SmtpServer smtp_;
  std::unique_ptr<Pop3Server> pop3_;
  std::unique_ptr<TestApp> app_;
  ApiSession marie_, jf_, ana_;
  int64_t marie_id_ = 0, ticket_ = 0;
  int tokens_ = 0, files_ = 0;
};

TEST_F(MailInTest, MailReceiveTakesOneMessageOnStandardInputAndAnswersWithSysexitsCodes) {
  int64_t marie = marie_id_;
  CommandResult taken = Receive(Replace(Corpus("gmail-fr.eml"), "TOKENPLACEHOLDER", Token(marie)));
  EXPECT_EQ(taken.exit_code, 0) << taken.output;
  EXPECT_EQ(Replies(), 1);
  // The reply shows on the ticket page as Marie's, without the quoted history.
  auto page = Get(port(), "/fr/tickets/" + std::to_string(ticket_), jf_.Page());
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("a écrit"), std::string::npos);

  std::string forged = Replace(Replace(Corpus("outlook-fr.eml"), "TOKENPLACEHOLDER", Token(marie)),
                               "marie.tremblay@groupe.example", "pirate@attaquant.example");
  CommandResult refused = Receive(forged);
  EXPECT_EQ(refused.exit_code, 65) << refused.output;
  EXPECT_NE(refused.output.find("refused"), std::string::npos) << refused.output;
  EXPECT_EQ(Receive(forged, "--accept-refused").exit_code, 0);
  CommandResult unknown = Receive(Replace(Corpus("gmail-en.eml"), "TOKENPLACEHOLDER", "0000000000000000"));
  EXPECT_EQ(unknown.exit_code, 67) << unknown.output;
  // An auto-reply is taken (exit 0: the mail server must not bounce it) and lands nowhere.
  EXPECT_EQ(Receive(Replace(Corpus("auto-reply-fr.eml"), "TOKENPLACEHOLDER", Token(marie))).exit_code, 0);
  EXPECT_EQ(Replies(), 1);
  // The database cannot be opened: try again later.
  CommandResult later =
      RunEntraide("mail receive < /dev/null", "ENTRAIDE_DATA_DIR=/proc/entraide-no-such-dir ENTRAIDE_LOG_LEVEL=warn");
  EXPECT_EQ(later.exit_code, 75) << later.output;
  // Each is counted in /metrics.
  auto metrics = Get(port(), "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("entraide_mail_received_total{outcome=\"taken\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("entraide_mail_received_total{outcome=\"refused\"} 2"), std::string::npos);
  EXPECT_NE(metrics.body.find("entraide_mail_received_total{outcome=\"unknown\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("entraide_mail_received_total{outcome=\"ignored\"} 1"), std::string::npos);
}

TEST_F(MailInTest, TheOriginalIsAVolunteersDownloadNeverShownAndNeverTheGroups) {
  ASSERT_EQ(Receive(Replace(Corpus("html-only.eml"), "TOKENPLACEHOLDER", Token(marie_id_))).exit_code, 0);
  auto page = Get(port(), "/en/tickets/" + std::to_string(ticket_), jf_.Page());
  ASSERT_EQ(page.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("href=\"(/en/tickets/[0-9]+/mail/[0-9]+)\" download")))
      << "no link to the original";
  EXPECT_NE(page.body.find("Original message (.eml)"), std::string::npos);
  auto file = Get(port(), m[1].str(), jf_.Page());
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.Header("content-type").rfind("application/octet-stream", 0), 0u) << file.Header("content-type");
  EXPECT_EQ(file.Header("content-disposition").rfind("attachment;", 0), 0u);
  EXPECT_NE(file.body.find("<script"), std::string::npos);  // the message as received, for a volunteer to read
  // The group sees the reply, not the link, and cannot fetch the original.
  auto group_page = Get(port(), "/en/tickets/" + std::to_string(ticket_), marie_.Page());
  EXPECT_EQ(group_page.body.find("/mail/"), std::string::npos);
  int member = Get(port(), m[1].str(), marie_.Page()).status;
  EXPECT_TRUE(member == 403 || member == 404) << member;
  EXPECT_EQ(Get(port(), m[1].str()).status, 404);
}

TEST_F(MailInTest, ServeReadsItsPop3MailboxAndDeletesWhatItTookIgnoredOrRefused) {
  pop3_->Add("1-reply.eml", Replace(Corpus("thunderbird-fr.eml"), "TOKENPLACEHOLDER", Token(marie_id_)));
  pop3_->Add("2-auto.eml", Replace(Corpus("auto-reply-fr.eml"), "TOKENPLACEHOLDER", Token(marie_id_)));
  pop3_->Add("3-forged.eml", Replace(Replace(Corpus("gmail-en.eml"), "TOKENPLACEHOLDER", Token(marie_id_)),
                                     "marie.tremblay@groupe.example", "pirate@attaquant.example"));
  ASSERT_TRUE(app_->app().PollMailboxNow(20000));
  EXPECT_EQ(Replies(), 1);
  EXPECT_TRUE(pop3_->Names().empty()) << pop3_->Names().size() << " left";
  EXPECT_EQ(Sql("SELECT count(*) FROM inbound_mail"), 3);
  // Redelivered (the same Message-ID): taken once.
  pop3_->Add("4-again.eml", Replace(Corpus("thunderbird-fr.eml"), "TOKENPLACEHOLDER", Token(marie_id_)));
  ASSERT_TRUE(app_->app().PollMailboxNow(20000));
  EXPECT_EQ(Replies(), 1);
  EXPECT_TRUE(pop3_->Names().empty());
}

TEST_F(MailInTest, ATicketByMailOpensFromItsConfirmationPageWithoutJavaScriptInBothLanguages) {
  std::string raw =
      Replace(Corpus("thunderbird-en.eml"), "aide+TOKENPLACEHOLDER@reseau.example", "nouveau@reseau.example");
  ASSERT_EQ(Receive(raw).exit_code, 0);
  ASSERT_TRUE(app_->app().DeliverMail(10000));
  // The link is only in the message sent to Marie (the outbox keeps no live link once it is sent).
  std::string token;
  for (const auto& mail : MailTo("marie.tremblay@groupe.example")) {
    std::smatch m;
    if (std::regex_search(mail.text, m, std::regex("/fr/tickets/by-mail/([A-Za-z0-9_-]+)"))) token = m[1].str();
  }
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(Sql("SELECT count(*) FROM outbox WHERE kind = 'by_mail_confirmation' AND data_json LIKE '%" + token + "%'"),
            0);
  auto fr = Get(port(), "/fr/tickets/by-mail/" + token);
  ASSERT_EQ(fr.status, 200);
  EXPECT_NE(fr.body.find("Confirmer une demande"), std::string::npos);
  EXPECT_NE(fr.body.find("<form"), std::string::npos);
  auto en = Get(port(), "/en/tickets/by-mail/" + token);
  EXPECT_NE(en.body.find("Open the request"), std::string::npos);
  int64_t tickets = Sql("SELECT count(*) FROM tickets");
  auto done =
      Send(port(), "POST", "/en/tickets/by-mail/" + token, "", {"Content-Type: application/x-www-form-urlencoded"});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_NE(done.body.find("Your request is open"), std::string::npos);
  EXPECT_EQ(Sql("SELECT count(*) FROM tickets"), tickets + 1);
  EXPECT_EQ(
      Send(port(), "POST", "/en/tickets/by-mail/" + token, "", {"Content-Type: application/x-www-form-urlencoded"})
          .status,
      404);
  EXPECT_EQ(Get(port(), "/fr/tickets/by-mail/nope").status, 404);
}

// The whole loop through a real SMTP server: the acknowledgement Marie receives carries a Reply-To with a token
// and a VERP envelope sender; her answer to it lands on the ticket; delivery reports for it mark her address,
// and from the third nothing more is sent to it.
TEST_F(MailInTest, AReplyToARealNotificationLandsAndItsBouncesStopMailToTheAddress) {
  ASSERT_TRUE(app_->app().DeliverMail(10000));
  auto received = MailTo("marie.tremblay@groupe.example");
  ASSERT_EQ(received.size(), 1u) << "the acknowledgement";
  std::smatch m;
  std::string reply_to = received[0].Header("Reply-To");
  ASSERT_TRUE(std::regex_search(reply_to, m, std::regex("aide\\+([0-9a-z]+)@reseau\\.example"))) << reply_to;
  std::string token = m[1].str();
  std::string mail_from = received[0].Header("X-MailFrom");  // the envelope sender, as aiosmtpd saw it
  ASSERT_TRUE(std::regex_search(mail_from, m, std::regex("^bounces\\+([0-9]+\\.[0-9a-f]+)@reseau\\.example$")))
      << mail_from;
  std::string tag = m[1].str();

  CommandResult taken = Receive(Replace(Corpus("apple-mail-fr.eml"), "TOKENPLACEHOLDER", token));
  EXPECT_EQ(taken.exit_code, 0) << taken.output;
  EXPECT_EQ(Replies(), 1);
  EXPECT_EQ(Sql("SELECT actor_id FROM ticket_events WHERE kind = 'reply'"), marie_id_);

  for (int i = 1; i <= 3; ++i) {
    std::string dsn = Replace(Corpus("dsn-postfix-5.1.1.eml"), "IDPLACEHOLDER", tag);
    dsn = Replace(dsn, "<20261203151502.4QxW1d0Kt6z9sW@mx.reseau.example>",
                  "<dsn-" + std::to_string(i) + "@mx.reseau.example>");
    CommandResult bounce = Receive(dsn);
    EXPECT_EQ(bounce.exit_code, 0) << bounce.output;
  }
  EXPECT_EQ(Sql("SELECT failures FROM mail_bounces WHERE email = 'marie.tremblay@groupe.example' AND "
                "bouncing_since IS NOT NULL"),
            3);
  // Jean-François answers on the page's API: Marie would be told, but her address bounces.
  ASSERT_EQ(Send(port(), "POST", "/api/v1/tickets/" + std::to_string(ticket_) + "/replies",
                 "{\"body\": \"Merci, c'est noté.\"}", jf_.Headers(true))
                .status,
            201);
  ASSERT_TRUE(app_->app().DeliverMail(10000));
  EXPECT_EQ(MailTo("marie.tremblay@groupe.example").size(), 1u);
  EXPECT_EQ(Sql("SELECT count(*) FROM outbox WHERE recipient_email = 'marie.tremblay@groupe.example' AND "
                "status = 'failed' AND last_error LIKE '%bounces%'"),
            1);
}

TEST_F(MailInTest, ABouncingAddressShowsOnTheCoordinatorsPagesAndCanBeSentToAgain) {
  ExecSql(app_->pool(),
          "INSERT INTO mail_bounces (email, failures, last_status, last_at, bouncing_since) VALUES "
          "('marie.tremblay@groupe.example', 3, '5.1.1 user unknown', 1, 1)");
  auto mail = Get(port(), "/fr/admin/mail", ana_.Page());
  ASSERT_EQ(mail.status, 200);
  EXPECT_NE(mail.body.find("Adresses qui rejettent le courrier"), std::string::npos);
  EXPECT_NE(mail.body.find("marie.tremblay@groupe.example"), std::string::npos);
  EXPECT_NE(mail.body.find("5.1.1 user unknown"), std::string::npos);
  auto person = Get(port(), "/en/admin/people/" + std::to_string(marie_id_), ana_.Page());
  EXPECT_NE(person.body.find("This address bounces"), std::string::npos);
  EXPECT_NE(Get(port(), "/metrics").body.find("entraide_mail_bouncing_addresses 1"), std::string::npos);
  // Members and volunteers do not reach the page; the coordinator clears it with the form.
  EXPECT_EQ(Get(port(), "/fr/admin/mail", jf_.Page()).status, 403);
  std::string csrf = CsrfField(mail.body);
  auto cleared = Send(port(), "POST", "/fr/admin/mail/bounces/clear",
                      "csrf=" + csrf + "&email=marie.tremblay%40groupe.example", ana_.Form());
  EXPECT_EQ(cleared.status, 303);
  EXPECT_EQ(Sql("SELECT count(*) FROM mail_bounces"), 0);
  auto forged = Send(port(), "POST", "/fr/admin/mail/bounces/clear", "csrf=x&email=a%40b.c", ana_.Form());
  EXPECT_EQ(forged.status, 403);
}

// POP3S: the server's certificate must chain to a trusted CA (here mail.smtp.ca_file) and name the host; a
// server whose certificate names another host is never logged in to, and its messages stay where they are.
TEST(MailInPop3sTest, TheMailboxIsReadOverTlsOnlyFromAServerWhoseCertificateNamesIt) {
  TempDir certs;
  TestCertificate good = MakeTestCertificate(certs, "DNS:localhost,IP:127.0.0.1");
  TempDir other_dir;
  TestCertificate other = MakeTestCertificate(other_dir, "DNS:mail.elsewhere.test");
  for (bool trusted : {true, false}) {
    SCOPED_TRACE(trusted ? "its certificate names 127.0.0.1" : "its certificate names another host");
    const TestCertificate& cert = trusted ? good : other;
    Pop3Server pop3("aide@reseau.example", "pop-secret", &cert);
    pop3.Add("1.eml",
             Replace(Corpus("gmail-fr.eml"), "aide+TOKENPLACEHOLDER@reseau.example", "personne@ailleurs.example"));
    TestApp app([&](app::Config& c) {
      c.mail_reply_address = "aide@reseau.example";
      c.mail_pop3_host = "127.0.0.1";
      c.mail_pop3_port = pop3.port();
      c.mail_pop3_user = pop3.user();
      c.mail_pop3_password = pop3.password();
      c.mail_pop3_tls = "tls";
      c.mail_smtp_ca_file = cert.cert;
      c.mail_pop3_poll_seconds = 3600;
    });
    ASSERT_TRUE(app.app().PollMailboxNow(20000));
    EXPECT_EQ(QueryInt(app.pool(), "SELECT count(*) FROM inbound_mail"), trusted ? 1 : 0);
    EXPECT_EQ(pop3.Names().size(), trusted ? 0u : 1u);
  }
}

}  // namespace
}  // namespace entraide::testing

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
#include "mail_util.h"
#include "store/account_repo.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {
namespace fs = std::filesystem;

constexpr const char* kPassword = "Horse battery staple 42!";
const std::string kForm = "Content-Type: application/x-www-form-urlencoded";

class MailEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    smtp_.Start();
    app::Config c = TestConfig(data_.path());
    c.content_dir = content_.path();
    c.views_dir = ViewsWithTestMail(views_);
    c.mail_smtp_host = "127.0.0.1";
    c.mail_smtp_port = smtp_.port();
    c.mail_poll_seconds = 3600;  // the tests say when to deliver
    app_ = std::make_unique<RunningApp>(c, &clock_);
    pool_ = std::make_unique<store::Pool>(data_.Join("entraide.db"));
    auth::AuthOptions o;
    o.base_url = "http://entraide.test";
    o.hash_cost = auth::HashCost::Minimum();
    admin_ = std::make_unique<auth::Accounts>(*pool_, clock_, o);
    ASSERT_TRUE(admin_->directory.CreateGroup(auth::Principal::System(), "coop-a", "Coop A", "fr").ok());
    auto id = admin_->directory.AddPerson(auth::Principal::System(), "mo@example.org", "Maude Ouellet",
                                          model::Role::kMember, {"coop-a"}, "fr", std::string(kPassword));
    ASSERT_TRUE(id.ok());
    mo_ = *id;
  }
  int port() { return app_->port(); }
  void Deliver() { ASSERT_TRUE(app_->app().DeliverMail(30000)); }

  void QueueReply() {
    core::JsonWriter w;
    w.BeginObject()
        .Field("ref", "ENT-2027-0007")
        .Field("ticket_subject", "Courriel qui rebondit")
        .Field("volunteer", "Éloïse")
        .Field("reply", "Vérifiez l'adresse.")
        .Field("link", "http://entraide.test/fr/tickets/7")
        .EndObject();
    store::OutboxMessage m;
    m.kind = "ticket_reply";
    m.recipient_email = "mo@example.org";
    m.recipient_name = "Maude Ouellet";
    m.lang = "fr";
    m.user_id = mo_;
    m.data_json = w.Take();
    m.thread_key = "ticket:7";
    m.created_at = clock_.NowSeconds();
    auto db = pool_->Acquire();
    ASSERT_TRUE(store::AccountRepository(**db).EnqueueMail(m).ok());
  }
  std::string Text(const std::string& sql) { return QueryText(*pool_, sql); }
  std::string SignIn(const std::string& email) {
    auto page = Get(port(), "/en/signin");
    auto r = Send(port(), "POST", "/en/signin",
                  "csrf=" + CsrfField(page.body) + "&email=" + core::UrlEncodeComponent(email) +
                      "&password=" + core::UrlEncodeComponent(kPassword),
                  {kForm, "Cookie: csrf=" + CookieValue(page, "csrf")});
    EXPECT_EQ(r.status, 303);
    return CookieValue(r, "sid");
  }

  SmtpServer smtp_;
  TempDir data_, content_, views_;
  core::FakeClock clock_;
  std::unique_ptr<RunningApp> app_;
  std::unique_ptr<store::Pool> pool_;
  std::unique_ptr<auth::Accounts> admin_;
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

std::pair<int, std::string> RunEntraide(const std::string& args, const std::string& env) {
  std::string cmd = "cd '" + SourceDir() + "' && env " + env + " '" + BinaryDir() + "/entraide' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(MailCliTest, MailSendWritesEmlFilesWithoutAnSmtpHostAndStatusCountsThem) {
  TempDir data;
  std::string env = "ENTRAIDE_DATA_DIR='" + data.path() + "' ENTRAIDE_SITE_NAME='Entraide Québec'";
  auto add = RunEntraide("user add --email lea@example.org --name 'Léa Tremblay' --role member --lang fr", env);
  ASSERT_EQ(add.first, 0) << add.second;
  auto send = RunEntraide("mail send", env);
  EXPECT_EQ(send.first, 0) << send.second;
  EXPECT_NE(send.second.find("1 sent"), std::string::npos) << send.second;
  std::string file = data.Join("mail/outbox-1.eml");
  ASSERT_TRUE(fs::exists(file)) << send.second;
  DecodedMail d = DecodeMail(file);
  EXPECT_EQ(d.Header("Subject"), "Votre invitation à Entraide Québec");
  EXPECT_EQ(d.Header("To"), "Léa Tremblay <lea@example.org>");
  auto again = RunEntraide("mail send --retry-now", env);
  EXPECT_NE(again.second.find("0 sent"), std::string::npos) << again.second;
  auto status = RunEntraide("mail status", env);
  EXPECT_EQ(status.first, 0);
  EXPECT_NE(status.second.find("sent 1"), std::string::npos) << status.second;
  auto json = RunEntraide("mail status --json", env);
  EXPECT_EQ(json.first, 0);
  EXPECT_NE(json.second.find(R"({"counts":{"pending":0,"sending":0,"sent":1,"failed":0,"skipped":0},"failed":[]})"),
            std::string::npos)
      << json.second;
  EXPECT_EQ(RunEntraide("mail frobnicate", env).first, 2);
  EXPECT_EQ(RunEntraide("mail send", env + " ENTRAIDE_MAIL_SMTP_TLS=sometimes").first, 2) << "validated config";
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
  ASSERT_EQ(add.first, 0) << add.second;
  auto untrusted = RunEntraide("mail send", env);
  EXPECT_NE(untrusted.second.find("0 sent"), std::string::npos) << untrusted.second;
  EXPECT_TRUE(relay.MessageFiles().empty());
  auto sent = RunEntraide("mail send --retry-now", env + " ENTRAIDE_MAIL_SMTP_CA_FILE='" + cert.cert + "'");
  EXPECT_NE(sent.second.find("1 sent"), std::string::npos) << sent.second;
  ASSERT_EQ(relay.MessageFiles().size(), 1u);
  EXPECT_EQ(DecodeMail(relay.MessageFiles()[0]).Header("To"), "Léa Tremblay <lea@example.org>");
}

// The help desk's notifications, with the real templates: a volunteer's question reaches the group in French,
// threaded by ticket; the group's answer reaches the volunteer who holds the ticket.
TEST(TicketMailTest, HelpDeskNotificationsArriveInTheReadersLanguageThreadedByTicket) {
  SmtpServer smtp;
  smtp.Start();
  TempDir data, content;
  core::FakeClock clock;
  app::Config c = TestConfig(data.path());
  c.content_dir = content.path();
  c.mail_smtp_host = "127.0.0.1";
  c.mail_smtp_port = smtp.port();
  c.mail_poll_seconds = 3600;
  RunningApp app(c, &clock);
  store::Pool pool(data.Join("entraide.db"));
  auth::AuthOptions o;
  o.base_url = "http://entraide.test";
  o.hash_cost = auth::HashCost::Minimum();
  auth::Accounts admin(pool, clock, o);
  ASSERT_TRUE(admin.directory.CreateGroup(auth::Principal::System(), "coop-a", "Coop A", "fr").ok());
  ASSERT_TRUE(admin.directory
                  .AddPerson(auth::Principal::System(), "mo@example.org", "Maude Ouellet", model::Role::kMember,
                             {"coop-a"}, "fr", std::string(kPassword))
                  .ok());
  ASSERT_TRUE(admin.directory
                  .AddPerson(auth::Principal::System(), "eli@example.org", "Éloïse", model::Role::kVolunteer, {}, "en",
                             std::string(kPassword))
                  .ok());
  auto sign_in = [&](const std::string& email) {
    auto r = Send(app.port(), "POST", "/api/v1/session",
                  R"({"email": ")" + email + R"(", "password": ")" + kPassword + "\"}", {});
    EXPECT_EQ(r.status, 200);
    return std::make_pair(CookieValue(r, "sid"), r.Header("x-csrf-token"));
  };
  auto [mo_sid, mo_csrf] = sign_in("mo@example.org");
  auto [eli_sid, eli_csrf] = sign_in("eli@example.org");
  auto created = Send(app.port(), "POST", "/api/v1/tickets",
                      R"({"subject": "Imprimante bloquée", "body": "Elle clignote.", "category": "hardware"})",
                      {"Cookie: sid=" + mo_sid, "X-CSRF-Token: " + mo_csrf});
  ASSERT_EQ(created.status, 201);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created.body, m, std::regex(R"re("id":(\d+))re")));
  std::string id = m[1];
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
  ASSERT_EQ(files.size(), 2u);
  DecodedMail to_group = DecodeMail(files[0]);
  DecodedMail to_volunteer = DecodeMail(files[1]);
  if (to_group.Header("To").find("mo@example.org") == std::string::npos) std::swap(to_group, to_volunteer);
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

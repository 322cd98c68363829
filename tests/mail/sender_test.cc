// The sender against a real SMTP server (aiosmtpd on a free loopback port) and a real SQLite store: messages in
// the recipient's language that decode correctly, unsubscribe and thread headers, header injection, the server
// down then up (exactly once), giving up after 48 hours, .eml files, and two senders at once.
#include "mail/sender.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>
#include <utility>

#include "app/app.h"
#include "auth/accounts.h"
#include "core/json_writer.h"
#include "core/strings.h"
#include "i18n/catalog.h"
#include "mail/composer.h"
#include "mail/outbox_admin.h"
#include "mail/preferences.h"
#include "mail_util.h"
#include "privacy/privacy_service.h"
#include "store/account_repo.h"
#include "store/mail_repo.h"
#include "view/renderer.h"

namespace entraide::testing {
namespace {
namespace fs = std::filesystem;

constexpr const char* kPassword = "Horse battery staple 42!";

class MailSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = TestConfig(data_.path());
    config_.views_dir = ViewsWithTestMail(views_dir_);
    ASSERT_TRUE(app::PrepareStore(config_).ok());
    pool_ = std::make_unique<store::Pool>(config_.DatabasePath());
    auth::AuthOptions o;
    o.base_url = "http://entraide.test";
    o.hash_cost = auth::HashCost::Minimum();
    auth_ = std::make_unique<auth::Accounts>(*pool_, clock_, o);
    auto id = auth_->directory.AddPerson(auth::Principal::System(), "amelie@example.org", "Amélie Côté-Lévesque",
                                         model::Role::kMember, {}, "fr", std::string(kPassword));
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    amelie_ = *id;
    auto views = view::Renderer::Load(config_.views_dir);
    ASSERT_TRUE(views.ok()) << views.status().ToString();
    views_ = std::move(views).value();
    auto db = pool_->Acquire();
    auto tokens = mail::UnsubscribeTokens::Load(**db);
    ASSERT_TRUE(tokens.ok());
    tokens_ = std::make_unique<mail::UnsubscribeTokens>(*tokens);
    mail::ComposerOptions co;
    co.from = {"Entraide Québec", "entraide@example.org"};
    co.base_url = "http://entraide.test";
    co.site_name = "Entraide";
    composer_ = std::make_unique<mail::Composer>(*views_, *tokens_, co);
  }

  std::unique_ptr<mail::Transport> Smtp(int port) {
    mail::SmtpOptions o;
    o.host = "127.0.0.1";
    o.port = port;
    o.timeout_s = 10;
    return mail::MakeSmtpTransport(o);
  }

  mail::SendReport Run(mail::Transport& t, bool retry_now = false) {
    mail::Sender sender(*pool_, clock_, *composer_, t);
    auto r = sender.RunOnce(retry_now);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : mail::SendReport{};
  }

  // A ticket notification (the help desk will queue these), to Amélie unless told otherwise.
  int64_t QueueReply(const std::string& ticket_subject, const std::string& recipient_name = "Amélie Côté-Lévesque",
                     const std::string& lang = "fr") {
    return QueueTicketReply(*pool_, {.number = 42,
                                     .ticket_subject = ticket_subject,
                                     .reply = "Redémarrez l'imprimante, puis réessayez. Ça devrait aller!",
                                     .recipient_email = "amelie@example.org",
                                     .recipient_name = recipient_name,
                                     .lang = lang,
                                     .user_id = amelie_,
                                     .created_at = clock_.NowSeconds()});
  }

  std::string Text(const std::string& sql) { return QueryText(*pool_, sql); }
  std::string StatusOf(int64_t id) { return Text("SELECT status FROM outbox WHERE id = " + std::to_string(id)); }

  TempDir data_, views_dir_;
  app::Config config_;
  core::FakeClock clock_;
  std::unique_ptr<store::Pool> pool_;
  std::unique_ptr<auth::Accounts> auth_;
  std::unique_ptr<view::Renderer> views_;
  std::unique_ptr<mail::UnsubscribeTokens> tokens_;
  std::unique_ptr<mail::Composer> composer_;
  int64_t amelie_ = 0;
};

TEST_F(MailSenderTest, FrenchSignInLinkWithAccentsArrivesAndDecodes) {
  SmtpServer server;
  server.Start();
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("amelie@example.org", "fr", "192.0.2.1", nullptr).ok());
  auto smtp = Smtp(server.port());
  auto report = Run(*smtp);
  EXPECT_EQ(report.sent, 1);
  auto files = server.MessageFiles();
  ASSERT_EQ(files.size(), 1u);
  DecodedMail d = DecodeMail(files[0]);
  EXPECT_TRUE(d.defects.empty()) << d.defects[0];
  EXPECT_EQ(d.Header("Subject"), "Votre lien de connexion à Entraide");
  EXPECT_EQ(d.Header("From"), "Entraide Québec <entraide@example.org>");
  EXPECT_EQ(d.Header("To"), "Amélie Côté-Lévesque <amelie@example.org>");
  EXPECT_EQ(d.content_type, "multipart/alternative");
  EXPECT_NE(d.text.find("Bonjour Amélie Côté-Lévesque,"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("pendant 15 minutes"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("http://entraide.test/fr/signin/link/"), std::string::npos) << d.text;
  EXPECT_EQ(d.text.find("&"), std::string::npos) << "the text part is not HTML-escaped";
  EXPECT_NE(d.html.find("Me connecter"), std::string::npos);
  EXPECT_NE(d.html.find("Vous n'avez rien demandé?"), std::string::npos);
  EXPECT_NE(d.html.find("Bonjour Amélie Côté-Lévesque,"), std::string::npos);
  EXPECT_EQ(d.HeaderCount("List-Unsubscribe"), 0) << "transactional mail has nothing to unsubscribe from";
  EXPECT_EQ(d.Header("Message-ID"), Text("SELECT message_id FROM outbox WHERE kind = 'signin_link'"));
  EXPECT_TRUE(core::EndsWith(d.Header("Message-ID"), "@example.org>")) << d.Header("Message-ID");
  EXPECT_NE(d.Header("Date"), "");
  EXPECT_EQ(d.Header("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(Text("SELECT status FROM outbox WHERE kind = 'signin_link'"), "sent");
  EXPECT_EQ(Text("SELECT subject FROM outbox WHERE kind = 'signin_link'"), "Votre lien de connexion à Entraide");
}

TEST_F(MailSenderTest, EachKindExistsInBothLanguages) {
  for (model::MailKind kind : model::kMailKinds)
    for (const std::string& lang : i18n::SupportedLangs())
      for (const char* part : {"txt", "html"})
        EXPECT_TRUE(views_->Has("mail/" + std::string(model::ToString(kind)) + "." + lang + "." + part))
            << model::ToString(kind) << lang << part;
  // ... and every template of views/mail is one of a kind (a template no kind names is never sent).
  for (const auto& entry : std::filesystem::directory_iterator(SourceDir() + "/views/mail")) {
    std::string name = entry.path().filename().string();
    EXPECT_TRUE(model::ParseMailKind(name.substr(0, name.find('.')))) << name;
  }
  // An English invitation, through the real service, in English and with its validity in days.
  ASSERT_TRUE(auth_->directory
                  .AddPerson(auth::Principal::System(), "bob@example.org", "Bob", model::Role::kVolunteer, {}, "en",
                             std::nullopt)
                  .ok());
  auto files = std::make_unique<TempDir>();
  auto eml = mail::MakeFileTransport(files->path());
  EXPECT_EQ(Run(*eml).sent, 1);
  DecodedMail d = DecodeMail(files->Join("outbox-1.eml"));
  EXPECT_EQ(d.Header("Subject"), "Your invitation to Entraide");
  EXPECT_NE(d.text.find("valid for 7 days"), std::string::npos) << d.text;
}

TEST_F(MailSenderTest, NotificationsCarryUnsubscribeHeadersAndShareTheirThread) {
  SmtpServer server;
  server.Start();
  QueueReply("Imprimante bloquée");
  QueueReply("Imprimante bloquée");
  auto smtp = Smtp(server.port());
  EXPECT_EQ(Run(*smtp).sent, 2);
  auto files = server.MessageFiles();
  ASSERT_EQ(files.size(), 2u);
  DecodedMail a = DecodeMail(files[0]), b = DecodeMail(files[1]);
  EXPECT_EQ(a.Header("Subject"), "Réponse à votre demande ENT-2027-0042 : Imprimante bloquée");
  EXPECT_NE(a.text.find("« Imprimante bloquée »"), std::string::npos) << a.text;
  EXPECT_NE(a.text.find("Ça devrait aller!"), std::string::npos);
  std::string unsubscribe = a.Header("List-Unsubscribe");
  ASSERT_TRUE(core::StartsWith(unsubscribe, "<http://entraide.test/fr/unsubscribe/")) << unsubscribe;
  EXPECT_EQ(a.Header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  std::string token = unsubscribe.substr(unsubscribe.rfind('/') + 1);
  token.pop_back();
  auto claim = tokens_->Verify(token);
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(claim->user_id, amelie_);
  EXPECT_EQ(claim->topic, mail::Topic::kNotifications);
  EXPECT_NE(a.text.find(unsubscribe.substr(1, unsubscribe.size() - 2)), std::string::npos) << "and in the body";
  EXPECT_NE(a.Header("In-Reply-To"), "");
  EXPECT_EQ(a.Header("In-Reply-To"), b.Header("In-Reply-To")) << "one ticket, one thread";
  EXPECT_EQ(a.Header("References"), b.Header("References"));
  EXPECT_NE(a.Header("Message-ID"), b.Header("Message-ID"));
}

TEST_F(MailSenderTest, CrOrLfInASubjectOrNameProducesNoExtraHeader) {
  SmtpServer server;
  server.Start();
  QueueReply("Imprimante\r\nBcc: pirate@example.org\r\n\r\nFaux corps", "Amélie\r\nX-Evil: 1");
  auto smtp = Smtp(server.port());
  EXPECT_EQ(Run(*smtp).sent, 1);
  auto files = server.MessageFiles();
  ASSERT_EQ(files.size(), 1u);
  DecodedMail d = DecodeMail(files[0]);
  EXPECT_EQ(d.HeaderCount("Bcc"), 0);
  EXPECT_EQ(d.HeaderCount("X-Evil"), 0);
  EXPECT_EQ(d.HeaderCount("Subject"), 1);
  EXPECT_EQ(d.Header("Subject"),
            "Réponse à votre demande ENT-2027-0042 : Imprimante Bcc: pirate@example.org Faux corps");
  EXPECT_EQ(d.Header("X-RcptTo"), "amelie@example.org") << "the SMTP envelope had one recipient";
  EXPECT_TRUE(d.defects.empty());
}

TEST_F(MailSenderTest, AMessageOfAKindThisVersionDoesNotKnowIsGivenUpSayingSo) {
  int64_t known = QueueReply("Une réponse ordinaire");
  int64_t unknown = QueueReply("Écrit par une autre version");
  {
    auto db = pool_->Acquire();
    ASSERT_TRUE((*db)->Exec("UPDATE outbox SET kind = 'ticket_poll' WHERE id = " + std::to_string(unknown)).ok());
  }
  auto files = std::make_unique<TempDir>();
  auto eml = mail::MakeFileTransport(files->path());
  mail::SendReport r = Run(*eml);
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(StatusOf(known), "sent");
  EXPECT_EQ(StatusOf(unknown), "failed");
  EXPECT_NE(Text("SELECT last_error FROM outbox WHERE id = " + std::to_string(unknown))
                .find("unknown kind of email 'ticket_poll'"),
            std::string::npos);
  // The failed-mail page lists it, and does not offer to send it again.
  auto db = pool_->Acquire();
  auto failed = store::MailRepository(**db).Failed(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().kind, "ticket_poll");
  EXPECT_FALSE(failed->front().resendable);
}

TEST_F(MailSenderTest, ServerDownWhileDueThenUpArrivesExactlyOnce) {
  int port = FreePort();
  int64_t id = QueueReply("Courriel en panne");
  auto smtp = Smtp(port);
  mail::SendReport down = Run(*smtp);
  EXPECT_EQ(down.retried, 1);
  EXPECT_EQ(StatusOf(id), "pending");
  EXPECT_EQ(Text("SELECT attempts FROM outbox"), "1");
  EXPECT_EQ(Text("SELECT next_attempt_at - " + std::to_string(clock_.NowSeconds()) + " FROM outbox"), "60");
  EXPECT_NE(Text("SELECT last_error FROM outbox"), "");

  SmtpServer server(port);
  server.Start();
  EXPECT_EQ(Run(*smtp).sent, 0) << "not due yet";
  clock_.Advance(60);
  EXPECT_EQ(Run(*smtp).sent, 1);
  EXPECT_EQ(StatusOf(id), "sent");
  clock_.Advance(24 * 3600);
  EXPECT_EQ(Run(*smtp, true).sent, 0);
  EXPECT_EQ(server.MessageFiles().size(), 1u) << "exactly once";
}

TEST_F(MailSenderTest, RetriesBackOffThenGiveUpAfter48Hours) {
  int port = FreePort();
  int64_t id = QueueReply("Jamais livré");
  auto smtp = Smtp(port);
  int64_t start = clock_.NowSeconds();
  std::vector<int64_t> delays;
  for (int i = 0; i < 40 && StatusOf(id) == "pending"; ++i) {
    int64_t before = clock_.NowSeconds();
    Run(*smtp);
    if (StatusOf(id) != "pending") break;
    int64_t next = std::stoll(Text("SELECT next_attempt_at FROM outbox"));
    delays.push_back(next - before);
    clock_.Set(next);
  }
  EXPECT_EQ(StatusOf(id), "failed");
  ASSERT_GE(delays.size(), 10u);
  EXPECT_EQ(std::vector<int64_t>(delays.begin(), delays.begin() + 10),
            (std::vector<int64_t>{60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600}));
  EXPECT_GE(clock_.NowSeconds() - start, 48 * 3600);
  EXPECT_LT(clock_.NowSeconds() - start, 48 * 3600 + 6 * 3600);
  // --retry-now brings back only what is pending: a failed message stays failed.
  SmtpServer server(port);
  server.Start();
  EXPECT_EQ(Run(*smtp, true).sent, 0);
}

TEST_F(MailSenderTest, RetryNowSendsWhatWaitsForItsNextAttempt) {
  int port = FreePort();
  QueueReply("Après correction");
  auto smtp = Smtp(port);
  EXPECT_EQ(Run(*smtp).retried, 1);
  SmtpServer server(port);
  server.Start();
  EXPECT_EQ(Run(*smtp).sent, 0);
  EXPECT_EQ(Run(*smtp, true).sent, 1);
  EXPECT_EQ(server.MessageFiles().size(), 1u);
}

TEST_F(MailSenderTest, PacingHandsMessagesToTheTransportAtMostMaxPerSecond) {
  for (int i = 0; i < 6; ++i) QueueReply("Imprimante " + std::to_string(i));
  TempDir out;
  auto eml = mail::MakeFileTransport(out.path());
  mail::SenderOptions o;
  o.max_per_second = 50;  // one every 20 ms: 6 messages take at least 100 ms
  mail::Sender sender(*pool_, clock_, *composer_, *eml, o);
  auto start = std::chrono::steady_clock::now();
  auto r = sender.RunOnce();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sent, 6);
  EXPECT_GE(ms, 100);
}

TEST_F(MailSenderTest, CancelEndsAPacedPassAndGivesTheRestBackUntouched) {
  for (int i = 0; i < 10; ++i) QueueReply("Imprimante " + std::to_string(i));
  TempDir out;
  auto eml = mail::MakeFileTransport(out.path());
  mail::SenderOptions o;
  o.max_per_second = 5;  // 200 ms a message: 2 s for all ten
  mail::Sender sender(*pool_, clock_, *composer_, *eml, o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sender.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = sender.RunOnce();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  stopper.join();
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->sent, 10);
  EXPECT_LT(ms, 1000);
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE status = 'sending'"), "0");
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0"),
            std::to_string(10 - r->sent));
  auto rest = Run(*eml);  // another sender, without pacing, sends the rest
  EXPECT_EQ(r->sent + rest.sent, 10);
}

TEST_F(MailSenderTest, EmlFilesWhenNoSmtpHost) {
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("amelie@example.org", "fr", "192.0.2.1", nullptr).ok());
  auto eml = mail::MakeFileTransport(config_.MailDir());
  EXPECT_EQ(Run(*eml).sent, 1);
  std::string file = config_.MailDir() + "/outbox-1.eml";
  ASSERT_TRUE(fs::exists(file));
  DecodedMail d = DecodeMail(file);
  EXPECT_EQ(d.Header("Subject"), "Choisir un nouveau mot de passe pour Entraide");
  EXPECT_NE(d.text.find("/fr/password/reset/"), std::string::npos);
  EXPECT_EQ(StatusOf(1), "sent");
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(config_.MailDir())) n += e.path().extension() == ".eml";
  EXPECT_EQ(n, 1u) << "no temporary file left behind";
}

// Once a message will not be sent again (sent, failed or skipped), its single-use links leave the row in the same
// statement: the sign-in link, the digest's take links; a ticket mail keeps its (harmless) link.
TEST_F(MailSenderTest, SingleUseLinksLeaveTheRowOnceTheMessageIsSentOrFailed) {
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("amelie@example.org", "fr", "192.0.2.1", nullptr).ok());
  int64_t reply = QueueReply("Garde son lien");
  core::JsonWriter w;
  w.BeginObject()
      .Field("name", "Amélie")
      .Field("period", "2027-01-01")
      .Field("frequency", "daily")
      .Field("daily", true);
  w.Key("unclaimed").BeginArray();
  w.BeginObject()
      .Field("ref", "ENT-1")
      .Field("url", "http://entraide.test/fr/tickets/1")
      .Field("take_url", "http://entraide.test/fr/take/" + std::string(64, 'a'))
      .EndObject();
  w.EndArray().Key("waiting").BeginArray();
  w.BeginObject()
      .Field("ref", "ENT-2")
      .Field("url", "http://entraide.test/fr/tickets/2")
      .Field("take_url", "http://entraide.test/fr/take/" + std::string(64, 'b'))
      .EndObject();
  w.BeginObject().Field("ref", "ENT-3").Field("url", "http://entraide.test/fr/tickets/3").EndObject();
  w.EndArray().EndObject();
  auto digest = store::OutboxMessage::To(model::MailKind::kVolunteerDigest, amelie_, "amelie@example.org", "Amélie",
                                         "fr", w.Take(), clock_.NowSeconds());
  {
    auto db = pool_->Acquire();
    ASSERT_TRUE(store::AccountRepository(**db).EnqueueMail(digest).ok());
  }
  EXPECT_NE(Text("SELECT data_json FROM outbox WHERE kind = 'signin_link'").find("/signin/link/"), std::string::npos)
      << "pending: the link is there to be sent";
  TempDir out;
  auto eml = mail::MakeFileTransport(out.path());
  auto report = Run(*eml);
  EXPECT_EQ(report.sent, 2);
  EXPECT_EQ(report.skipped, 1) << "a member does not get the volunteer digest: skipped, which erases too";
  EXPECT_EQ(Text("SELECT data_json FROM outbox WHERE kind = 'signin_link'"),
            R"({"name":"Amélie Côté-Lévesque","expires_minutes":15})");
  std::string scrubbed = Text("SELECT data_json FROM outbox WHERE kind = 'volunteer_digest'");
  EXPECT_EQ(scrubbed.find("take"), std::string::npos) << scrubbed;
  EXPECT_NE(scrubbed.find(R"({"ref":"ENT-2","url":"http://entraide.test/fr/tickets/2"})"), std::string::npos)
      << scrubbed;
  EXPECT_NE(scrubbed.find("ENT-3"), std::string::npos) << scrubbed;
  EXPECT_NE(Text("SELECT data_json FROM outbox WHERE id = " + std::to_string(reply)).find("/fr/tickets/42"),
            std::string::npos);

  // Failed (48 hours of a server that never answers): erased too, and "send again" is refused for a link mail.
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("amelie@example.org", "fr", "192.0.2.1", nullptr).ok());
  int64_t later_reply = QueueReply("Jamais livré");
  auto smtp = Smtp(FreePort());
  for (int i = 0; i < 40 && Text("SELECT count(*) FROM outbox WHERE status = 'pending'") != "0"; ++i) {
    Run(*smtp);
    clock_.Advance(6 * 3600);
  }
  ASSERT_EQ(Text("SELECT group_concat(kind, ' ') FROM (SELECT kind FROM outbox WHERE status = 'failed' ORDER BY kind)"),
            "password_reset ticket_reply");
  EXPECT_EQ(Text("SELECT json_type(data_json, '$.link') IS NULL FROM outbox WHERE kind = 'password_reset'"), "1");
  mail::OutboxAdmin admin(*pool_, clock_);
  auth::Principal coordinator{1, "c@example.org", "C", model::Role::kCoordinator, "fr", {}};
  auto failed = admin.Failed(&coordinator);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 2u);
  for (const auto& f : *failed) EXPECT_EQ(f.resendable, f.kind != "password_reset") << f.kind;
  int64_t reset = std::stoll(Text("SELECT id FROM outbox WHERE kind = 'password_reset'"));
  EXPECT_EQ(admin.Retry(&coordinator, reset).code(), core::StatusCode::kConflict);
  EXPECT_EQ(Text("SELECT status FROM outbox WHERE id = " + std::to_string(reset)), "failed");
  EXPECT_TRUE(admin.Retry(&coordinator, later_reply).ok());
}

// The service checks who asks, whatever page or command calls it (issue #16): the failed-mail list and "send again"
// are for coordinators; email settings are each person's own, and a digest one cannot receive cannot be turned on.
TEST_F(MailSenderTest, TheOutboxAdminAndEmailSettingsCheckWhoAsks) {
  mail::OutboxAdmin admin(*pool_, clock_);
  auth::Principal member{amelie_, "amelie@example.org", "Amélie", model::Role::kMember, "fr", {}};
  auth::Principal volunteer{amelie_ + 1000, "v@example.org", "V", model::Role::kVolunteer, "fr", {}};
  EXPECT_EQ(admin.Failed(nullptr).status().code(), core::StatusCode::kUnauthenticated);
  EXPECT_EQ(admin.Failed(&member).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(admin.Failed(&volunteer).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(admin.Retry(&volunteer, 1).code(), core::StatusCode::kPermissionDenied);

  mail::PreferenceService prefs(*pool_, clock_, *tokens_);
  EXPECT_EQ(prefs.Get(nullptr).status().code(), core::StatusCode::kUnauthenticated);
  auto mine = prefs.Get(&member);
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  EXPECT_EQ(mine->user_id, amelie_);
  mail::MailSettings other = *mine;
  other.user_id = amelie_ + 1;
  EXPECT_EQ(prefs.Save(&member, other).code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(prefs.Save(nullptr, *mine).code(), core::StatusCode::kUnauthenticated);
  // A member may set their group digest, not the coordinators' summary or the volunteers' digest.
  mail::MailSettings asked = *mine;
  asked.group_digest = "daily";
  asked.coordinator_summary = "weekly";
  asked.volunteer_digest = "daily";
  ASSERT_TRUE(prefs.Save(&member, asked).ok());
  auto saved = prefs.Get(&member);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->group_digest, "daily");
  EXPECT_EQ(saved->coordinator_summary, mine->coordinator_summary);
  EXPECT_EQ(saved->volunteer_digest, mine->volunteer_digest);
  EXPECT_EQ(mail::DigestsFor(member), (std::vector<model::DigestKind>{model::DigestKind::kGroup}));
}

TEST_F(MailSenderTest, UnsubscribedTopicIsSkippedButTransactionalMailStillGoes) {
  int64_t reply = QueueReply("Avant le désabonnement");
  mail::PreferenceService prefs(*pool_, clock_, *tokens_);
  auto done = prefs.Unsubscribe(tokens_->Sign(amelie_, mail::Topic::kNotifications));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("amelie@example.org", "fr", "192.0.2.1", nullptr).ok());
  TempDir out;
  auto eml = mail::MakeFileTransport(out.path());
  auto report = Run(*eml);
  EXPECT_EQ(report.sent, 1);
  EXPECT_EQ(report.skipped, 1);
  EXPECT_EQ(StatusOf(reply), "skipped");
}

TEST_F(MailSenderTest, AClaimLeftByADeadSenderIsTakenOverLater) {
  int64_t id = QueueReply("Expéditeur mort");
  {
    auto db = pool_->Acquire();
    auto claimed = store::MailRepository(**db).Claim("dead", clock_.NowSeconds(), 0, 10, "example.org");
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 1u);
  }
  TempDir out;
  auto eml = mail::MakeFileTransport(out.path());
  EXPECT_EQ(Run(*eml).sent, 0) << "another sender holds it";
  clock_.Advance(15 * 60 + 1);
  EXPECT_EQ(Run(*eml).sent, 1);
  EXPECT_EQ(StatusOf(id), "sent");
  auto db = pool_->Acquire();
  auto late = store::MailRepository(**db).MarkSent(id, "dead", clock_.NowSeconds(), "");
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(*late) << "the dead sender's claim no longer counts";
}

TEST_F(MailSenderTest, TwoSendersAtOnceNeverSendOneMessageTwice) {
  SmtpServer server;
  server.Start();
  constexpr int kMessages = 300;
  for (int i = 0; i < kMessages; ++i) QueueReply("Demande " + std::to_string(i));
  std::vector<mail::SendReport> reports(2);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> senders;
  for (int t = 0; t < 2; ++t) {
    senders.emplace_back([&, t] {
      store::Pool own_pool(config_.DatabasePath());  // separate connections, like two processes
      auto smtp = Smtp(server.port());
      mail::Sender sender(own_pool, clock_, *composer_, *smtp);
      auto r = sender.RunOnce();
      if (r.ok()) reports[t] = *r;
    });
  }
  for (auto& th : senders) th.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(reports[0].sent + reports[1].sent, kMessages);
  EXPECT_GT(reports[0].sent, 0) << "both took part";
  EXPECT_GT(reports[1].sent, 0) << "both took part";
  auto files = server.MessageFiles();
  ASSERT_EQ(files.size(), static_cast<size_t>(kMessages));
  std::set<std::string> ids;
  for (const auto& f : files) {
    std::string raw = ReadFile(f);
    size_t at = raw.find("Message-ID: ");
    ASSERT_NE(at, std::string::npos);
    ids.insert(raw.substr(at, raw.find('\n', at) - at));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kMessages)) << "no message twice";
  EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE status = 'sent'"), std::to_string(kMessages));
  std::printf("[ measure  ] %d messages by 2 senders to aiosmtpd in %.2f s (%.0f messages/s)\n", kMessages, secs,
              kMessages / secs);
}

// The real file transport, with an erasure run as the first message is handed to it: what happens when an
// administrator erases a person while the sender is delivering a message that names them.
class ErasingTransport : public mail::Transport {
 public:
  ErasingTransport(mail::Transport& inner, std::function<void()> erase, core::Status outcome)
      : inner_(inner), erase_(std::move(erase)), outcome_(std::move(outcome)) {}
  core::Status Send(const mail::Envelope& envelope, const std::string& message) override {
    if (erase_) std::exchange(erase_, nullptr)();
    ENTRAIDE_RETURN_IF_ERROR(inner_.Send(envelope, message));
    return outcome_;
  }
  std::string Describe() const override { return "erasing " + inner_.Describe(); }

 private:
  mail::Transport& inner_;
  std::function<void()> erase_;
  core::Status outcome_;
};

TEST_F(MailSenderTest, AnErasureWhileAMessageIsOnItsWayLeavesNoNameInItsRowAndNothingMoreGoesToThePerson) {
  auto catalogs = i18n::Catalogs::Load(config_.views_dir + "/i18n");
  ASSERT_TRUE(catalogs.ok());
  // The project's own templates, whose subject names who answered ("… : Véro Lachance a répondu à votre demande").
  auto views = view::Renderer::Load(SourceDir() + "/views");
  ASSERT_TRUE(views.ok()) << views.status().ToString();
  mail::Composer composer(**views, *tokens_, composer_->options());
  // Sent, then the same with the server failing for now (the outcome written is a retry).
  for (bool delivered : {true, false}) {
    SCOPED_TRACE(delivered ? "sent" : "to retry");
    std::string email = std::string(delivered ? "vero" : "veronique") + ".lachance@example.org";
    auto vero = auth_->directory.AddPerson(auth::Principal::System(), email, "Véro Lachance", model::Role::kVolunteer,
                                           {}, "fr", std::string(kPassword));
    ASSERT_TRUE(vero.ok()) << vero.status().ToString();
    auto queue = [&](const std::string& to, const std::string& name, int64_t user) {
      core::JsonWriter w;
      w.BeginObject()
          .Field("ref", "ENT-2027-0042")
          .Field("ticket_subject", "Imprimante hors ligne")
          .Field("actor", "Véro Lachance")
          .Field("reply", "Redémarrez-la.")
          .Field("link", "http://entraide.test/fr/tickets/42")
          .Field("name", name)
          .EndObject();
      store::OutboxMessage m;
      m.kind = model::MailKind::kTicketReply;
      m.recipient_email = to;
      m.recipient_name = name;
      m.lang = "fr";
      m.user_id = user;
      m.data_json = w.Take();
      m.created_at = clock_.NowSeconds();
      auto db = pool_->Acquire();
      auto id = store::AccountRepository(**db).EnqueueMail(m);
      EXPECT_TRUE(id.ok());
      return id.ok() ? *id : 0;
    };
    int64_t to_amelie = queue("amelie@example.org", "Amélie Côté-Lévesque", amelie_);
    queue(email, "Véro Lachance", *vero);  // claimed in the same batch, after the first
    TempDir out;
    auto eml = mail::MakeFileTransport(out.path());
    privacy::Options o;
    o.mail_dir = out.path();
    store::Pool other(config_.DatabasePath());  // the erasure's own connections, as from `entraide erase`
    privacy::PrivacyService privacy(other, clock_, **catalogs, o);
    ErasingTransport erasing(
        *eml, [&] { ASSERT_TRUE(privacy.Erase(email).ok()); },
        delivered ? core::Status::Ok() : core::Unavailable("421 try again later"));
    mail::Sender sender(*pool_, clock_, composer, erasing);
    auto sent = sender.RunOnce();
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    const mail::SendReport& report = *sent;

    EXPECT_EQ(report.sent + report.retried, 1) << "the message to the erased person is not sent";
    int files = 0;
    for (const auto& f : fs::directory_iterator(out.path())) {
      ++files;
      EXPECT_EQ(ReadFile(f.path().string()).find(email), std::string::npos) << f.path();
    }
    EXPECT_EQ(files, 1);
    std::string id = std::to_string(to_amelie);
    EXPECT_EQ(StatusOf(to_amelie), delivered ? "sent" : "pending");
    std::string subject = Text("SELECT subject FROM outbox WHERE id = " + id);
    EXPECT_EQ(subject.find("Lachance"), std::string::npos) << subject;
    EXPECT_NE(subject.find("un ancien membre"), std::string::npos)
        << "composed again from the data as it is now: " << subject;
    EXPECT_EQ(Text("SELECT count(*) FROM outbox WHERE instr(data_json || subject || recipient_email || "
                   "recipient_name || last_error, 'Lachance') > 0"),
              "0");
    auto db = pool_->Acquire();
    ASSERT_TRUE((*db)->Exec("DELETE FROM outbox").ok());
  }
}

}  // namespace
}  // namespace entraide::testing

// End-to-end (#17, mail that goes out at once): a member opens a ticket and serve's own sender delivers the
// acknowledgement at once (its poll is an hour away), with Auto-Submitted and a Reply-To whose token names that
// member and that ticket; alerts reach the volunteers by the choice they made on the settings page (French and
// English, without JavaScript); the settings page revokes reply addresses, and so does `entraide mail
// revoke-replies`; the raw tokens are nowhere in the database; without mail.reply_address nothing changes.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "fixtures.h"
#include "mail/addresses.h"
#include "mail_util.h"
#include "store/pool.h"
#include "test_util.h"
#include "tickets/reply_tokens.h"

namespace entraide::testing {
namespace {
namespace fs = std::filesystem;

const std::string kForm = "Content-Type: application/x-www-form-urlencoded";

class EmailOutTest : public ::testing::Test {
 protected:
  void Start(const std::string& reply_address) {
    smtp_.Start();
    app_ = std::make_unique<TestApp>([&](app::Config& c) {
      c.mail_smtp_host = "127.0.0.1";
      c.mail_smtp_port = smtp_.port();
      c.mail_poll_seconds = 3600;  // "at once" cannot be the poll
      c.mail_reply_address = reply_address;
      c.site_base_url = "http://entraide.test";
    });
    app_->directory().Group("coop-a", "Coop A");
    mo_ = app_->directory().Person("mo@example.org", "Maude Ouellet", "member", {"coop-a"}, "en");
    vero_ = app_->directory().Person("vero@example.org", "Véro Lachance", "volunteer", {}, "fr");
    val_ = app_->directory().Person("val@example.org", "Val Smith", "volunteer", {}, "en");
    vic_ = app_->directory().Person("vic@example.org", "Vic Roy", "volunteer", {}, "fr");
  }
  int port() { return app_->port(); }

  // Waits (without asking the app to deliver) until `n` messages have arrived in all; then a moment more, so that
  // an extra one would be seen too. Returns the decoded messages.
  std::vector<DecodedMail> WaitForMail(size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (smtp_.MessageFiles().size() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::vector<DecodedMail> out;
    for (const auto& f : smtp_.MessageFiles()) out.push_back(DecodeMail(f));
    return out;
  }
  static std::vector<DecodedMail> To(const std::vector<DecodedMail>& all, const std::string& email,
                                     const std::string& subject_part = "") {
    std::vector<DecodedMail> out;
    for (const auto& d : all)
      if (d.Header("To").find("<" + email + ">") != std::string::npos &&
          d.Header("Subject").find(subject_part) != std::string::npos)
        out.push_back(d);
    return out;
  }
  // Saves `fields` on the email settings page of `lang`, signed in as `email` through the form (no JavaScript).
  int SaveSettings(const std::string& email, const std::string& lang, const std::string& fields) {
    std::string sid = SignInForm(port(), email, kTestPassword, lang);
    auto page = Get(port(), "/" + lang + "/account/email", {"Cookie: sid=" + sid});
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("name=\"new_ticket_alerts\""), std::string::npos) << "volunteers choose alerts";
    EXPECT_NE(page.body.find("value=\"urgent\" selected"), std::string::npos) << "urgent tickets by default";
    return Send(port(), "POST", "/" + lang + "/account/email", "csrf=" + CsrfField(page.body) + "&" + fields,
                {kForm, "Cookie: sid=" + sid})
        .status;
  }
  std::string Text(const std::string& sql) { return QueryText(app_->pool(), sql); }
  std::optional<tickets::ReplyToken> Find(const std::string& token) {
    auto db = app_->pool().Acquire();
    auto found = tickets::FindReplyToken(**db, token);
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::nullopt;
  }
  static std::string TagOf(const DecodedMail& d) {
    std::smatch m;
    std::string reply_to = d.Header("Reply-To");
    if (!std::regex_search(reply_to, m, std::regex(R"(<([^>]+)>)"))) return "";
    return mail::PlusTag("aide@reseau.example", std::string(m[1])).value_or("");
  }

  SmtpServer smtp_;
  std::unique_ptr<TestApp> app_;
  int64_t mo_ = 0, vero_ = 0, val_ = 0, vic_ = 0;
};

TEST_F(EmailOutTest, AcknowledgementAndAlertsGoOutAtOnceByEachVolunteersChoice) {
  Start("aide@reseau.example");
  EXPECT_EQ(SaveSettings("vero@example.org", "fr", "notifications=on&volunteer_digest=daily&new_ticket_alerts=off"),
            303);
  EXPECT_EQ(SaveSettings("val@example.org", "en", "notifications=on&volunteer_digest=daily&new_ticket_alerts=all"),
            303);
  EXPECT_EQ(
      Text("SELECT group_concat(new_ticket_alerts, ' ') FROM (SELECT new_ticket_alerts FROM mail_settings "
           "WHERE user_id IN (" +
           std::to_string(vero_) + ", " + std::to_string(val_) + ", " + std::to_string(vic_) + ") ORDER BY user_id)"),
      "off all urgent");
  ApiSession mo = SignInApi(port(), "mo@example.org");

  int64_t urgent =
      CreateTicketApi(port(), mo, TicketJson("Site piraté", "Une publicité sur l'accueil.", "hardware", "high"));
  ASSERT_NE(urgent, 0);
  auto mails = WaitForMail(3);
  ASSERT_EQ(mails.size(), 3u) << "the acknowledgement, and alerts to Val (all) and Vic (the default)";
  auto ack = To(mails, "mo@example.org");
  ASSERT_EQ(ack.size(), 1u) << "exactly one acknowledgement";
  std::string ref = Text("SELECT ref FROM tickets WHERE id = " + std::to_string(urgent));
  EXPECT_EQ(ack[0].Header("Subject"), ref + ": we received your request") << "in the member's language";
  EXPECT_EQ(ack[0].Header("Auto-Submitted"), "auto-generated");
  EXPECT_NE(ack[0].text.find("http://entraide.test/en/tickets/" + std::to_string(urgent)), std::string::npos);
  std::string tag = TagOf(ack[0]);
  ASSERT_FALSE(tag.empty()) << ack[0].Header("Reply-To");
  auto token = Find(tag);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->user_id, mo_);
  EXPECT_EQ(token->ticket_id, urgent);
  EXPECT_FALSE(token->revoked);
  ASSERT_EQ(To(mails, "vic@example.org").size(), 1u);
  DecodedMail alert = To(mails, "vic@example.org")[0];
  EXPECT_EQ(alert.Header("Subject"), "[Urgente] Nouvelle demande " + ref + " : Site piraté");
  EXPECT_EQ(alert.Header("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(Find(TagOf(alert))->user_id, vic_);
  EXPECT_EQ(To(mails, "val@example.org").size(), 1u);
  EXPECT_EQ(To(mails, "vero@example.org").size(), 0u) << "chose off";

  int64_t normal = CreateTicketApi(port(), mo, TicketJson("Mot de passe oublié", "Pour le wifi.", "hardware"));
  ASSERT_NE(normal, 0);
  mails = WaitForMail(5);
  ASSERT_EQ(mails.size(), 5u);
  EXPECT_EQ(To(mails, "mo@example.org").size(), 2u);
  EXPECT_EQ(To(mails, "val@example.org").size(), 2u) << "every ticket";
  EXPECT_EQ(To(mails, "vic@example.org").size(), 1u) << "urgent ones only";
  EXPECT_EQ(To(mails, "vero@example.org").size(), 0u);

  // The raw tokens are in the messages only: not in the outbox, the database file or its log.
  ASSERT_EQ(Text("SELECT count(*) FROM reply_tokens"), "5");
  std::string bytes;
  for (const auto& e : fs::directory_iterator(app_->data().path()))
    if (e.path().filename().string().rfind("entraide.db", 0) == 0) bytes += ReadFile(e.path().string());
  ASSERT_FALSE(bytes.empty());
  for (const auto& d : mails) {
    std::string t = TagOf(d);
    ASSERT_EQ(t.size(), 32u) << d.Header("Reply-To");
    EXPECT_EQ(bytes.find(t), std::string::npos) << "a raw token is in the database";
  }
}

TEST_F(EmailOutTest, ThePageAndTheCommandRevokeReplyAddresses) {
  Start("aide@reseau.example");
  ApiSession mo = SignInApi(port(), "mo@example.org");
  int64_t id = CreateTicketApi(port(), mo, TicketJson("Imprimante", "Bloquée.", "hardware", "high"));
  ASSERT_NE(id, 0);
  auto mails = WaitForMail(4);  // the acknowledgement, and alerts to the three volunteers on the default
  ASSERT_EQ(mails.size(), 4u);
  ASSERT_EQ(To(mails, "mo@example.org").size(), 1u);
  std::string mine = TagOf(To(mails, "mo@example.org")[0]), vics = TagOf(To(mails, "vic@example.org")[0]);

  std::string sid = SignInForm(port(), "mo@example.org", kTestPassword, "en");
  auto page = Get(port(), "/en/account/email", {"Cookie: sid=" + sid});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("name=\"new_ticket_alerts\""), std::string::npos) << "members get no alerts";
  EXPECT_NE(page.body.find("action=\"/en/account/email/revoke-replies\""), std::string::npos);
  EXPECT_NE(page.body.find("Revoke my reply addresses"), std::string::npos);
  EXPECT_EQ(Send(port(), "POST", "/en/account/email/revoke-replies", "", {kForm, "Cookie: sid=" + sid}).status, 403)
      << "without the form's CSRF token";
  EXPECT_FALSE(Find(mine)->revoked);
  auto revoked = Send(port(), "POST", "/en/account/email/revoke-replies", "csrf=" + CsrfField(page.body),
                      {kForm, "Cookie: sid=" + sid});
  ASSERT_EQ(revoked.status, 303);
  EXPECT_TRUE(Find(mine)->revoked);
  EXPECT_FALSE(Find(vics)->revoked) << "someone else's";
  auto after = Get(port(), "/en/account/email?revoked=1", {"Cookie: sid=" + sid});
  EXPECT_NE(after.body.find("Your reply addresses were revoked."), std::string::npos);
  auto fr = Get(port(), "/fr/account/email", {"Cookie: sid=" + sid});
  EXPECT_NE(fr.body.find("Révoquer mes adresses de réponse"), std::string::npos);

  std::string env = "ENTRAIDE_DATA_DIR='" + app_->data().path() + "'";
  std::string ref = Text("SELECT ref FROM tickets WHERE id = " + std::to_string(id));
  auto by_ticket = RunEntraide("mail revoke-replies --ticket " + ref, env);
  EXPECT_EQ(by_ticket.exit_code, 0) << by_ticket.output;
  EXPECT_NE(by_ticket.output.find("revoked 3 reply addresses of " + ref), std::string::npos) << by_ticket.output;
  EXPECT_TRUE(Find(vics)->revoked);
  auto by_user = RunEntraide("mail revoke-replies --user val@example.org", env);
  EXPECT_EQ(by_user.exit_code, 0) << by_user.output;
  EXPECT_NE(by_user.output.find("revoked 0 reply addresses of val@example.org"), std::string::npos)
      << "revoked with the ticket already: " << by_user.output;
  EXPECT_EQ(RunEntraide("mail revoke-replies --user nobody@example.org", env).exit_code, 1);
  EXPECT_EQ(RunEntraide("mail revoke-replies --ticket ENT-1999-0001", env).exit_code, 1);
  EXPECT_EQ(RunEntraide("mail revoke-replies", env).exit_code, 2);
  EXPECT_EQ(RunEntraide("mail revoke-replies --user a@b.c --ticket ENT-1", env).exit_code, 2);
}

TEST_F(EmailOutTest, WithoutAReplyAddressNoReplyToAndNoRevokeButton) {
  Start("");
  ApiSession mo = SignInApi(port(), "mo@example.org");
  ASSERT_NE(CreateTicketApi(port(), mo, TicketJson("Imprimante", "Bloquée.", "hardware", "high")), 0);
  auto mails = WaitForMail(4);
  ASSERT_EQ(mails.size(), 4u) << "the acknowledgement, three alerts";
  for (const auto& d : mails) {
    EXPECT_EQ(d.HeaderCount("Reply-To"), 0) << d.Header("Subject");
    EXPECT_EQ(d.Header("Auto-Submitted"), "auto-generated");
  }
  EXPECT_EQ(Text("SELECT count(*) FROM reply_tokens"), "0");
  std::string sid = SignInForm(port(), "mo@example.org", kTestPassword, "en");
  auto page = Get(port(), "/en/account/email", {"Cookie: sid=" + sid});
  EXPECT_EQ(page.body.find("revoke-replies"), std::string::npos);
}

TEST_F(EmailOutTest, AnAlertChoiceThatIsNotOfferedIsRefused) {
  Start("");
  EXPECT_EQ(SaveSettings("vero@example.org", "fr", "notifications=on&volunteer_digest=daily&new_ticket_alerts=maybe"),
            422);
  EXPECT_EQ(Text("SELECT new_ticket_alerts FROM mail_settings WHERE user_id = " + std::to_string(vero_)), "urgent");
}

}  // namespace
}  // namespace entraide::testing

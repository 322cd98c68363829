// Mail that goes out at once (#17, parts 1 to 3, and reply addresses): plus addressing, reply tokens that only
// exist hashed and can be revoked, the Reply-To of ticket mails through a real Sender and the real templates,
// Auto-Submitted on every kind, and the settings of new-ticket alerts.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "app/config.h"
#include "app/wiring.h"
#include "core/strings.h"
#include "fixtures.h"
#include "i18n/catalog.h"
#include "mail/addresses.h"
#include "mail/composer.h"
#include "mail/preferences.h"
#include "mail/sender.h"
#include "mail/transport.h"
#include "mail_util.h"
#include "store/reply_token_repo.h"
#include "tickets/reply_tokens.h"

namespace entraide::testing {
namespace {
namespace fs = std::filesystem;

std::string Upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

TEST(PlusAddressTest, AddsTheTagToTheLocalPart) {
  EXPECT_EQ(mail::PlusAddress("aide@x.org", "ab1"), "aide+ab1@x.org");
  EXPECT_EQ(mail::PlusAddress("aide.reseau@reseau.example", "0f"), "aide.reseau+0f@reseau.example");
}

TEST(PlusAddressTest, GivesTheTagBackInLowerCaseOnlyForItsOwnBase) {
  EXPECT_EQ(mail::PlusTag("aide@x.org", "aide+ab1@x.org"), "ab1");
  EXPECT_EQ(mail::PlusTag("aide@x.org", "AIDE+AB1@X.ORG"), "ab1") << "mail systems may change the case";
  EXPECT_EQ(mail::PlusTag("Aide@X.org", "aide+ab1@x.org"), "ab1");
  EXPECT_EQ(mail::PlusTag("aide@x.org", "aide+ab1@y.org"), std::nullopt) << "another domain";
  EXPECT_EQ(mail::PlusTag("aide@x.org", "autre+ab1@x.org"), std::nullopt) << "another local part";
  EXPECT_EQ(mail::PlusTag("aide@x.org", "aidez+ab1@x.org"), std::nullopt);
  EXPECT_EQ(mail::PlusTag("aide@x.org", "aide@x.org"), std::nullopt) << "no tag";
  EXPECT_EQ(mail::PlusTag("aide@x.org", "aide+@x.org"), std::nullopt) << "an empty tag";
  EXPECT_EQ(mail::PlusTag("aide@x.org", "aide+a b@x.org"), std::nullopt);
  EXPECT_EQ(mail::PlusTag("aide@x.org", "aide+a\"b@x.org"), std::nullopt);
  EXPECT_EQ(mail::PlusTag("", "aide+ab@x.org"), std::nullopt) << "no reply address configured";
  EXPECT_EQ(mail::PlusTag("aide@x.org", "not an address"), std::nullopt);
}

TEST(PlusAddressTest, ReplyTokensAre128RandomBitsInLowerCaseHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string t = mail::NewReplyToken();
    ASSERT_TRUE(std::regex_match(t, std::regex("[0-9a-f]{32}"))) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// The help desk, a Sender writing .eml files and the real templates (views/ with the catalogs as t.*).
class ReplyAddressTest : public DeskTest {
 protected:
  void SetUp() override {
    DeskTest::SetUp();
    Groups({{"coop-a", "Coop A", "fr"}});
    member_ = Person("maude@example.org", "Maude Ouellet", "member", {"coop-a"}, "en");
    volunteer_ = Person("vero@example.org", "Véro Lachance", "volunteer", {}, "fr");
    auto catalogs = i18n::Catalogs::Load(SourceDir() + "/views/i18n");
    ASSERT_TRUE(catalogs.ok());
    catalogs_ = *catalogs;
    app::Config config = TestConfig(dir_.path());
    config.views_dir = SourceDir() + "/views";
    auto views = app::LoadViews(config, *catalogs_, nullptr);
    ASSERT_TRUE(views.ok()) << views.status().ToString();
    views_ = std::move(views).value();
    auto tokens = mail::UnsubscribeTokens::Load(Db());
    ASSERT_TRUE(tokens.ok());
    unsubscribe_ = std::make_unique<mail::UnsubscribeTokens>(*tokens);
  }

  std::unique_ptr<mail::Composer> Composer(const std::string& reply_address) {
    mail::ComposerOptions o;
    o.from = {"Entraide", "entraide@reseau.example"};
    o.base_url = "https://entraide.example.org";
    o.reply_address = reply_address;
    return std::make_unique<mail::Composer>(*views_, *unsubscribe_, o);
  }
  // Delivers the outbox into `out` as .eml files; returns the decoded messages.
  std::vector<DecodedMail> Deliver(const mail::Composer& composer, const TempDir& out) {
    auto transport = mail::MakeFileTransport(out.path());
    mail::Sender sender(*pool_, clock_, composer, *transport);
    auto report = sender.RunOnce();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    std::vector<DecodedMail> mails;
    for (const auto& e : fs::directory_iterator(out.path())) mails.push_back(DecodeMail(e.path().string()));
    return mails;
  }
  // The tag of a Reply-To "Entraide <aide+TAG@reseau.example>" ("" when there is none).
  static std::string TagOf(const DecodedMail& d) {
    std::smatch m;
    std::string reply_to = d.Header("Reply-To");
    if (!std::regex_search(reply_to, m, std::regex(R"(<aide\+([0-9a-f]+)@reseau\.example>)"))) return "";
    return m[1];
  }
  std::optional<tickets::ReplyToken> Find(const std::string& token) {
    auto found = tickets::FindReplyToken(Db(), token);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }
  // Every byte of the database's files (the main file and its write-ahead log).
  std::string DatabaseBytes() {
    std::string all;
    for (const char* suffix : {"", "-wal"})
      if (fs::exists(dir_.Join("entraide.db") + suffix)) all += ReadFile(dir_.Join("entraide.db") + suffix);
    return all;
  }

  auth::Principal member_, volunteer_;
  std::shared_ptr<const i18n::Catalogs> catalogs_;
  std::unique_ptr<view::Renderer> views_;
  std::unique_ptr<mail::UnsubscribeTokens> unsubscribe_;
};

TEST_F(ReplyAddressTest, EachTicketMailGetsAReplyToBoundToItsRecipientAndTicketStoredOnlyHashed) {
  tickets::Ticket t = Open(member_, NewTicketOf("Imprimante en panne", "Elle clignote en rouge.", "hardware", "high"));
  ASSERT_TRUE(ReplyAs(volunteer_, t.id, "Débranchez-la une minute.").ok());
  auto composer = Composer("aide@reseau.example");
  TempDir out;
  auto mails = Deliver(*composer, out);
  ASSERT_EQ(mails.size(), 3u) << "the acknowledgement, the alert and the reply";
  std::set<std::string> tags;
  for (const DecodedMail& d : mails) {
    std::string tag = TagOf(d);
    ASSERT_FALSE(tag.empty()) << d.Header("Subject") << ": " << d.Header("Reply-To");
    EXPECT_TRUE(core::StartsWith(d.Header("Reply-To"), "Entraide <")) << d.Header("Reply-To");
    tags.insert(tag);
    auto token = Find(tag);
    ASSERT_TRUE(token.has_value());
    int64_t recipient = d.Header("To").find("vero@") != std::string::npos ? volunteer_.user_id : member_.user_id;
    EXPECT_EQ(token->user_id, recipient) << d.Header("To");
    EXPECT_EQ(token->ticket_id, t.id);
    EXPECT_FALSE(token->revoked);
    EXPECT_TRUE(Find(Upper(tag)).has_value()) << "case does not matter";
    EXPECT_EQ(mail::PlusTag("aide@reseau.example", "AIDE+" + Upper(tag) + "@Reseau.Example"), tag);
    EXPECT_EQ(d.Header("Auto-Submitted"), "auto-generated");
  }
  EXPECT_EQ(tags.size(), 3u) << "one token per message";
  EXPECT_EQ(Count("SELECT count(*) FROM reply_tokens"), 3);
  // The token itself is nowhere: not in the outbox, not in the file, not in its log.
  Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::string bytes = DatabaseBytes();
  for (const std::string& tag : tags) {
    EXPECT_EQ(bytes.find(tag), std::string::npos) << "the raw token is in the database";
    EXPECT_NE(bytes.find(store::ReplyTokenHash(tag)), std::string::npos) << "its hash is";
  }
  EXPECT_FALSE(Find("0123456789abcdef0123456789abcdef").has_value()) << "a token nobody was given";
  EXPECT_FALSE(Find("").has_value());
  EXPECT_FALSE(Find("abc'; DROP TABLE reply_tokens; --").has_value());
}

TEST_F(ReplyAddressTest, WithoutAReplyAddressNothingChanges) {
  Open(member_, NewTicketOf("Imprimante en panne", "Elle clignote en rouge.", "hardware", "high"));
  auto composer = Composer("");
  TempDir out;
  auto mails = Deliver(*composer, out);
  ASSERT_EQ(mails.size(), 2u);
  for (const DecodedMail& d : mails) {
    EXPECT_EQ(d.HeaderCount("Reply-To"), 0) << d.Header("Subject");
    EXPECT_EQ(d.text.find("reply to this email"), std::string::npos);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM reply_tokens"), 0);
}

TEST_F(ReplyAddressTest, TokensAreRevokedByPersonByTicketAndWhenAnAccountIsDeactivated) {
  tickets::Ticket t1 = Open(member_, NewTicketOf("Un", "Texte.", "hardware", "high"));
  tickets::Ticket t2 = Open(member_, NewTicketOf("Deux", "Texte.", "hardware", "high"));
  auto composer = Composer("aide@reseau.example");
  TempDir out;
  std::map<std::pair<int64_t, int64_t>, std::string> token_of;  // (person, ticket) -> token
  for (const DecodedMail& d : Deliver(*composer, out)) {
    auto token = Find(TagOf(d));
    ASSERT_TRUE(token.has_value());
    token_of[{token->user_id, token->ticket_id}] = TagOf(d);
  }
  ASSERT_EQ(token_of.size(), 4u) << "the member's two acknowledgements, the volunteer's two alerts";

  auto revoked = tickets::RevokeReplyTokensOfTicket(Db(), t1.id, clock_.NowSeconds());
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(*revoked, 2);
  EXPECT_TRUE(Find(token_of[{member_.user_id, t1.id}])->revoked);
  EXPECT_TRUE(Find(token_of[{volunteer_.user_id, t1.id}])->revoked);
  EXPECT_FALSE(Find(token_of[{member_.user_id, t2.id}])->revoked);

  mail::PreferenceService prefs(*pool_, clock_, *unsubscribe_, true);
  EXPECT_EQ(prefs.RevokeReplyAddresses(nullptr).status().code(), core::StatusCode::kUnauthenticated);
  auto mine = prefs.RevokeReplyAddresses(&member_);  // the button of the settings page
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(*mine, 1) << "one left that was not revoked yet";
  EXPECT_TRUE(Find(token_of[{member_.user_id, t2.id}])->revoked);
  EXPECT_FALSE(Find(token_of[{volunteer_.user_id, t2.id}])->revoked) << "someone else's";

  auth::Principal coordinator = Person("c@example.org", "Coco", "coordinator", {});
  ASSERT_TRUE(auth_->directory.UpdatePerson(coordinator, volunteer_.user_id, model::Role::kVolunteer, false).ok());
  EXPECT_TRUE(Find(token_of[{volunteer_.user_id, t2.id}])->revoked) << "deactivated";
  EXPECT_EQ(Count("SELECT count(*) FROM reply_tokens WHERE revoked_at IS NULL"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM reply_tokens"), 4) << "revoked, never deleted";
}

TEST_F(ReplyAddressTest, AnInactivePersonsMailGetsNoReplyAddress) {
  tickets::Ticket t = Open(member_, NewTicketOf("Un", "Texte.", "hardware", "normal"));
  ASSERT_TRUE(
      auth_->directory.UpdatePerson(auth::Principal::System(), member_.user_id, model::Role::kMember, false).ok());
  auto composer = Composer("aide@reseau.example");
  TempDir out;
  auto mails = Deliver(*composer, out);
  ASSERT_EQ(mails.size(), 1u) << "the acknowledgement queued before the account was closed";
  EXPECT_EQ(mails[0].HeaderCount("Reply-To"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM reply_tokens WHERE ticket_id = " + std::to_string(t.id)), 0);
}

// RFC 3834: every kind, in both languages, says it was sent by a machine; only ticket mails get a Reply-To.
TEST_F(ReplyAddressTest, EveryKindCarriesAutoSubmittedAndOnlyTicketMailsAReplyTo) {
  auto composer = Composer("aide@reseau.example");
  for (model::MailKind kind : model::kMailKinds)
    for (const std::string& lang : i18n::SupportedLangs()) {
      store::ClaimedMail c;
      c.message = store::OutboxMessage::To(kind, member_.user_id, "maude@example.org", "Maude", lang,
                                           R"({"ticket_id": 1, "ref": "ENT-2027-0001", "subject": "Sujet"})", 0);
      c.message_id = "<1.ab@reseau.example>";
      auto composed = composer->Compose(c, clock_.NowSeconds(), "0123456789abcdef0123456789abcdef");
      ASSERT_TRUE(composed.ok()) << model::ToString(kind) << " " << composed.status().ToString();
      std::string head = composed->raw.substr(0, composed->raw.find("\r\n\r\n") + 2);
      EXPECT_NE(head.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos) << model::ToString(kind);
      bool reply_to =
          head.find("\r\nReply-To: \"Entraide\" <aide+0123456789abcdef0123456789abcdef@reseau.example>\r\n") !=
          std::string::npos;
      EXPECT_EQ(reply_to, model::IsTicketMail(kind)) << model::ToString(kind);
      EXPECT_EQ(composer->ReplyTicket(c.message).has_value(), model::IsTicketMail(kind)) << model::ToString(kind);
    }
  store::OutboxMessage no_ticket = store::OutboxMessage::To(model::MailKind::kTicketReply, member_.user_id, "m@x.org",
                                                            "M", "fr", R"({"ref": "ENT-2027-0001"})", 0);
  EXPECT_FALSE(composer->ReplyTicket(no_ticket).has_value()) << "data that names no ticket";
  no_ticket.data_json = "[1, 2]";
  EXPECT_FALSE(composer->ReplyTicket(no_ticket).has_value()) << "data that is not an object";
  EXPECT_FALSE(Composer("")
                   ->ReplyTicket(store::OutboxMessage::To(model::MailKind::kTicketReply, member_.user_id, "m@x.org",
                                                          "M", "fr", R"({"ticket_id": 1})", 0))
                   .has_value());
}

TEST_F(ReplyAddressTest, TheAcknowledgementSaysWhatHappensNextInTheOpenersLanguage) {
  tickets_->SetResponseTargets({.blocking_hours = 2, .high_hours = 4, .normal_hours = 24, .low_hours = 72});
  tickets::Ticket t = Open(member_, NewTicketOf("Courriel qui rebondit", "Depuis lundi.", "hardware", "normal"));
  auto composer = Composer("aide@reseau.example");
  TempDir out;
  auto mails = Deliver(*composer, out);
  ASSERT_EQ(mails.size(), 1u) << "a normal ticket: no alert for a volunteer on the default";
  const DecodedMail& d = mails[0];
  EXPECT_EQ(d.Header("To"), "Maude Ouellet <maude@example.org>");
  EXPECT_EQ(d.Header("Subject"), t.ref + ": we received your request");
  EXPECT_NE(d.text.find("\"Courriel qui rebondit\""), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("(urgency: Normal)"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("within 24 hours"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("https://entraide.example.org/en/tickets/" + std::to_string(t.id)), std::string::npos);
  EXPECT_NE(d.text.find("reply to this email"), std::string::npos) << "with a reply address";
  EXPECT_NE(d.html.find("Follow the request " + t.ref), std::string::npos);
  EXPECT_FALSE(d.Header("List-Unsubscribe").empty()) << "ticket notifications can be turned off";
  EXPECT_FALSE(d.Header("References").empty()) << "the first message of the ticket's thread";
}

TEST_F(ReplyAddressTest, TheAlertNamesTheTicketInTheVolunteersLanguageAndCanBeUnsubscribedInOneClick) {
  tickets::Ticket t =
      Open(member_, NewTicketOf("Site piraté", "Notre page d'accueil affiche une publicité.", "hardware", "blocking"));
  auto composer = Composer("");
  TempDir out;
  DecodedMail alert;
  for (DecodedMail& d : Deliver(*composer, out))
    if (d.Header("To").find("vero@") != std::string::npos) alert = std::move(d);
  EXPECT_EQ(alert.Header("Subject"), "[Urgente] Nouvelle demande " + t.ref + " : Site piraté");
  EXPECT_NE(alert.text.find("Organisme : Coop A"), std::string::npos) << alert.text;
  EXPECT_NE(alert.text.find("Urgence : Bloquante"), std::string::npos) << alert.text;
  EXPECT_NE(alert.text.find("Catégorie : Matériel"), std::string::npos) << alert.text;
  EXPECT_NE(alert.text.find("Notre page d'accueil affiche une publicité."), std::string::npos);
  EXPECT_NE(alert.text.find("https://entraide.example.org/fr/tickets/" + std::to_string(t.id)), std::string::npos);
  std::string unsubscribe = alert.Header("List-Unsubscribe");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(unsubscribe, m, std::regex(R"(/fr/unsubscribe/([^>]+)>)"))) << unsubscribe;
  mail::PreferenceService prefs(*pool_, clock_, *unsubscribe_);
  auto target = prefs.Unsubscribe(m[1]);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  EXPECT_EQ(target->topic, mail::Topic::kNewTicketAlerts);
  EXPECT_EQ(prefs.Get(&volunteer_)->new_ticket_alerts, "off");
  EXPECT_TRUE(prefs.Get(&volunteer_)->notifications) << "only the alerts";
}

TEST_F(ReplyAddressTest, AlertSettingsAreCheckedAndOnlyVolunteersAndCoordinatorsChooseThem) {
  mail::PreferenceService prefs(*pool_, clock_, *unsubscribe_);
  auto s = prefs.Get(&volunteer_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->new_ticket_alerts, "urgent") << "the default for volunteers";
  s->new_ticket_alerts = "sometimes";
  core::Status bad = prefs.Save(&volunteer_, *s);
  EXPECT_EQ(bad.code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.field(), "new_ticket_alerts");
  s->new_ticket_alerts = "all";
  ASSERT_TRUE(prefs.Save(&volunteer_, *s).ok());
  EXPECT_EQ(prefs.Get(&volunteer_)->new_ticket_alerts, "all");

  auto m = prefs.Get(&member_);
  EXPECT_EQ(m->new_ticket_alerts, "off");
  m->new_ticket_alerts = "all";
  ASSERT_TRUE(prefs.Save(&member_, *m).ok());
  EXPECT_EQ(prefs.Get(&member_)->new_ticket_alerts, "off") << "members never get alerts";
  EXPECT_EQ(Text("SELECT coalesce(new_ticket_alerts, 'NULL') FROM mail_preferences WHERE user_id = " +
                 std::to_string(member_.user_id)),
            "NULL")
      << "the default of whatever role they may get";
  ASSERT_TRUE(
      auth_->directory.UpdatePerson(auth::Principal::System(), member_.user_id, model::Role::kVolunteer, true).ok());
  EXPECT_EQ(prefs.Get(&member_)->new_ticket_alerts, "urgent") << "a member who becomes a volunteer gets the default";
}

}  // namespace
}  // namespace entraide::testing

// inbox::Receiver on a real database and the corpus of real-shaped messages (tests/mail/messages): replies land
// as their person's, forged, automatic, revoked and duplicate mail never does, bounces mark addresses, tickets
// written by mail wait for their confirmation link.
#include "inbox/receiver.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/sha256.h"
#include "core/strings.h"
#include "fixtures.h"
#include "mail/inbound.h"
#include "store/inbound_repo.h"
#include "store/mail_repo.h"

namespace entraide {
namespace {

namespace fs = std::filesystem;
using model::InboundOutcome;

std::string Corpus(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/mail/messages/" + name);
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Replaces the value of header `name` (its first line; any case) in the header block of `raw`, or adds the
// header on top when absent.
std::string WithHeader(std::string raw, const std::string& name, const std::string& value) {
  size_t end_of_headers = raw.find("\n\r\n");
  if (end_of_headers == std::string::npos) end_of_headers = raw.find("\n\n");
  std::string lower = core::ToLowerAscii(raw.substr(0, end_of_headers));
  size_t at = lower.find("\n" + core::ToLowerAscii(name) + ":");
  if (at == std::string::npos) return name + ": " + value + "\r\n" + raw;
  size_t start = at + 1, end = raw.find('\n', start);
  std::string eol = raw[end - 1] == '\r' ? "\r" : "";
  return raw.substr(0, start) + name + ": " + value + eol + raw.substr(end);
}

class ReceiverTest : public testing::DeskTest {
 protected:
  void SetUp() override {
    DeskTest::SetUp();
    Groups({{"quartier", "Groupe d'entraide du quartier", "fr"}, {"coop", "Coop du coin", "fr"}});
    marie_ = Person("marie.tremblay@groupe.example", "Marie Tremblay", "member", {"quartier"});
    jf_ = Person("jf@benevoles.example", "Jean-François Bélanger", "volunteer", {});
    ticket_ = Open(marie_, testing::NewTicketOf("Sauvegarde en erreur", "Déjà Dup échoue.", "other"));
    ASSERT_GT(ticket_.id, 0);
    options_.reply_address = "aide@reseau.example";
    options_.bounce_address = "bounces@reseau.example";
    options_.new_ticket_address = "nouveau@reseau.example";
    options_.from_address = "entraide@reseau.example";
    options_.originals_dir = dir_.path() + "/mail-in";
    options_.scratch_dir = dir_.path() + "/tmp";
    options_.base_url = "https://entraide.example.org";
    Rebuild();
  }
  void Rebuild() {
    receiver_ = std::make_unique<inbox::Receiver>(*pool_, clock_, auth_->sessions, *tickets_, options_);
  }

  // A reply token for `user` on `ticket`, as the sender makes one (only its hash is stored).
  std::string Token(int64_t user, int64_t ticket) {
    std::string token = "t" + std::to_string(++tokens_) + "0123456789abcdef0123456789abcde";
    Exec("INSERT INTO reply_tokens (token_hash, user_id, ticket_id, created_at) VALUES ('" + core::Sha256Hex(token) +
         "', " + std::to_string(user) + ", " + std::to_string(ticket) + ", 0)");
    return token;
  }
  std::string Reply(const std::string& file, const std::string& token) {
    return Replace(Corpus(file), "TOKENPLACEHOLDER", token);
  }
  int64_t Replies() {
    return Count("SELECT count(*) FROM ticket_events WHERE kind = 'reply' AND ticket_id = " +
                 std::to_string(ticket_.id));
  }
  std::string LastReply() {
    return Text("SELECT body FROM ticket_events WHERE kind = 'reply' ORDER BY id DESC LIMIT 1");
  }
  std::string LastOutcome() {
    return Text("SELECT outcome || ': ' || reason FROM inbound_mail ORDER BY id DESC LIMIT 1");
  }

  auth::Principal marie_, jf_;
  tickets::Ticket ticket_;
  inbox::ReceiverOptions options_;
  std::unique_ptr<inbox::Receiver> receiver_;
  int tokens_ = 0;
};

TEST_F(ReceiverTest, EachClientsReplyLandsAsItsAuthorsReplyWithoutTheQuotedHistory) {
  for (const char* file : {"thunderbird-fr.eml", "thunderbird-en.eml", "outlook-fr.eml", "outlook-en.eml",
                           "gmail-fr.eml", "gmail-en.eml", "apple-mail-fr.eml", "html-only.eml", "iso-8859-1.eml"}) {
    SCOPED_TRACE(file);
    std::string raw = Reply(file, Token(marie_.user_id, ticket_.id));
    int64_t before = Replies();
    inbox::Received r = receiver_->Receive(raw);
    EXPECT_EQ(r.outcome, InboundOutcome::kTaken) << r.reason;
    EXPECT_EQ(r.ExitCode(), 0);
    EXPECT_EQ(Replies(), before + 1);
    EXPECT_EQ(Count("SELECT actor_id FROM ticket_events WHERE kind = 'reply' ORDER BY id DESC LIMIT 1"),
              marie_.user_id);
    EXPECT_EQ(Count("SELECT internal FROM ticket_events WHERE kind = 'reply' ORDER BY id DESC LIMIT 1"), 0);
    auto m = mail::ParseMessage(raw);
    ASSERT_TRUE(m.ok());
    std::string body = LastReply();
    EXPECT_EQ(body, mail::StripQuotedReply(m->text));
    for (const char* quoted : {"a écrit", "wrote:", "\n>", "Envoyé de mon", "-----Original", "De :", "From:"})
      EXPECT_EQ(body.find(quoted), std::string::npos) << quoted << " in:\n" << body;
    // Its original is kept for volunteers, never for the group.
    auto originals = receiver_->Originals(&jf_, ticket_.id);
    ASSERT_TRUE(originals.ok());
    ASSERT_FALSE(originals->empty());
    EXPECT_TRUE(fs::exists(originals->back().path));
    EXPECT_EQ(testing::ReadFile(originals->back().path), raw);
  }
  EXPECT_EQ(receiver_->Originals(&marie_, ticket_.id).status().code(), core::StatusCode::kPermissionDenied);
  // The French Thunderbird reply, as written: the greeting and the answer, not the signature.
  std::string raw = Reply("thunderbird-fr.eml", Token(marie_.user_id, ticket_.id));
  raw = WithHeader(raw, "Message-ID", "<tb-again@groupe.example>");
  ASSERT_EQ(receiver_->Receive(raw).outcome, InboundOutcome::kTaken);
  EXPECT_TRUE(core::StartsWith(LastReply(), "Bonjour Jean-François,")) << LastReply();
  EXPECT_NE(LastReply().find("On peut fermer la demande."), std::string::npos);
  EXPECT_EQ(LastReply().find("Coordonnatrice"), std::string::npos);
}

TEST_F(ReceiverTest, Windows1252AndHtmlOnlyBodiesReadWell) {
  ASSERT_EQ(receiver_->Receive(Reply("outlook-fr.eml", Token(marie_.user_id, ticket_.id))).outcome,
            InboundOutcome::kTaken);
  std::string outlook = LastReply();
  EXPECT_TRUE(outlook.find("’") != std::string::npos || outlook.find("€") != std::string::npos) << outlook;
  ASSERT_EQ(receiver_->Receive(Reply("html-only.eml", Token(marie_.user_id, ticket_.id))).outcome,
            InboundOutcome::kTaken);
  std::string html = LastReply();
  EXPECT_EQ(html.find('<'), std::string::npos) << html;
  EXPECT_EQ(html.find("&nbsp;"), std::string::npos) << html;
}

TEST_F(ReceiverTest, AnAttachmentArrivesWithItsDecodedName) {
  ASSERT_EQ(receiver_->Receive(Reply("pdf-rfc2231.eml", Token(marie_.user_id, ticket_.id))).outcome,
            InboundOutcome::kTaken);
  EXPECT_GE(Count("SELECT count(*) FROM attachments WHERE ticket_id = " + std::to_string(ticket_.id) +
                  " AND filename LIKE 'Procès%' AND event_id IS NOT NULL"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM attachments WHERE ticket_id = " + std::to_string(ticket_.id)), 2);
}

TEST_F(ReceiverTest, AForgedFromAWrongOrRevokedTokenAndAFailedDmarcAreRefusedAndNothingLands) {
  std::string token = Token(marie_.user_id, ticket_.id);
  std::string forged =
      Replace(Reply("gmail-fr.eml", token), "marie.tremblay@groupe.example", "marie@attaquant.example");
  inbox::Received r = receiver_->Receive(forged);
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
  EXPECT_EQ(r.ExitCode(), 65);
  EXPECT_NE(LastOutcome().find("From is not"), std::string::npos) << LastOutcome();
  // Case does not matter in the From address.
  std::string upper =
      Replace(Reply("gmail-fr.eml", token), "marie.tremblay@groupe.example", "Marie.Tremblay@Groupe.Example");
  EXPECT_EQ(receiver_->Receive(upper).outcome, InboundOutcome::kTaken) << LastOutcome();

  r = receiver_->Receive(Reply("gmail-en.eml", "ffffffffffffffffffffffffffffffff"));
  EXPECT_EQ(r.outcome, InboundOutcome::kUnknown);
  EXPECT_EQ(r.ExitCode(), 67);

  std::string revoked = Token(marie_.user_id, ticket_.id);
  Exec("UPDATE reply_tokens SET revoked_at = 1 WHERE token_hash = '" + core::Sha256Hex(revoked) + "'");
  r = receiver_->Receive(Reply("outlook-en.eml", revoked));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
  EXPECT_NE(LastOutcome().find("revoked"), std::string::npos);

  // A token is bound to its person: Jean-François's token with Marie's From is refused.
  r = receiver_->Receive(Reply("thunderbird-en.eml", Token(jf_.user_id, ticket_.id)));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);

  // DMARC: only the receiving host's own header counts; its dmarc=fail refuses, others' dmarc=pass do not help.
  options_.trusted_host = "mx.reseau.example";
  Rebuild();
  r = receiver_->Receive(Reply("forged-auth-results.eml", Token(marie_.user_id, ticket_.id)));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
  EXPECT_NE(LastOutcome().find("dmarc=fail"), std::string::npos) << LastOutcome();
  // Without the setting the header is not read (the same message is then judged by its From and token only).
  options_.trusted_host.clear();
  Rebuild();
  EXPECT_EQ(receiver_->Receive(Reply("forged-auth-results.eml", Token(marie_.user_id, ticket_.id))).outcome,
            InboundOutcome::kTaken);
  EXPECT_EQ(Replies(), 2);  // the upper-case From and the last one
  EXPECT_EQ(Count("SELECT count(*) FROM inbound_mail WHERE outcome = 'refused'"), 4);
}

TEST_F(ReceiverTest, AutomaticMailLoopsAndDuplicatesAreIgnoredWithoutAnAnswer) {
  std::string token = Token(marie_.user_id, ticket_.id);
  int64_t outbox = Count("SELECT count(*) FROM outbox");
  inbox::Received r = receiver_->Receive(Reply("auto-reply-fr.eml", token));
  EXPECT_EQ(r.outcome, InboundOutcome::kIgnored);
  EXPECT_EQ(r.ExitCode(), 0);
  r = receiver_->Receive(Replace(Corpus("mailing-list.eml"), "TOKENPLACEHOLDER", token));
  EXPECT_EQ(r.outcome, InboundOutcome::kIgnored) << r.reason;
  std::string reply = Reply("gmail-fr.eml", token);
  for (const auto& [header, value] : std::vector<std::pair<std::string, std::string>>{
           {"Auto-Submitted", "auto-generated"}, {"Precedence", "bulk"}, {"X-Autoreply", "yes"}}) {
    SCOPED_TRACE(header);
    EXPECT_EQ(receiver_->Receive(WithHeader(reply, header, value)).outcome, InboundOutcome::kIgnored);
  }
  // Our own From (a notification looping back) and a null sender.
  EXPECT_EQ(receiver_->Receive(Replace(reply, "marie.tremblay@groupe.example", "entraide@reseau.example")).outcome,
            InboundOutcome::kIgnored);
  EXPECT_EQ(receiver_->Receive(WithHeader(reply, "Return-Path", "<>")).outcome, InboundOutcome::kIgnored);
  EXPECT_EQ(Replies(), 0);
  // Auto-Submitted: no is a person writing.
  EXPECT_EQ(receiver_->Receive(WithHeader(reply, "Auto-Submitted", "no")).outcome, InboundOutcome::kTaken);
  // The same message delivered again is taken once.
  r = receiver_->Receive(WithHeader(reply, "Auto-Submitted", "no"));
  EXPECT_EQ(r.outcome, InboundOutcome::kIgnored);
  EXPECT_EQ(r.ExitCode(), 0);
  EXPECT_NE(r.reason.find("already received"), std::string::npos);
  EXPECT_EQ(Replies(), 1);
  // Nothing was ever sent back to anyone: no backscatter (the reply's own notification goes to the volunteer only
  // when the ticket has one; here it has none).
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), outbox);
}

TEST_F(ReceiverTest, AVolunteersReplyByMailIsPublicAndAPersonWhoLeftTheGroupIsRefused) {
  ASSERT_TRUE(tickets_->Claim(&jf_, ticket_.id).ok());
  std::string raw = Replace(Reply("thunderbird-en.eml", Token(jf_.user_id, ticket_.id)),
                            "marie.tremblay@groupe.example", "jf@benevoles.example");
  ASSERT_EQ(receiver_->Receive(raw).outcome, InboundOutcome::kTaken) << LastOutcome();
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE kind = 'reply' AND internal = 0 AND actor_id = " +
                  std::to_string(jf_.user_id)),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE kind = 'note'"), 0);
  // The group is told, as for a reply on the page.
  EXPECT_EQ(
      Count("SELECT count(*) FROM outbox WHERE kind = 'ticket_reply' AND user_id = " + std::to_string(marie_.user_id)),
      1);

  Exec("DELETE FROM memberships WHERE user_id = " + std::to_string(marie_.user_id));
  inbox::Received r = receiver_->Receive(Reply("gmail-en.eml", Token(marie_.user_id, ticket_.id)));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
  EXPECT_NE(r.reason.find("no longer see"), std::string::npos) << r.reason;
  Exec("UPDATE users SET active = 0 WHERE id = " + std::to_string(jf_.user_id));
  r = receiver_->Receive(WithHeader(raw, "Message-ID", "<again@benevoles.example>"));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
}

TEST_F(ReceiverTest, ThirtyMessagesAnHourPerPersonAndTwentyFiveMegabytes) {
  options_.per_hour = 3;
  Rebuild();
  std::string reply = Reply("gmail-fr.eml", Token(marie_.user_id, ticket_.id));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(receiver_->Receive(WithHeader(reply, "Message-ID", "<n" + std::to_string(i) + "@g>")).outcome,
              InboundOutcome::kTaken);
  inbox::Received r = receiver_->Receive(WithHeader(reply, "Message-ID", "<n4@g>"));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
  EXPECT_NE(r.reason.find("3 messages in an hour"), std::string::npos) << r.reason;
  clock_.Advance(3601);
  EXPECT_EQ(receiver_->Receive(WithHeader(reply, "Message-ID", "<n5@g>")).outcome, InboundOutcome::kTaken);
  EXPECT_EQ(inbox::ReceiverOptions{}.per_hour, 30);
  EXPECT_EQ(inbox::ReceiverOptions{}.limits.max_message_bytes, 25u << 20);

  options_.limits.max_message_bytes = 4096;
  Rebuild();
  r = receiver_->Receive(reply + std::string(5000, 'x'));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
  EXPECT_EQ(r.ExitCode(), 65);
  r = receiver_->Receive("this is not a message at all");
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
}

TEST_F(ReceiverTest, PermanentDeliveryFailuresMarkTheAddressBouncingAtTheThirdAndStopItsMail) {
  // Three of our messages to Marie, as the sender marks them (a Message-ID each).
  for (int i = 1; i <= 3; ++i)
    Exec(
        "INSERT INTO outbox (kind, recipient_email, user_id, created_at, status, message_id) VALUES "
        "('ticket_reply', 'marie.tremblay@groupe.example', " +
        std::to_string(marie_.user_id) + ", 0, 'sent', '<" + std::to_string(100 + i) + ".a1b2c3@reseau.example>')");
  auto dsn = [&](int i, const std::string& file) {
    std::string raw = Replace(Corpus(file), "IDPLACEHOLDER", std::to_string(100 + i) + ".a1b2c3");
    return WithHeader(raw, "Message-ID", "<dsn" + std::to_string(i) + file + "@mx.reseau.example>");
  };
  // A delay is not a failure.
  inbox::Received r = receiver_->Receive(dsn(1, "dsn-delayed-4.x.eml"));
  EXPECT_EQ(r.outcome, InboundOutcome::kBounce);
  EXPECT_EQ(Count("SELECT count(*) FROM mail_bounces"), 0);
  for (int i = 1; i <= 3; ++i) {
    r = receiver_->Receive(dsn(i, "dsn-postfix-5.1.1.eml"));
    EXPECT_EQ(r.outcome, InboundOutcome::kBounce) << r.reason;
    EXPECT_EQ(r.ExitCode(), 0);
    EXPECT_EQ(Count("SELECT failures FROM mail_bounces"), i);
    EXPECT_EQ(Count("SELECT bouncing_since IS NOT NULL FROM mail_bounces"), i == 3 ? 1 : 0);
  }
  EXPECT_NE(Text("SELECT last_status FROM mail_bounces").find("5.1.1"), std::string::npos);
  // The same report again counts nothing; a report about no message of ours is unknown.
  EXPECT_EQ(receiver_->Receive(dsn(3, "dsn-postfix-5.1.1.eml")).outcome, InboundOutcome::kIgnored);
  EXPECT_EQ(Count("SELECT failures FROM mail_bounces"), 3);
  r = receiver_->Receive(Replace(Corpus("dsn-postfix-5.1.1.eml"), "IDPLACEHOLDER", "999.ffff"));
  EXPECT_EQ(r.outcome, InboundOutcome::kUnknown);
  // No more mail to it.
  store::MailRepository mail(Db());
  auto bouncing = mail.Bouncing("MARIE.TREMBLAY@groupe.example");
  ASSERT_TRUE(bouncing.ok());
  EXPECT_TRUE(*bouncing);
}

TEST_F(ReceiverTest, ATicketByMailWaitsForTheLinkSentToItsAuthorUnlessTheHostSaysDmarcPass) {
  std::string raw =
      Replace(Replace(Corpus("thunderbird-fr.eml"), "aide+TOKENPLACEHOLDER@reseau.example", "nouveau@reseau.example"),
              "Re: ", "");
  // Nobody's address: refused, nothing sent.
  inbox::Received r = receiver_->Receive(Replace(raw, "marie.tremblay@groupe.example", "inconnu@ailleurs.example"));
  EXPECT_EQ(r.outcome, InboundOutcome::kRefused);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'by_mail_confirmation'"), 0);

  // Marie, in one group, without a trusted host: a confirmation link is mailed to her own address.
  int64_t tickets = Count("SELECT count(*) FROM tickets");
  r = receiver_->Receive(raw);
  EXPECT_EQ(r.outcome, InboundOutcome::kTaken) << r.reason;
  EXPECT_EQ(Count("SELECT count(*) FROM tickets"), tickets);
  ASSERT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'by_mail_confirmation' AND recipient_email = "
                  "'marie.tremblay@groupe.example'"),
            1);
  std::string link = Text("SELECT json_extract(data_json, '$.link') FROM outbox WHERE kind = 'by_mail_confirmation'");
  ASSERT_TRUE(core::StartsWith(link, "https://entraide.example.org/fr/tickets/by-mail/")) << link;
  std::string token = link.substr(link.rfind('/') + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM mail_ticket_requests WHERE token_hash = '" + token + "'"), 0);  // hashed
  auto pending = receiver_->Pending(token);
  ASSERT_TRUE(pending.ok()) << pending.status().message();
  EXPECT_NE(pending->body.find("Déjà Dup"), std::string::npos);
  auto t = receiver_->Confirm(token, 0);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->group_id, marie_.groups.front().id);
  EXPECT_EQ(Count("SELECT count(*) FROM tickets"), tickets + 1);
  EXPECT_EQ(receiver_->Confirm(token, 0).status().code(), core::StatusCode::kNotFound);  // single use
  EXPECT_EQ(receiver_->Pending("not-a-token").status().code(), core::StatusCode::kNotFound);
  // The ticket's original is the volunteers'.
  auto originals = receiver_->Originals(&jf_, t->id);
  ASSERT_TRUE(originals.ok());
  EXPECT_EQ(originals->size(), 1u);

  // Someone in two groups chooses on the page.
  auto both = Person("luc@groupe.example", "Luc", "member", {"quartier", "coop"});
  r = receiver_->Receive(WithHeader(Replace(raw, "marie.tremblay@groupe.example", "luc@groupe.example"), "Message-ID",
                                    "<luc@groupe.example>"));
  ASSERT_EQ(r.outcome, InboundOutcome::kTaken);
  link =
      Text("SELECT json_extract(data_json, '$.link') FROM outbox WHERE kind = 'by_mail_confirmation' ORDER BY id DESC");
  token = link.substr(link.rfind('/') + 1);
  EXPECT_EQ(receiver_->Confirm(token, 0).status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(receiver_->Confirm(token, 999).status().code(), core::StatusCode::kInvalidArgument);
  auto in_coop = receiver_->Confirm(token, both.groups.back().id);
  ASSERT_TRUE(in_coop.ok()) << in_coop.status().message();
  EXPECT_EQ(in_coop->group_id, both.groups.back().id);

  // With the receiving host's dmarc=pass for the From's domain, and one group: the ticket opens at once.
  options_.trusted_host = "mx.reseau.example";
  Rebuild();
  tickets = Count("SELECT count(*) FROM tickets");
  int64_t links = Count("SELECT count(*) FROM outbox WHERE kind = 'by_mail_confirmation'");
  r = receiver_->Receive(WithHeader(raw, "Message-ID", "<dmarc-pass@groupe.example>"));
  EXPECT_EQ(r.outcome, InboundOutcome::kTaken) << r.reason;
  EXPECT_EQ(Count("SELECT count(*) FROM tickets"), tickets + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'by_mail_confirmation'"), links);
  // A dmarc=pass for another domain proves nothing.
  std::string other = WithHeader(raw, "Message-ID", "<dmarc-other@groupe.example>");
  other = Replace(other, "header.from=groupe.example", "header.from=ailleurs.example");
  r = receiver_->Receive(other);
  EXPECT_EQ(r.outcome, InboundOutcome::kTaken);
  EXPECT_EQ(Count("SELECT count(*) FROM tickets"), tickets + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'by_mail_confirmation'"), links + 1);
}

TEST_F(ReceiverTest, MailToNoneOfOurAddressesIsUnknown) {
  std::string raw =
      Replace(Corpus("gmail-fr.eml"), "aide+TOKENPLACEHOLDER@reseau.example", "quelquun@ailleurs.example");
  inbox::Received r = receiver_->Receive(raw);
  EXPECT_EQ(r.outcome, InboundOutcome::kUnknown);
  EXPECT_EQ(r.ExitCode(), 67);
  // Without reply_address, a reply address is nobody's either.
  options_.reply_address.clear();
  Rebuild();
  EXPECT_EQ(receiver_->Receive(Reply("gmail-fr.eml", Token(marie_.user_id, ticket_.id))).outcome,
            InboundOutcome::kUnknown);
}

}  // namespace
}  // namespace entraide

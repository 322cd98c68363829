// Message building: header encoding (RFC 2047), addresses, quoted-printable, header injection, HMAC and
// unsubscribe tokens, the retry schedule. Decoded back with Poco's decoders and Python's email package.
#include "mail/mime.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/QuotedPrintableDecoder.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "core/sha256.h"
#include "core/strings.h"
#include "mail/sender.h"
#include "mail/unsubscribe.h"
#include "mail_util.h"

namespace entraide::mail {
namespace {

std::string DecodeWords(const std::string& header) {
  // "=?UTF-8?B?...?=\r\n =?UTF-8?B?...?=" -> the text
  std::string out;
  size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t end = header.find("?=", pos + 10);
    std::istringstream in(header.substr(pos + 10, end - pos - 10));
    Poco::Base64Decoder dec(in);
    out += std::string(std::istreambuf_iterator<char>(dec), {});
    pos = end + 2;
  }
  return out;
}

std::string DecodeQp(const std::string& s) {
  std::istringstream in(s);
  Poco::Net::QuotedPrintableDecoder dec(in);
  return std::string(std::istreambuf_iterator<char>(dec), {});
}

TEST(MimeTest, OneLineTurnsEveryLineBreakAndControlIntoOneSpace) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"plain", "plain"},
      {"a\r\nBcc: x@y.org", "a Bcc: x@y.org"},
      {"a\nb\rc\td\x01"
       "e\x7f",
       "a b c d e"},
      {"  many   spaces \r\n ", "many spaces"},
      {"Amélie Côté", "Amélie Côté"},
  };
  for (const auto& c : cases) EXPECT_EQ(OneLine(c.in), c.out) << c.in;
}

TEST(MimeTest, HeaderTextIsAsciiAsItIsOrEncodedWordsThatDecodeBack) {
  EXPECT_EQ(EncodeHeaderText("Hello world"), "Hello world");
  EXPECT_NE(EncodeHeaderText("looks =?like?= a word").find("=?UTF-8?B?"), std::string::npos);
  for (std::string s : {std::string("Réponse à votre demande"), std::string("É") + std::string(200, 'e') + "à",
                        std::string("Ça va? 日本語のテキスト — «guillemets» ") + std::string(40, 'x') + "ç"}) {
    std::string enc = EncodeHeaderText(s);
    for (const auto& line : core::Split(core::ReplaceAll(enc, "\r\n ", "\n"), '\n')) {
      EXPECT_LE(line.size(), 75u) << line;
      EXPECT_TRUE(core::StartsWith(line, "=?UTF-8?B?") && core::EndsWith(line, "?=")) << line;
      EXPECT_TRUE(core::IsValidUtf8(DecodeWords(line))) << "words split on character boundaries: " << line;
    }
    EXPECT_EQ(DecodeWords(enc), s);
  }
}

TEST(MimeTest, AddressesAreQuotedOrEncoded) {
  EXPECT_EQ(FormatAddress({"", "a@b.org"}), "a@b.org");
  EXPECT_EQ(FormatAddress({"Ana \"the\" Admin", "a@b.org"}), "\"Ana \\\"the\\\" Admin\" <a@b.org>");
  std::string enc = FormatAddress({"Amélie", "a@b.org"});
  EXPECT_TRUE(core::StartsWith(enc, "=?UTF-8?B?")) << enc;
  EXPECT_TRUE(core::EndsWith(enc, " <a@b.org>")) << enc;
  auto parsed = ParseAddress("Entraide Québec <entraide@example.org>");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->name, "Entraide Québec");
  EXPECT_EQ(parsed->email, "entraide@example.org");
  for (const char* bad : {"", "nobody", "a@b.org\r\nBcc: c@d.org", "<a b@c.org>", "x <a@b.org", "a@@b.org"})
    EXPECT_FALSE(ParseAddress(bad).ok()) << bad;
}

TEST(MimeTest, QuotedPrintableKeepsLinesShortAndDecodesBack) {
  std::string text = "Bonjour Amélie,\n\nVoici le lien : https://entraide.test/fr/signin/link/abc=def\n" +
                     std::string(300, 'x') + "\n.\n.point\ntrailing space \nend";
  std::string qp = QuotedPrintable(text);
  for (const auto& line : core::Split(core::ReplaceAll(qp, "\r\n", "\n"), '\n')) {
    EXPECT_LE(line.size(), 76u);
    EXPECT_FALSE(core::StartsWith(line, ".")) << "a line starting with '.' is encoded";
    EXPECT_FALSE(core::EndsWith(line, " ")) << "trailing white space is encoded";
  }
  EXPECT_EQ(qp.find('\n') == std::string::npos || qp.find("\r\n") != std::string::npos, true);
  EXPECT_EQ(DecodeQp(qp), core::ReplaceAll(text, "\n", "\r\n"));
}

MimeMessage Sample() {
  MimeMessage m;
  m.from = {"Entraide", "entraide@example.org"};
  m.to = {"Amélie Côté", "amelie@example.org"};
  m.subject = "Réponse à votre demande";
  m.text = "Bonjour Amélie,\n\nÇa marche.\n";
  m.html = "<p>Bonjour Amélie,</p>";
  m.message_id = "<1.abc@example.org>";
  m.date = 1798761600;
  return m;
}

TEST(MimeTest, SerializedMessageHasTheHeadersAndTwoAlternatives) {
  MimeMessage m = Sample();
  m.references = {"<thread.x@example.org>"};
  m.in_reply_to = "<thread.x@example.org>";
  m.list_unsubscribe_url = "https://entraide.test/fr/unsubscribe/1-n-abc";
  auto raw = Serialize(m);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_NE(raw->find("Date: Fri, 01 Jan 2027 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(raw->find("Message-ID: <1.abc@example.org>\r\n"), std::string::npos);
  EXPECT_NE(raw->find("In-Reply-To: <thread.x@example.org>\r\n"), std::string::npos);
  EXPECT_NE(raw->find("List-Unsubscribe: <https://entraide.test/fr/unsubscribe/1-n-abc>\r\n"), std::string::npos);
  EXPECT_NE(raw->find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
  EXPECT_NE(raw->find("Content-Type: multipart/alternative;"), std::string::npos);
  EXPECT_NE(raw->find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(raw->find("Content-Type: text/html; charset=UTF-8"), std::string::npos);
  for (char c : *raw) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << "7-bit clean";
  EXPECT_EQ(raw->find("\n"), raw->find("\r\n") + 1) << "CRLF line ends";

  testing::TempDir dir;
  dir.Write("m.eml", *raw);
  auto d = testing::DecodeMail(dir.Join("m.eml"));
  EXPECT_TRUE(d.defects.empty()) << d.defects[0];
  EXPECT_EQ(d.Header("Subject"), "Réponse à votre demande");
  EXPECT_EQ(d.Header("To"), "Amélie Côté <amelie@example.org>");
  EXPECT_EQ(d.text, "Bonjour Amélie,\n\nÇa marche.\n");
  EXPECT_EQ(d.html, "<p>Bonjour Amélie,</p>");
}

TEST(MimeTest, CrOrLfInANameOrSubjectNeverMakesAHeader) {
  MimeMessage m = Sample();
  m.subject = "Imprimante\r\nBcc: pirate@example.org\r\n\r\nbody";
  m.to.name = "Mo\nX-Evil: 1";
  m.from.name = "Entraide\rReply-To: pirate@example.org";
  auto raw = Serialize(m);
  ASSERT_TRUE(raw.ok());
  std::string head = raw->substr(0, raw->find("\r\n\r\n"));
  for (const auto& line : core::Split(core::ReplaceAll(head, "\r\n", "\n"), '\n')) {
    EXPECT_FALSE(core::StartsWith(line, "Bcc") || core::StartsWith(line, "X-Evil") ||
                 core::StartsWith(line, "Reply-To"))
        << line;
  }
  testing::TempDir dir;
  dir.Write("m.eml", *raw);
  auto d = testing::DecodeMail(dir.Join("m.eml"));
  EXPECT_EQ(d.HeaderCount("Bcc"), 0);
  EXPECT_EQ(d.HeaderCount("X-Evil"), 0);
  EXPECT_EQ(d.HeaderCount("Reply-To"), 0);
  EXPECT_EQ(d.Header("Subject"), "Imprimante Bcc: pirate@example.org body");
  // Unsafe addresses, ids or URLs are refused outright.
  MimeMessage bad = Sample();
  bad.to.email = "a@b.org>\r\nBcc: c@d.org";
  EXPECT_FALSE(Serialize(bad).ok());
  bad = Sample();
  bad.list_unsubscribe_url = "https://x.test/u>\r\nBcc: c@d.org";
  EXPECT_FALSE(Serialize(bad).ok());
}

TEST(MimeTest, HmacSha256MatchesRfc4231) {
  auto hex = [](const std::array<uint8_t, 32>& d) { return core::HexEncode(d.data(), d.size()); };
  EXPECT_EQ(hex(core::HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(core::HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(core::HmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hex(core::HmacSha256(std::string(131, '\xaa'),
                                 "This is a test using a larger than block-size key and a larger than block-size data. "
                                 "The key needs to be hashed before being used by the HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(UnsubscribeTokensTest, SignedTokensVerifyAndAnythingElseIsRefused) {
  UnsubscribeTokens tokens("secret-one"), other("secret-two");
  std::string t = tokens.Sign(42, Topic::kGroupDigest);
  auto claim = tokens.Verify(t);
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(claim->user_id, 42);
  EXPECT_EQ(claim->topic, Topic::kGroupDigest);
  EXPECT_EQ(tokens.Sign(42, Topic::kTransactional), "") << "transactional mail has nothing to unsubscribe from";
  EXPECT_FALSE(other.Verify(t).ok()) << "another secret";
  std::string other_user = "43" + t.substr(2);
  std::string other_topic = t;
  other_topic[3] = 'n';
  std::string flipped = t;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  for (const std::string& bad : {other_user, other_topic, flipped, std::string(""), std::string("42-g-"),
                                 std::string("x-g-00"), t + "0", std::string("-1-g-") + t.substr(5)})
    EXPECT_FALSE(tokens.Verify(bad).ok()) << bad;
}

TEST(SenderTest, BackoffStartsAtOneMinuteAndDoublesUpToSixHours) {
  SenderOptions o;
  std::vector<int64_t> got;
  for (int i = 0; i < 12; ++i) got.push_back(Sender::Backoff(i, o));
  EXPECT_EQ(got, (std::vector<int64_t>{60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600, 21600}));
}

// Mail kinds and digest kinds: one word each, read back the same; each digest is its own mail kind and its own
// unsubscribe topic; link mails are transactional and ticket mails are notifications.
TEST(MailKindTest, EveryKindRoundTripsAndKnowsItsTopic) {
  std::set<std::string_view> words;
  for (model::MailKind k : model::kMailKinds) {
    EXPECT_EQ(model::ParseMailKind(model::ToString(k)), k) << model::ToString(k);
    EXPECT_TRUE(words.insert(model::ToString(k)).second) << "two kinds share " << model::ToString(k);
    Topic t = TopicOf(k);
    EXPECT_EQ(t == Topic::kTransactional, model::IsLinkMail(k)) << model::ToString(k);
    if (model::ToString(k).starts_with("ticket_")) {
      EXPECT_EQ(t, Topic::kNotifications) << model::ToString(k);
    }
  }
  EXPECT_FALSE(model::ParseMailKind("ticket_poll"));
  EXPECT_FALSE(model::ParseMailKind(""));
  std::set<Topic> topics;
  for (model::DigestKind d : model::kDigestKinds) {
    EXPECT_EQ(model::DigestOf(model::MailKindOf(d)), d);
    EXPECT_EQ(model::ToString(d), model::ToString(model::MailKindOf(d)));
    EXPECT_EQ(TopicOf(model::MailKindOf(d)), TopicOf(d));
    EXPECT_EQ(DigestOf(TopicOf(d)), d);
    EXPECT_EQ(TopicName(TopicOf(d)), model::ToString(d));
    topics.insert(TopicOf(d));
  }
  EXPECT_EQ(topics.size(), model::kDigestKinds.size());
  EXPECT_EQ(TopicOf(model::MailKind::kSigninLink), Topic::kTransactional);
  EXPECT_EQ(TopicOf(model::MailKind::kTicketReply), Topic::kNotifications);
  EXPECT_EQ(TopicOf(model::MailKind::kGroupDigest), Topic::kGroupDigest);
  EXPECT_EQ(TopicName(Topic::kNotifications), "notifications");
  EXPECT_FALSE(DigestOf(Topic::kNotifications));
  // The settings' frequencies, by digest: the same fields the page and the unsubscribe link change.
  model::MailSettings s;
  s.Frequency(model::DigestKind::kGroup) = "weekly";
  EXPECT_EQ(s.group_digest, "weekly");
  EXPECT_EQ(s.Frequency(model::DigestKind::kVolunteer), "off");
}

}  // namespace
}  // namespace entraide::mail

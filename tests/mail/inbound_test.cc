// Inbound mail, read: the corpus of tests/mail/messages (one file per client and case, see its README), headers,
// charsets, bodies, attachments, limits, quoted history, Authentication-Results and delivery reports.
#include "mail/inbound.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/strings.h"
#include "mail/html_text.h"
#include "test_util.h"

namespace entraide::mail {
namespace {

std::string Corpus(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/tests/mail/messages/" + name);
}

InboundMessage Parse(std::string_view raw, const InboundLimits& limits = {}) {
  auto m = ParseMessage(raw, limits);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? std::move(m).value() : InboundMessage{};
}

InboundMessage ParseFile(const std::string& name) {
  SCOPED_TRACE(name);
  return Parse(Corpus(name));
}

const std::vector<std::string> kCorpus = {"thunderbird-fr.eml",    "thunderbird-en.eml",  "outlook-fr.eml",
                                          "outlook-en.eml",        "gmail-fr.eml",        "gmail-en.eml",
                                          "apple-mail-fr.eml",     "html-only.eml",       "iso-8859-1.eml",
                                          "pdf-rfc2231.eml",       "auto-reply-fr.eml",   "mailing-list.eml",
                                          "dsn-postfix-5.1.1.eml", "dsn-delayed-4.x.eml", "forged-auth-results.eml"};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- Headers -------------------------------------------------------------------------------------------------

TEST(InboundTest, ThunderbirdReplyGivesItsHeadersAsPlainValues) {
  InboundMessage m = ParseFile("thunderbird-fr.eml");
  EXPECT_EQ(m.from_address, "marie.tremblay@groupe.example");
  EXPECT_EQ(m.from_name, "Marie Tremblay");
  EXPECT_EQ(m.recipients, (std::vector<std::string>{"aide+TOKENPLACEHOLDER@reseau.example"}));
  EXPECT_EQ(m.return_path, "marie.tremblay@groupe.example");
  EXPECT_FALSE(m.null_return_path);
  EXPECT_EQ(m.message_id, "5b0c2f7e-8a1d-4c3e-9f12-7d1e6b2a9c44@groupe.example");
  EXPECT_EQ(m.in_reply_to, "ticket-42.7@reseau.example");
  EXPECT_EQ(m.subject, "Re: [Entraide #42] Sauvegardes qui échouent");
  EXPECT_EQ(m.auto_submitted, "");
  EXPECT_EQ(m.precedence, "");
  EXPECT_FALSE(m.auto_reply_header);
  EXPECT_FALSE(m.report.has_value());
  EXPECT_EQ(m.size, Corpus("thunderbird-fr.eml").size());
}

TEST(InboundTest, RecipientsComeFromDeliveredToOriginalToToAndCcInThatOrder) {
  std::string raw =
      "Cc: Paul <paul@groupe.example>, Listes: a@x.example, b@x.example;\r\n"
      "To: \"Entraide, aide\" <aide+abc@reseau.example>, autre@groupe.example\r\n"
      "X-Original-To: aide+orig@reseau.example\r\n"
      "Delivered-To: aide+delivered@reseau.example\r\n"
      "From: marie.tremblay@groupe.example\r\n"
      "Subject: x\r\n\r\nbody\r\n";
  InboundMessage m = Parse(raw);
  EXPECT_EQ(m.recipients, (std::vector<std::string>{"aide+delivered@reseau.example", "aide+orig@reseau.example",
                                                    "aide+abc@reseau.example", "autre@groupe.example",
                                                    "paul@groupe.example", "a@x.example", "b@x.example"}));
  EXPECT_EQ(m.from_address, "marie.tremblay@groupe.example");
  EXPECT_EQ(m.from_name, "");
}

TEST(InboundTest, NullReturnPathIsFlaggedAndLeavesNoAddress) {
  InboundMessage m = ParseFile("dsn-postfix-5.1.1.eml");
  EXPECT_TRUE(m.null_return_path);
  EXPECT_EQ(m.return_path, "");
  EXPECT_EQ(m.recipients, (std::vector<std::string>{"bounces+IDPLACEHOLDER@reseau.example"}));
  InboundMessage spaced = Parse("Return-Path: < >\nFrom: a@b.example\n\nx\n");
  EXPECT_TRUE(spaced.null_return_path);
}

TEST(InboundTest, MissingOrUnreadableFromGivesAnEmptyAddress) {
  EXPECT_EQ(Parse("Subject: x\n\nbody\n").from_address, "");
  EXPECT_EQ(Parse("From: Marie Tremblay\n\nbody\n").from_address, "");
  EXPECT_EQ(Parse("From: <>\n\nbody\n").from_address, "");
}

TEST(InboundTest, SubjectAndNamesDecodeFromEncodedWordsInAnyCharset) {
  struct Case {
    std::string header, subject;
  } cases[] = {
      {"=?ISO-8859-1?Q?R=E9ponse_=E0_votre_demande?=", "Réponse à votre demande"},
      {"=?windows-1252?Q?l=92=9Cuvre_co=FBte_15_=80?=", "l’œuvre coûte 15 €"},
      {"=?UTF-8?B?w4dhIHZhIGJpZW4g4oCUIG1lcmNp?=", "Ça va bien — merci"},
      {"=?utf-8?q?=C3=89t=C3=A9?= =?utf-8?q?_2026?=", "Été 2026"},
      {"Re: =?UTF-8?Q?Proc=C3=A8s?=\r\n =?UTF-8?Q?-verbal?=", "Re: Procès-verbal"},
      {"Déjà en UTF-8 brut", "Déjà en UTF-8 brut"},
      {"caf\xE9 en Latin-1 brut", "café en Latin-1 brut"},
  };
  for (const auto& c : cases) {
    InboundMessage m = Parse("From: marie.tremblay@groupe.example\r\nSubject: " + c.header + "\r\n\r\nx\r\n");
    EXPECT_EQ(m.subject, c.subject) << c.header;
  }
  InboundMessage latin1 = ParseFile("iso-8859-1.eml");
  EXPECT_EQ(latin1.from_name, "Marie Tremblay-Côté");
  EXPECT_EQ(latin1.subject, "Re: [Entraide #42] Imprimante réseau à configurer");
  EXPECT_EQ(ParseFile("outlook-fr.eml").subject, "RE\u00a0: [Entraide #42] Abonnement à l’hébergement");
}

TEST(InboundTest, AutomaticAndListHeadersAreReadAsLowerCaseKeywords) {
  InboundMessage away = ParseFile("auto-reply-fr.eml");
  EXPECT_EQ(away.auto_submitted, "auto-replied");
  EXPECT_TRUE(away.auto_reply_header);
  InboundMessage list = ParseFile("mailing-list.eml");
  EXPECT_EQ(list.precedence, "list");
  EXPECT_EQ(list.auto_submitted, "");
  EXPECT_FALSE(list.auto_reply_header);
  InboundMessage odd = Parse(
      "From: a@b.example\nAuto-Submitted: Auto-Generated; owner-email=\"x@y.example\"\nPrecedence: BULK (news)\n"
      "X-Autorespond: 1\n\nx\n");
  EXPECT_EQ(odd.auto_submitted, "auto-generated");
  EXPECT_EQ(odd.precedence, "bulk");
  EXPECT_TRUE(odd.auto_reply_header);
  EXPECT_EQ(Parse("From: a@b.example\nAuto-Submitted: no\n\nx\n").auto_submitted, "no");
}

TEST(InboundTest, EveryAuthenticationResultsHeaderIsKeptUnfolded) {
  InboundMessage m = ParseFile("forged-auth-results.eml");
  ASSERT_EQ(m.authentication_results.size(), 3u);
  EXPECT_EQ(m.authentication_results[0],
            "Mx.Reseau.Example; dkim=none (no signatures found); spf=pass (mx.reseau.example: domain of "
            "bounce@attaquant.example designates 192.0.2.66 as permitted sender) smtp.mailfrom=attaquant.example; "
            "dmarc=fail (p=reject dis=none) header.from=groupe.example");
  EXPECT_EQ(m.authentication_results[2], "mx.reseau.example; dmarc=pass header.from=groupe.example");
  for (const auto& h : m.authentication_results) EXPECT_EQ(h.find_first_of("\r\n\t"), std::string::npos) << h;
}

// --- Bodies --------------------------------------------------------------------------------------------------

TEST(InboundTest, Windows1252BodyReadsAsUtf8) {
  InboundMessage m = ParseFile("outlook-fr.eml");
  EXPECT_FALSE(m.text_from_html);
  EXPECT_TRUE(Contains(m.text, "Voici l’information demandée : l’abonnement coûte 15 € par année et l’œuvre"))
      << m.text;
  EXPECT_TRUE(Contains(m.text, "du compte « admin »")) << m.text;
  EXPECT_TRUE(Contains(ParseFile("outlook-en.eml").text, "says “€15 per year”"));
  EXPECT_EQ(m.text.find('\r'), std::string::npos);
}

TEST(InboundTest, Iso88591BodyReadsAsUtf8) {
  InboundMessage m = ParseFile("iso-8859-1.eml");
  EXPECT_EQ(m.text,
            "Bonjour,\n\nL'imprimante du sous-sol est configurée, mais la file d'attente reste bloquée.\n"
            "Ça coûte cher en papier : déjà 3 rames «perdues».\n\nMerci,\nMarie");
}

TEST(InboundTest, AlternativePrefersTextPlainOverHtml) {
  for (const std::string name : {"gmail-fr.eml", "gmail-en.eml", "outlook-en.eml"}) {
    InboundMessage m = ParseFile(name);
    EXPECT_FALSE(m.text_from_html) << name;
    EXPECT_FALSE(Contains(m.text, "<div")) << name;
  }
  // quoted-printable (Gmail fr) and base64 with CRLF inside (Gmail en) both decode
  EXPECT_TRUE(Contains(ParseFile("gmail-fr.eml").text, "C'est réglé : j'ai suivi l'article"));
  EXPECT_TRUE(Contains(ParseFile("gmail-en.eml").text, "It works now, thank you! The Nextcloud client"));
  std::string html_first =
      "From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n"
      "--b\nContent-Type: text/html; charset=utf-8\n\n<p>en HTML</p>\n"
      "--b\nContent-Type: text/plain; charset=utf-8\n\nen texte\n--b--\n";
  EXPECT_EQ(Parse(html_first).text, "en texte");
}

TEST(InboundTest, FormatFlowedLinesAreJoined) {
  InboundMessage m = ParseFile("thunderbird-fr.eml");
  EXPECT_TRUE(Contains(m.text,
                       "J'ai relancé la sauvegarde avec Déjà Dup et elle s'est terminée sans erreur cette fois-ci. "
                       "Le disque externe était simplement mal branché.\n"))
      << m.text;
  EXPECT_TRUE(Contains(m.text, "\n-- \nMarie Tremblay\n")) << m.text;
  EXPECT_TRUE(Contains(m.text, "(bénévole) via Entraide a écrit :\n> Bonjour Marie,")) << m.text;
}

TEST(InboundTest, HtmlOnlyMailBecomesReadableText) {
  InboundMessage m = ParseFile("html-only.eml");
  EXPECT_TRUE(m.text_from_html);
  EXPECT_EQ(m.text,
            "Bonjour,\n\n"
            "Voici ce que j’ai essayé :\n\n"
            "- redémarrer le routeur;\n"
            "- changer le mot de passe « Wi-Fi »;\n"
            "- lire l’article sur le Wi-Fi (https://aide.reseau.example/fr/articles/wifi-invites).\n\n"
            "Toujours rien & le voyant clignote en orange.\n"
            "Une idée\u202f?\n\n"
            "Marie\n\n"
            "> Le 3 déc. 2026 à 10:12, Entraide a écrit :\n\n"
            "> Avez-vous redémarré le routeur?");
  EXPECT_EQ(StripQuotedReply(m.text).find("Avez-vous"), std::string::npos);
}

TEST(InboundTest, HtmlToTextKeepsStructureAndDropsMarkup) {
  struct Case {
    std::string html, text;
  } cases[] = {
      {"<p>un</p><p>deux</p>", "un\n\ndeux"},
      {"a<br>b<br><br>c", "a\nb\n\nc"},
      {"<div>a</div><div><br></div><div>b</div>", "a\n\nb"},
      {"<ul><li>un</li><li>deux<ul><li>sous</li></ul></li></ul>", "- un\n- deux\n  - sous"},
      {"<ol><li>un</li><li>deux</li></ol>", "1. un\n2. deux"},
      {"<a href=\"https://x.example/a?b=1&amp;c=2\">lien</a>", "lien (https://x.example/a?b=1&c=2)"},
      {"<a href=\"https://x.example/\">https://x.example/</a>", "https://x.example/"},
      {"<a href=\"mailto:m@x.example\">m@x.example</a>", "m@x.example"},
      {"<a href=\"#top\">haut</a>", "haut"},
      {"<script>var x = '<p>';</script><style>p{}</style>visible", "visible"},
      {"<SCRIPT type=x>never</SCRIPT >ok", "ok"},
      {"&eacute;&Eacute;&oelig;&euro;&#233;&#xE9;&#146;&hellip;&nbsp;&amp;&lt;&gt;&quot;&unknown;",
       "éÉœ€éé’… &<>\"&unknown;"},
      {"<!-- commentaire --> a <!DOCTYPE html> b", "a b"},
      {"  beaucoup \n\t d'espaces  ", "beaucoup d'espaces"},
      {"<pre>  garde\n    l'indentation</pre>", "  garde\n    l'indentation"},
      {"<blockquote>cité<blockquote>deux fois</blockquote></blockquote>", "> cité\n\n> > deux fois"},
      {"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
      {"<img src=x alt=\"logo\"> <b>gras</b> <i>it</i>", "logo gras it"},
      {"x < y and <3", "x < y and <3"},
      {"<p unclosed=\"attr>rest", ""},
      {"<p class=MsoNormal>Marie<o:p></o:p></p><p class=MsoNormal>Coordonnatrice</p><p class=MsoNormal><o:p>&nbsp;"
       "</o:p></p><p class=MsoNormal>Merci</p>",
       "Marie\nCoordonnatrice\n\nMerci"},
      {"<head><title>titre</title><meta charset=utf-8></head><body>corps</body>", "corps"},
  };
  for (const auto& c : cases) EXPECT_EQ(HtmlToText(c.html), c.text) << c.html;
  EXPECT_EQ(HtmlMetaCharset("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Windows-1252\">"),
            "windows-1252");
  EXPECT_EQ(HtmlMetaCharset("<meta charset='utf-8'>"), "utf-8");
  EXPECT_EQ(HtmlMetaCharset("<p>charset=x</p>"), "");
}

TEST(InboundTest, InvalidBytesBecomeReplacementCharacters) {
  std::string raw = "From: a@b.example\nContent-Type: text/plain; charset=utf-8\n\nok \xC3\x28 \xFF fin\n";
  InboundMessage m = Parse(raw);
  EXPECT_EQ(m.text, core::ToValidUtf8("ok \xC3\x28 \xFF fin"));
  EXPECT_TRUE(Contains(m.text, "\xEF\xBF\xBD"));
  // windows-1252's holes (0x81) and a charset nobody knows
  EXPECT_EQ(Parse("From: a@b.example\nContent-Type: text/plain; charset=windows-1252\n\na\x81z\n").text,
            "a\xEF\xBF\xBDz");
  EXPECT_EQ(Parse("From: a@b.example\nContent-Type: text/plain; charset=x-inconnu\n\nd\xE9j\xE0\n").text, "déjà");
  EXPECT_EQ(Parse("From: a@b.example\nContent-Type: text/plain\n\nd\xC3\xA9j\xC3\xA0\n").text, "déjà");
  EXPECT_EQ(Parse("From: a@b.example\nContent-Type: text/html; charset=iso-8859-1\n\n<p>d\xE9j\xE0</p>\n").text,
            "déjà");
  EXPECT_EQ(
      Parse("From: a@b.example\nContent-Type: text/html\n\n<meta charset=\"windows-1252\"><p>\x93ok\x94</p>\n").text,
      "“ok”");
}

TEST(InboundTest, MixedAndRelatedPartsAreWalked) {
  std::string raw =
      "From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
      "--m\nContent-Type: multipart/related; boundary=r\n\n"
      "--r\nContent-Type: multipart/alternative; boundary=a\n\n"
      "--a\nContent-Type: text/plain; charset=utf-8\n\nLe texte.\n"
      "--a\nContent-Type: text/html; charset=utf-8\n\n<p>Le texte.</p><img src=\"cid:logo@x\">\n"
      "--a--\n"
      "--r\nContent-Type: image/png\nContent-ID: <logo@x>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
      "--r--\n"
      "--m\nContent-Type: text/csv; name=liste.csv\nContent-Disposition: attachment\n\na,b\n1,2\n"
      "--m\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: inline\n\nSuite du texte.\n"
      "--m--\n";
  InboundMessage m = Parse(raw);
  EXPECT_EQ(m.text, "Le texte.\n\nSuite du texte.");
  ASSERT_EQ(m.attachments.size(), 1u);  // the inline logo without a name is part of the layout
  EXPECT_EQ(m.attachments[0].filename, "liste.csv");
  EXPECT_EQ(m.attachments[0].content_type, "text/csv");
  EXPECT_EQ(m.attachments[0].data, "a,b\n1,2");
}

// --- Attachments ---------------------------------------------------------------------------------------------

TEST(InboundTest, Rfc2231AndRfc2047FilenamesDecode) {
  InboundMessage m = ParseFile("pdf-rfc2231.eml");
  EXPECT_EQ(m.text, "Bonjour,\n\nVoici le procès-verbal et une capture d'écran de l'erreur.\n\nMarie");
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].filename, "Procès-verbal de l’assemblée générale 2026.pdf");
  EXPECT_EQ(m.attachments[0].content_type, "application/pdf");
  EXPECT_EQ(m.attachments[0].data.substr(0, 8), "%PDF-1.4");
  EXPECT_EQ(m.attachments[0].data.size(), 303u);
  EXPECT_EQ(m.attachments[1].filename, "Capture d’écran.png");
  EXPECT_EQ(m.attachments[1].content_type, "image/png");
  EXPECT_EQ(m.attachments[1].data.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(m.attachments[1].data.size(), 69u);
  EXPECT_EQ(m.dropped_attachments, 0);
}

TEST(InboundTest, AttachmentsBeyondTheLimitsAreDroppedNotRefused) {
  InboundLimits one;
  one.max_attachments = 1;
  InboundMessage m = Parse(Corpus("pdf-rfc2231.eml"), one);
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].content_type, "application/pdf");
  EXPECT_EQ(m.dropped_attachments, 1);

  InboundLimits small;
  small.max_attachment_bytes = 100;  // the PDF has 303 bytes, the PNG 69
  m = Parse(Corpus("pdf-rfc2231.eml"), small);
  ASSERT_EQ(m.attachments.size(), 1u);
  EXPECT_EQ(m.attachments[0].content_type, "image/png");
  EXPECT_EQ(m.dropped_attachments, 1);
  EXPECT_FALSE(m.text.empty());
}

TEST(InboundTest, ReturnedMessageOfAReportIsNeitherTextNorAttachment) {
  InboundMessage m = ParseFile("dsn-postfix-5.1.1.eml");
  EXPECT_TRUE(m.attachments.empty());
  EXPECT_TRUE(Contains(m.text, "This is the mail system at host mx.reseau.example.")) << m.text;
  EXPECT_FALSE(Contains(m.text, "Une nouvelle demande urgente")) << m.text;
}

// --- Limits and bad input ------------------------------------------------------------------------------------

TEST(InboundTest, MessageLargerThanTheLimitIsRefusedNamingTheLimit) {
  InboundLimits limits;
  limits.max_message_bytes = 1000;
  std::string raw = Corpus("outlook-fr.eml");
  ASSERT_GT(raw.size(), 1000u);
  auto m = ParseMessage(raw, limits);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(m.status().message(), "1000")) << m.status().message();
  EXPECT_EQ(m.status().field(), "message");
  limits.max_message_bytes = raw.size();
  EXPECT_TRUE(ParseMessage(raw, limits).ok());
}

TEST(InboundTest, GarbageWithoutAHeaderIsRefused) {
  for (std::string raw : {std::string(""), std::string("hello world\n"), std::string("\r\n\r\nbody only"),
                          std::string("<html><body>x</body></html>"), std::string(": no name\n\nx"),
                          std::string("\x00\x01\x02:", 4), std::string("From: but no end of header")}) {
    auto m = ParseMessage(raw);
    if (raw.rfind("From:", 0) == 0) {
      EXPECT_TRUE(m.ok()) << raw;  // a header without a body is still a message
      continue;
    }
    ASSERT_FALSE(m.ok()) << raw;
    EXPECT_EQ(m.status().code(), core::StatusCode::kInvalidArgument) << raw;
  }
  // an mbox "From " line before the headers (Postfix's pipe with the F flag) is skipped
  InboundMessage m = Parse("From marie@groupe.example Thu Dec  3 11:02:41 2026\nFrom: m@groupe.example\n\nx\n");
  EXPECT_EQ(m.from_address, "m@groupe.example");
}

// Every prefix of every corpus message, and random byte flips with a fixed seed: never a crash, an exception
// or invalid UTF-8 (the sanitizer build also checks memory).
TEST(InboundTest, TruncatedAndMangledCorpusNeverCrashes) {
  std::mt19937 random(17);
  size_t parsed = 0;
  auto check = [&](const std::string& raw) {
    auto m = ParseMessage(raw);
    if (!m.ok()) {
      EXPECT_EQ(m.status().code(), core::StatusCode::kInvalidArgument);
      return;
    }
    ++parsed;
    EXPECT_EQ(core::ToValidUtf8(m->text), m->text);
    EXPECT_EQ(core::ToValidUtf8(m->subject), m->subject);
    EXPECT_EQ(core::ToValidUtf8(m->from_name), m->from_name);
    for (const auto& a : m->attachments) EXPECT_EQ(core::ToValidUtf8(a.filename), a.filename);
    StripQuotedReply(m->text);
    DmarcResult(*m, "mx.reseau.example");
  };
  for (const auto& name : kCorpus) {
    SCOPED_TRACE(name);
    std::string raw = Corpus(name);
    for (size_t n = 0; n <= raw.size(); n += 11) check(raw.substr(0, n));
    for (int round = 0; round < 60; ++round) {
      std::string mangled = raw;
      int flips = 1 + static_cast<int>(random() % 16);
      for (int f = 0; f < flips; ++f) {
        size_t at = random() % mangled.size();
        static const char kNasty[] = {'\0', '\r', '\n', '-', '=', '?', ';', '"', '<', '>', '(', '\\', '\xff', ':'};
        mangled[at] = random() % 2 ? static_cast<char>(random() % 256) : kNasty[random() % sizeof(kNasty)];
      }
      check(mangled);
    }
  }
  EXPECT_GT(parsed, 1000u);
}

// GMime is initialised once, whichever thread parses first; parses in parallel share nothing else.
TEST(InboundTest, ParsesFromSeveralThreadsAtOnce) {
  std::vector<std::string> raws;
  for (const auto& name : kCorpus) raws.push_back(Corpus(name));
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round)
        for (const auto& raw : raws) ok[t] += ParseMessage(raw).ok() ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, static_cast<int>(5 * raws.size()));
}

// --- The reply without its history --------------------------------------------------------------------------

TEST(InboundTest, StripQuotedReplyKeepsTheAnswerInFrenchAndEnglish) {
  struct Case {
    std::string name, in, out;
  } cases[] = {
      {"french attribution", "Merci!\n\nLe 3 déc. 2026 à 10:12, Marie <m@x> a écrit :\n> Bonjour\n> salut\n", "Merci!"},
      {"french attribution, no-break space", "Merci!\n\nLe 3 déc. 2026 à 10:12, Marie <m@x> a écrit\u00a0:\n> x\n",
       "Merci!"},
      {"french attribution wrapped (Gmail)",
       "Merci!\n\nLe jeu. 3 déc. 2026 à 10:12, Marie Tremblay <marie.tremblay@groupe.example> a\nécrit :\n\n> x\n",
       "Merci!"},
      {"french attribution wrapped (Thunderbird)",
       "Merci!\n\nLe 2026-12-03 à 10:12, Jean-François Bélanger (bénévole) via\nEntraide a écrit :\n> x\n", "Merci!"},
      {"english attribution", "Thanks!\n\nOn Thu, Dec 3, 2026 at 10:12 AM Marie <m@x> wrote:\n> hi\n", "Thanks!"},
      {"english attribution wrapped",
       "Thanks!\n\nOn Thu, Dec 3, 2026 at 10:12 AM Marie Tremblay <\nmarie.tremblay@groupe.example> wrote:\n\n> hi\n",
       "Thanks!"},
      {"apple mail, no address", "Oui.\n\nLe 3 déc. 2026 à 10:12, Marie a écrit :\n\n> Bonjour\n", "Oui."},
      {"quoted lines only", "Voilà.\n> ancien\n> texte\n", "Voilà."},
      {"interleaved answers stay",
       "On Thu, Dec 3, 2026 at 10:12 AM John <j@x> wrote:\n> Which version?\n\n44.2\n\n> Plugged in?\n\nYes.\n",
       "44.2\n\nYes."},
      {"outlook original message", "Réponse.\n\n-----Original Message-----\nFrom: x\nhistoire\n", "Réponse."},
      {"outlook message d'origine", "Réponse.\n\n-----Message d'origine-----\nDe : x\nhistoire\n", "Réponse."},
      {"outlook french block",
       "Bonjour,\nc'est fait.\n\nDe : Entraide <aide@reseau.example>\nEnvoyé : 3 décembre 2026 10:12\n"
       "À : Marie <m@x>\nObjet : [Entraide #42] Test\n\nHistoire\n",
       "Bonjour,\nc'est fait."},
      {"outlook french block, no-break spaces and bold",
       "Fait.\n\n*De\u00a0:* Entraide\n*Envoyé\u00a0:* jeudi\n*À\u00a0:* Marie\n*Objet\u00a0:* Test\n\nHistoire\n",
       "Fait."},
      {"outlook english block under underscores",
       "Done.\n\n________________________________\nFrom: Entraide <aide@reseau.example>\nSent: Thursday, December 3, "
       "2026 10:12 AM\nTo: Marie <m@x>\nSubject: Test\n\nHistory\n",
       "Done."},
      {"signature dash dash space", "Merci.\n\n-- \nMarie Tremblay\nCoordonnatrice\n", "Merci."},
      {"signature dash dash", "Merci.\n--\nMarie\n", "Merci."},
      {"envoyé de mon iphone", "Parfait.\n\nEnvoyé de mon iPhone\n\n> Le 3 déc. 2026 à 10:12, E <e@x> a écrit :\n> x\n",
       "Parfait."},
      {"sent from my android", "OK\n\nSent from my Android device\n", "OK"},
      {"sent from my iphone", "OK\nSent from my iPhone", "OK"},
      {"envoyé à partir de outlook", "D'accord.\n\nEnvoyé à partir de Outlook pour Android\n\nDe : x\n", "D'accord."},
      {"wrote mid-paragraph stays", "My colleague wrote: the backup is fine.\nThanks",
       "My colleague wrote: the "
       "backup is fine.\nThanks"},
      {"on ... wrote without date or quote stays", "On Monday I wrote:\nthe list of steps\n",
       "On Monday I wrote:\nthe list of steps"},
      {"'>' inside a sentence stays", "Le total est > 100 $ et 3 > 2.\nMenu > Réglages > Comptes",
       "Le total est > "
       "100 $ et 3 > 2.\n"
       "Menu > Réglages > "
       "Comptes"},
      {"from: in a sentence stays", "From: the basement, the printer works.\nMerci",
       "From: the basement, the "
       "printer works.\nMerci"},
      {"CRLF and trimming", "\r\n\r\n  Bonjour  \r\n\r\n\r\n\r\nMarie\r\n\r\n", "  Bonjour\n\nMarie"},
      {"nothing left", "> only\n> quotes\n", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(StripQuotedReply(c.in), c.out) << c.name;
}

TEST(InboundTest, CorpusRepliesStripToTheAnswer) {
  struct Case {
    std::string file, reply;
  } cases[] = {
      {"thunderbird-fr.eml",
       "Bonjour Jean-François,\n\nMerci pour la réponse rapide! J'ai relancé la sauvegarde avec Déjà Dup et elle "
       "s'est terminée sans erreur cette fois-ci. Le disque externe était simplement mal branché.\n\nOn peut fermer "
       "la demande."},
      {"thunderbird-en.eml",
       "Version 44.2, from the Debian packages.\n\nYes, it is. The error is \"Permission denied\" on the folder "
       "/media/backup.\n\nThanks,\nMarie"},
      {"outlook-fr.eml",
       "Bonjour Jean-François,\n\nVoici l’information demandée : l’abonnement coûte 15 € par année et l’œuvre de "
       "bienfaisance est enregistrée depuis 2019. J’ai aussi mis à jour le mot de passe du compte « admin ».\n\n"
       "Merci beaucoup!\n\nMarie Tremblay\nCoordonnatrice"},
      {"outlook-en.eml",
       "Hi John,\n\nThe invoice from the host says “€15 per year”, and the renewal is due on the 15th.\n\n"
       "Thanks!\nMarie"},
      {"gmail-fr.eml",
       "Bonjour,\n\nC'est réglé : j'ai suivi l'article sur les sauvegardes 3-2-1 et tout fonctionne.\nMerci à "
       "toute l'équipe!\n\nMarie"},
      {"gmail-en.eml", "Hi John,\n\nIt works now, thank you! The Nextcloud client just needed the new app password."},
      {"apple-mail-fr.eml", "Parfait, merci! Je vais essayer ce soir au local.\n\nMarie"},
      {"html-only.eml",
       "Bonjour,\n\nVoici ce que j’ai essayé :\n\n- redémarrer le routeur;\n- changer le mot de passe « Wi-Fi »;\n"
       "- lire l’article sur le Wi-Fi (https://aide.reseau.example/fr/articles/wifi-invites).\n\n"
       "Toujours rien & le voyant clignote en orange.\nUne idée\u202f?\n\nMarie"},
  };
  for (const auto& c : cases) EXPECT_EQ(StripQuotedReply(ParseFile(c.file).text), c.reply) << c.file;
  // The HTML halves of the same messages strip to the same answer.
  std::string outlook_html = HtmlToText(
      "<p class=MsoNormal>Merci!<o:p></o:p></p><div style='border-top:solid'><p class=MsoNormal><b>De&nbsp;:</b> "
      "Entraide<br><b>Envoyé&nbsp;:</b> 3 décembre 2026<br><b>À&nbsp;:</b> Marie<br><b>Objet&nbsp;:</b> Test</p>"
      "</div><p>Histoire</p>");
  EXPECT_EQ(StripQuotedReply(outlook_html), "Merci!") << outlook_html;
}

// --- Authentication-Results ---------------------------------------------------------------------------------

TEST(InboundTest, DmarcResultReadsOnlyTheReceivingHostsHeader) {
  struct Case {
    std::string name;
    std::vector<std::string> headers;
    std::optional<std::string> result, header_from;
  } cases[] = {
      {"plain",
       {"mx.example; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=fail "
        "(p=reject) header.from=example.org"},
       "fail",
       "example.org"},
      {"authserv-id case", {"MX.Example; dmarc=PASS header.from=Example.ORG"}, "pass", "example.org"},
      {"version and comments",
       {"mx.example 1; dmarc=none (p=none; dis=none) (a (nested) comment) header.from=b.org"},
       "none",
       "b.org"},
      {"spaces around =", {"mx.example; dmarc = temperror header.from = c.org"}, "temperror", "c.org"},
      {"no header.from", {"mx.example; dmarc=pass"}, "pass", ""},
      {"quoted reason", {"mx.example; dmarc=fail reason=\"policy; x\" header.from=d.org"}, "fail", "d.org"},
      {"other host only", {"evil.example; dmarc=pass header.from=example.org"}, std::nullopt, std::nullopt},
      {"prefix of our name is not ours", {"mx.example.evil; dmarc=pass"}, std::nullopt, std::nullopt},
      {"no dmarc", {"mx.example; spf=pass smtp.mailfrom=example.org"}, std::nullopt, std::nullopt},
      {"none at all", {"mx.example; none"}, std::nullopt, std::nullopt},
      {"dmarc in a comment only", {"mx.example; spf=pass (dmarc=pass) smtp.mailfrom=x"}, std::nullopt, std::nullopt},
      {"topmost of ours counts",
       {"mx.example; dmarc=fail header.from=a.org", "mx.example; dmarc=pass header.from=a.org"},
       "fail",
       "a.org"},
      {"milter chain: the one with dmarc",
       {"mx.example; dkim=pass header.d=a.org", "mx.example; dmarc=pass header.from=a.org"},
       "pass",
       "a.org"},
      {"another host's on top is skipped",
       {"evil.example; dmarc=pass", "mx.example; dmarc=fail header.from=a.org"},
       "fail",
       "a.org"},
  };
  for (const auto& c : cases) {
    InboundMessage m;
    m.authentication_results = c.headers;
    auto v = DmarcResult(m, "mx.example");
    ASSERT_EQ(v.has_value(), c.result.has_value()) << c.name;
    if (!v) continue;
    EXPECT_EQ(v->result, *c.result) << c.name;
    EXPECT_EQ(v->header_from, *c.header_from) << c.name;
  }
}

TEST(InboundTest, ForgedAuthenticationResultsBeneathOursDoNotCount) {
  InboundMessage m = ParseFile("forged-auth-results.eml");
  auto v = DmarcResult(m, "mx.reseau.example");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->result, "fail");
  EXPECT_EQ(v->header_from, "groupe.example");
  EXPECT_FALSE(DmarcResult(m, "reseau.example").has_value());
  auto pass = DmarcResult(ParseFile("gmail-fr.eml"), "MX.RESEAU.EXAMPLE");
  ASSERT_TRUE(pass.has_value());
  EXPECT_EQ(pass->result, "pass");
}

// --- Delivery status notifications -------------------------------------------------------------------------

TEST(InboundTest, PostfixBounceFillsAPermanentReport) {
  InboundMessage m = ParseFile("dsn-postfix-5.1.1.eml");
  ASSERT_TRUE(m.report.has_value());
  ASSERT_EQ(m.report->recipients.size(), 1u);
  const auto& r = m.report->recipients[0];
  EXPECT_EQ(r.final_recipient, "benoit.gagnon@groupe.example");
  EXPECT_EQ(r.action, "failed");
  EXPECT_EQ(r.status, "5.1.1");
  EXPECT_EQ(r.diagnostic,
            "smtp; 550 5.1.1 <benoit.gagnon@groupe.example>: Recipient address rejected: User unknown in virtual "
            "mailbox table");
  EXPECT_TRUE(m.report->Permanent());
  EXPECT_EQ(m.auto_submitted, "auto-replied");
}

TEST(InboundTest, DelayedReportIsNotPermanent) {
  InboundMessage m = ParseFile("dsn-delayed-4.x.eml");
  ASSERT_TRUE(m.report.has_value());
  ASSERT_EQ(m.report->recipients.size(), 1u);
  EXPECT_EQ(m.report->recipients[0].action, "delayed");
  EXPECT_EQ(m.report->recipients[0].status, "4.4.1");
  EXPECT_FALSE(m.report->Permanent());
  EXPECT_TRUE(m.attachments.empty());
}

TEST(InboundTest, DeliveryStatusInsideMultipartMixedIsRead) {
  std::string raw =
      "From: postmaster@mail.example\nTo: bounces+7@reseau.example\nContent-Type: multipart/mixed; boundary=x\n\n"
      "--x\nContent-Type: text/plain\n\nDelivery has failed to these recipients.\n"
      "--x\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;mail.example\n\n"
      "Final-Recipient: RFC822; <Un@Groupe.example>\nAction: Failed\nStatus: 5.2.2 (mailbox full)\n\n"
      "Original-Recipient: rfc822;deux@groupe.example\nAction: delivered\nStatus: 2.0.0\n"
      "--x--\n";
  InboundMessage m = Parse(raw);
  ASSERT_TRUE(m.report.has_value());
  ASSERT_EQ(m.report->recipients.size(), 2u);
  EXPECT_EQ(m.report->recipients[0].final_recipient, "Un@Groupe.example");
  EXPECT_EQ(m.report->recipients[0].action, "failed");
  EXPECT_EQ(m.report->recipients[0].status, "5.2.2");
  EXPECT_EQ(m.report->recipients[1].final_recipient, "deux@groupe.example");
  EXPECT_TRUE(m.report->Permanent());
  EXPECT_FALSE(ParseFile("gmail-fr.eml").report.has_value());
}

TEST(InboundTest, PermanentNeedsAFailedActionWithAFiveStatus) {
  struct Case {
    std::string action, status;
    bool permanent;
  } cases[] = {{"failed", "5.1.1", true},     {"failed", "4.4.7", false}, {"delayed", "5.0.0", false},
               {"delivered", "2.0.0", false}, {"failed", "", false},      {"failed", "5", false}};
  for (const auto& c : cases) {
    DeliveryReport r;
    r.recipients.push_back({"a@b.example", c.action, c.status, ""});
    EXPECT_EQ(r.Permanent(), c.permanent) << c.action << " " << c.status;
  }
  DeliveryReport none;
  EXPECT_FALSE(none.Permanent());
}

}  // namespace
}  // namespace entraide::mail

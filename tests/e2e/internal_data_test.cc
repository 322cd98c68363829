// End-to-end: what volunteers keep among themselves (internal notes and the files attached to them) never
// reaches a member, whatever the channel: the JSON API, the ticket page, the group's ticket list, the Atom
// feed, the group digest, search (pages, API, suggestions, the published question) and the notification
// emails. Each test looks for the note's marker word and its file's name in what a member receives, and for
// the public reply's marker too, so that an empty answer cannot pass for a safe one.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>

#include "auth/accounts.h"
#include "core/escape.h"
#include "fixtures.h"
#include "mail_util.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

// Marker words, one token each so that search sees them as words.
constexpr const char* kInternal = "zorglub";   // in the internal note and its file's name
constexpr const char* kPublic = "quetzal";     // in the public reply and its file's name
constexpr const char* kSubjectWord = "hibou";  // in the ticket's subject
const std::string kSubject = std::string("Imprimante ") + kSubjectWord + " en panne";
const std::string kNote = std::string("Note interne : ") + kInternal + ", leur routeur date de 2009.";
const std::string kNoteFile = std::string(kInternal) + "-facture.txt";
const std::string kReply = std::string("Réponse publique : ") + kPublic + ", redémarrez le serveur.";
const std::string kReplyFile = std::string(kPublic) + "-capture.txt";
const std::string kMember = "maude@example.org";

using Session = ApiSession;

class InternalStaysInternalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(LocalInstant(2027, 3, 22, 7));  // a Monday before 08:00: members' weekly digests are due at 08:00
    auth::AuthOptions o;
    o.hash_cost = auth::HashCost::Minimum();
    o.rate_limit = 1000;
    app_ = std::make_unique<TestApp>([](app::Config& c) { c.content_dir = SourceDir() + "/content"; }, &clock_,
                                     o);  // with the repository's articles
    app_->directory().Group("coop-a", "Coop A");
    app_->directory().Person(kMember, "Maude Ouellet", "member", {"coop-a"});
    app_->directory().Person("vero@example.org", "Véro", "volunteer");
    member_ = SignIn(kMember);
    volunteer_ = SignIn("vero@example.org");

    id_ = CreateTicketApi(port(), member_, TicketJson(kSubject, "Elle clignote en rouge.", "hardware"));
    ASSERT_NE(id_, 0);
    ticket_path_ = "/fr/tickets/" + std::to_string(id_);
    ReplyWithFile("internal", kNote, kNoteFile);
    mail_to_member_after_note_ = MailTo(kMember);
    ReplyWithFile("public", kReply, kReplyFile);
  }

  int port() const { return app_->port(); }
  Session SignIn(const std::string& email) { return SignInApi(port(), email); }
  // The volunteer's reply through the ticket page's form, with one file.
  void ReplyWithFile(const std::string& mode, const std::string& body, const std::string& file) {
    std::string csrf = CsrfField(Get(port(), ticket_path_, volunteer_.Page()).body);
    auto r = Send(port(), "POST", ticket_path_ + "/reply",
                  Multipart("B0undary", {{"csrf", csrf}, {"body", body}, {"mode", mode}}, {{"files", file, body}}),
                  {"Cookie: sid=" + volunteer_.sid, "Content-Type: multipart/form-data; boundary=B0undary"});
    ASSERT_EQ(r.status, 303) << r.body;
  }
  int64_t MailTo(const std::string& email) {
    return std::stoll(QueryText(app_->pool(), "SELECT count(*) FROM outbox WHERE recipient_email = '" + email +
                                                  "' AND kind <> 'ticket_received'"));  // the new ticket's own
  }
  // The volunteer resolves the ticket and publishes it with what the publish form suggests; the question's path.
  std::string Publish() {
    EXPECT_EQ(Send(port(), "PATCH", "/api/v1/tickets/" + std::to_string(id_), R"({"status": "resolved"})",
                   volunteer_.Headers(true))
                  .status,
              200);
    auto form = Get(port(), ticket_path_ + "/publish", volunteer_.Page());
    EXPECT_EQ(form.status, 200);
    EXPECT_EQ(form.body.find(kInternal), std::string::npos) << "the suggested answer is a public reply";
    auto field = [&](const std::string& re) {
      std::smatch m;
      EXPECT_TRUE(std::regex_search(form.body, m, std::regex(re))) << re;
      return m.size() > 1 ? m[1].str() : std::string();
    };
    std::string title = field(R"re(name="title"[^>]* value="([^"]*)")re");
    std::string question = field(R"re(name="question"[^>]*>([^<]*)</textarea>)re");
    std::string answer = field(R"re(name="answer"[^>]*>([^<]*)</textarea>)re");
    EXPECT_EQ(answer, kReply);
    auto r = Send(port(), "POST", ticket_path_ + "/publish",
                  "csrf=" + CsrfField(form.body) + "&title=" + core::UrlEncodeComponent(title) +
                      "&question=" + core::UrlEncodeComponent(question) + "&answer=" + core::UrlEncodeComponent(answer),
                  {"Cookie: sid=" + volunteer_.sid, "Content-Type: application/x-www-form-urlencoded"});
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_TRUE(app_->app().WaitForIndex(60000));
    return QueryText(app_->pool(), "SELECT '/' || lang || '/questions/' || slug FROM questions WHERE ticket_id = " +
                                       std::to_string(id_));
  }
  // The attachment ids of the ticket as the volunteer's API answer lists them, by file name.
  std::map<std::string, int64_t> AttachmentIds() {
    auto all = Json(Get(port(), "/api/v1/tickets/" + std::to_string(id_), volunteer_.Headers()).body);
    std::map<std::string, int64_t> ids;
    auto list = all->getObject("ticket")->getArray("attachments");
    for (size_t i = 0; i < list->size(); ++i)
      ids[list->getObject(i)->getValue<std::string>("filename")] = list->getObject(i)->getValue<int64_t>("id");
    return ids;
  }
  // The messages delivered to `email` (as .eml files: no SMTP host is configured), decoded.
  std::vector<DecodedMail> Delivered(const std::string& email) {
    EXPECT_TRUE(app_->app().DeliverMail(30000));
    std::vector<DecodedMail> out;
    for (const auto& f : std::filesystem::directory_iterator(app_->data().Join("mail"))) {
      DecodedMail d = DecodeMail(f.path().string());
      bool acknowledgement = d.Header("Subject").find("bien reçu") != std::string::npos ||
                             d.Header("Subject").find("we received") != std::string::npos;
      if (d.Header("To").find(email) != std::string::npos && !acknowledgement) out.push_back(d);
    }
    return out;
  }

  core::FakeClock clock_;
  std::unique_ptr<TestApp> app_;
  Session member_, volunteer_;
  int64_t id_ = 0;
  std::string ticket_path_;
  int64_t mail_to_member_after_note_ = -1;
};

// What a member may see holds the public reply and never the note: `where` names the channel.
void ExpectPublicOnly(const std::string& text, const std::string& where, const std::string& public_marker = kPublic) {
  EXPECT_EQ(text.find(kInternal), std::string::npos) << where << ":\n" << text;
  EXPECT_NE(text.find(public_marker), std::string::npos) << where << ":\n" << text;
}

TEST_F(InternalStaysInternalTest, TheApiListsNeitherTheNoteNorItsFileAndTheFileCannotBeDownloaded) {
  std::string url = "/api/v1/tickets/" + std::to_string(id_);
  auto mine = Get(port(), url, member_.Headers());
  ASSERT_EQ(mine.status, 200);
  ExpectPublicOnly(mine.body, "GET " + url);
  EXPECT_NE(mine.body.find(kReplyFile), std::string::npos);
  auto volunteers = Get(port(), url, volunteer_.Headers());
  EXPECT_NE(volunteers.body.find(kNote), std::string::npos) << "the note is there, for volunteers";
  auto ids = AttachmentIds();
  ASSERT_EQ(ids.size(), 2u);
  auto attachments = Json(mine.body)->getObject("ticket")->getArray("attachments");
  ASSERT_EQ(attachments->size(), 1u);
  EXPECT_EQ(attachments->getObject(0)->getValue<int64_t>("id"), ids[kReplyFile]);
  // Neither by id: the note's file is not there for a member, the reply's is.
  std::string files = ticket_path_ + "/attachments/";
  EXPECT_EQ(Get(port(), files + std::to_string(ids[kNoteFile]), member_.Page()).status, 404);
  EXPECT_EQ(Get(port(), files + std::to_string(ids[kReplyFile]), member_.Page()).body, kReply);
  EXPECT_EQ(Get(port(), files + std::to_string(ids[kNoteFile]), volunteer_.Page()).body, kNote);

  auto list = Get(port(), "/api/v1/tickets", member_.Headers());
  ASSERT_EQ(list.status, 200);
  ExpectPublicOnly(list.body, "GET /api/v1/tickets", kSubjectWord);
  EXPECT_EQ(Get(port(), "/api/v1/queue", member_.Headers()).status, 403);
}

// The list's status filter is a status word or "open" (model::StatusFilter); any other word is refused with the
// field named, never an empty list that looks like "no tickets".
TEST_F(InternalStaysInternalTest, TheApiListFiltersByStatusAndRefusesAnUnknownOne) {
  auto open = Get(port(), "/api/v1/tickets?status=open", member_.Headers());
  ASSERT_EQ(open.status, 200);
  EXPECT_EQ(Json(open.body)->getValue<int64_t>("total"), 1);
  auto closed = Get(port(), "/api/v1/tickets?status=closed", member_.Headers());
  ASSERT_EQ(closed.status, 200);
  EXPECT_EQ(Json(closed.body)->getValue<int64_t>("total"), 0);
  auto bad = Get(port(), "/api/v1/tickets?status=lost", member_.Headers());
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("\"status\""), std::string::npos) << bad.body;
}

TEST_F(InternalStaysInternalTest, TheTicketPageShowsTheReplyAndItsFileOnly) {
  auto page = Get(port(), ticket_path_, member_.Page());
  ASSERT_EQ(page.status, 200);
  ExpectPublicOnly(page.body, ticket_path_);
  EXPECT_NE(page.body.find(kReplyFile), std::string::npos);
  EXPECT_NE(Get(port(), ticket_path_, volunteer_.Page()).body.find(kNoteFile), std::string::npos);
}

TEST_F(InternalStaysInternalTest, TheGroupsTicketListShowsTheTicketOnly) {
  auto page = Get(port(), "/fr/tickets", member_.Page());
  ASSERT_EQ(page.status, 200);
  ExpectPublicOnly(page.body, "/fr/tickets", kSubjectWord);
}

TEST_F(InternalStaysInternalTest, TheFeedHasArticlesOnly) {
  Publish();
  for (const char* lang : {"fr", "en"}) {
    auto feed = Get(port(), std::string("/") + lang + "/feed.atom");
    ASSERT_EQ(feed.status, 200);
    EXPECT_NE(feed.body.find("<entry>"), std::string::npos);
    EXPECT_EQ(feed.body.find(kInternal), std::string::npos) << feed.body;
    EXPECT_EQ(feed.body.find(kSubjectWord), std::string::npos) << "tickets are not published in the feed";
  }
}

TEST_F(InternalStaysInternalTest, TheGroupDigestNamesTheTicketAndNothingOfTheNote) {
  clock_.Set(LocalInstant(2027, 3, 22, 8));
  auto mails = Delivered(kMember);
  const DecodedMail* digest = nullptr;
  for (const auto& m : mails) {
    EXPECT_EQ(m.text.find(kInternal), std::string::npos) << m.text;
    EXPECT_EQ(m.html.find(kInternal), std::string::npos) << m.html;
    if (m.Header("Subject").rfind("Résumé de la semaine", 0) == 0) digest = &m;
  }
  ASSERT_NE(digest, nullptr) << "the member's weekly digest";
  ExpectPublicOnly(digest->text, "the group digest (text)", kSubjectWord);
  ExpectPublicOnly(digest->html, "the group digest (HTML)", kSubjectWord);
  EXPECT_EQ(QueryText(app_->pool(), "SELECT count(*) FROM outbox WHERE kind = 'group_digest' AND data_json LIKE '%" +
                                        std::string(kInternal) + "%'"),
            "0");
}

TEST_F(InternalStaysInternalTest, SearchFindsThePublishedQuestionWithoutTheNote) {
  std::string question = Publish();
  ASSERT_FALSE(question.empty());
  auto page = Get(port(), question);
  ASSERT_EQ(page.status, 200);
  ExpectPublicOnly(page.body, question);
  auto html = Get(port(), std::string("/fr/search?q=") + kPublic, member_.Page());
  ASSERT_EQ(html.status, 200);
  ExpectPublicOnly(html.body, "/fr/search");
  // Result links go through /fr/search/go, which counts the click: the question's path is its `to` parameter.
  EXPECT_NE(html.body.find("to=" + core::UrlEncodeComponent(question)), std::string::npos);
  auto api = Get(port(), std::string("/api/v1/search?kind=question&q=") + kPublic);
  ASSERT_EQ(api.status, 200);
  ExpectPublicOnly(api.body, "/api/v1/search");
  auto note = Json(Get(port(), std::string("/api/v1/search?q=") + kInternal).body);
  EXPECT_EQ(note->getValue<int64_t>("total"), 0) << "no document holds the note's word";
  auto file = Json(Get(port(), "/api/v1/search?q=facture").body);
  for (size_t i = 0; i < file->getArray("results")->size(); ++i)
    EXPECT_NE(file->getArray("results")->getObject(i)->getValue<std::string>("kind"), "question");
}

TEST_F(InternalStaysInternalTest, SuggestionsOfferTheQuestionsTitleOnly) {
  Publish();
  auto r = Get(port(), std::string("/api/v1/suggest?lang=fr&q=") + kSubjectWord);
  ASSERT_EQ(r.status, 200);
  ExpectPublicOnly(r.body, "/api/v1/suggest", kSubjectWord);
  EXPECT_EQ(
      Json(Get(port(), std::string("/api/v1/suggest?lang=fr&q=") + kInternal).body)->getArray("suggestions")->size(),
      0u);
}

TEST_F(InternalStaysInternalTest, AnInternalNoteEmailsNobodyAndTheReplysEmailHasOnlyTheReply) {
  EXPECT_EQ(mail_to_member_after_note_, 0) << "the internal note queued a message for the member";
  EXPECT_EQ(MailTo(kMember), 1) << "the public reply did";
  auto mails = Delivered(kMember);
  ASSERT_EQ(mails.size(), 1u);
  ExpectPublicOnly(mails[0].text, "the reply's email (text)");
  ExpectPublicOnly(mails[0].html, "the reply's email (HTML)");
  EXPECT_EQ(mails[0].text.find(kNoteFile), std::string::npos);
}

}  // namespace
}  // namespace entraide::testing

// End-to-end: the help desk through the real server, its API and multipart uploads.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <thread>

#include "auth/accounts.h"
#include "core/escape.h"
#include "core/sha256.h"
#include "fixtures.h"
#include "mail_util.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

using Session = ApiSession;

class TicketsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp();
    TestDirectory& admin = app_->directory();
    admin.Group("coop-a", "Coop A", "fr");
    admin.Group("coop-b", "Coop B", "en");
    admin.Group("coop-c", "Café <Les \"Amis\">", "fr");  // escaped in the queue's filter
    for (auto [email, role, group] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"a@example.org", "member", "coop-a"},
                                                                        {"b@example.org", "member", "coop-b"},
                                                                        {"v@example.org", "volunteer", ""},
                                                                        {"w@example.org", "volunteer", ""},
                                                                        {"r@example.org", "member", "coop-a"},
                                                                        {"x@example.org", "volunteer", ""}}) {
      std::vector<std::string> groups;
      if (!group.empty()) groups.push_back(group);
      admin.Person(email, email.substr(0, 1), role, groups);
    }
  }
  static void TearDownTestSuite() { delete app_; }
  static int port() { return app_->port(); }
  // One session per person for the whole suite (sign-in is rate limited per address, as it should be).
  static Session SignIn(const std::string& email) {
    static std::map<std::string, Session> sessions;
    auto it = sessions.find(email);
    if (it != sessions.end()) return it->second;
    Session s = SignInNow(email);
    sessions[email] = s;
    return s;
  }
  static Session SignInNow(const std::string& email) { return SignInApi(port(), email); }
  static int64_t CreateTicket(const Session& s, const std::string& subject = "Printer down") {
    return CreateTicketApi(port(), s, TicketJson(subject, "It *blinks*.", "hardware", "high"));
  }
  static TestApp* app_;
};
TestApp* TicketsTest::app_ = nullptr;

TEST_F(TicketsTest, CreateListAndReadThroughTheApi) {
  Session a = SignIn("a@example.org");
  auto r = Send(port(), "POST", "/api/v1/tickets",
                R"({"subject": "Courriel bloqué", "body": "Rien **reçu**", "category": "email", "urgency": "normal"})",
                a.Headers(true));
  ASSERT_EQ(r.status, 201) << r.body;
  auto t = Json(r)->getObject("ticket");
  EXPECT_TRUE(std::regex_match(t->getValue<std::string>("ref"), std::regex(R"(ENT-\d{4}-\d{4})")));
  int64_t id = t->getValue<int64_t>("id");
  auto list = Json(Get(port(), "/api/v1/tickets", a.Headers()));
  EXPECT_GE(list->getArray("tickets")->size(), 1u);
  auto one = Get(port(), "/api/v1/tickets/" + std::to_string(id), a.Headers());
  ASSERT_EQ(one.status, 200);
  EXPECT_NE(Json(one)->getObject("ticket")->getValue<std::string>("body_html").find("<strong>reçu</strong>"),
            std::string::npos);
}

TEST_F(TicketsTest, StatusCodesFollowTheRules) {
  Session a = SignIn("a@example.org");
  Session b = SignIn("b@example.org");
  Session v = SignIn("v@example.org");
  int64_t id = CreateTicket(a);
  std::string url = "/api/v1/tickets/" + std::to_string(id);
  EXPECT_EQ(Get(port(), "/api/v1/tickets").status, 401);
  EXPECT_EQ(Get(port(), url).status, 401);
  // Another group's ticket: 404, not 403, for everything.
  EXPECT_EQ(Get(port(), url, b.Headers()).status, 404);
  EXPECT_EQ(Send(port(), "PATCH", url, R"({"urgency": "low"})", b.Headers(true)).status, 404);
  EXPECT_EQ(Send(port(), "POST", url + "/replies", R"({"body": "hi"})", b.Headers(true)).status, 404);
  EXPECT_EQ(Send(port(), "POST", url + "/claim", "", b.Headers(true)).status, 404);
  EXPECT_EQ(Get(port(), "/fr/tickets/" + std::to_string(id) + "/attachments/1", b.Headers()).status, 404);
  EXPECT_EQ(Get(port(), "/api/v1/queue", a.Headers()).status, 403);
  EXPECT_EQ(Get(port(), "/api/v1/queue", v.Headers()).status, 200);
  auto bad = Send(port(), "PATCH", url, R"({"status": "sleeping"})", v.Headers(true));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Json(bad)->getObject("error")->getArray("fields")->getElement<std::string>(0), "status");
  auto empty =
      Send(port(), "POST", "/api/v1/tickets", R"({"subject": "", "body": "x", "category": "email"})", a.Headers(true));
  EXPECT_EQ(empty.status, 422);
  EXPECT_EQ(Json(empty)->getObject("error")->getArray("fields")->getElement<std::string>(0), "subject");
  auto unknown_cat = Send(port(), "POST", "/api/v1/tickets", R"({"subject": "s", "body": "x", "category": "cooking"})",
                          a.Headers(true));
  EXPECT_EQ(unknown_cat.status, 422);
  EXPECT_EQ(Send(port(), "PATCH", url, R"({"status": "new"})", v.Headers(true)).status, 409);
  EXPECT_EQ(Send(port(), "POST", "/api/v1/tickets", "{not json", a.Headers(true)).status, 400);
  std::string big = R"({"subject": "big", "category": "other", "body": ")" + std::string(70000, 'x') + "\"}";
  EXPECT_EQ(Send(port(), "POST", "/api/v1/tickets", big, a.Headers(true)).status, 413);
  std::string huge(1100000, 'x');
  EXPECT_EQ(Send(port(), "POST", "/api/v1/tickets", huge, a.Headers(true)).status, 413);
  // A write without the CSRF token (and no same-site Origin) is refused.
  EXPECT_EQ(
      Send(port(), "POST", "/api/v1/tickets", R"({"subject": "s", "body": "b", "category": "other"})", a.Headers())
          .status,
      403);
}

TEST_F(TicketsTest, ClaimRaceOneWinsTheOtherGets409) {
  Session a = SignIn("a@example.org");
  Session v = SignIn("v@example.org");
  Session w = SignIn("w@example.org");
  int64_t id = CreateTicket(a, "race");
  std::string url = "/api/v1/tickets/" + std::to_string(id) + "/claim";
  int s1 = 0, s2 = 0;
  std::thread t1([&] { s1 = Send(port(), "POST", url, "", v.Headers(true)).status; });
  std::thread t2([&] { s2 = Send(port(), "POST", url, "", w.Headers(true)).status; });
  t1.join();
  t2.join();
  EXPECT_TRUE((s1 == 200 && s2 == 409) || (s1 == 409 && s2 == 200)) << s1 << " " << s2;
}

TEST_F(TicketsTest, VolunteersNoteIsNeverShownToTheGroup) {
  Session a = SignIn("a@example.org");
  Session v = SignIn("v@example.org");
  int64_t id = CreateTicket(a, "note test");
  std::string url = "/api/v1/tickets/" + std::to_string(id);
  ASSERT_EQ(Send(port(), "POST", url + "/replies", R"({"body": "PRIVATE-NOTE-123", "internal": true})", v.Headers(true))
                .status,
            201);
  ASSERT_EQ(Send(port(), "POST", url + "/replies", R"({"body": "Public answer"})", v.Headers(true)).status, 201);
  auto member_view = Get(port(), url, a.Headers());
  EXPECT_EQ(member_view.body.find("PRIVATE-NOTE-123"), std::string::npos);
  EXPECT_NE(member_view.body.find("Public answer"), std::string::npos);
  auto page = Get(port(), "/en/tickets/" + std::to_string(id), {"Cookie: sid=" + a.sid});
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("PRIVATE-NOTE-123"), std::string::npos);
  EXPECT_NE(Get(port(), url, v.Headers()).body.find("PRIVATE-NOTE-123"), std::string::npos);
  EXPECT_EQ(Send(port(), "POST", url + "/replies", R"({"body": "x", "internal": true})", a.Headers(true)).status, 403);
}

TEST_F(TicketsTest, AttachmentsUploadAsMultipartAndDownloadOnlyAsAttachments) {
  Session a = SignIn("a@example.org");
  auto form = Get(port(), "/fr/tickets/new?subject=Mon%20site%20est%20lent", {"Cookie: sid=" + a.sid});
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("value=\"Mon site est lent\""), std::string::npos) << "the subject is prefilled";
  std::smatch m;
  ASSERT_TRUE(std::regex_search(form.body, m, std::regex(R"re(name="csrf" value="([^"]+)")re")));
  std::string csrf = m[1];
  std::string html_file = "<script>alert('xss')</script>";
  std::string body = Multipart("XyZ",
                               {{"csrf", csrf},
                                {"subject", "Avec fichier"},
                                {"body", "Voir le fichier."},
                                {"category", "website"},
                                {"urgency", "normal"}},
                               {{"files", "page.html", html_file}, {"files", "", ""}});
  auto r = Send(port(), "POST", "/fr/tickets", body,
                {"Cookie: sid=" + a.sid, "Content-Type: multipart/form-data; boundary=XyZ"});
  ASSERT_EQ(r.status, 303) << r.body;
  std::string location = r.Header("location");
  auto page = Get(port(), location, {"Cookie: sid=" + a.sid});
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex(R"re(href="(/fr/tickets/\d+/attachments/\d+)")re")));
  std::string file_url = m[1];
  auto dl = Get(port(), file_url, {"Cookie: sid=" + SignIn("r@example.org").sid});
  ASSERT_EQ(dl.status, 200);
  EXPECT_EQ(dl.body, html_file);
  EXPECT_EQ(dl.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(dl.Header("content-disposition").rfind("attachment;", 0), 0u);
  EXPECT_EQ(dl.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(Get(port(), file_url, {"Cookie: sid=" + SignIn("b@example.org").sid}).status, 404);
  EXPECT_EQ(Get(port(), file_url).status, 404);
  // Stored by content hash under data.dir; no temp file is left behind.
  std::string hash = core::Sha256Hex(html_file);
  EXPECT_TRUE(std::filesystem::exists(app_->data().Join("attachments/" + hash.substr(0, 2) + "/" + hash)));
  EXPECT_TRUE(std::filesystem::is_empty(app_->data().Join("tmp")));
}

TEST_F(TicketsTest, UploadLimitsAreEnforced) {
  Session a = SignIn("a@example.org");
  auto form = Get(port(), "/fr/tickets/new", {"Cookie: sid=" + a.sid});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(form.body, m, std::regex(R"re(name="csrf" value="([^"]+)")re")));
  std::vector<std::pair<std::string, std::string>> fields = {
      {"csrf", m[1]}, {"subject", "s"}, {"body", "b"}, {"category", "other"}};
  std::vector<std::tuple<std::string, std::string, std::string>> six;
  for (int i = 0; i < 6; ++i) six.emplace_back("files", "f" + std::to_string(i) + ".txt", "x");
  auto too_many = Send(port(), "POST", "/fr/tickets", Multipart("B", fields, six),
                       {"Cookie: sid=" + a.sid, "Content-Type: multipart/form-data; boundary=B"});
  EXPECT_EQ(too_many.status, 422);
  auto too_big = Send(port(), "POST", "/fr/tickets",
                      Multipart("B", fields, {{"files", "big.bin", std::string(10 * 1024 * 1024 + 10, 'z')}}),
                      {"Cookie: sid=" + a.sid, "Content-Type: multipart/form-data; boundary=B"});
  EXPECT_EQ(too_big.status, 413);
  EXPECT_NE(too_big.Header("x-entraide-error").find("big.bin"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(app_->data().Join("tmp"))) << "a refused upload leaves nothing behind";
}

TEST_F(TicketsTest, TicketCreationIsRateLimitedWith429AndRetryAfter) {
  Session r = SignIn("r@example.org");
  HttpResponse last;
  for (int i = 0; i < 21; ++i)
    last =
        Send(port(), "POST", "/api/v1/tickets",
             R"({"subject": "spam )" + std::to_string(i) + R"(", "body": "b", "category": "other"})", r.Headers(true));
  EXPECT_EQ(last.status, 429);
  EXPECT_FALSE(last.Header("retry-after").empty());
}

TEST_F(TicketsTest, QueuePageFiltersAndShowsAge) {
  Session a = SignIn("a@example.org");
  Session v = SignIn("v@example.org");
  CreateTicket(a, "Queue item blocking");
  auto page = Get(port(), "/en/queue?urgency=high&assignee=none", {"Cookie: sid=" + v.sid});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Queue item blocking"), std::string::npos);
  EXPECT_NE(page.body.find("just now"), std::string::npos);
  auto low = Get(port(), "/en/queue?urgency=low", {"Cookie: sid=" + v.sid});
  EXPECT_EQ(low.body.find("Queue item blocking"), std::string::npos);
  // Each row: reference, subject linked to the ticket in its own language, urgency, status, group, age,
  // assignee (a dash when nobody holds it); what people typed is escaped.
  int64_t id = CreateTicket(a, "Écran <img src=x onerror=alert(1)> & co");
  auto rows = Get(port(), "/en/queue?urgency=high&assignee=none", {"Cookie: sid=" + v.sid});
  EXPECT_NE(rows.body.find("<a href=\"/en/tickets/" + std::to_string(id) +
                           "\">Écran &lt;img src=x onerror=alert(1)&gt; &amp; co</a>"),
            std::string::npos)
      << rows.body;
  EXPECT_EQ(rows.body.find("<img src=x"), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      rows.body,
      std::regex(
          R"(<tr><td>ENT-\d{4}-\d{4}</td><td lang="fr"><a href="/en/tickets/\d+">[^<]*</a></td><td><span class="urgency urgency-high">High</span></td><td><span class="status status-new">New</span></td><td>Coop A</td><td><time datetime="\d{4}-\d\d-\d\dT[0-9:]+Z">just now</time></td><td>—</td></tr>)")))
      << rows.body;
  // Every group is a filter option, its name escaped; the filtered one is selected.
  EXPECT_NE(page.body.find(">Café &lt;Les &quot;Amis&quot;&gt;</option>"), std::string::npos);
  EXPECT_EQ(page.body.find("<Les"), std::string::npos);
  auto by_group = Get(port(), "/en/queue?group=1", {"Cookie: sid=" + v.sid});
  EXPECT_NE(by_group.body.find("<option value=\"1\" selected>Coop A</option>"), std::string::npos);
  // One page of results: no pager; a page past the end shows the filters and a link back, keeping them.
  EXPECT_EQ(page.body.find("rel=\"next\""), std::string::npos);
  auto past = Get(port(), "/en/queue?urgency=high&page=3", {"Cookie: sid=" + v.sid});
  ASSERT_EQ(past.status, 200);
  EXPECT_NE(past.body.find("href=\"/en/queue?urgency=high&amp;page=2\" rel=\"prev\""), std::string::npos);
  EXPECT_EQ(Get(port(), "/api/v1/queue?page=0", v.Headers()).status, 422);
  // The API names the filter it cannot read rather than answering for another one (no group 0, nobody).
  for (const char* bad : {"assignee=abc", "assignee=0", "group=abc", "group=-1", "lang=xx"}) {
    auto r = Get(port(), std::string("/api/v1/queue?") + bad, v.Headers());
    EXPECT_EQ(r.status, 422) << bad;
    EXPECT_NE(r.body.find(std::string(bad).substr(0, std::string(bad).find('=')) + ":"), std::string::npos) << r.body;
  }
  for (const char* good : {"assignee=none", "assignee=me", "group=1", "lang=fr"})
    EXPECT_EQ(Get(port(), std::string("/api/v1/queue?") + good, v.Headers()).status, 200) << good;
  EXPECT_EQ(Get(port(), "/en/queue", {"Cookie: sid=" + a.sid}).status, 403);
  EXPECT_EQ(Get(port(), "/xx/tickets", {"Cookie: sid=" + a.sid}).status, 404);  // a language the site lacks
}

TEST_F(TicketsTest, PatchChecksEveryFieldBeforeChangingAny) {
  Session a = SignIn("a@example.org");
  Session v = SignIn("v@example.org");
  int64_t id = CreateTicket(a, "patch");
  std::string url = "/api/v1/tickets/" + std::to_string(id);
  auto events = [&] { return Json(Get(port(), url, v.Headers()))->getObject("ticket")->getArray("events")->size(); };
  size_t before = events();
  auto bad = Send(port(), "PATCH", url, R"({"status": "triaged", "urgency": "urgent!"})", v.Headers(true));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Json(bad)->getObject("error")->getArray("fields")->getElement<std::string>(0), "urgency") << bad.body;
  auto bad_assignee =
      Send(port(), "PATCH", url, R"({"status": "triaged", "category": "email", "assignee": 999})", v.Headers(true));
  EXPECT_EQ(bad_assignee.status, 422);
  EXPECT_EQ(Json(bad_assignee)->getObject("error")->getArray("fields")->getElement<std::string>(0), "assignee");
  auto t = Json(Get(port(), url, v.Headers()))->getObject("ticket");
  EXPECT_EQ(t->getValue<std::string>("status"), "new") << "the valid status was not applied";
  EXPECT_EQ(t->getValue<std::string>("category"), "hardware");
  EXPECT_EQ(events(), before) << "nor recorded";
  auto good =
      Send(port(), "PATCH", url, R"({"status": "triaged", "urgency": "low", "category": "email"})", v.Headers(true));
  ASSERT_EQ(good.status, 200) << good.body;
  t = Json(good)->getObject("ticket");
  EXPECT_EQ(t->getValue<std::string>("status"), "triaged");
  EXPECT_EQ(t->getValue<std::string>("urgency"), "low");
  EXPECT_EQ(t->getValue<std::string>("category"), "email");
  EXPECT_EQ(events(), before + 3);
}

TEST_F(TicketsTest, RepliesAreLimitedWith429AndARefusedFormKeepsItsTextAndKind) {
  Session a = SignIn("a@example.org");
  Session x = SignIn("x@example.org");
  int64_t id = CreateTicket(a, "busy volunteer");
  std::string url = "/api/v1/tickets/" + std::to_string(id) + "/replies";
  for (int i = 0; i < 60; ++i)
    ASSERT_EQ(
        Send(port(), "POST", url, R"({"body": "note )" + std::to_string(i) + R"(", "internal": true})", x.Headers(true))
            .status,
        201)
        << i;
  auto api = Send(port(), "POST", url, R"({"body": "one more"})", x.Headers(true));
  EXPECT_EQ(api.status, 429);
  int64_t retry = std::stoll("0" + api.Header("retry-after"));
  EXPECT_TRUE(retry >= 3500 && retry <= 3600) << api.Header("retry-after");

  std::string page = "/fr/tickets/" + std::to_string(id);
  std::string csrf = CsrfField(Get(port(), page, {"Cookie: sid=" + x.sid}).body);
  auto form = Send(port(), "POST", page + "/reply",
                   Multipart("B", {{"csrf", csrf}, {"body", "Leur routeur <date> de 2009"}, {"mode", "internal"}}, {}),
                   {"Cookie: sid=" + x.sid, "Content-Type: multipart/form-data; boundary=B"});
  EXPECT_EQ(form.status, 429);
  EXPECT_FALSE(form.Header("retry-after").empty());
  EXPECT_NE(form.body.find("Vous avez envoyé beaucoup de messages dans la dernière heure."), std::string::npos);
  EXPECT_NE(form.body.find(">Leur routeur &lt;date&gt; de 2009</textarea>"), std::string::npos) << "the text is kept";
  EXPECT_NE(form.body.find(R"(value="internal" checked>)"), std::string::npos) << "still a note, not a public reply";
  EXPECT_EQ(form.body.find(R"(value="public" checked>)"), std::string::npos);
}

TEST_F(TicketsTest, FileNamesLoseFormatCharactersOnThePageAndInTheDownload) {
  Session a = SignIn("a@example.org");
  std::string csrf = CsrfField(Get(port(), "/fr/tickets/new", {"Cookie: sid=" + a.sid}).body);
  // RIGHT-TO-LEFT OVERRIDE shows "facture\u202Etxt.exe" as "factureexe.txt"; a zero-width space hides too.
  auto r = Send(port(), "POST", "/fr/tickets",
                Multipart("B", {{"csrf", csrf}, {"subject", "Facture"}, {"body", "Voir."}, {"category", "other"}},
                          {{"files", "fac\u200Bture\u202Etxt.exe", "MZ"}}),
                {"Cookie: sid=" + a.sid, "Content-Type: multipart/form-data; boundary=B"});
  ASSERT_EQ(r.status, 303) << r.body;
  auto page = Get(port(), r.Header("location"), {"Cookie: sid=" + a.sid});
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(page.body, m, std::regex(R"re(href="(/fr/tickets/\d+/attachments/\d+)" download>([^<]*)<)re")));
  EXPECT_EQ(m[2].str(), "facturetxt.exe");
  auto dl = Get(port(), m[1].str(), {"Cookie: sid=" + a.sid});
  ASSERT_EQ(dl.status, 200);
  EXPECT_EQ(dl.Header("content-disposition"),
            "attachment; filename=\"facturetxt.exe\"; filename*=UTF-8''facturetxt.exe");
}

TEST_F(TicketsTest, ATicketFullOfFilesRefusesMoreWith413AndSaysWhyOnTheForm) {
  Session a = SignIn("a@example.org");
  int64_t id = CreateTicket(a, "many files");
  // 95 MiB of files attached an hour ago and more (so no one's hourly limit counts them).
  store::Pool pool(app_->data().Join("entraide.db"));
  ASSERT_EQ(QueryText(pool,
                      "INSERT INTO attachments (ticket_id, filename, content_type, size, sha256, uploaded_by, "
                      "created_at) SELECT " +
                          std::to_string(id) + ", 'old.iso', 'application/octet-stream', " +
                          std::to_string(95 * 1024 * 1024) + ", '" + std::string(64, 'a') +
                          "', opened_by, 0 FROM tickets WHERE id = " + std::to_string(id) + " RETURNING id")
                .empty(),
            false);
  std::string page = "/fr/tickets/" + std::to_string(id);
  auto reply = [&](size_t size) {
    std::string csrf = CsrfField(Get(port(), page, {"Cookie: sid=" + a.sid}).body);
    return Send(
        port(), "POST", page + "/reply",
        Multipart("B", {{"csrf", csrf}, {"body", "Et celui-ci"}}, {{"files", "scan.pdf", std::string(size, 's')}}),
        {"Cookie: sid=" + a.sid, "Content-Type: multipart/form-data; boundary=B"});
  };
  auto full = reply(6 * 1024 * 1024);
  EXPECT_EQ(full.status, 413);
  EXPECT_NE(full.body.find("Cette demande contient déjà près de 100 Mio de fichiers"), std::string::npos) << full.body;
  EXPECT_NE(full.body.find(">Et celui-ci</textarea>"), std::string::npos);
  EXPECT_EQ(reply(4 * 1024 * 1024).status, 303) << "99 MiB fit";
}

TEST_F(TicketsTest, AReplyOfSixtyKilobytesOfQuotesIsStoredUnderTheHtmlCap) {
  Session a = SignIn("a@example.org");
  int64_t id = CreateTicket(a, "quotes");
  std::string url = "/api/v1/tickets/" + std::to_string(id);
  ASSERT_EQ(
      Send(port(), "POST", url + "/replies", R"({"body": ")" + std::string(60000, '>') + "\"}", a.Headers(true)).status,
      201);
  auto events = Json(Get(port(), url, a.Headers()))->getObject("ticket")->getArray("events");
  std::string html = events->getObject(events->size() - 1)->getValue<std::string>("body_html");
  EXPECT_LE(html.size(), 256u * 1024) << "1.6 MB of nested blockquotes before the cap";
  EXPECT_EQ(html.rfind("<p>&gt;&gt;&gt;", 0), 0u);
}

// Issue #18: a solved ticket offers volunteers "Draft an article", in French and in English (the editor behind the
// links is the editorial pages'); an open ticket does not, and members never see it.
TEST_F(TicketsTest, ASolvedTicketOffersVolunteersToDraftAnArticleInEitherLanguage) {
  Session a = SignIn("a@example.org");
  Session v = SignIn("v@example.org");
  int64_t id = CreateTicket(a, "Imprimante en panne");
  std::string page = "/fr/tickets/" + std::to_string(id);
  std::string fr_link = "href=\"/fr/articles/new?ticket=" + std::to_string(id) + "\"";
  std::string en_link = "href=\"/en/articles/new?ticket=" + std::to_string(id) + "\"";
  auto open = Get(port(), page, v.Page());
  ASSERT_EQ(open.status, 200);
  EXPECT_EQ(open.body.find(fr_link), std::string::npos) << "not while it is open";
  ASSERT_EQ(Send(port(), "PATCH", "/api/v1/tickets/" + std::to_string(id), R"({"status": "resolved"})", v.Headers(true))
                .status,
            200);
  for (const char* lang : {"fr", "en"}) {
    auto solved = Get(port(), "/" + std::string(lang) + "/tickets/" + std::to_string(id), v.Page());
    ASSERT_EQ(solved.status, 200);
    EXPECT_NE(solved.body.find(fr_link), std::string::npos) << solved.body;
    EXPECT_NE(solved.body.find(en_link), std::string::npos);
    EXPECT_NE(solved.body.find(">en français</a>"), std::string::npos);
    EXPECT_NE(solved.body.find(">in English</a>"), std::string::npos);
    EXPECT_NE(solved.body.find(std::string(lang) == "fr" ? "Rédiger un article" : "Draft an article"),
              std::string::npos);
    auto member = Get(port(), "/" + std::string(lang) + "/tickets/" + std::to_string(id), a.Page());
    ASSERT_EQ(member.status, 200);
    EXPECT_EQ(member.body.find("articles/new?ticket="), std::string::npos) << "members never see it";
  }
}

}  // namespace
}  // namespace entraide::testing

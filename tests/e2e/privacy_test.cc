// End-to-end: what Québec's Law 25 asks, through the real server: a member downloads their own data from the
// account page (a CSRF-checked POST, three an hour), an erased person reads as "a former member" in every page
// and API answer in both languages while what they wrote stays, and serve's worker removes the text and files of
// tickets closed longer ago than privacy.closed_ticket_retention_days.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/escape.h"
#include "i18n/catalog.h"
#include "mail_util.h"
#include "privacy/privacy_service.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassword = "Horse battery staple 42!";
constexpr const char* kVolunteerName = "Véro Lachance";
constexpr const char* kVolunteerEmail = "vero.lachance@example.org";
constexpr const char* kVolunteerReply = "Essayez de redémarrer la borne quetzal.";

Poco::JSON::Object::Ptr Json(const std::string& body) {
  Poco::JSON::Parser p;
  return p.parse(body).extract<Poco::JSON::Object::Ptr>();
}

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Config c = TestConfig(data_.path());
    c.content_dir = content_.path();  // an empty library: these tests are about people
    c.mail_poll_seconds = 3600;       // mail stays in the outbox, where the tests read it
    c.privacy_closed_ticket_retention_days = 30;
    config_ = c;
    app_ = std::make_unique<RunningApp>(c, &clock_);
    pool_ = std::make_unique<store::Pool>(data_.Join("entraide.db"));
    auth::Accounts admin(*pool_, clock_, TestAuthOptions());
    ASSERT_TRUE(admin.directory.CreateGroup(auth::Principal::System(), "coop-a", "Coop A", "fr").ok());
    auto add = [&](const std::string& email, const std::string& name, const std::string& role,
                   std::vector<std::string> groups, const std::string& lang) {
      ASSERT_TRUE(admin.directory
                      .AddPerson(auth::Principal::System(), email, name, *model::ParseRole(role), groups, lang,
                                 std::string(kPassword))
                      .ok());
    };
    add("maude@example.org", "Maude Ouellet", "member", {"coop-a"}, "fr");
    add(kVolunteerEmail, kVolunteerName, "volunteer", {}, "fr");
    add("colette@example.org", "Colette Roy", "coordinator", {}, "en");
    member_ = SignIn("maude@example.org");
    volunteer_ = SignIn(kVolunteerEmail);
    coordinator_ = SignIn("colette@example.org");
  }

  int port() const { return app_->port(); }
  ApiSession SignIn(const std::string& email) {
    auto r = Send(port(), "POST", "/api/v1/session",
                  R"({"email": ")" + email + R"(", "password": ")" + kPassword + "\"}", {});
    EXPECT_EQ(r.status, 200) << r.body;
    return {CookieValue(r, "sid"), r.Header("x-csrf-token")};
  }
  int64_t OpenTicket(const std::string& subject) {
    auto r = Send(port(), "POST", "/api/v1/tickets",
                  R"({"subject": ")" + subject + R"(", "body": "La borne wifi clignote.", "category": "network"})",
                  member_.Headers(true));
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r.body)->getObject("ticket")->getValue<int64_t>("id");
  }
  void Reply(const ApiSession& who, int64_t id, const std::string& body) {
    auto r = Send(port(), "POST", "/api/v1/tickets/" + std::to_string(id) + "/replies", R"({"body": ")" + body + "\"}",
                  who.Headers(true));
    EXPECT_EQ(r.status, 201) << r.body;
  }
  std::string Path(int64_t id, const std::string& lang = "fr") { return "/" + lang + "/tickets/" + std::to_string(id); }

  TempDir data_, content_;
  core::FakeClock clock_;
  app::Config config_;
  std::unique_ptr<RunningApp> app_;
  std::unique_ptr<store::Pool> pool_;
  ApiSession member_, volunteer_, coordinator_;
};

TEST_F(PrivacyTest, TheAccountPageDownloadsAZipOfTheMembersOwnDataThreeTimesAnHour) {
  OpenTicket("Borne wifi hibou en panne");
  auto account = Get(port(), "/fr/account", member_.Page());
  ASSERT_EQ(account.status, 200);
  EXPECT_NE(account.body.find("action=\"/fr/account/export\""), std::string::npos);
  EXPECT_NE(account.body.find("Télécharger mes données"), std::string::npos);
  std::string csrf = "csrf=" + member_.csrf;

  EXPECT_EQ(Get(port(), "/fr/account/export", member_.Page()).status, 405) << "a download is a POST, not a link";
  EXPECT_EQ(Send(port(), "POST", "/fr/account/export", "csrf=forged", member_.Form()).status, 403);
  EXPECT_EQ(
      Send(port(), "POST", "/fr/account/export", csrf, {"Content-Type: application/x-www-form-urlencoded"}).status, 303)
      << "signed out: to the sign-in page";

  for (int i = 0; i < 3; ++i) {
    auto r = Send(port(), "POST", "/fr/account/export", csrf, member_.Form());
    ASSERT_EQ(r.status, 200) << i << ": " << r.body.substr(0, 500);
    EXPECT_EQ(r.Header("content-type"), "application/zip");
    EXPECT_EQ(r.Header("content-disposition").rfind("attachment; filename=\"entraide-", 0), 0u)
        << r.Header("content-disposition");
    EXPECT_EQ(r.Header("cache-control"), "private, no-store");
    std::string zip = data_.Join("download.zip");
    std::ofstream(zip, std::ios::binary) << r.body;
    auto entries = ReadZip(zip);
    ASSERT_TRUE(entries.count("data.json")) << "not a whole archive";
    EXPECT_NE(entries["data.json"].find("Borne wifi hibou en panne"), std::string::npos);
    EXPECT_NE(entries["data.json"].find("maude@example.org"), std::string::npos);
  }
  auto refused = Send(port(), "POST", "/fr/account/export", csrf, member_.Form());
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find("trois fois par heure"), std::string::npos);
  EXPECT_GT(std::stoi(refused.Header("retry-after")), 3000);
  for (const auto& e : fs::directory_iterator(data_.Join("tmp")))
    EXPECT_EQ(e.path().filename().string().rfind("export-", 0), std::string::npos) << "left behind: " << e.path();
}

TEST_F(PrivacyTest, AnErasedVolunteerReadsAsAFormerMemberInEveryPageAndAnswerAndIsGoneFromTheDatabase) {
  int64_t id = OpenTicket("Borne wifi en panne");
  ASSERT_EQ(
      Send(port(), "POST", "/api/v1/tickets/" + std::to_string(id) + "/claim", "", volunteer_.Headers(true)).status,
      200);
  Reply(volunteer_, id, kVolunteerReply);
  Reply(member_, id, "Merci, ça marche.");
  ASSERT_NE(Get(port(), Path(id), member_.Page()).body.find(kVolunteerName), std::string::npos);

  // What `entraide erase` does, from another connection pool, as the command would from its own process.
  auto catalogs = i18n::Catalogs::Load(config_.views_dir + "/i18n");
  ASSERT_TRUE(catalogs.ok());
  core::SystemClock system_clock;
  privacy::PrivacyService privacy(*pool_, system_clock, **catalogs, app::PrivacyOptionsFor(config_));
  auto report = privacy.Erase(kVolunteerEmail);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  auto expect_gone = [&](const std::string& text, const std::string& where) {
    EXPECT_EQ(text.find(kVolunteerName), std::string::npos) << where;
    EXPECT_EQ(text.find("Lachance"), std::string::npos) << where;
    EXPECT_EQ(text.find(kVolunteerEmail), std::string::npos) << where;
  };
  struct Seen {
    std::string lang, label;
    const ApiSession* who;
  };
  for (const Seen& s : {Seen{"fr", "un ancien membre", &member_}, Seen{"en", "a former member", &coordinator_},
                        Seen{"en", "a former member", &member_}, Seen{"fr", "un ancien membre", &coordinator_}}) {
    auto page = Get(port(), Path(id, s.lang), s.who->Page());
    ASSERT_EQ(page.status, 200);
    expect_gone(page.body, Path(id, s.lang));
    EXPECT_NE(page.body.find(s.label), std::string::npos) << Path(id, s.lang) << ": " << page.body;
    EXPECT_NE(page.body.find(core::HtmlEscape(kVolunteerReply)), std::string::npos) << "the reply stays";
    expect_gone(Get(port(), "/" + s.lang + "/tickets", s.who->Page()).body, "/" + s.lang + "/tickets");
  }
  expect_gone(Get(port(), "/en/queue", coordinator_.Page()).body, "the queue");
  // The administration's list of people (by name: the erased person's row is the former member's).
  auto people = Get(port(), "/en/admin/people", coordinator_.Page());
  ASSERT_EQ(people.status, 200);
  expect_gone(people.body, "the administration's people");
  EXPECT_NE(people.body.find("a former member"), std::string::npos) << people.body;
  // The API answers in the caller's language: Colette's is English, Maude's French.
  auto api = Get(port(), "/api/v1/tickets/" + std::to_string(id), coordinator_.Headers());
  ASSERT_EQ(api.status, 200);
  expect_gone(api.body, "the API");
  EXPECT_NE(api.body.find("a former member"), std::string::npos) << api.body;
  EXPECT_NE(Get(port(), "/api/v1/tickets/" + std::to_string(id), member_.Headers()).body.find("un ancien membre"),
            std::string::npos);
  expect_gone(Get(port(), "/api/v1/queue", coordinator_.Headers()).body, "the API's queue");
  // Their session ended; the open ticket they held is free again.
  EXPECT_EQ(Get(port(), "/api/v1/session", volunteer_.Headers()).status, 401);
  EXPECT_TRUE(Json(api.body)->getObject("ticket")->isNull("assignee"));
  // No outbox row keeps them, in any column.
  EXPECT_EQ(QueryText(*pool_,
                      "SELECT count(*) FROM outbox WHERE instr(data_json || subject || recipient_email || "
                      "recipient_name || last_error, 'Lachance') > 0"),
            "0");
  // Nor the database's bytes.
  std::string bytes = ReadFile(data_.Join("entraide.db"));
  if (fs::exists(data_.Join("entraide.db-wal"))) bytes += ReadFile(data_.Join("entraide.db-wal"));
  expect_gone(bytes, "the database file");
}

TEST_F(PrivacyTest, ServeRemovesTheTextAndFilesOfTicketsClosedLongerAgoThanTheRetention) {
  int64_t id = OpenTicket("Borne wifi en panne");
  std::string csrf = CsrfField(Get(port(), Path(id), member_.Page()).body);
  auto sent = Send(port(), "POST", Path(id) + "/reply",
                   Multipart("B0undary", {{"csrf", csrf}, {"body", "Voici la facture de la borne."}},
                             {{"files", "facture.txt", "numéro de client 4242"}}),
                   {"Cookie: sid=" + member_.sid, "Content-Type: multipart/form-data; boundary=B0undary"});
  ASSERT_EQ(sent.status, 303) << sent.body;
  std::string api = "/api/v1/tickets/" + std::to_string(id);
  auto before = Json(Get(port(), api, member_.Headers()).body)->getObject("ticket");
  int64_t file_id = before->getArray("attachments")->getObject(0)->getValue<int64_t>("id");
  std::string download = Path(id) + "/attachments/" + std::to_string(file_id);
  ASSERT_EQ(Get(port(), download, member_.Page()).status, 200);
  ASSERT_EQ(Send(port(), "PATCH", api, R"({"status": "resolved"})", volunteer_.Headers(true)).status, 200);
  ASSERT_EQ(Send(port(), "PATCH", api, R"({"status": "closed"})", member_.Headers(true)).status, 200);

  clock_.Advance(29 * 24 * 3600);
  ASSERT_TRUE(app_->app().ApplyRetentionNow(10000));
  member_ = SignIn("maude@example.org");  // sessions end after 14 days without activity
  EXPECT_EQ(Get(port(), download, member_.Page()).status, 200) << "29 days: not yet";
  clock_.Advance(2 * 24 * 3600);
  ASSERT_TRUE(app_->app().ApplyRetentionNow(10000));
  auto page = Get(port(), Path(id), member_.Page());
  EXPECT_NE(page.body.find("Borne wifi en panne"), std::string::npos) << "the subject stays";
  EXPECT_EQ(page.body.find("La borne wifi clignote."), std::string::npos);
  EXPECT_EQ(page.body.find("Voici la facture"), std::string::npos);
  EXPECT_NE(page.body.find("ont été retirés"), std::string::npos) << "the page says why the text is gone";
  EXPECT_EQ(Get(port(), download, member_.Page()).status, 404);
  EXPECT_TRUE(Json(Get(port(), api, member_.Headers()).body)->getObject("ticket")->getValue<bool>("text_removed"));
  EXPECT_EQ(QueryText(*pool_, "SELECT count(*) FROM attachments"), "0");
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(data_.Join("attachments"))) files += e.is_regular_file();
  EXPECT_EQ(files, 0) << "the file is deleted from the disk";
}

}  // namespace
}  // namespace entraide::testing

// End-to-end: when something inside fails (here the database, locked by another process for longer than the
// busy timeout), no answer carries its message, a path or an exception's text: people read a plain sentence in
// their language with a short reference, and the log has the detail under that same reference.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <regex>

#include "auth/accounts.h"
#include "fixtures.h"
#include "store/database.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

// Every log line that carries `id`.
std::string LinesWithId(const std::string& log, const std::string& id) {
  std::string out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line))
    if (line.find("id=" + id) != std::string::npos) out += line + "\n";
  return out;
}

TEST(ErrorsTest, ALockedDatabaseShowsAPlainSentenceAndAReferenceAndTheLogHasTheDetail) {
  TestApp app([](app::Config& c) { c.content_dir = SourceDir() + "/content"; });
  app.directory().Group("coop", "Coop");
  app.directory().Person("lea@example.org", "Léa", "member", {"coop"});
  ApiSession me = SignInApi(app.port(), "lea@example.org");
  ASSERT_FALSE(me.sid.empty());
  int64_t id = CreateTicketApi(app.port(), me, TicketJson("Courriel en panne", "Rien ne part.", "email"));
  ASSERT_NE(id, 0);
  std::string page = "/fr/tickets/" + std::to_string(id);
  std::string csrf = CsrfField(Get(app.port(), page, {"Cookie: sid=" + me.sid}).body);

  CapturedStderr log;
  auto locker = store::Database::Open(app.data().Join("entraide.db"));
  ASSERT_TRUE(locker.ok());
  ASSERT_TRUE((*locker)->Exec("BEGIN EXCLUSIVE").ok());

  // The reply form.
  auto form = Send(app.port(), "POST", page + "/reply", "csrf=" + csrf + "&mode=public&body=Toujours+en+panne",
                   {"Cookie: sid=" + me.sid, "Content-Type: application/x-www-form-urlencoded"});
  // The API.
  auto api = Send(app.port(), "POST", "/api/v1/tickets/" + std::to_string(id) + "/replies",
                  R"({"body": "Toujours en panne", "internal": false})", me.Headers(true));
  ASSERT_TRUE((*locker)->Exec("ROLLBACK").ok());

  for (const HttpResponse* r : {&form, &api}) {
    EXPECT_EQ(r->status, 503) << r->body;
    for (const char* secret : {"locked", "database is", "entraide.db", "sqlite", "SQLITE"})
      EXPECT_EQ(r->body.find(secret), std::string::npos) << secret << " in " << r->body;
    EXPECT_EQ(r->body.find(app.data().path()), std::string::npos) << "a path in " << r->body;
  }
  std::string form_id = form.Header("x-request-id");
  ASSERT_EQ(form_id.size(), 12u);
  EXPECT_NE(form.body.find("Le serveur n&#39;a pas pu enregistrer"), std::string::npos) << form.body;
  EXPECT_NE(form.body.find(form_id), std::string::npos) << "the page shows the reference";
  EXPECT_NE(form.body.find("Toujours en panne"), std::string::npos) << "what was typed is kept";
  std::string api_id = api.Header("x-request-id");
  EXPECT_EQ(Json(api.body)->getObject("error")->getValue<std::string>("request_id"), api_id);

  std::string text = log.Text();
  for (const std::string& rid : {form_id, api_id}) {
    std::string lines = LinesWithId(text, rid);
    EXPECT_NE(lines.find("level=error msg=\"service error\""), std::string::npos) << text;
    EXPECT_TRUE(std::regex_search(lines, std::regex("detail=\"database (is locked|busy)")))
        << "the detail is in the log: " << lines;
    EXPECT_NE(lines.find("msg=\"answered with a server error\""), std::string::npos) << "every 5xx is logged";
  }
  // Once the lock is gone, the same reply goes through.
  auto again = Send(app.port(), "POST", "/api/v1/tickets/" + std::to_string(id) + "/replies",
                    R"({"body": "Toujours en panne", "internal": false})", me.Headers(true));
  EXPECT_EQ(again.status, 201) << again.body;
}

}  // namespace
}  // namespace entraide::testing

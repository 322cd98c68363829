// End-to-end: sign-in, sessions, CSRF, invitations and administration through the real server.
#include "auth/accounts.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "core/escape.h"
#include "fixtures.h"
#include "mail_util.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

constexpr const char* kPassword = kTestPassword;

std::string Form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string body;
  for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + k + "=" + core::UrlEncodeComponent(v);
  return body;
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::Config c = TestConfig(data_.path());
    c.content_dir = content_.path();  // an empty library: these tests are about people
    c.mail_poll_seconds = 3600;       // mail stays queued (a sent message's link is erased)
    c.auth_max_parallel_hashes = 1;
    c.auth_hash_wait_ms = 0;  // a held gate answers 503 at once
    app_ = std::make_unique<RunningApp>(c, &clock_);
    auth::AuthOptions o;
    o.base_url = "http://entraide.test";
    o.hash_cost = auth::HashCost::Minimum();
    directory_ = std::make_unique<TestDirectory>(data_.Join("entraide.db"), &clock_, o);
    directory_->Group("coop-a", "Coop A");
    directory_->Person("ana@example.org", "Ana", "coordinator");
    directory_->Person("mo@example.org", "Mo", "member", {"coop-a"});
  }
  int port() { return app_->port(); }
  const std::string form_type = "Content-Type: application/x-www-form-urlencoded";

  // Signs in through the form; returns the session cookie.
  std::string SignIn(const std::string& email, const std::string& password = kPassword) {
    return SignInForm(port(), email, password);
  }
  // The link of the newest message queued for `email`.
  std::string QueuedLink(const std::string& email) {
    return QueryText(pool(), "SELECT json_extract(data_json, '$.link') FROM outbox WHERE recipient_email = '" + email +
                                 "' ORDER BY id DESC LIMIT 1");
  }
  int64_t Count(const std::string& sql) { return QueryInt(pool(), sql); }
  store::Pool& pool() { return directory_->pool(); }

  TempDir data_, content_;
  core::FakeClock clock_;
  std::unique_ptr<RunningApp> app_;
  std::unique_ptr<TestDirectory> directory_;
};

TEST_F(AccountsTest, SignInSetsASafeSessionCookieAndTheHeaderShowsThePerson) {
  auto page = Get(port(), "/fr/signin");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(Get(port(), "/xx/signin").status, 404);  // a language the site lacks
  std::string csrf = CookieValue(page, "csrf");
  ASSERT_EQ(csrf.size(), 43u);
  auto r = Send(port(), "POST", "/fr/signin",
                Form({{"csrf", CsrfField(page.body)}, {"email", "ana@example.org"}, {"password", kPassword}}),
                {form_type, "Cookie: csrf=" + csrf});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.Header("location"), "/fr/queue") << "a coordinator works from the queue (issue #21)";
  std::string set = r.Header("set-cookie");
  EXPECT_NE(set.find("sid="), std::string::npos);
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos) << "http site: no Secure flag";
  std::string sid = CookieValue(r, "sid");
  EXPECT_EQ(sid.size(), 43u) << "256 random bits";
  auto account = Get(port(), "/fr/account", {"Cookie: sid=" + sid});
  ASSERT_EQ(account.status, 200);
  EXPECT_NE(account.body.find("ana@example.org"), std::string::npos);
  EXPECT_NE(account.body.find("/fr/admin"), std::string::npos) << "coordinators see the admin link";
  EXPECT_NE(account.Header("cache-control").find("no-store"), std::string::npos);
}

TEST_F(AccountsTest, WrongPasswordIsRefusedWithTheFormAgain) {
  auto page = Get(port(), "/en/signin");
  auto r = Send(port(), "POST", "/en/signin",
                Form({{"csrf", CsrfField(page.body)}, {"email", "ana@example.org"}, {"password", "wrong one!"}}),
                {form_type, "Cookie: csrf=" + CookieValue(page, "csrf")});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(CookieValue(r, "sid"), "");
  EXPECT_NE(r.body.find("role=\"alert\""), std::string::npos);
}

TEST_F(AccountsTest, FormsWithoutTheirCsrfTokenAreRefused) {
  auto page = Get(port(), "/en/signin");
  std::string csrf = CookieValue(page, "csrf");
  auto no_token = Send(port(), "POST", "/en/signin", Form({{"email", "ana@example.org"}, {"password", kPassword}}),
                       {form_type, "Cookie: csrf=" + csrf});
  EXPECT_EQ(no_token.status, 403);
  auto forged = Send(port(), "POST", "/en/signin",
                     Form({{"csrf", std::string(43, 'A')}, {"email", "ana@example.org"}, {"password", kPassword}}),
                     {form_type, "Cookie: csrf=" + csrf});
  EXPECT_EQ(forged.status, 403);
  std::string sid = SignIn("ana@example.org");
  auto profile =
      Send(port(), "POST", "/en/account", Form({{"name", "Evil"}, {"lang", "en"}}), {form_type, "Cookie: sid=" + sid});
  EXPECT_EQ(profile.status, 403);
  EXPECT_EQ(Count("SELECT count(*) FROM users WHERE name = 'Evil'"), 0);
}

TEST_F(AccountsTest, SignOutInvalidatesTheSessionOnTheServer) {
  std::string sid = SignIn("ana@example.org");
  auto account = Get(port(), "/en/account", {"Cookie: sid=" + sid});
  std::string csrf = CsrfField(account.body);
  auto out = Send(port(), "POST", "/en/signout", Form({{"csrf", csrf}}), {form_type, "Cookie: sid=" + sid});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(Get(port(), "/api/v1/session", {"Cookie: sid=" + sid}).status, 401) << "the old cookie is dead";
}

TEST_F(AccountsTest, SessionApiSignsInReportsAndSignsOut) {
  auto in =
      Send(port(), "POST", "/api/v1/session", R"({"email": "mo@example.org", "password": "Horse battery staple 42!"})",
           {"Content-Type: application/json"});
  ASSERT_EQ(in.status, 200) << in.body;
  auto user = Json(in)->getObject("user");
  EXPECT_EQ(user->getValue<std::string>("email"), "mo@example.org");
  EXPECT_EQ(user->getValue<std::string>("role"), "member");
  ASSERT_EQ(user->getArray("groups")->size(), 1u);
  for (const char* f : {"id", "name", "email", "role", "lang", "groups"}) EXPECT_TRUE(user->has(f)) << f;
  std::string sid = CookieValue(in, "sid");
  auto me = Get(port(), "/api/v1/session", {"Cookie: sid=" + sid});
  EXPECT_EQ(me.status, 200);
  std::string token = me.Header("x-csrf-token");
  // A write without the token and without the site's Origin is refused.
  EXPECT_EQ(Send(port(), "DELETE", "/api/v1/session", "", {"Cookie: sid=" + sid}).status, 403);
  EXPECT_EQ(
      Send(port(), "DELETE", "/api/v1/session", "", {"Cookie: sid=" + sid, "Origin: https://evil.example"}).status,
      403);
  EXPECT_EQ(Send(port(), "DELETE", "/api/v1/session", "", {"Cookie: sid=" + sid, "X-CSRF-Token: " + token}).status,
            200);
  EXPECT_EQ(Get(port(), "/api/v1/session", {"Cookie: sid=" + sid}).status, 401);
  EXPECT_EQ(Get(port(), "/api/v1/session").status, 401);
  auto bad = Send(port(), "POST", "/api/v1/session", "{nope", {"Content-Type: application/json"});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Json(bad)->getObject("error")->getValue<std::string>("code"), "bad_request");
  auto wrong = Send(port(), "POST", "/api/v1/session", R"({"email": "mo@example.org", "password": "x"})", {});
  EXPECT_EQ(wrong.status, 401);
  auto cross =
      Send(port(), "POST", "/api/v1/session", R"({"email": "mo@example.org", "password": "Horse battery staple 42!"})",
           {"Origin: https://evil.example"});
  EXPECT_EQ(cross.status, 403);
  auto same =
      Send(port(), "POST", "/api/v1/session", R"({"email": "mo@example.org", "password": "Horse battery staple 42!"})",
           {"Origin: http://entraide.test"});
  EXPECT_EQ(same.status, 200);
}

TEST_F(AccountsTest, SignInIsRateLimitedWith429AndRetryAfter) {
  HttpResponse last;
  for (int i = 0; i < 11; ++i)
    last = Send(port(), "POST", "/api/v1/session", R"({"email": "ana@example.org", "password": "wrong"})", {});
  EXPECT_EQ(last.status, 429);
  EXPECT_FALSE(last.Header("retry-after").empty());
}

// Five failures lock that (account, address) pair out for 15 minutes; ten from anywhere put the account under
// attack: its answers are slowed, and the right password from another address still signs in.
TEST_F(AccountsTest, FailuresRefuseThePairAndSlowTheAccountButTheRightPasswordStillSignsIn) {
  const std::string wrong = R"({"email": "ana@example.org", "password": "wrong one!"})";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SendFrom("127.0.2.1", port(), "POST", "/api/v1/session", wrong).status, 401);
  auto refused = SendFrom("127.0.2.1", port(), "POST", "/api/v1/session",
                          R"({"email": "ana@example.org", "password": "Horse battery staple 42!"})");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.Header("retry-after"), "900");
  auto page = Get(port(), "/fr/signin");
  auto form = SendFrom("127.0.2.1", port(), "POST", "/fr/signin",
                       Form({{"csrf", CsrfField(page.body)}, {"email", "ana@example.org"}, {"password", kPassword}}),
                       {form_type, "Cookie: csrf=" + CookieValue(page, "csrf")});
  EXPECT_EQ(form.status, 429);
  EXPECT_EQ(form.Header("retry-after"), "900");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(SendFrom("127.0.2.2", port(), "POST", "/api/v1/session", wrong).status, 401);
  auto start = std::chrono::steady_clock::now();
  auto in = SendFrom("127.0.2.3", port(), "POST", "/api/v1/session",
                     R"({"email": "ana@example.org", "password": "Horse battery staple 42!"})");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(in.status, 200) << "never locked out: " << in.body;
  EXPECT_FALSE(CookieValue(in, "sid").empty());
  EXPECT_GE(ms, 1900) << "but the answer is slowed while the account is under attack";
}

// While every turn to hash is taken (the gate held here), sign-in answers 503 with Retry-After: a page in the
// visitor's language, JSON for the API.
TEST_F(AccountsTest, ABusyHashGateAnswers503WithRetryAfter) {
  auto page = Get(port(), "/fr/signin");
  auto held = app_->app().accounts().passwords.gate().Acquire();
  ASSERT_TRUE(held.ok());
  auto form = Send(port(), "POST", "/fr/signin",
                   Form({{"csrf", CsrfField(page.body)}, {"email", "ana@example.org"}, {"password", kPassword}}),
                   {form_type, "Cookie: csrf=" + CookieValue(page, "csrf")});
  EXPECT_EQ(form.status, 503);
  EXPECT_EQ(form.Header("retry-after"), "1");
  EXPECT_NE(form.body.find("Trop de personnes se connectent en ce moment"), std::string::npos) << form.body;
  auto api = Send(port(), "POST", "/api/v1/session", R"({"email": "ana@example.org", "password": "x"})");
  EXPECT_EQ(api.status, 503);
  EXPECT_EQ(api.Header("retry-after"), "1");
  EXPECT_EQ(Json(api)->getObject("error")->getValue<std::string>("code"), "unavailable");
  { auto release = std::move(held).value(); }
  EXPECT_FALSE(SignIn("ana@example.org").empty()) << "busy answers were not counted as failures";
}

TEST_F(AccountsTest, SignInLinkRequestAnswersTheSameForUnknownEmailsAndLinksUseTheBaseUrl) {
  auto page = Get(port(), "/en/signin/link");
  std::string csrf = CookieValue(page, "csrf");
  auto known =
      Send(port(), "POST", "/en/signin/link", Form({{"csrf", CsrfField(page.body)}, {"email", "mo@example.org"}}),
           {form_type, "Cookie: csrf=" + csrf, "Host: evil.example"});
  auto unknown =
      Send(port(), "POST", "/en/signin/link", Form({{"csrf", CsrfField(page.body)}, {"email", "zz@example.org"}}),
           {form_type, "Cookie: csrf=" + csrf});
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(unknown.status, 200);
  auto strip = [](std::string s) { return std::regex_replace(s, std::regex(R"re(value="[^"]*")re"), ""); };
  EXPECT_EQ(strip(known.body), strip(unknown.body)) << "the page never reveals whether the email exists";
  std::string link = QueuedLink("mo@example.org");
  EXPECT_EQ(link.rfind("http://entraide.test/en/signin/link/", 0), 0u) << link;
  // Opening the link does not use it (mail scanners); the button does, once.
  std::string path = link.substr(std::string("http://entraide.test").size());
  auto confirm = Get(port(), path);
  ASSERT_EQ(confirm.status, 200);
  std::string c2 = CookieValue(confirm, "csrf");
  auto use = Send(port(), "POST", path, Form({{"csrf", CsrfField(confirm.body)}}), {form_type, "Cookie: csrf=" + c2});
  EXPECT_EQ(use.status, 303);
  EXPECT_FALSE(CookieValue(use, "sid").empty());
  auto again = Send(port(), "POST", path, Form({{"csrf", CsrfField(confirm.body)}}), {form_type, "Cookie: csrf=" + c2});
  EXPECT_EQ(again.status, 401);
}

TEST_F(AccountsTest, InvitationLetsANewPersonChooseAPassword) {
  std::string sid = SignIn("ana@example.org");
  auto admin = Get(port(), "/en/admin", {"Cookie: sid=" + sid});
  ASSERT_EQ(admin.status, 200);
  std::string csrf = CsrfField(admin.body);
  auto inv = Send(port(), "POST", "/en/admin/people",
                  Form({{"csrf", csrf},
                        {"email", "new@example.org"},
                        {"name", "Nour"},
                        {"role", "volunteer"},
                        {"person_lang", "fr"}}),
                  {form_type, "Cookie: sid=" + sid});
  EXPECT_EQ(inv.status, 303) << inv.body;
  std::string link = QueuedLink("new@example.org");
  std::string path = link.substr(std::string("http://entraide.test").size());
  auto form = Get(port(), path);
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("new@example.org"), std::string::npos);
  auto weak =
      Send(port(), "POST", path, Form({{"csrf", CsrfField(form.body)}, {"name", "Nour"}, {"password", "password123"}}),
           {form_type, "Cookie: csrf=" + CookieValue(form, "csrf")});
  EXPECT_EQ(weak.status, 422);
  EXPECT_NE(weak.body.find("dictionary"), std::string::npos);
  auto ok = Send(port(), "POST", path,
                 Form({{"csrf", CsrfField(form.body)}, {"name", "Nour"}, {"password", "tulipe-violon-bretelle-7"}}),
                 {form_type, "Cookie: csrf=" + CookieValue(form, "csrf")});
  EXPECT_EQ(ok.status, 303);
  EXPECT_FALSE(SignIn("new@example.org", "tulipe-violon-bretelle-7").empty());
}

TEST_F(AccountsTest, MembersCannotReachAdministration) {
  std::string sid = SignIn("mo@example.org");
  EXPECT_EQ(Get(port(), "/en/admin", {"Cookie: sid=" + sid}).status, 403);
  auto account = Get(port(), "/en/account", {"Cookie: sid=" + sid});
  auto r = Send(port(), "POST", "/en/admin/groups",
                Form({{"csrf", CsrfField(account.body)}, {"slug", "x"}, {"name", "X"}, {"group_lang", "fr"}}),
                {form_type, "Cookie: sid=" + sid});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Count("SELECT count(*) FROM groups WHERE slug = 'x'"), 0);
  EXPECT_EQ(Get(port(), "/en/admin").status, 303) << "anonymous visitors are sent to sign in";
}

TEST_F(AccountsTest, DeactivatingSomeoneEndsTheirSessions) {
  std::string mo = SignIn("mo@example.org");
  std::string ana = SignIn("ana@example.org");
  auto admin = Get(port(), "/en/admin", {"Cookie: sid=" + ana});
  int64_t mo_id = Count("SELECT id FROM users WHERE email = 'mo@example.org'");
  auto r = Send(port(), "POST", "/en/admin/people/" + std::to_string(mo_id),
                Form({{"csrf", CsrfField(admin.body)}, {"role", "member"}}), {form_type, "Cookie: sid=" + ana});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(Get(port(), "/api/v1/session", {"Cookie: sid=" + mo}).status, 401);
}

TEST_F(AccountsTest, SessionsExpireAfter14DaysWithoutActivity) {
  std::string sid = SignIn("mo@example.org");
  clock_.Advance(14 * 24 * 3600 + 10);
  EXPECT_EQ(Get(port(), "/api/v1/session", {"Cookie: sid=" + sid}).status, 401);
}

TEST(AccountsHttpsTest, CookiesAreSecureWhenTheSiteIsHttps) {
  TempDir data;
  app::Config c = TestConfig(data.path());
  c.site_base_url = "https://entraide.example.org";
  RunningApp app(c);
  auto page = Get(app.port(), "/en/signin");
  EXPECT_NE(page.Header("set-cookie").find("Secure"), std::string::npos);
}

}  // namespace
}  // namespace entraide::testing

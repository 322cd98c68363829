// End-to-end: the administration pages on a network of the size they are built for (400 groups, 1,200 people
// and their memberships): every page stays under 100 KB, people and groups are searched with accents and case
// folded and paged 50 at a time, and a person's groups are chosen on their own page. Speed is measured by
// `scripts/bench admin`, not here.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "core/escape.h"
#include "fixtures.h"
#include "mail_util.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

constexpr size_t kMaxPageBytes = 100 * 1024;

// The generated network: 400 groups with names of a realistic length, 1,200 people with long names, each in
// one group, every tenth in two more; one big group of 120; a few names with accents.
constexpr const char* kNetworkSql = R"sql(
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO groups (slug, name, lang)
  SELECT printf('organisme-%03d', i), printf('Coopérative de solidarité alimentaire du quartier numéro %03d', i),
         CASE WHEN i % 4 = 0 THEN 'en' ELSE 'fr' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
INSERT INTO users (email, name, role, lang)
  SELECT printf('personne.%04d@organisme-communautaire.example.org', i),
         printf('Marie-Josée Tremblay-Gagnon %04d', i), CASE WHEN i % 20 = 0 THEN 'volunteer' ELSE 'member' END,
         'fr' FROM n;
INSERT INTO memberships (user_id, group_id)
  SELECT u.id, g.id FROM users u JOIN groups g
    ON g.slug = printf('organisme-%03d', (CAST(substr(u.email, 10, 4) AS INTEGER) - 1) % 400 + 1)
  WHERE u.email LIKE 'personne.%';
INSERT OR IGNORE INTO memberships (user_id, group_id)
  SELECT u.id, g.id FROM users u JOIN groups g
    ON g.slug IN (printf('organisme-%03d', (CAST(substr(u.email, 10, 4) AS INTEGER) + 7) % 400 + 1),
                  printf('organisme-%03d', (CAST(substr(u.email, 10, 4) AS INTEGER) + 150) % 400 + 1))
  WHERE u.email LIKE 'personne.%' AND CAST(substr(u.email, 10, 4) AS INTEGER) % 10 = 0;
INSERT INTO groups (slug, name, lang) VALUES ('les-erables', 'Coopérative d''habitation Les Érables', 'fr'),
  ('grand-groupe', 'Table de concertation du Grand Montréal', 'fr');
INSERT INTO users (email, name, role, lang) VALUES ('helene.cote@example.org', 'Hélène Côté', 'member', 'fr'),
  ('jo@example.org', 'Jo Lévesque', 'member', 'en');
INSERT INTO memberships (user_id, group_id)
  SELECT u.id, (SELECT id FROM groups WHERE slug = 'grand-groupe') FROM users u
  WHERE u.email LIKE 'personne.%' AND CAST(substr(u.email, 10, 4) AS INTEGER) <= 120;
)sql";

class AdminTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp([](app::Config& c) { c.mail_poll_seconds = 3600; });  // invitations stay in the outbox
    app_->directory().Person("ana@example.org", "Ana", "coordinator");
    app_->directory().Person("mo@example.org", "Mo", "member");
    auto db = app_->pool().Acquire();
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("BEGIN; " + std::string(kNetworkSql) + " COMMIT;").ok());
    ana_ = SignIn("ana@example.org");
  }
  static void TearDownTestSuite() { delete app_; }
  static int port() { return app_->port(); }
  static std::string SignIn(const std::string& email) { return SignInApi(port(), email).sid; }
  static HttpResponse Page(const std::string& target, const std::string& sid = ana_) {
    return Get(port(), target, {"Cookie: sid=" + sid});
  }
  // A form POST as Ana, with the CSRF token of `from` (a page she loaded) unless `fields` has its own.
  static HttpResponse Post(const std::string& target, std::vector<std::pair<std::string, std::string>> fields,
                           const std::string& from = "/fr/admin", const std::string& sid = ana_) {
    bool has_csrf = false;
    for (const auto& [k, v] : fields) has_csrf = has_csrf || k == "csrf";
    if (!has_csrf) fields.insert(fields.begin(), {"csrf", CsrfField(Page(from, sid).body)});
    return Send(port(), "POST", target, core::UrlWithQuery("", fields).substr(1),
                {"Content-Type: application/x-www-form-urlencoded", "Cookie: sid=" + sid});
  }
  static std::string Id(const std::string& sql) { return QueryText(app_->pool(), sql); }
  static std::string PersonId(const std::string& email) {
    return Id("SELECT id FROM users WHERE email = '" + email + "'");
  }
  static std::string GroupId(const std::string& slug) {
    return Id("SELECT id FROM groups WHERE slug = '" + slug + "'");
  }
  static int Count(const std::string& body, const std::string& needle) {
    int n = 0;
    for (size_t at = body.find(needle); at != std::string::npos; at = body.find(needle, at + 1)) ++n;
    return n;
  }
  static int Rows(const std::string& body) { return Count(body, "<tr><td>"); }

  static TestApp* app_;
  static std::string ana_;
};
TestApp* AdminTest::app_ = nullptr;
std::string AdminTest::ana_;

TEST_F(AdminTest, EveryPageStaysUnder100KbWithTheWholeNetwork) {
  ASSERT_EQ(Id("SELECT count(*) FROM groups"), "402");
  ASSERT_EQ(Id("SELECT count(*) FROM users"), "1204");
  std::string someone = PersonId("personne.0010@organisme-communautaire.example.org");  // in three groups
  for (const std::string lang : {"fr", "en"}) {
    for (const std::string& path : std::vector<std::string>{
             "/admin", "/admin/people", "/admin/people?page=13", "/admin/people?q=tremblay", "/admin/people/" + someone,
             "/admin/people/" + someone + "?group_q=cooperative", "/admin/groups", "/admin/groups?page=5",
             "/admin/groups?q=solidarite", "/admin/groups/" + GroupId("grand-groupe"), "/admin/mail"}) {
      auto r = Page("/" + lang + path);
      ASSERT_EQ(r.status, 200) << path;
      EXPECT_LT(r.body.size(), kMaxPageBytes) << lang << path;
      EXPECT_LE(Rows(r.body), 50) << lang << path;
      EXPECT_LE(Count(r.body, "<input type=\"checkbox\""), 1) << lang << path;
      std::cout << "  " << lang << path << ": " << r.body.size() << " bytes\n";
    }
  }
}

TEST_F(AdminTest, PeopleAreFoundByNameOrEmailWhateverTheAccentsAndCase) {
  for (const std::string q : {"helene", "HÉLÈNE", "Côté hélène", "cote", "helene.cote@", "  hélène   CÔTÉ "}) {
    auto r = Page("/fr/admin/people?q=" + core::UrlEncodeComponent(q));
    ASSERT_EQ(r.status, 200) << q;
    EXPECT_EQ(Rows(r.body), 1) << q;
    EXPECT_NE(r.body.find("Hélène Côté"), std::string::npos) << q;
  }
  auto none = Page("/en/admin/people?q=zzzz");
  EXPECT_EQ(Rows(none.body), 0);
  EXPECT_NE(none.body.find("Nobody matches this search."), std::string::npos);
  auto volunteers = Page("/en/admin/people?role=volunteer");
  EXPECT_NE(volunteers.body.find("1–50 / 60"), std::string::npos) << "one in twenty of the generated people";
  auto both = Page("/en/admin/people?role=volunteer&q=0020");
  EXPECT_EQ(Rows(both.body), 1);
  // Bad input: the page says what is wrong, in the page's language.
  auto long_q = Page("/fr/admin/people?q=" + std::string(201, 'a'));
  EXPECT_EQ(long_q.status, 422);
  EXPECT_NE(long_q.body.find("au plus 200 caractères et 8 mots"), std::string::npos);
  EXPECT_NE(long_q.body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_EQ(Page("/fr/admin/people?q=a+b+c+d+e+f+g+h+i").status, 422);
  auto role = Page("/en/admin/people?role=king");
  EXPECT_EQ(role.status, 422);
  EXPECT_NE(role.body.find("role: must be member, volunteer or coordinator"), std::string::npos);
}

TEST_F(AdminTest, PeopleArePagedFiftyAPageKeepingTheSearch) {
  auto first = Page("/en/admin/people?q=tremblay");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(Rows(first.body), 50);
  EXPECT_NE(first.body.find("1–50 / 1200"), std::string::npos);
  EXPECT_NE(first.body.find("Page 1 / 24"), std::string::npos);
  EXPECT_NE(first.body.find("href=\"/en/admin/people?q=tremblay&amp;page=2\" rel=\"next\""), std::string::npos);
  EXPECT_EQ(first.body.find("rel=\"prev\""), std::string::npos);
  auto second = Page("/en/admin/people?q=tremblay&page=2");
  EXPECT_NE(second.body.find("51–100 / 1200"), std::string::npos);
  EXPECT_NE(second.body.find("Tremblay-Gagnon 0051"), std::string::npos) << "ordered by name";
  EXPECT_EQ(second.body.find("Tremblay-Gagnon 0050"), std::string::npos);
  auto last = Page("/en/admin/people?q=tremblay&page=999");  // beyond the end: the last page
  EXPECT_NE(last.body.find("1151–1200 / 1200"), std::string::npos);
  EXPECT_EQ(last.body.find("rel=\"next\""), std::string::npos);
  EXPECT_NE(last.body.find("href=\"/en/admin/people?q=tremblay&amp;page=23\" rel=\"prev\""), std::string::npos);
}

TEST_F(AdminTest, GroupsAreListedWithTheirMemberCountsAndTheirMembersPaged) {
  auto found = Page("/fr/admin/groups?q=erables");
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(Rows(found.body), 1);
  EXPECT_NE(found.body.find("Coopérative d&#39;habitation Les Érables"), std::string::npos);
  auto big = Page("/fr/admin/groups?q=grand+montreal");
  EXPECT_EQ(Rows(big.body), 1);
  EXPECT_NE(big.body.find("<td>120</td>"), std::string::npos) << "its member count";
  auto all = Page("/fr/admin/groups?page=9");
  EXPECT_NE(all.body.find("401–402 / 402"), std::string::npos);
  std::string g = GroupId("grand-groupe");
  auto p1 = Page("/en/admin/groups/" + g);
  ASSERT_EQ(p1.status, 200);
  EXPECT_EQ(Rows(p1.body), 50);
  EXPECT_NE(p1.body.find("(120)"), std::string::npos);
  auto p3 = Page("/en/admin/groups/" + g + "?page=3");
  EXPECT_EQ(Rows(p3.body), 20);
  EXPECT_NE(p3.body.find("101–120 / 120"), std::string::npos);
  EXPECT_EQ(Page("/en/admin/groups/999999").status, 404);
  EXPECT_EQ(Page("/en/admin/groups/abc").status, 404);
}

TEST_F(AdminTest, APersonsGroupsAreChosenOnTheirPage) {
  std::string jo = PersonId("jo@example.org"), erables = GroupId("les-erables");
  std::string page = "/fr/admin/people/" + jo;
  auto before = Page(page);
  ASSERT_EQ(before.status, 200);
  EXPECT_NE(before.body.find("Ne fait encore partie d&#39;aucun organisme"), std::string::npos);
  // The search is a GET of the page: it offers the matching groups with an add button each.
  auto search = Page(page + "?group_q=" + core::UrlEncodeComponent("ÉRABLES"));
  EXPECT_NE(search.body.find("name=\"add\" value=\"" + erables + "\""), std::string::npos);
  auto many = Page(page + "?group_q=solidarite");
  EXPECT_EQ(Count(many.body, "name=\"add\""), 20) << "at most 20 offered";
  EXPECT_NE(many.body.find("Non affichés : 380"), std::string::npos);
  // Add, keeping the search for the next one.
  auto add = Post(page + "/groups", {{"add", erables}, {"group_q", "érables"}}, page);
  ASSERT_EQ(add.status, 303) << add.body;
  EXPECT_EQ(add.Header("location"), page + "?group_q=%C3%A9rables&saved=1");
  EXPECT_EQ(Id("SELECT count(*) FROM memberships WHERE user_id = " + jo), "1");
  auto after = Page(page + "?group_q=erables");
  EXPECT_NE(after.body.find("name=\"remove\" value=\"" + erables + "\""), std::string::npos);
  EXPECT_EQ(after.body.find("name=\"add\" value=\"" + erables + "\""), std::string::npos) << "no longer offered";
  // Adding twice changes nothing; removing takes it out.
  EXPECT_EQ(Post(page + "/groups", {{"add", erables}}, page).status, 303);
  EXPECT_EQ(Id("SELECT count(*) FROM memberships WHERE user_id = " + jo), "1");
  EXPECT_EQ(Post(page + "/groups", {{"remove", erables}}, page).status, 303);
  EXPECT_EQ(Id("SELECT count(*) FROM memberships WHERE user_id = " + jo), "0");
  // Refusals: no CSRF token, a group that does not exist, a person who does not exist.
  auto forged = Post(page + "/groups", {{"csrf", "forged"}, {"add", erables}});
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(Id("SELECT count(*) FROM memberships WHERE user_id = " + jo), "0");
  auto unknown = Post(page + "/groups", {{"add", "999999"}}, page);
  EXPECT_EQ(unknown.status, 422);
  EXPECT_NE(unknown.body.find("group: no group 999999"), std::string::npos);
  EXPECT_EQ(Post("/fr/admin/people/999999/groups", {{"add", erables}}).status, 404);
  EXPECT_EQ(Page("/fr/admin/people/999999").status, 404);
}

TEST_F(AdminTest, RemovingAMemberFromTheGroupPageReturnsToThatPage) {
  std::string g = GroupId("grand-groupe"), p = PersonId("personne.0001@organisme-communautaire.example.org");
  auto page2 = Page("/en/admin/groups/" + g + "?page=2");
  ASSERT_NE(page2.body.find("name=\"back_page\" value=\"2\""), std::string::npos);
  auto r = Post("/en/admin/people/" + p + "/groups", {{"remove", g}, {"back", "group"}, {"back_page", "2"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.Header("location"), "/en/admin/groups/" + g + "?page=2&saved=1");
  EXPECT_NE(Page("/en/admin/groups/" + g).body.find("(119)"), std::string::npos);
  EXPECT_EQ(Post("/en/admin/people/" + p + "/groups", {{"add", g}}).status, 303);  // as it was
}

TEST_F(AdminTest, RoleAndActiveStateChangeWithoutTouchingGroups) {
  std::string p = PersonId("personne.0130@organisme-communautaire.example.org");
  std::string groups = "SELECT group_concat(group_id) FROM (SELECT group_id FROM memberships WHERE user_id = " + p +
                       " ORDER BY group_id)";
  std::string was = Id(groups);
  ASSERT_EQ(Count(was, ","), 2) << "in three groups";
  auto r = Post("/fr/admin/people/" + p, {{"role", "volunteer"}, {"active", "1"}});
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.Header("location"), "/fr/admin/people/" + p + "?saved=1");
  EXPECT_EQ(Id("SELECT role || active FROM users WHERE id = " + p), "volunteer1");
  EXPECT_EQ(Id(groups), was);
  EXPECT_NE(Page("/fr/admin/people/" + p + "?saved=1").body.find("C&#39;est enregistré."), std::string::npos);
  auto self = Post("/en/admin/people/" + PersonId("ana@example.org"), {{"role", "member"}, {"active", "1"}});
  EXPECT_EQ(self.status, 422);
  EXPECT_NE(self.body.find("You cannot remove your own coordinator access"), std::string::npos);
  EXPECT_EQ(Id("SELECT role FROM users WHERE email = 'ana@example.org'"), "coordinator");
}

TEST_F(AdminTest, AnInvitationFromAGroupsPageJoinsThatGroupAndLandsOnThePersonsPage) {
  std::string g = GroupId("les-erables");
  auto bad =
      Post("/fr/admin/people",
           {{"email", "pas-une-adresse"}, {"name", "Nour"}, {"role", "member"}, {"person_lang", "en"}, {"group", g}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("Les Érables</h1>"), std::string::npos) << "the group's page again";
  EXPECT_NE(bad.body.find("value=\"Nour\""), std::string::npos) << "what was typed is kept";
  EXPECT_NE(bad.body.find("<details class=\"card\" open>"), std::string::npos);
  auto ok =
      Post("/fr/admin/people",
           {{"email", "nour@example.org"}, {"name", "Nour"}, {"role", "member"}, {"person_lang", "en"}, {"group", g}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  std::string nour = PersonId("nour@example.org");
  EXPECT_EQ(ok.Header("location"), "/fr/admin/people/" + nour + "?invited=1");
  EXPECT_EQ(Id("SELECT group_id FROM memberships WHERE user_id = " + nour), g);
  EXPECT_EQ(Id("SELECT kind FROM outbox WHERE recipient_email = 'nour@example.org'"), "invitation");
  EXPECT_NE(Page(ok.Header("location")).body.find("L&#39;invitation est en route"), std::string::npos);
}

TEST_F(AdminTest, CreatingAGroupLandsOnItsPageAndErrorsKeepTheForm) {
  auto ok = Post("/en/admin/groups", {{"slug", "nouveau-groupe"}, {"name", "Nouveau groupe"}, {"group_lang", "fr"}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(ok.Header("location"), "/en/admin/groups/" + GroupId("nouveau-groupe") + "?saved=1");
  auto taken = Post("/en/admin/groups", {{"slug", "nouveau-groupe"}, {"name", "Encore"}, {"group_lang", "fr"}});
  EXPECT_EQ(taken.status, 409);
  EXPECT_NE(taken.body.find("value=\"Encore\""), std::string::npos);
  auto renamed =
      Post("/en/admin/groups/" + GroupId("nouveau-groupe"), {{"name", "Groupe renommé"}, {"group_lang", "en"}});
  ASSERT_EQ(renamed.status, 303);
  EXPECT_EQ(Id("SELECT name || lang || active FROM groups WHERE slug = 'nouveau-groupe'"), "Groupe renomméen0");
}

TEST_F(AdminTest, OnlyCoordinatorsReachThem) {
  std::string mo = SignIn("mo@example.org");
  std::string jo = PersonId("jo@example.org"), g = GroupId("les-erables");
  for (const std::string& path : std::vector<std::string>{"/en/admin", "/en/admin/people", "/en/admin/people/" + jo,
                                                          "/en/admin/groups", "/en/admin/groups/" + g}) {
    EXPECT_EQ(Page(path, mo).status, 403) << path;
    EXPECT_EQ(Get(port(), path).status, 303) << path << ": anonymous visitors are sent to sign in";
  }
  std::string csrf = CsrfField(Page("/en/account", mo).body);
  auto post = [&](const std::string& path, std::vector<std::pair<std::string, std::string>> f) {
    f.insert(f.begin(), {"csrf", csrf});
    return Post(path, f, "", mo).status;
  };
  EXPECT_EQ(post("/en/admin/people/" + jo + "/groups", {{"add", g}}), 403);
  EXPECT_EQ(post("/en/admin/people/" + jo, {{"role", "coordinator"}, {"active", "1"}}), 403);
  EXPECT_EQ(post("/en/admin/groups/" + g, {{"name", "Pris"}, {"group_lang", "fr"}, {"active", "1"}}), 403);
  EXPECT_EQ(Id("SELECT count(*) FROM memberships WHERE user_id = " + jo), "0");
  EXPECT_EQ(Id("SELECT role FROM users WHERE id = " + jo), "member");
}

}  // namespace
}  // namespace entraide::testing

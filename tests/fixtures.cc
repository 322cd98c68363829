#include "fixtures.h"

#include <filesystem>

#include "core/escape.h"

namespace entraide::testing {

void MigratedDatabaseTest::SetUp() { pool_ = MigratedPool(dir_.Join("entraide.db")); }

namespace {

// The first column of the first row of `sql` as `read` gives it; `none` when there is no row.
template <typename T, typename Read>
T FirstColumn(store::Pool& pool, const std::string& sql, T none, Read read) {
  auto db = pool.Acquire();
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return none;
  auto st = (*db)->Prepare(sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << st.status().message();
  if (!st.ok()) return none;
  store::StatementScope q(*st);
  auto row = q->Step();
  EXPECT_TRUE(row.ok()) << sql;
  return row.ok() && *row ? read(*q) : none;
}

}  // namespace

int64_t QueryInt(store::Pool& pool, const std::string& sql) {
  return FirstColumn<int64_t>(pool, sql, -1, [](store::Statement& q) { return q.ColumnInt(0); });
}

int64_t MigratedDatabaseTest::Count(const std::string& sql) { return QueryInt(*pool_, sql); }

std::string MigratedDatabaseTest::Text(const std::string& sql) {
  return FirstColumn<std::string>(*pool_, sql, "", [](store::Statement& q) { return q.ColumnText(0); });
}

void ExecSql(store::Pool& pool, const std::string& sql) {
  auto db = pool.Acquire();
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
}

void MigratedDatabaseTest::Exec(const std::string& sql) { ExecSql(*pool_, sql); }

store::Database& MigratedDatabaseTest::Db() {
  if (!lease_) {
    auto db = pool_->Acquire();
    if (!db.ok()) throw std::runtime_error("cannot open " + pool_->path());
    lease_.emplace(std::move(db).value());
  }
  return **lease_;
}

void PeopleTest::SetUp() {
  MigratedDatabaseTest::SetUp();
  auth_ = std::make_unique<auth::Accounts>(*pool_, clock_, DirectoryOptions());
}

void PeopleTest::Groups(const std::vector<std::tuple<std::string, std::string, std::string>>& groups) {
  for (const auto& [slug, name, lang] : groups) {
    auto g = auth_->directory.CreateGroup(auth::Principal::System(), slug, name, lang);
    ASSERT_TRUE(g.ok()) << slug << ": " << g.status().ToString();
  }
}

model::Role RoleOf(const std::string& role) {
  auto r = model::ParseRole(role);
  EXPECT_TRUE(r.ok()) << role;
  return r.ok() ? *r : model::Role::kMember;
}

auth::SessionGrant AddSignedIn(auth::Accounts& accounts, const std::string& email, const std::string& name,
                               const std::string& role, const std::vector<std::string>& groups,
                               const std::string& lang) {
  auto added = accounts.directory.AddPerson(auth::Principal::System(), email, name, RoleOf(role), groups, lang,
                                            std::string(kTestPassword));
  EXPECT_TRUE(added.ok()) << email << ": " << added.status().ToString();
  auto s = accounts.sessions.SignIn(email, kTestPassword, "ip-" + email, "", nullptr);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : auth::SessionGrant{};
}

auth::Principal PeopleTest::Person(const std::string& email, const std::string& name, const std::string& role,
                                   const std::vector<std::string>& groups, const std::string& lang) {
  auth::SessionGrant s = AddSignedIn(*auth_, email, name, role, groups, lang);
  csrf_[email] = s.csrf;
  return s.principal;
}

void DeskTest::SetUp() {
  PeopleTest::SetUp();
  std::filesystem::create_directories(dir_.Join("attachments"));
  tickets_ = std::make_unique<tickets::TicketService>(*pool_, clock_, dir_.Join("attachments"),
                                                      "https://entraide.example.org");
}

tickets::Ticket DeskTest::Open(const auth::Principal& who, tickets::NewTicket ticket) {
  auto r = tickets_->Create(&who, std::move(ticket), nullptr);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : tickets::Ticket{};
}

core::Status DeskTest::ReplyAs(const auth::Principal& who, int64_t id, const std::string& body, bool resolve) {
  tickets::ReplyRequest r;
  r.body = body;
  r.resolve = resolve;
  return tickets_->Reply(&who, id, std::move(r));
}

tickets::NewTicket NewTicketOf(std::string subject, std::string body, std::string category, std::string urgency) {
  tickets::NewTicket t;
  t.subject = std::move(subject);
  t.body = std::move(body);
  t.category = std::move(category);
  t.urgency = std::move(urgency);
  return t;
}

namespace {

auth::AuthOptions MinimumCost() {
  auth::AuthOptions o;
  o.hash_cost = auth::HashCost::Minimum();
  return o;
}

}  // namespace

TestDirectory::TestDirectory(const std::string& db_path, const core::Clock* clock,
                             std::optional<auth::AuthOptions> options)
    : pool_(db_path),
      auth_(std::make_unique<auth::Accounts>(pool_, clock ? *clock : system_clock_,
                                             options ? *options : MinimumCost())) {}

void TestDirectory::Group(const std::string& slug, const std::string& name, const std::string& lang) {
  auto g = auth_->directory.CreateGroup(auth::Principal::System(), slug, name, lang);
  EXPECT_TRUE(g.ok()) << slug << ": " << g.status().ToString();
}

int64_t TestDirectory::Person(const std::string& email, const std::string& name, const std::string& role,
                              const std::vector<std::string>& groups, const std::string& lang,
                              std::optional<std::string> password) {
  auto id = auth_->directory.AddPerson(auth::Principal::System(), email, name, RoleOf(role), groups, lang, password);
  EXPECT_TRUE(id.ok()) << email << ": " << id.status().ToString();
  return id.ok() ? *id : 0;
}

TestApp::TestApp(const std::function<void(app::Config&)>& configure, const core::Clock* clock,
                 std::optional<auth::AuthOptions> directory_options) {
  app::Config c = TestConfig(data_.path());
  c.content_dir = content_.path();
  if (configure) configure(c);
  app_ = std::make_unique<RunningApp>(c, clock);
  directory_ = std::make_unique<TestDirectory>(data_.Join("entraide.db"), clock, std::move(directory_options));
}

auth::Principal TestDirectory::SignedInPerson(const std::string& email, const std::string& name,
                                              const std::string& role, const std::vector<std::string>& groups,
                                              const std::string& lang) {
  return AddSignedIn(*auth_, email, name, role, groups, lang).principal;
}

HttpResponse SignInApiResponse(int port, const std::string& email, const std::string& password,
                               const std::string& source_ip) {
  return SendFrom(source_ip, port, "POST", "/api/v1/session",
                  R"({"email": ")" + email + R"(", "password": ")" + password + "\"}");
}

ApiSession SignInApi(int port, const std::string& email, const std::string& password, const std::string& source_ip) {
  auto r = SignInApiResponse(port, email, password, source_ip);
  EXPECT_EQ(r.status, 200) << email << ": " << r.body;
  return {CookieValue(r, "sid"), r.Header("x-csrf-token")};
}

HttpResponse SignInFormResponse(int port, const std::string& email, const std::string& password,
                                const std::string& lang, const std::string& next) {
  auto page = Get(port, "/" + lang + "/signin" + (next.empty() ? "" : "?next=" + core::UrlEncodeComponent(next)));
  std::vector<std::pair<std::string, std::string>> fields = {
      {"csrf", CsrfField(page.body)}, {"email", email}, {"password", password}};
  if (!next.empty()) fields.emplace_back("next", next);
  std::string body;
  for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + k + "=" + core::UrlEncodeComponent(v);
  return Send(port, "POST", "/" + lang + "/signin", body,
              {"Content-Type: application/x-www-form-urlencoded", "Cookie: csrf=" + CookieValue(page, "csrf")});
}

std::string SignInForm(int port, const std::string& email, const std::string& password, const std::string& lang) {
  auto r = SignInFormResponse(port, email, password, lang);
  EXPECT_EQ(r.status, 303) << email << ": " << r.body;
  return CookieValue(r, "sid");
}

std::string TicketJson(const std::string& subject, const std::string& body, const std::string& category,
                       const std::string& urgency) {
  std::string json = R"({"subject": ")" + subject + R"(", "body": ")" + body + R"(", "category": ")" + category + "\"";
  if (!urgency.empty()) json += R"(, "urgency": ")" + urgency + "\"";
  return json + "}";
}

int64_t CreateTicketApi(int port, const ApiSession& who, const std::string& json) {
  auto r = Send(port, "POST", "/api/v1/tickets", json, who.Headers(true));
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return 0;
  return Json(r)->getObject("ticket")->getValue<int64_t>("id");
}

}  // namespace entraide::testing

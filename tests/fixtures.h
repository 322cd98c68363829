// The fixtures the service and end-to-end tests share: a migrated database in a temp dir with a fixed clock,
// the directory of people and the help desk over it, and the steps the end-to-end tests repeat (adding people
// to a running app's database, signing in through the API or the form, opening a ticket through the API).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/accounts.h"
#include "core/clock.h"
#include "store/pool.h"
#include "test_util.h"
#include "tickets/ticket_service.h"

namespace entraide::testing {

// The password of every person the tests add.
inline constexpr const char* kTestPassword = "Horse battery staple 42!";

// The first column of the first row of `sql` as an integer (-1 when no row; the query is expected to run).
int64_t QueryInt(store::Pool& pool, const std::string& sql);
// Runs `sql` (statements), expected to succeed.
void ExecSql(store::Pool& pool, const std::string& sql);

// `role` as a model::Role ("member", "volunteer", "coordinator"; the test fails on another word).
model::Role RoleOf(const std::string& role);

// Adds a person with the test password to `accounts` (as the system, like `entraide user add`) and signs her in
// through the session service (from "ip-<email>").
auth::SessionGrant AddSignedIn(auth::Accounts& accounts, const std::string& email, const std::string& name,
                               const std::string& role, const std::vector<std::string>& groups,
                               const std::string& lang = "fr");

// A migrated database (entraide.db in a temp dir) and a FakeClock at 2027-01-01T00:00:00Z.
class MigratedDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // The first column of the first row of `sql`: as an integer (-1 when no row), as text ("" when no row).
  int64_t Count(const std::string& sql);
  std::string Text(const std::string& sql);
  void Exec(const std::string& sql);
  // One connection held by the test for its whole life, for the functions that take a store::Database.
  store::Database& Db();

  TempDir dir_;
  core::FakeClock clock_;
  std::unique_ptr<store::Pool> pool_;

 private:
  std::optional<store::Pool::Lease> lease_;
};

// With the account services (auth::Accounts: sessions and the directory of people, TestAuthOptions() unless
// DirectoryOptions() says otherwise).
class PeopleTest : public MigratedDatabaseTest {
 protected:
  void SetUp() override;
  virtual auth::AuthOptions DirectoryOptions() const { return TestAuthOptions(); }
  // Adds the groups (slug, name, lang).
  void Groups(const std::vector<std::tuple<std::string, std::string, std::string>>& groups);
  // Adds a person with `role` in `groups` (slugs) and the test password, and signs her in: the principal the
  // services take. Her session's CSRF token is kept in csrf_[email].
  auth::Principal Person(const std::string& email, const std::string& name, const std::string& role,
                         const std::vector<std::string>& groups, const std::string& lang = "fr");

  std::unique_ptr<auth::Accounts> auth_;
  std::map<std::string, std::string> csrf_;
};

// With the help desk too (attachments under dir_/attachments, links on https://entraide.example.org).
class DeskTest : public PeopleTest {
 protected:
  void SetUp() override;
  // The ticket `who` opens (the creation is expected to succeed; an empty ticket when it does not).
  tickets::Ticket Open(const auth::Principal& who, tickets::NewTicket ticket);
  // `who` replies `body` on ticket `id` in public (resolving it when `resolve`).
  core::Status ReplyAs(const auth::Principal& who, int64_t id, const std::string& body, bool resolve = false);

  std::unique_ptr<tickets::TicketService> tickets_;
};

// A new ticket's fields.
tickets::NewTicket NewTicketOf(std::string subject, std::string body, std::string category,
                               std::string urgency = "normal");

// The directory of a data dir's database (a running app's), to add groups and people before the tests sign
// them in. Passwords are hashed at the minimum cost unless `options` says otherwise.
class TestDirectory {
 public:
  explicit TestDirectory(const std::string& db_path, const core::Clock* clock = nullptr,
                         std::optional<auth::AuthOptions> options = std::nullopt);
  void Group(const std::string& slug, const std::string& name, const std::string& lang = "fr");
  // Adds a person (with the test password unless `password` is nullopt: invited); returns her id, 0 on failure.
  int64_t Person(const std::string& email, const std::string& name, const std::string& role,
                 const std::vector<std::string>& groups = {}, const std::string& lang = "fr",
                 std::optional<std::string> password = std::string(kTestPassword));
  // The same, signed in through the service: the principal the services take.
  auth::Principal SignedInPerson(const std::string& email, const std::string& name, const std::string& role,
                                 const std::vector<std::string>& groups = {}, const std::string& lang = "fr");
  auth::Accounts& auth() { return *auth_; }
  store::Pool& pool() { return pool_; }

 private:
  store::Pool pool_;
  core::SystemClock system_clock_;
  std::unique_ptr<auth::Accounts> auth_;
};

// The whole application on a free loopback port over a temp data dir, its library an empty folder (the tests
// that want the repository's articles set content_dir back in `configure`), and the directory of its database.
// Built in SetUp, or in SetUpTestSuite for a suite that shares one app.
class TestApp {
 public:
  // `configure` changes the TestConfig before the app starts; `clock` (the system's when null) is the app's and
  // the directory's; `directory_options` as TestDirectory's.
  explicit TestApp(const std::function<void(app::Config&)>& configure = {}, const core::Clock* clock = nullptr,
                   std::optional<auth::AuthOptions> directory_options = std::nullopt);
  int port() const { return app_->port(); }
  const app::Config& config() const { return app_->config(); }
  app::App& app() { return app_->app(); }
  TestDirectory& directory() { return *directory_; }
  store::Pool& pool() { return directory_->pool(); }
  const TempDir& data() const { return data_; }

 private:
  TempDir data_, content_;
  std::unique_ptr<RunningApp> app_;
  std::unique_ptr<TestDirectory> directory_;
};

// POST /api/v1/session as `email` (from `source_ip` when given); a 200 is expected.
ApiSession SignInApi(int port, const std::string& email, const std::string& password = kTestPassword,
                     const std::string& source_ip = "");
// The response to POST /api/v1/session with `email` and `password` (for the tests that look at refusals).
HttpResponse SignInApiResponse(int port, const std::string& email, const std::string& password,
                               const std::string& source_ip = "");
// The answer to the sign-in form of `lang` (with its page's CSRF cookie and field), with `next` when given.
HttpResponse SignInFormResponse(int port, const std::string& email, const std::string& password,
                                const std::string& lang, const std::string& next = "");
// Signs in through the sign-in form of `lang` (its page's CSRF cookie and field); a 303 is expected. Returns
// the session cookie.
std::string SignInForm(int port, const std::string& email, const std::string& password = kTestPassword,
                       const std::string& lang = "en");
// POST /api/v1/tickets as `who` with `json`; a 201 is expected. Returns the new ticket's id (0 on failure).
int64_t CreateTicketApi(int port, const ApiSession& who, const std::string& json);
// The JSON body of a new ticket (subject, body, category, and urgency when not empty).
std::string TicketJson(const std::string& subject, const std::string& body, const std::string& category,
                       const std::string& urgency = "");

}  // namespace entraide::testing

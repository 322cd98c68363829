#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "auth/accounts.h"
#include "auth/hash_gate.h"
#include "auth/password.h"
#include "auth/policy.h"
#include "auth/rate_limiter.h"
#include "core/sha256.h"
#include "store/migrations.h"
#include "store/pool.h"
#include "test_util.h"
#include "tickets/category_service.h"

namespace entraide::auth {
namespace {

TEST(PasswordTest, QualityRefusesShortCommonAndDictionaryPasswordsWithAReason) {
  struct Case {
    std::string password;
    bool ok;
    std::string reason;
  };
  const Case cases[] = {
      {"short", false, "at least 10"}, {"password123", false, "dictionary"},   {"aaaaaaaaaaaa", false, ""},
      {"qwertyuiop", false, ""},       {"Horse battery staple 42!", true, ""}, {"tulipe-violon-bretelle-7", true, ""},
  };
  for (const auto& c : cases) {
    core::Status st = CheckPasswordQuality(c.password, "ana@example.org", "Ana");
    EXPECT_EQ(st.ok(), c.ok) << c.password << ": " << st.message();
    if (!c.reason.empty()) {
      EXPECT_NE(st.message().find(c.reason), std::string::npos) << st.message();
    }
  }
  EXPECT_FALSE(CheckPasswordQuality("Bartholomew-2026-xyz", "b@example.org", "Bartholomew").ok());
}

// cracklib's dictionary lets these through; zxcvbn (with the French list and the person's own words) does not.
TEST(PasswordTest, GuessablePasswordsAreRefusedAndRandomOnesAccepted) {
  struct Case {
    std::string password;
    bool ok;
  };
  const Case cases[] = {
      {"password1234", false},
      {"motdepasse1", false},
      {"azerty123456", false},
      {"soleil2024!", false},
      {"Entraide2026", false},
      {"Montreal2024!", false},
      {"bonjour123456", false},
      {"chocolat-loulou-1", false},
      {"AnaGagnon2026", false},            // the person's name
      {"ana.gagnon1985", false},           // the person's email
      {"Gagnon-example-2026", false},      // name and email domain
      {"maple river candle orbit", true},  // four random words
      {"tortue violon bretelle nuage", true},
      {"qT7vR2mX9bLc", true},  // twelve random characters
      {"Xk3#pQ9zLm2w", true},
      {"Horse battery staple 42!", true},
  };
  for (const auto& c : cases) {
    core::Status st = CheckPasswordQuality(c.password, "ana.gagnon@example.org", "Ana Gagnon");
    EXPECT_EQ(st.ok(), c.ok) << c.password << ": " << st.message() << " ("
                             << PasswordEntropyBits(c.password, "ana.gagnon@example.org", "Ana Gagnon") << " bits)";
    if (!c.ok) {
      EXPECT_EQ(st.message().rfind("the password is too weak", 0), 0u) << st.message();
    }
  }
  EXPECT_FALSE(CheckPasswordQuality(std::string("tortue violon\0bretelle nuage", 28), "a@example.org", "A").ok())
      << "a NUL byte would hide the rest from the checks";
}

TEST(PasswordTest, HashesAreArgon2idAndVerifyOnlyTheRightPassword) {
  auto h = HashPassword("Horse battery staple 42!", HashCost::Minimum());
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*h, "Horse battery staple 42!"));
  EXPECT_FALSE(VerifyPassword(*h, "horse battery staple 42!"));
  EXPECT_FALSE(VerifyPassword("garbage", "x"));
}

TEST(RateLimiterTest, AllowsTenAMinuteThenSaysHowLongToWait) {
  core::FakeClock clock;
  RateLimiter limiter(clock, 10, 60);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Hit("k"), 0);
  EXPECT_EQ(limiter.Hit("k"), 60);
  EXPECT_EQ(limiter.Hit("other"), 0);
  clock.Advance(30);
  EXPECT_EQ(limiter.Hit("k"), 30);
  clock.Advance(31);
  EXPECT_EQ(limiter.Hit("k"), 0);
}

TEST(RateLimiterTest, RecordedFailuresBlockAndAForgottenAttemptGivesItsPlaceBack) {
  core::FakeClock clock;
  RateLimiter limiter(clock, 3, 900);
  EXPECT_EQ(limiter.Hit("k"), 0);
  EXPECT_EQ(limiter.Hit("k"), 0);
  limiter.Forget("k");  // that attempt went well
  EXPECT_EQ(limiter.Count("k"), 1);
  EXPECT_EQ(limiter.Hit("k"), 0);
  clock.Advance(100);
  EXPECT_EQ(limiter.Hit("k"), 0);
  EXPECT_EQ(limiter.Hit("k"), 800) << "the oldest of the last three leaves the window in 800 s";
  limiter.Record("k");
  EXPECT_EQ(limiter.Count("k"), 4);
}

TEST(HashGateTest, ACallerWaitsForATurnAndTheQueueIsBounded) {
  HashGate gate(1, 60000);  // one at a time; a waiter could wait a minute
  EXPECT_EQ(gate.max_waiting(), 4);
  auto held = gate.Acquire();
  ASSERT_TRUE(held.ok());
  std::vector<std::thread> waiters;
  std::atomic<int> served{0};
  for (int i = 0; i < 4; ++i)
    waiters.emplace_back([&] {
      auto p = gate.Acquire();
      if (p.ok()) ++served;
    });
  while (gate.waiting() < 4) std::this_thread::yield();  // the four are queued
  auto fifth = gate.Acquire();
  EXPECT_EQ(fifth.status().code(), core::StatusCode::kUnavailable) << "no fifth waiter: refused at once";
  EXPECT_EQ(gate.retry_after_s(), 60);
  { auto release = std::move(held).value(); }
  for (auto& t : waiters) t.join();
  EXPECT_EQ(served.load(), 4);
  EXPECT_EQ(gate.running(), 0);
  EXPECT_EQ(HashGate(0, 1).max_parallel(), static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

TEST(PolicyTest, TheOnePlaceThatDecides) {
  Principal member{1, "m@x.ca", "M", model::Role::kMember, "fr", {{10, "a", "A", "fr"}}};
  Principal volunteer{2, "v@x.ca", "V", model::Role::kVolunteer, "fr", {}};
  Principal coordinator{3, "c@x.ca", "C", model::Role::kCoordinator, "fr", {}};
  struct Case {
    const Principal* who;
    Action action;
    int64_t group;
    bool allowed;
  };
  const Case cases[] = {
      {nullptr, Action::kReadGroupItem, 10, false},   {&member, Action::kReadGroupItem, 10, true},
      {&member, Action::kReadGroupItem, 11, false},   {&member, Action::kActForGroup, 10, true},
      {&member, Action::kTriage, 0, false},           {&member, Action::kAdminister, 0, false},
      {&volunteer, Action::kReadGroupItem, 11, true}, {&volunteer, Action::kTriage, 0, true},
      {&volunteer, Action::kActForGroup, 11, false},  {&volunteer, Action::kAdminister, 0, false},
      {&coordinator, Action::kAdminister, 0, true},   {&coordinator, Action::kTriage, 0, true},
  };
  for (const auto& c : cases) EXPECT_EQ(Allows(c.who, c.action, c.group), c.allowed);
  EXPECT_EQ(Require(nullptr, Action::kTriage).code(), core::StatusCode::kUnauthenticated);
  EXPECT_EQ(Require(&member, Action::kTriage).code(), core::StatusCode::kPermissionDenied);
}

TEST(RoleTest, EveryRoleRoundTripsThroughItsWordAndAnyOtherWordIsAFieldError) {
  std::set<std::string> words;
  for (model::Role r : model::kRoles) {
    auto back = model::ParseRole(model::ToString(r));
    ASSERT_TRUE(back.ok()) << model::ToString(r);
    EXPECT_EQ(*back, r);
    words.insert(std::string(model::ToString(r)));
  }
  EXPECT_EQ(words, (std::set<std::string>{"member", "volunteer", "coordinator"}));  // the database's CHECK
  for (const char* bad : {"", "boss", "Coordinator", "member ", "volunteers"}) {
    auto r = model::ParseRole(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "role");
    EXPECT_EQ(r.status().message(), "role: must be member, volunteer or coordinator");
  }
  EXPECT_FALSE(model::IsVolunteerOrMore(model::Role::kMember));
  EXPECT_TRUE(model::IsVolunteerOrMore(model::Role::kVolunteer));
  EXPECT_TRUE(model::IsVolunteerOrMore(model::Role::kCoordinator));
}

TEST(PolicyTest, TheCommandLineActsAsACoordinatorWhoIsNobody) {
  Principal system = Principal::System();
  EXPECT_EQ(system.user_id, 0);
  EXPECT_TRUE(system.email.empty());
  EXPECT_TRUE(Allows(&system, Action::kAdminister));
  EXPECT_TRUE(Allows(&system, Action::kTriage));
  EXPECT_FALSE(Allows(&system, Action::kActForGroup, 10)) << "in no group";
}

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<store::Pool>(dir_.Join("entraide.db"));
    auto db = pool_->Acquire();
    ASSERT_TRUE(db.ok());
    auto files = store::LoadMigrations(testing::SourceDir() + "/migrations");
    ASSERT_TRUE(store::Migrate(**db, *files).ok());
    AuthOptions o;
    o.base_url = "https://entraide.example.org";
    o.hash_cost = HashCost::Minimum();
    o.max_parallel_hashes = 1;
    o.hash_wait_ms = 0;  // a held gate refuses at once
    auth_ = std::make_unique<Accounts>(*pool_, clock_, o);
    auto g = auth_->directory.CreateGroup(Principal::System(), "coop-a", "Coop A", "fr");
    ASSERT_TRUE(g.ok());
    group_ = *g;
    auto u = auth_->directory.AddPerson(Principal::System(), "ana@example.org", "Ana", model::Role::kCoordinator,
                                        {"coop-a"}, "fr", kPassword);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
  }
  int64_t Count(const std::string& sql) {
    auto db = pool_->Acquire();
    auto st = (*db)->Prepare(sql);
    store::StatementScope q(*st);
    auto row = q->Step();
    return row.ok() && *row ? q->ColumnInt(0) : -1;
  }
  // The link of the newest message queued for `email` (as the person will get it).
  std::string QueuedLink(const std::string& email) {
    auto db = pool_->Acquire();
    auto st = (*db)->Prepare(
        "SELECT json_extract(data_json, '$.link') FROM outbox WHERE recipient_email = ? "
        "ORDER BY id DESC LIMIT 1");
    store::StatementScope q(*st);
    q->Bind(1, email);
    auto row = q->Step();
    return row.ok() && *row ? q->ColumnText(0) : "";
  }
  std::string TokenFromLink(const std::string& email) {
    std::string link = QueuedLink(email);
    return link.substr(link.rfind('/') + 1);
  }
  static constexpr const char* kPassword = "Horse battery staple 42!";
  testing::TempDir dir_;
  core::FakeClock clock_;
  std::unique_ptr<store::Pool> pool_;
  std::unique_ptr<Accounts> auth_;
  int64_t group_ = 0;
};

TEST_F(AuthServiceTest, SignInWithThePasswordAndNothingElse) {
  auto ok = auth_->sessions.SignIn("ANA@example.org ", kPassword, "1.1.1.1", "", nullptr);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->principal.name, "Ana");
  ASSERT_EQ(ok->principal.groups.size(), 1u);
  auto wrong = auth_->sessions.SignIn("ana@example.org", "nope nope nope", "1.1.1.1", "", nullptr);
  EXPECT_EQ(wrong.status().code(), core::StatusCode::kUnauthenticated);
  auto nobody = auth_->sessions.SignIn("nobody@example.org", kPassword, "1.1.1.1", "", nullptr);
  EXPECT_EQ(nobody.status().code(), core::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.status().message(), nobody.status().message()) << "the answer never reveals whether the email exists";
}

TEST_F(AuthServiceTest, SessionIdsAreStoredHashedRotatedAndExpireAfter14IdleDays) {
  auto first = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Count("SELECT count(*) FROM sessions WHERE id_hash = '" + core::Sha256Hex(first->cookie) + "'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM sessions WHERE id_hash = '" + first->cookie + "'"), 0);
  auto second = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", first->cookie, nullptr);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->cookie, first->cookie);
  EXPECT_FALSE(auth_->sessions.Authenticate(first->cookie).ok()) << "the old session ends at sign-in";
  clock_.Advance(13 * 24 * 3600);
  EXPECT_TRUE(auth_->sessions.Authenticate(second->cookie).ok());  // activity extends it
  clock_.Advance(13 * 24 * 3600);
  EXPECT_TRUE(auth_->sessions.Authenticate(second->cookie).ok());
  clock_.Advance(14 * 24 * 3600 + 1);
  EXPECT_EQ(auth_->sessions.Authenticate(second->cookie).status().code(), core::StatusCode::kUnauthenticated);
}

TEST_F(AuthServiceTest, SignOutEndsTheSessionOnTheServer) {
  auto s = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(auth_->sessions.SignOut(s->cookie).ok());
  EXPECT_FALSE(auth_->sessions.Authenticate(s->cookie).ok());
}

TEST_F(AuthServiceTest, SignInLinksAreSingleUseAndLast15Minutes) {
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("ana@example.org", "en", "ip", nullptr).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'signin_link'"), 1);
  std::string link = QueuedLink("ana@example.org");
  EXPECT_EQ(link.rfind("https://entraide.example.org/en/signin/link/", 0), 0u) << "built from site.base_url";
  std::string token = TokenFromLink("ana@example.org");
  EXPECT_TRUE(auth_->sessions.ConsumeSignInLink(token).ok());
  EXPECT_EQ(auth_->sessions.ConsumeSignInLink(token).status().code(), core::StatusCode::kUnauthenticated);
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("ana@example.org", "en", "ip", nullptr).ok());
  clock_.Advance(15 * 60 + 1);
  EXPECT_FALSE(auth_->sessions.ConsumeSignInLink(TokenFromLink("ana@example.org")).ok());
}

TEST_F(AuthServiceTest, LinkRequestsForUnknownEmailsAnswerTheSameAndSendNothing) {
  EXPECT_TRUE(auth_->sessions.RequestSignInLink("nobody@example.org", "en", "ip", nullptr).ok());
  EXPECT_TRUE(auth_->sessions.RequestPasswordReset("nobody@example.org", "en", "ip", nullptr).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 0);
}

TEST_F(AuthServiceTest, ResetLinksLastAnHourAreSingleUseAndEndOtherSessions) {
  auto s = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("ana@example.org", "fr", "ip", nullptr).ok());
  std::string token = TokenFromLink("ana@example.org");
  clock_.Advance(59 * 60);
  EXPECT_EQ(auth_->sessions.ResetPassword(token, "short").status().code(), core::StatusCode::kInvalidArgument);
  auto done = auth_->sessions.ResetPassword(token, "tulipe-violon-bretelle-7");
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(auth_->sessions.Authenticate(s->cookie).ok()) << "sessions with the old password end";
  EXPECT_FALSE(auth_->sessions.ResetPassword(token, "another-fine-pass-8").ok());
  EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", "tulipe-violon-bretelle-7", "ip", "", nullptr).ok());
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("ana@example.org", "fr", "ip2", nullptr).ok());
  std::string late = TokenFromLink("ana@example.org");
  clock_.Advance(3601);
  EXPECT_FALSE(auth_->sessions.ResetPassword(late, "another-fine-pass-8").ok());
}

TEST_F(AuthServiceTest, InvitationsQueueAnEmailInTheSameTransactionAndLastSevenDays) {
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  auto id = auth_->directory.Invite(ana->principal, "Bob@Example.org", "Bob", model::Role::kMember, {group_}, "en");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'invitation' AND recipient_email = 'bob@example.org'"), 1);
  EXPECT_EQ(
      auth_->directory.Invite(ana->principal, "bob@example.org", "Bob", model::Role::kMember, {}, "en").status().code(),
      core::StatusCode::kAlreadyExists);
  // A failed invitation writes neither person nor email.
  EXPECT_EQ(model::ParseRole("boss").status().field(), "role");  // a role is one of three (RoleTest)
  EXPECT_EQ(Count("SELECT count(*) FROM users WHERE email = 'carl@example.org'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient_email = 'carl@example.org'"), 0);
  std::string token = TokenFromLink("bob@example.org");
  auto info = auth_->sessions.PeekInvitation(token);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->email, "bob@example.org");
  clock_.Advance(6 * 24 * 3600);
  auto bob = auth_->sessions.AcceptInvitation(token, "Bob B.", "");  // no password: sign-in links from now on
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();
  EXPECT_EQ(bob->principal.name, "Bob B.");
  EXPECT_FALSE(auth_->sessions.AcceptInvitation(token, "Bob", "").ok());
  auto late = auth_->directory.Invite(ana->principal, "dee@example.org", "Dee", model::Role::kVolunteer, {}, "fr");
  ASSERT_TRUE(late.ok());
  std::string dee = TokenFromLink("dee@example.org");
  clock_.Advance(7 * 24 * 3600 + 1);
  EXPECT_FALSE(auth_->sessions.PeekInvitation(dee).ok());
}

TEST_F(AuthServiceTest, OnlyCoordinatorsAdminister) {
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(auth_->directory
                  .AddPerson(Principal::System(), "m@example.org", "Mo", model::Role::kMember, {"coop-a"}, "fr",
                             std::string(kPassword))
                  .ok());
  auto mo = auth_->sessions.SignIn("m@example.org", kPassword, "ip", "", nullptr);
  EXPECT_EQ(
      auth_->directory.Invite(mo->principal, "x@example.org", "X", model::Role::kMember, {}, "fr").status().code(),
      core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.CreateGroup(mo->principal, "g", "G", "fr").status().code(),
            core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.FindPeople(mo->principal, "", std::nullopt, 1).status().code(),
            core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.FindGroups(mo->principal, "", 1).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.Person(mo->principal, mo->principal.user_id).status().code(),
            core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.GroupWithMembers(mo->principal, group_, 1).status().code(),
            core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.GroupsToJoin(mo->principal, mo->principal.user_id, "coop", 20).status().code(),
            core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.SetMembership(mo->principal, mo->principal.user_id, group_, false).code(),
            core::StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT count(*) FROM memberships"), 2) << "nothing changed";
  EXPECT_TRUE(auth_->directory.CreateGroup(ana->principal, "coop-b", "Coop B", "en").ok());
}

// The commands have no twins: they call the pages' methods as Principal::System(), so the checks and the policy
// are the same whoever asks, and a member gets nothing of what the command line does.
TEST_F(AuthServiceTest, TheCommandLineAndThePagesShareEveryCheck) {
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(ana.ok());
  Principal system = Principal::System();
  for (const Principal* by : std::vector<const Principal*>{&ana->principal, &system}) {
    auto slug = auth_->directory.CreateGroup(*by, "Not A Slug", "X", "fr");
    EXPECT_EQ(slug.status().field(), "slug");
    auto taken = auth_->directory.CreateGroup(*by, "coop-a", "Again", "fr");
    EXPECT_EQ(taken.status().code(), core::StatusCode::kAlreadyExists);
    EXPECT_EQ(taken.status().field(), "slug");
    auto weak = auth_->directory.AddPerson(*by, "w@example.org", "W", model::Role::kMember, {}, "fr", "motdepasse1");
    EXPECT_EQ(weak.status().field(), "password");
    auto nameless = auth_->directory.Invite(*by, "w@example.org", " ", model::Role::kMember, {}, "fr");
    EXPECT_EQ(nameless.status().field(), "name");
    auto no_group = auth_->directory.AddPerson(*by, "w@example.org", "W", model::Role::kMember, {"nope"}, "fr", {});
    EXPECT_EQ(no_group.status().field(), "group");
  }
  EXPECT_EQ(Count("SELECT count(*) FROM users"), 1) << "nobody was added";
  ASSERT_TRUE(
      auth_->directory.AddPerson(system, "m@example.org", "Mo", model::Role::kMember, {}, "fr", kPassword).ok());
  auto mo = auth_->sessions.SignIn("m@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(mo.ok());
  EXPECT_EQ(
      auth_->directory.AddPerson(mo->principal, "x@example.org", "X", model::Role::kCoordinator, {}, "fr", kPassword)
          .status()
          .code(),
      core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->directory.ListPeople(mo->principal).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(auth_->sessions.IssueLink(mo->principal, "ana@example.org").status().code(),
            core::StatusCode::kPermissionDenied);
  auto everyone = auth_->directory.ListPeople(system);
  ASSERT_TRUE(everyone.ok());
  EXPECT_EQ(everyone->size(), 2u);
}

// Ticket categories: anyone lists them, coordinators (and the command line) save them, with their checks.
TEST_F(AuthServiceTest, OnlyCoordinatorsSaveTicketCategories) {
  tickets::CategoryService categories(*pool_);
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(
      auth_->directory
          .AddPerson(Principal::System(), "m@example.org", "Mo", model::Role::kMember, {}, "fr", std::string(kPassword))
          .ok());
  auto mo = auth_->sessions.SignIn("m@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(ana.ok() && mo.ok());
  auto before = categories.List(true);
  ASSERT_TRUE(before.ok());
  model::TicketCategory c{"jardin", "Garden", "Jardin", 5, false};
  EXPECT_EQ(categories.Save(mo->principal, c).code(), core::StatusCode::kPermissionDenied);
  model::TicketCategory bad = c;
  bad.slug = "Pas un slug";
  EXPECT_EQ(categories.Save(ana->principal, bad).field(), "slug");
  bad = c;
  bad.name_fr = "";
  EXPECT_EQ(categories.Save(ana->principal, bad).field(), "name");
  ASSERT_TRUE(categories.Save(ana->principal, c).ok());
  auto all = categories.List(true);
  auto active = categories.List(false);
  ASSERT_TRUE(all.ok() && active.ok());
  EXPECT_EQ(all->size(), before->size() + 1);
  for (const auto& a : *active) EXPECT_NE(a.slug, "jardin") << "an inactive category is not offered";
}

TEST_F(AuthServiceTest, DeactivatedPeopleCannotSignInAndTheirSessionsEnd) {
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  auto id = auth_->directory.AddPerson(Principal::System(), "m@example.org", "Mo", model::Role::kMember, {"coop-a"},
                                       "fr", std::string(kPassword));
  auto mo = auth_->sessions.SignIn("m@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(mo.ok());
  ASSERT_TRUE(auth_->directory.UpdatePerson(ana->principal, *id, model::Role::kMember, false).ok());
  EXPECT_FALSE(auth_->sessions.Authenticate(mo->cookie).ok());
  EXPECT_FALSE(auth_->sessions.SignIn("m@example.org", kPassword, "ip", "", nullptr).ok());
  EXPECT_TRUE(auth_->sessions.RequestSignInLink("m@example.org", "fr", "ip", nullptr).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient_email = 'm@example.org'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM users WHERE email = 'm@example.org'"), 1) << "nothing is hard-deleted";
  EXPECT_FALSE(auth_->directory.UpdatePerson(ana->principal, ana->principal.user_id, model::Role::kMember, true).ok())
      << "a coordinator cannot demote themself";
}

TEST_F(AuthServiceTest, AccountChanges) {
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  EXPECT_TRUE(auth_->directory.UpdateProfile(ana->principal, "Ana B.", "en").ok());
  EXPECT_EQ(auth_->directory.UpdateProfile(ana->principal, "", "en").code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_->directory.UpdateProfile(ana->principal, "Ana", "de").code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      auth_->sessions.ChangePassword(ana->principal, "wrong", "tulipe-violon-bretelle-7", ana->cookie, nullptr).code(),
      core::StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_->sessions.ChangePassword(ana->principal, kPassword, "password123", ana->cookie, nullptr).code(),
            core::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      auth_->sessions.ChangePassword(ana->principal, kPassword, "tulipe-violon-bretelle-7", ana->cookie, nullptr).ok());
  auto again = auth_->sessions.SignIn("ana@example.org", "tulipe-violon-bretelle-7", "ip", "", nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->principal.lang, "en");
}

TEST_F(AuthServiceTest, EveryHashWaitsForTheGateAndABusyGateAnswersUnavailable) {
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(ana.ok());
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("ana@example.org", "fr", "ip", nullptr).ok());
  std::string reset = TokenFromLink("ana@example.org");
  {
    auto held = auth_->passwords.gate().Acquire();  // the only turn
    ASSERT_TRUE(held.ok());
    Throttle throttle;
    auto busy = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", &throttle);
    EXPECT_EQ(busy.status().code(), core::StatusCode::kUnavailable);
    EXPECT_EQ(busy.status().message().rfind("busy", 0), 0u) << busy.status().message();
    EXPECT_EQ(throttle.retry_after_s, 1);
    EXPECT_EQ(auth_->sessions.SignIn("nobody@example.org", kPassword, "ip", "", nullptr).status().code(),
              core::StatusCode::kUnavailable)
        << "the dummy check of unknown emails waits too";
    EXPECT_EQ(
        auth_->sessions.ChangePassword(ana->principal, kPassword, "tulipe-violon-bretelle-7", ana->cookie, nullptr)
            .code(),
        core::StatusCode::kUnavailable);
    EXPECT_EQ(auth_->sessions.ResetPassword(reset, "tulipe-violon-bretelle-7").status().code(),
              core::StatusCode::kUnavailable);
    EXPECT_EQ(auth_->directory
                  .AddPerson(Principal::System(), "bo@example.org", "Bo", model::Role::kMember, {}, "fr",
                             std::string(kPassword))
                  .status()
                  .code(),
              core::StatusCode::kUnavailable);
    EXPECT_EQ(Count("SELECT count(*) FROM users WHERE email = 'bo@example.org'"), 0);
  }
  EXPECT_TRUE(auth_->sessions.ResetPassword(reset, "tulipe-violon-bretelle-7").ok()) << "the link was not used up";
  for (int i = 0; i < 6; ++i)  // busy answers were not counted as failures
    EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", "tulipe-violon-bretelle-7", "ip", "", nullptr).ok());
}

TEST_F(AuthServiceTest, FiveFailuresRefuseThatAccountFromThatAddressOnly) {
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(auth_->sessions.SignIn("ana@example.org", "wrong password", "1.1.1.1", "", nullptr).ok());
  EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", kPassword, "1.1.1.1", "", nullptr).ok())
      << "a success is not counted";
  EXPECT_EQ(auth_->sessions.SignIn("ana@example.org", "wrong password", "1.1.1.1", "", nullptr).status().code(),
            core::StatusCode::kUnauthenticated);
  Throttle throttle;
  auto refused = auth_->sessions.SignIn("ana@example.org", kPassword, "1.1.1.1", "", &throttle);
  EXPECT_EQ(refused.status().code(), core::StatusCode::kResourceExhausted) << "the sixth try of that pair";
  EXPECT_EQ(throttle.retry_after_s, 15 * 60);
  EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", kPassword, "2.2.2.2", "", nullptr).ok()) << "another address";
  ASSERT_TRUE(auth_->directory
                  .AddPerson(Principal::System(), "mo@example.org", "Mo", model::Role::kMember, {}, "fr",
                             std::string(kPassword))
                  .ok());
  EXPECT_TRUE(auth_->sessions.SignIn("mo@example.org", kPassword, "1.1.1.1", "", nullptr).ok()) << "another account";
  clock_.Advance(15 * 60);
  EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", kPassword, "1.1.1.1", "", nullptr).ok()) << "15 minutes later";
}

TEST_F(AuthServiceTest, TwentyFailuresFromOneAddressRefuseThatAddress) {
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(auth_->sessions.SignIn("user" + std::to_string(i) + "@example.org", "x", "7.7.7.7", "", nullptr)
                  .status()
                  .code(),
              core::StatusCode::kUnauthenticated);
  Throttle throttle;
  EXPECT_EQ(auth_->sessions.SignIn("ana@example.org", kPassword, "7.7.7.7", "", &throttle).status().code(),
            core::StatusCode::kResourceExhausted);
  EXPECT_GT(throttle.retry_after_s, 0);
  EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", kPassword, "8.8.8.8", "", nullptr).ok());
}

TEST_F(AuthServiceTest, AnAccountUnderAttackIsSlowedButNeverLockedOut) {
  for (int i = 0; i < 10; ++i) {
    Throttle throttle;
    (void)auth_->sessions.SignIn("ana@example.org", "wrong password", "9.9.9." + std::to_string(i), "", &throttle);
    EXPECT_EQ(throttle.delay_ms, 0) << i;
  }
  Throttle right;
  auto in = auth_->sessions.SignIn("ana@example.org", kPassword, "8.8.8.8", "", &right);
  EXPECT_TRUE(in.ok()) << "the right password from a new address still signs in: " << in.status().ToString();
  EXPECT_EQ(right.delay_ms, 2000) << "but slowly";
  for (int i = 0; i < 30; ++i) {  // more failures from more addresses: slowed, never refused
    Throttle wrong;
    EXPECT_EQ(auth_->sessions.SignIn("ana@example.org", "wrong", "6.6." + std::to_string(i) + ".1", "", &wrong)
                  .status()
                  .code(),
              core::StatusCode::kUnauthenticated);
    EXPECT_EQ(wrong.delay_ms, 2000);
  }
  EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", kPassword, "5.5.5.5", "", nullptr).ok());
  for (int i = 0; i < 10; ++i)
    (void)auth_->sessions.SignIn("nobody@example.org", "x", "4.4.4." + std::to_string(i), "", nullptr);
  Throttle unknown;
  (void)auth_->sessions.SignIn("nobody@example.org", "x", "3.3.3.3", "", &unknown);
  EXPECT_EQ(unknown.delay_ms, 2000) << "unknown emails are slowed alike: the delay reveals nothing";
  clock_.Advance(15 * 60);
  Throttle later;
  EXPECT_TRUE(auth_->sessions.SignIn("ana@example.org", kPassword, "8.8.8.8", "", &later).ok());
  EXPECT_EQ(later.delay_ms, 0);
}

TEST_F(AuthServiceTest, LinkMailsAreAtMostFiveAnHourPerAccountWithTheSameAnswer) {
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(auth_->sessions.RequestSignInLink("ana@example.org", "fr", "ip" + std::to_string(i), nullptr).ok());
  for (int i = 3; i < 7; ++i)
    EXPECT_TRUE(auth_->sessions.RequestPasswordReset("ana@example.org", "fr", "ip" + std::to_string(i), nullptr).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient_email = 'ana@example.org'"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM tokens"), 5);
  clock_.Advance(3600);
  EXPECT_TRUE(auth_->sessions.RequestSignInLink("ana@example.org", "fr", "ip9", nullptr).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE recipient_email = 'ana@example.org'"), 6) << "an hour later";
  // Per address, every request counts (10 a minute), whatever the email.
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(
        auth_->sessions.RequestSignInLink("p" + std::to_string(i) + "@example.org", "fr", "6.6.6.6", nullptr).ok());
  int64_t retry = 0;
  EXPECT_EQ(auth_->sessions.RequestSignInLink("q@example.org", "fr", "6.6.6.6", &retry).code(),
            core::StatusCode::kResourceExhausted);
  EXPECT_EQ(retry, 60);
}

TEST_F(AuthServiceTest, WrongCurrentPasswordsOnTheAccountPageAreLimited) {
  auto ana = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(ana.ok());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(auth_->sessions.ChangePassword(ana->principal, "not it", "tulipe-violon-bretelle-7", ana->cookie, nullptr)
                  .code(),
              core::StatusCode::kInvalidArgument);
  int64_t retry = 0;
  EXPECT_EQ(
      auth_->sessions.ChangePassword(ana->principal, kPassword, "tulipe-violon-bretelle-7", ana->cookie, &retry).code(),
      core::StatusCode::kResourceExhausted);
  EXPECT_EQ(retry, 15 * 60);
  clock_.Advance(15 * 60);
  EXPECT_TRUE(
      auth_->sessions.ChangePassword(ana->principal, kPassword, "tulipe-violon-bretelle-7", ana->cookie, nullptr).ok());
}

TEST_F(AuthServiceTest, ChangingThePasswordEndsTheOtherSessionsAndVoidsResetLinks) {
  auto here = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  auto elsewhere = auth_->sessions.SignIn("ana@example.org", kPassword, "ip2", "", nullptr);
  ASSERT_TRUE(here.ok() && elsewhere.ok());
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("ana@example.org", "fr", "ip", nullptr).ok());
  std::string reset = TokenFromLink("ana@example.org");
  ASSERT_TRUE(
      auth_->sessions.ChangePassword(here->principal, kPassword, "tulipe-violon-bretelle-7", here->cookie, nullptr)
          .ok());
  EXPECT_TRUE(auth_->sessions.Authenticate(here->cookie).ok()) << "the session that changed it goes on";
  EXPECT_FALSE(auth_->sessions.Authenticate(elsewhere->cookie).ok()) << "the others end";
  EXPECT_EQ(auth_->sessions.CheckResetToken(reset).code(), core::StatusCode::kUnauthenticated)
      << "an older reset link is void";
}

TEST_F(AuthServiceTest, CompletingAResetVoidsEveryOlderResetAndSignInLink) {
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("ana@example.org", "fr", "ip", nullptr).ok());
  std::string signin = TokenFromLink("ana@example.org");
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("ana@example.org", "fr", "ip", nullptr).ok());
  std::string first = TokenFromLink("ana@example.org");
  ASSERT_TRUE(auth_->sessions.RequestPasswordReset("ana@example.org", "fr", "ip", nullptr).ok());
  std::string second = TokenFromLink("ana@example.org");
  EXPECT_TRUE(auth_->sessions.CheckResetToken(first).ok())
      << "asking again leaves the older link working until one is used";
  ASSERT_TRUE(auth_->sessions.ResetPassword(second, "tulipe-violon-bretelle-7").ok());
  EXPECT_FALSE(auth_->sessions.ResetPassword(first, "another-fine-pass-8").ok());
  EXPECT_FALSE(auth_->sessions.ConsumeSignInLink(signin).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM tokens WHERE used_at IS NULL"), 0);
}

TEST_F(AuthServiceTest, UsingASignInLinkVoidsTheOtherSignInLinks) {
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("ana@example.org", "fr", "ip", nullptr).ok());
  std::string first = TokenFromLink("ana@example.org");
  ASSERT_TRUE(auth_->sessions.RequestSignInLink("ana@example.org", "fr", "ip", nullptr).ok());
  std::string second = TokenFromLink("ana@example.org");
  ASSERT_TRUE(auth_->sessions.ConsumeSignInLink(second).ok());
  EXPECT_FALSE(auth_->sessions.ConsumeSignInLink(first).ok());
}

TEST_F(AuthServiceTest, SessionsEndSixtyDaysAfterSignInHoweverActive) {
  auto s = auth_->sessions.SignIn("ana@example.org", kPassword, "ip", "", nullptr);
  ASSERT_TRUE(s.ok());
  for (int day = 0; day < 60; day += 6) {
    EXPECT_TRUE(auth_->sessions.Authenticate(s->cookie).ok()) << "day " << day;
    clock_.Advance(6 * 24 * 3600);
  }
  EXPECT_TRUE(auth_->sessions.Authenticate(s->cookie).ok()) << "day 60";
  clock_.Advance(1);
  auto late = auth_->sessions.Authenticate(s->cookie);
  EXPECT_EQ(late.status().code(), core::StatusCode::kUnauthenticated);
  EXPECT_EQ(Count("SELECT count(*) FROM sessions"), 0);
}

TEST_F(AuthServiceTest, TheCommandLineIssuesAFreshLinkAndStoresOnlyItsHash) {
  ASSERT_TRUE(
      auth_->directory
          .AddPerson(Principal::System(), "bob@example.org", "Bob", model::Role::kMember, {}, "en", std::nullopt)
          .ok());
  auto invitation = auth_->sessions.IssueLink(Principal::System(), "BOB@example.org");
  ASSERT_TRUE(invitation.ok()) << invitation.status().ToString();
  EXPECT_EQ(invitation->rfind("https://entraide.example.org/en/invitation/", 0), 0u) << *invitation;
  std::string token = invitation->substr(invitation->rfind('/') + 1);
  EXPECT_EQ(Count("SELECT count(*) FROM tokens WHERE token_hash = '" + core::Sha256Hex(token) + "'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM tokens WHERE token_hash = '" + token + "'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE data_json LIKE '%" + token + "%'"), 0) << "not mailed";
  std::string mailed = TokenFromLink("bob@example.org");
  ASSERT_TRUE(auth_->sessions.AcceptInvitation(token, "Bob", "").ok());
  EXPECT_FALSE(auth_->sessions.PeekInvitation(mailed).ok()) << "the mailed copy of the invitation cannot be used again";
  auto signin = auth_->sessions.IssueLink(Principal::System(), "bob@example.org");
  ASSERT_TRUE(signin.ok());
  EXPECT_EQ(signin->rfind("https://entraide.example.org/en/signin/link/", 0), 0u) << "the invitation is used";
  EXPECT_TRUE(auth_->sessions.ConsumeSignInLink(signin->substr(signin->rfind('/') + 1)).ok());
  EXPECT_EQ(auth_->sessions.IssueLink(Principal::System(), "nobody@example.org").status().code(),
            core::StatusCode::kNotFound);
}

}  // namespace
}  // namespace entraide::auth

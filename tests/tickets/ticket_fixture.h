// The fixture of the ticket services' tests: a migrated database in a temp folder, two groups (coop-a, coop-b),
// their members, two volunteers, a TicketService and a QuestionService on a FakeClock.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "core/sha256.h"
#include "store/migrations.h"
#include "store/pool.h"
#include "test_util.h"
#include "tickets/questions.h"
#include "tickets/ticket_service.h"

namespace entraide::tickets {

class TicketServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = std::make_unique<store::Pool>(dir_.Join("entraide.db"));
    auto db = pool_->Acquire();
    auto files = store::LoadMigrations(testing::SourceDir() + "/migrations");
    ASSERT_TRUE(store::Migrate(**db, *files).ok());
    auth::AuthOptions o;
    o.base_url = "https://entraide.example.org";
    o.hash_cost = auth::HashCost::Minimum();
    o.rate_limit = 1000;
    auth_ = std::make_unique<auth::Accounts>(*pool_, clock_, o);
    ASSERT_TRUE(auth_->directory.CreateGroup(auth::Principal::System(), "coop-a", "Coop A", "fr").ok());
    ASSERT_TRUE(auth_->directory.CreateGroup(auth::Principal::System(), "coop-b", "Coop B", "en").ok());
    member_a_ = Person("a@example.org", "member", {"coop-a"});
    member_a2_ = Person("a2@example.org", "member", {"coop-a"});
    member_b_ = Person("b@example.org", "member", {"coop-b"});
    volunteer_ = Person("v@example.org", "volunteer", {});
    volunteer2_ = Person("w@example.org", "volunteer", {});
    std::filesystem::create_directories(dir_.Join("attachments"));
    service_ =
        std::make_unique<TicketService>(*pool_, clock_, dir_.Join("attachments"), "https://entraide.example.org");
    questions_ = std::make_unique<QuestionService>(*pool_, clock_);
  }
  auth::Principal Person(const std::string& email, const std::string& role, const std::vector<std::string>& groups) {
    const std::string pw = "Horse battery staple 42!";
    auto r = model::ParseRole(role);
    EXPECT_TRUE(r.ok()) << role;
    EXPECT_TRUE(auth_->directory
                    .AddPerson(auth::Principal::System(), email, email.substr(0, email.find('@')),
                               r.ok() ? *r : model::Role::kMember, groups, "fr", pw)
                    .ok());
    auto s = auth_->sessions.SignIn(email, pw, "ip-" + email, "", nullptr);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s->principal;
  }
  Ticket Open(const auth::Principal& who, const std::string& subject = "Imprimante en panne") {
    NewTicket t;
    t.subject = subject;
    t.body = "Elle **clignote** en rouge.";
    t.category = "hardware";
    t.urgency = "high";
    auto r = service_->Create(&who, t, nullptr);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Ticket{};
  }
  std::string Status(int64_t id) { return std::string(model::ToString(service_->Get(&volunteer_, id)->ticket.status)); }
  int64_t Count(const std::string& sql) {
    auto db = pool_->Acquire();
    auto st = (*db)->Prepare(sql);
    store::StatementScope q(*st);
    auto row = q->Step();
    return row.ok() && *row ? q->ColumnInt(0) : -1;
  }
  ReplyRequest Reply(const std::string& body, bool internal = false, bool ask = false, bool resolve = false) {
    ReplyRequest r;
    r.body = body;
    r.internal = internal;
    r.ask_group = ask;
    r.resolve = resolve;
    return r;
  }

  testing::TempDir dir_;
  core::FakeClock clock_{1798761600};  // 2027-01-01
  std::unique_ptr<store::Pool> pool_;
  std::unique_ptr<auth::Accounts> auth_;
  std::unique_ptr<TicketService> service_;
  std::unique_ptr<QuestionService> questions_;
  auth::Principal member_a_, member_a2_, member_b_, volunteer_, volunteer2_;

  // A temp file standing for an uploaded one of `size` bytes (the declared size is what the limits count; the
  // content is the same, so the store keeps one file).
  Upload File(const std::string& name, int64_t size) {
    std::string path = dir_.Join("upload-" + std::to_string(++uploads_));
    { std::ofstream(path) << "bytes"; }
    return {name, "text/plain", path, core::Sha256Hex("bytes"), size};
  }
  ReplyRequest WithFiles(std::vector<Upload> files) {
    ReplyRequest r = Reply("voir les fichiers");
    r.uploads = std::move(files);
    return r;
  }
  int uploads_ = 0;
};

}  // namespace entraide::tickets

// The fixture of the ticket services' tests: two groups (coop-a, coop-b), their members, two volunteers, a
// TicketService and a QuestionService on a FakeClock (on the shared testing::DeskTest, tests/fixtures.h).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/sha256.h"
#include "fixtures.h"
#include "tickets/questions.h"
#include "tickets/ticket_service.h"

namespace entraide::tickets {

// On testing::DeskTest (a migrated database, the account services and a TicketService on a FakeClock at
// 2027-01-01): the two groups and five people every ticket test starts with, and the question service.
class TicketServiceTest : public testing::DeskTest {
 protected:
  void SetUp() override {
    DeskTest::SetUp();
    Groups({{"coop-a", "Coop A", "fr"}, {"coop-b", "Coop B", "en"}});
    member_a_ = Person("a@example.org", "member", {"coop-a"});
    member_a2_ = Person("a2@example.org", "member", {"coop-a"});
    member_b_ = Person("b@example.org", "member", {"coop-b"});
    volunteer_ = Person("v@example.org", "volunteer", {});
    volunteer2_ = Person("w@example.org", "volunteer", {});
    questions_ = std::make_unique<QuestionService>(*pool_, clock_);
  }
  // A person named after her address, signed in.
  auth::Principal Person(const std::string& email, const std::string& role, const std::vector<std::string>& groups) {
    return DeskTest::Person(email, email.substr(0, email.find('@')), role, groups);
  }
  Ticket Open(const auth::Principal& who, const std::string& subject = "Imprimante en panne") {
    return DeskTest::Open(who, testing::NewTicketOf(subject, "Elle **clignote** en rouge.", "hardware", "high"));
  }
  std::string Status(int64_t id) { return std::string(model::ToString(service_->Get(&volunteer_, id)->ticket.status)); }
  ReplyRequest Reply(const std::string& body, bool internal = false, bool ask = false, bool resolve = false) {
    ReplyRequest r;
    r.body = body;
    r.internal = internal;
    r.ask_group = ask;
    r.resolve = resolve;
    return r;
  }

  std::unique_ptr<TicketService>& service_ = tickets_;
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

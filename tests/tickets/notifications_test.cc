#include "tickets/notifications.h"

#include <gtest/gtest.h>

#include "store/database.h"
#include "test_util.h"
#include "tickets/ticket_fixture.h"

namespace entraide::tickets {
namespace {

class NotifierTest : public TicketServiceTest {
 protected:
  void SetUp() override {
    TicketServiceTest::SetUp();
    ticket_ = Open(member_a_);
  }
  core::Status Notify(model::MailKind kind, const auth::Principal& actor, bool to_group) {
    auto db = pool_->Acquire();
    return store::InTransaction(**db, [&] {
      return notifier_.Notify(**db, ticket_, kind, "un extrait", actor, to_group, clock_.NowSeconds());
    });
  }
  int64_t MailsTo(const auth::Principal& who, const std::string& kind) {
    return Count("SELECT count(*) FROM outbox WHERE user_id = " + std::to_string(who.user_id) + " AND kind = '" + kind +
                 "' AND thread_key = 'ticket:" + std::to_string(ticket_.id) + "'");
  }

  Notifier notifier_{"https://entraide.example.org"};
  Ticket ticket_;
};

TEST_F(NotifierTest, TellsTheGroupsActiveMembersButNeverTheActor) {
  auth::Principal coordinator = Person("c@example.org", "coordinator", {});
  auth::Principal gone = Person("gone@example.org", "member", {"coop-a"});
  ASSERT_TRUE(auth_->directory.UpdatePerson(coordinator, gone.user_id, model::Role::kMember, false).ok());
  ASSERT_TRUE(Notify(model::MailKind::kTicketReply, member_a2_, true).ok());
  EXPECT_EQ(MailsTo(member_a_, "ticket_reply"), 1);
  EXPECT_EQ(MailsTo(member_a2_, "ticket_reply"), 0) << "the actor";
  EXPECT_EQ(MailsTo(gone, "ticket_reply"), 0) << "inactive";
  EXPECT_EQ(MailsTo(member_b_, "ticket_reply"), 0) << "another group";
  EXPECT_EQ(MailsTo(volunteer_, "ticket_reply"), 0);
}

TEST_F(NotifierTest, TellsTheVolunteerWhoHoldsTheTicketOrNobody) {
  ASSERT_TRUE(Notify(model::MailKind::kTicketGroupReply, member_a_, false).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'ticket_group_reply'"), 0) << "nobody holds it";
  ASSERT_TRUE(service_->Claim(&volunteer_, ticket_.id).ok());
  ticket_ = service_->Get(&volunteer_, ticket_.id)->ticket;
  ASSERT_TRUE(Notify(model::MailKind::kTicketGroupReply, member_a_, false).ok());
  EXPECT_EQ(MailsTo(volunteer_, "ticket_group_reply"), 1);
  EXPECT_EQ(MailsTo(member_a2_, "ticket_group_reply"), 0);
}

TEST_F(NotifierTest, TheDataLinksToTheTicketInTheReadersLanguage) {
  model::User reader;
  reader.name = "Ana";
  reader.lang = "en";
  std::string json = notifier_.Data(ticket_, reader, "« extrait »", "Bob");
  EXPECT_NE(json.find("\"url\":\"https://entraide.example.org/en/tickets/" + std::to_string(ticket_.id) + "\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"ref\":\"" + ticket_.ref + "\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"Ana\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"actor\":\"Bob\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"thread\":\"ticket-" + std::to_string(ticket_.id) + "\""), std::string::npos) << json;
}

TEST(NotificationWordsTest, AVolunteersReplySendsTheMailOfWhereItMovesTheTicket) {
  EXPECT_EQ(VolunteerReplyKind(model::TicketStatus::kResolved), model::MailKind::kTicketResolved);
  EXPECT_EQ(VolunteerReplyKind(model::TicketStatus::kWaitingOnGroup), model::MailKind::kTicketQuestion);
  EXPECT_EQ(VolunteerReplyKind(model::TicketStatus::kInProgress), model::MailKind::kTicketReply);
  EXPECT_EQ(VolunteerReplyKind(std::nullopt), model::MailKind::kTicketReply);
}

TEST(NotificationWordsTest, AnExcerptIsCutBetweenTwoCharacters) {
  EXPECT_EQ(Excerpt("  court  "), "court");
  std::string long_text = "a" + testing::Repeat("é", 200);  // 401 bytes
  std::string e = Excerpt(long_text);
  EXPECT_EQ(e, "a" + testing::Repeat("é", 139) + "…");  // 279 bytes, then the ellipsis
}

}  // namespace
}  // namespace entraide::tickets

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

// A new ticket: one acknowledgement to whoever opened it, alerts to the volunteers and coordinators who want one.
class NewTicketMailTest : public TicketServiceTest {
 protected:
  int64_t Mails(const auth::Principal& who, const std::string& kind, int64_t ticket) {
    return Count("SELECT count(*) FROM outbox WHERE user_id = " + std::to_string(who.user_id) + " AND kind = '" + kind +
                 "' AND thread_key = 'ticket:" + std::to_string(ticket) + "'");
  }
  void Choose(const auth::Principal& who, const std::string& alerts) {
    Exec("INSERT INTO mail_preferences (user_id, new_ticket_alerts, updated_at) VALUES (" +
         std::to_string(who.user_id) + ", '" + alerts +
         "', 0) ON CONFLICT (user_id) DO UPDATE SET new_ticket_alerts = '" + alerts + "'");
  }
  Ticket OpenWith(const auth::Principal& who, const std::string& urgency) {
    return DeskTest::Open(
        who, testing::NewTicketOf("Courriel bloqué", "Rien ne part depuis ce matin.", "hardware", urgency));
  }
};

TEST_F(NewTicketMailTest, TheOpenerGetsExactlyOneAcknowledgement) {
  Ticket t = OpenWith(member_a_, "normal");
  EXPECT_EQ(Mails(member_a_, "ticket_received", t.id), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'ticket_received'"), 1) << "nobody else: not the group";
  std::string data = Text("SELECT data_json FROM outbox WHERE kind = 'ticket_received'");
  EXPECT_NE(data.find("\"ticket_id\":" + std::to_string(t.id)), std::string::npos) << data;
  EXPECT_NE(data.find("\"ref\":\"" + t.ref + "\""), std::string::npos) << data;
  EXPECT_NE(data.find("\"target_hours\":24"), std::string::npos) << data;
  EXPECT_NE(data.find("\"urgency_normal\":true"), std::string::npos) << data;
  EXPECT_NE(data.find("\"category\":\"Matériel\""), std::string::npos) << "French, the opener's language: " << data;
}

TEST_F(NewTicketMailTest, AnUrgentTicketAlertsVolunteersOnTheDefaultButNotThoseWhoChoseOff) {
  auth::Principal coordinator = Person("c@example.org", "coordinator", {});
  Choose(volunteer2_, "off");
  for (const char* urgency : {"high", "blocking"}) {
    Ticket t = OpenWith(member_a_, urgency);
    EXPECT_EQ(Mails(volunteer_, "new_ticket_alert", t.id), 1) << urgency;
    EXPECT_EQ(Mails(coordinator, "new_ticket_alert", t.id), 1) << "coordinators too, by default";
    EXPECT_EQ(Mails(volunteer2_, "new_ticket_alert", t.id), 0) << "chose off";
    EXPECT_EQ(Mails(member_a2_, "new_ticket_alert", t.id), 0) << "members never";
    EXPECT_EQ(Mails(member_a_, "new_ticket_alert", t.id), 0);
  }
}

TEST_F(NewTicketMailTest, ANormalTicketAlertsOnlyThoseWhoChoseEveryTicket) {
  Choose(volunteer2_, "all");
  for (const char* urgency : {"low", "normal"}) {
    Ticket t = OpenWith(member_a_, urgency);
    EXPECT_EQ(Mails(volunteer_, "new_ticket_alert", t.id), 0) << urgency << ": the default is urgent tickets only";
    EXPECT_EQ(Mails(volunteer2_, "new_ticket_alert", t.id), 1) << urgency;
  }
}

TEST_F(NewTicketMailTest, NeverToWhoOpenedItNorToAnyoneInactive) {
  auth::Principal helper = Person("vg@example.org", "volunteer", {"coop-a"});  // a volunteer in a group
  Choose(helper, "all");
  Choose(volunteer2_, "all");
  auth::Principal coordinator = Person("c@example.org", "coordinator", {});
  ASSERT_TRUE(auth_->directory.UpdatePerson(coordinator, volunteer2_.user_id, model::Role::kVolunteer, false).ok());
  Ticket t = OpenWith(helper, "high");
  EXPECT_EQ(Mails(helper, "ticket_received", t.id), 1);
  EXPECT_EQ(Mails(helper, "new_ticket_alert", t.id), 0) << "the person who opened it";
  EXPECT_EQ(Mails(volunteer2_, "new_ticket_alert", t.id), 0) << "inactive";
  EXPECT_EQ(Mails(volunteer_, "new_ticket_alert", t.id), 1);
  EXPECT_EQ(Mails(coordinator, "new_ticket_alert", t.id), 1);
}

TEST_F(NewTicketMailTest, TheAlertIsInTheReadersLanguage) {
  auth::Principal anglophone = DeskTest::Person("en@example.org", "Ann", "volunteer", {}, "en");
  Ticket t = OpenWith(member_a_, "high");
  std::string data = Text("SELECT data_json FROM outbox WHERE kind = 'new_ticket_alert' AND user_id = " +
                          std::to_string(anglophone.user_id));
  EXPECT_NE(data.find("\"category\":\"Hardware\""), std::string::npos) << data;
  EXPECT_NE(data.find("\"group\":\"Coop A\""), std::string::npos) << data;
  EXPECT_NE(data.find("\"urgent\":true"), std::string::npos) << data;
  EXPECT_NE(data.find("/en/tickets/" + std::to_string(t.id)), std::string::npos) << data;
  EXPECT_NE(data.find("\"excerpt\":\"Rien ne part depuis ce matin.\""), std::string::npos) << data;
  EXPECT_EQ(Text("SELECT lang FROM outbox WHERE kind = 'new_ticket_alert' AND user_id = " +
                 std::to_string(anglophone.user_id)),
            "en");
}

TEST_F(NewTicketMailTest, TheMailHookIsCalledOnceTheTicketIsCommitted) {
  int calls = 0;
  int64_t queued_when_called = -1;
  service_->SetMailQueuedHook([&] {
    ++calls;
    queued_when_called = Count("SELECT count(*) FROM outbox WHERE kind = 'ticket_received'");
  });
  Ticket t = OpenWith(member_a_, "normal");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(queued_when_called, 1) << "after the commit: the sender can see the rows";
  ASSERT_TRUE(ReplyAs(volunteer_, t.id, "On regarde.").ok());
  EXPECT_EQ(calls, 2) << "replies go out at once too";
  int64_t retry = 0;
  for (int i = 0; i < 20; ++i) (void)service_->Create(&member_a_, testing::NewTicketOf("x", "y", "hardware"), &retry);
  int before = calls;
  EXPECT_FALSE(service_->Create(&member_a_, testing::NewTicketOf("x", "y", "hardware"), &retry).ok());
  EXPECT_EQ(calls, before) << "nothing queued, nothing to say";
}

}  // namespace
}  // namespace entraide::tickets

#include "tickets/questions.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include "tickets/ticket_fixture.h"

namespace entraide::tickets {
namespace {

// Publishing end to end (search included) is TicketServiceTest.AResolvedTicketCanBePublishedAsAnAnswered…
using QuestionServiceTest = TicketServiceTest;

TEST_F(QuestionServiceTest, ABadTextNamesItsFieldAndPublishesNothing) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->ChangeStatus(&volunteer_, t.id, "resolved").ok());
  struct Case {
    std::string title, question, answer, field;
  };
  const Case cases[] = {
      {std::string(201, 't'), "q", "a", "title"},
      {"  ", "q", "a", "title"},
      {"Titre", "", "a", "question"},
      {"Titre", "q", "bad\xC3", "answer"},
      {"Titre", "q", std::string(64 * 1024 + 1, 'a'), "answer"},
  };
  for (const auto& c : cases) {
    auto q = questions_->Publish(&volunteer_, t.id, c.title, c.question, c.answer);
    ASSERT_FALSE(q.ok()) << c.field;
    EXPECT_EQ(q.status().field(), c.field);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM questions"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM index_queue WHERE kind = 'question'"), 0);
}

TEST_F(QuestionServiceTest, ATicketTheCallerMayNotSeeIsNotFoundAndAnUnknownSlugIsNothing) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->ChangeStatus(&volunteer_, t.id, "resolved").ok());
  EXPECT_EQ(questions_->Publish(&member_b_, t.id, "T", "q", "a").status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(questions_->Publish(nullptr, t.id, "T", "q", "a").status().code(), core::StatusCode::kUnauthenticated);
  auto none = questions_->Find("fr", "no-such-question-1");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto q = questions_->Publish(&volunteer_, t.id, "Écran noir", "q", "a");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->slug, "ecran-noir-" + std::to_string(t.id));
  EXPECT_FALSE(questions_->Find("en", q->slug)->has_value()) << "a question is found in its own language";
}

}  // namespace
}  // namespace entraide::tickets

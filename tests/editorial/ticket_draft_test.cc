#include "editorial/ticket_draft.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tickets/ticket_fixture.h"

namespace entraide::editorial {
namespace {

class TicketDraftTest : public tickets::TicketServiceTest {
 protected:
  void SetUp() override {
    TicketServiceTest::SetUp();
    Groups({{"cafe-solidaire", "Café solidaire du Plateau", "fr"}});
    marie_ = DeskTest::Person("marie.tremblay@cafe-solidaire.org", "Marie Tremblay", "member", {"cafe-solidaire"});
    jf_ = DeskTest::Person("jfcote@gmail.com", "Jean-François Côté", "member", {"cafe-solidaire"});
    luc_ = DeskTest::Person("luc@benevoles.example", "Luc Bergeron", "volunteer", {});
  }

  // A ticket of the café whose question, follow-up and answers carry every kind of personal data, with an
  // internal note; resolved by Luc.
  int64_t SolvedTicket() {
    auto t = DeskTest::Open(
        marie_, testing::NewTicketOf("Le courriel de Marie Tremblay ne part plus",
                                     "Bonjour, ici Marie Tremblay du Café solidaire du Plateau (H2X 1Y4). "
                                     "Thunderbird refuse d'envoyer depuis marie.tremblay@cafe-solidaire.org. "
                                     "Rappelez-moi au 514-555-0199 poste 12.",
                                     "email"));
    EXPECT_TRUE(service_->Reply(&luc_, t.id, Reply("Quel est le serveur SMTP indiqué?", false, true)).ok());
    EXPECT_TRUE(service_
                    ->Reply(&jf_, t.id,
                            Reply("Jean-François ici : c'est mail.cafe-solidaire.org, port 587. "
                                  "Mon cell : (438) 555-0142."))
                    .ok());
    EXPECT_TRUE(service_->Reply(&luc_, t.id, Reply("NOTE-INTERNE Marie est difficile à joindre.", true)).ok());
    EXPECT_TRUE(ReplyAs(luc_, t.id,
                        "Merci Jean-François. Dans Thunderbird 115.4, mettez le port 587 et STARTTLS. "
                        "Voir https://www.cafe-solidaire.org/aide et la doc https://support.mozilla.org. "
                        "Écrivez-moi à luc [at] benevoles [dot] example au besoin. — Luc",
                        /*resolve=*/true)
                    .ok());
    return t.id;
  }

  DraftWords French() {
    DraftWords w;
    w.placeholders = {"[courriel]", "[téléphone]", "[code postal]", "[nom]", "[site du groupe]"};
    w.question_heading = "Question";
    w.answer_heading = "Réponse";
    return w;
  }

  auth::Principal marie_, jf_, luc_;
};

TEST_F(TicketDraftTest, NoPersonalDataReachesTheDraft) {
  int64_t id = SolvedTicket();
  auto draft = DraftFromTicket(*pool_, &volunteer_, id, "fr", French());
  ASSERT_TRUE(draft.ok()) << draft.status().message();
  const std::string text = draft->fields.title + "\n" + draft->fields.body;
  for (const char* gone : {"Marie", "Tremblay", "Jean-François", "Côté", "Luc", "Café solidaire", "H2X 1Y4",
                           "cafe-solidaire.org", "514-555-0199", "poste 12", "438", "0142", "benevoles", "[at]"}) {
    SCOPED_TRACE(gone);
    EXPECT_EQ(text.find(gone), std::string::npos) << text;
  }
  for (const char* kept : {"Thunderbird 115.4", "port 587", "STARTTLS", "https://support.mozilla.org", "[nom]",
                           "[courriel]", "[téléphone]", "[code postal]", "[site du groupe]"}) {
    SCOPED_TRACE(kept);
    EXPECT_NE(text.find(kept), std::string::npos) << text;
  }
  EXPECT_EQ(draft->removed.postal_codes, 1);
  EXPECT_EQ(draft->removed.phones, 2);
  EXPECT_EQ(draft->removed.emails, 2);
  EXPECT_EQ(draft->removed.sites, 2);
  EXPECT_GE(draft->removed.names, 6);
}

TEST_F(TicketDraftTest, TheQuestionThenThePublicAnswersWithoutNotesOrStatuses) {
  int64_t id = SolvedTicket();
  auto draft = DraftFromTicket(*pool_, &volunteer_, id, "en", French());
  ASSERT_TRUE(draft.ok()) << draft.status().message();
  const std::string& body = draft->fields.body;
  EXPECT_EQ(body.find("NOTE-INTERNE"), std::string::npos);
  EXPECT_EQ(body.find("resolved"), std::string::npos);
  size_t q = body.find("## Question\n\n"), a = body.find("## Réponse\n\n");
  ASSERT_EQ(q, 0u) << body;
  ASSERT_NE(a, std::string::npos) << body;
  // The group's follow-up belongs to the question; the volunteers' replies (the question asked back too) are
  // the answers.
  size_t follow_up = body.find("port 587. Mon cell"), asked = body.find("Quel est le serveur SMTP"),
         answer = body.find("STARTTLS");
  EXPECT_LT(follow_up, a);
  EXPECT_GT(asked, a);
  EXPECT_GT(answer, asked);
  EXPECT_EQ(draft->fields.lang, "en");
  EXPECT_EQ(draft->fields.title, "Le courriel de [nom] ne part plus");
  EXPECT_EQ(draft->fields.slug, "le-courriel-de-nom-ne-part-plus");
  EXPECT_EQ(draft->fields.key, draft->fields.slug);
  EXPECT_TRUE(draft->fields.summary.empty());
  EXPECT_TRUE(draft->fields.category.empty());
  EXPECT_EQ(draft->ticket_id, id);
  EXPECT_FALSE(draft->ticket_ref.empty());
}

TEST_F(TicketDraftTest, Refusals) {
  int64_t solved = SolvedTicket();
  // A member, even of the ticket's group, does not write articles.
  EXPECT_EQ(DraftFromTicket(*pool_, &marie_, solved, "fr", French()).status().code(),
            core::StatusCode::kPermissionDenied);
  // A member of another group does not see it: not there.
  EXPECT_EQ(DraftFromTicket(*pool_, &member_b_, solved, "fr", French()).status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(DraftFromTicket(*pool_, &volunteer_, solved + 1000, "fr", French()).status().code(),
            core::StatusCode::kNotFound);
  EXPECT_EQ(DraftFromTicket(*pool_, nullptr, solved, "fr", French()).status().code(),
            core::StatusCode::kUnauthenticated);
  // Not solved yet.
  auto open = Open(member_a_);
  EXPECT_EQ(DraftFromTicket(*pool_, &volunteer_, open.id, "fr", French()).status().code(), core::StatusCode::kConflict);
  // A language the site does not have.
  EXPECT_EQ(DraftFromTicket(*pool_, &volunteer_, solved, "de", French()).status().code(),
            core::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace entraide::editorial

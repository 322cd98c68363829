#include "http/presenter.h"

#include <gtest/gtest.h>

#include "i18n/catalog.h"
#include "test_util.h"

namespace entraide::http {
namespace {

class PeopleMessageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = i18n::Catalogs::Load(testing::SourceDir() + "/views/i18n");
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalogs_ = *c;
  }
  const i18n::Catalog& fr() const { return catalogs_->For("fr"); }
  const i18n::Catalog& en() const { return catalogs_->For("en"); }
  std::shared_ptr<const i18n::Catalogs> catalogs_;
};

TEST_F(PeopleMessageTest, AKeyedStatusComesInThePagesLanguageWithItsField) {
  core::Status st = core::InvalidField("subject", "required").WithKey("error_subject_required");
  PeopleMessage m = ForPeople(fr(), st);
  EXPECT_EQ(m.text, fr().Get("error_subject_required"));
  EXPECT_EQ(m.lang, "");
  EXPECT_EQ(m.field, "subject");
  EXPECT_EQ(ForPeople(en(), st).text, en().Get("error_subject_required"));
}

TEST_F(PeopleMessageTest, RewordingTheEnglishMessageChangesNoFrenchPage) {
  core::Status before = core::Conflict("a ticket cannot go from closed to new").WithKey("error_status_move");
  core::Status after = core::Conflict("this ticket may not move from closed to new").WithKey("error_status_move");
  EXPECT_EQ(ForPeople(fr(), before).text, ForPeople(fr(), after).text);
  EXPECT_EQ(ForPeople(fr(), after).text, fr().Get("error_status_move"));
  EXPECT_EQ(ForPeople(fr(), after).lang, "");
}

TEST_F(PeopleMessageTest, TheMessagesWordingIsNeverMatched) {
  // The old prefix table translated "subject: required" from its words; without a key it stays English.
  PeopleMessage m = ForPeople(fr(), core::InvalidArgument("subject: required"));
  EXPECT_EQ(m.text, "subject: required");
  EXPECT_EQ(m.lang, "en");
  EXPECT_EQ(m.field, "");
}

TEST_F(PeopleMessageTest, ArgumentsFillTheSentencesPlaceholders) {
  core::Status st = core::ResourceExhausted("at most 20 tickets an hour; try again in 7 minutes")
                        .WithKey("error_too_many_tickets", {{"minutes", "7"}});
  std::string text = ForPeople(fr(), st).text;
  EXPECT_NE(text.find("7 min"), std::string::npos) << text;
  EXPECT_EQ(text.find("{minutes}"), std::string::npos) << text;
}

TEST_F(PeopleMessageTest, AWeakPasswordKeepsLibpwqualitysReasonAsDetail) {
  core::Status st = core::InvalidArgument("the password is too weak: it is based on a dictionary word")
                        .For("password")
                        .WithKey("error_password_weak", {{"detail", "it is based on a dictionary word"}});
  PeopleMessage m = ForPeople(fr(), st);
  EXPECT_EQ(m.text, fr().Get("error_password_weak"));
  EXPECT_EQ(m.detail, "it is based on a dictionary word");
  EXPECT_EQ(m.field, "password");
}

TEST_F(PeopleMessageTest, AnUnknownMessageStaysAsItIsAndIsMarkedEnglish) {
  PeopleMessage m = ForPeople(fr(), core::InvalidField("role", "a message no catalog knows"));
  EXPECT_EQ(m.text, "role: a message no catalog knows");
  EXPECT_EQ(m.lang, "en");
  EXPECT_EQ(m.field, "role");
  EXPECT_EQ(ForPeople(en(), core::InvalidField("role", "a message no catalog knows")).lang, "");
  // A key no catalog has is the same as none.
  EXPECT_EQ(ForPeople(fr(), core::InvalidArgument("x").WithKey("no_such_key")).text, "x");
}

TEST_F(PeopleMessageTest, AnInternalErrorShowsNoMessageEvenWithAKey) {
  PeopleMessage m = ForPeople(fr(), core::Internal("disk I/O error at /srv/x").WithKey("error_subject_required"));
  EXPECT_EQ(m.text.find("/srv/x"), std::string::npos);
  EXPECT_EQ(m.text.rfind(fr().Get("error_unavailable_text"), 0), 0u) << m.text;
}

TEST_F(PeopleMessageTest, SetErrorMarksTheFieldForAriaInvalid) {
  view::Value data = view::Value::Object();
  SetError(data, ForPeople(fr(), core::InvalidField("body", "required").WithKey("error_body_required")));
  ASSERT_NE(data.Find("invalid_body"), nullptr);
  EXPECT_TRUE(data.Find("invalid_body")->bool_value());
  EXPECT_EQ(data.Find("error")->string_value(), fr().Get("error_body_required"));
  EXPECT_EQ(data.Find("error_lang"), nullptr);
}

}  // namespace
}  // namespace entraide::http

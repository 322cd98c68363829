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

TEST_F(PeopleMessageTest, KnownServiceMessagesComeInThePagesLanguage) {
  PeopleMessage m = ForPeople(fr(), "subject: required");
  EXPECT_EQ(m.text, fr().Get("error_subject_required"));
  EXPECT_EQ(m.lang, "");
  EXPECT_EQ(m.field, "subject");
  EXPECT_EQ(ForPeople(en(), "subject: required").text, en().Get("error_subject_required"));
  EXPECT_EQ(ForPeople(fr(), "subject: 300 bytes; the limit is 200").text, fr().Get("error_subject_too_long"));
  EXPECT_EQ(ForPeople(fr(), "the email or the password is not right").text, fr().Get("error_signin_failed"));
  EXPECT_EQ(ForPeople(fr(), "a ticket cannot go from closed to new").text, fr().Get("error_status_move"));
}

TEST_F(PeopleMessageTest, AWeakPasswordKeepsLibpwqualitysReasonAsDetail) {
  PeopleMessage m = ForPeople(fr(), "the password is too weak: it is based on a dictionary word");
  EXPECT_EQ(m.text, fr().Get("error_password_weak"));
  EXPECT_EQ(m.detail, "it is based on a dictionary word");
  EXPECT_EQ(m.field, "password");
}

TEST_F(PeopleMessageTest, AnUnknownMessageStaysAsItIsAndIsMarkedEnglish) {
  PeopleMessage m = ForPeople(fr(), "role: a message no catalog knows");
  EXPECT_EQ(m.text, "role: a message no catalog knows");
  EXPECT_EQ(m.lang, "en");
  EXPECT_EQ(m.field, "role");
  EXPECT_EQ(ForPeople(en(), "role: a message no catalog knows").lang, "");
}

TEST_F(PeopleMessageTest, SetErrorMarksTheFieldForAriaInvalid) {
  view::Value data = view::Value::Object();
  SetError(data, ForPeople(fr(), "body: required"));
  ASSERT_NE(data.Find("invalid_body"), nullptr);
  EXPECT_TRUE(data.Find("invalid_body")->bool_value());
  EXPECT_EQ(data.Find("error")->string_value(), fr().Get("error_body_required"));
  EXPECT_EQ(data.Find("error_lang"), nullptr);
}

}  // namespace
}  // namespace entraide::http

// A third language is a new catalog and nothing else: with a dummy catalog ("xx", every value a marker) the
// words of dates, elapsed times, durations, counts and language names all come out as markers, none in French
// or English. Plural rules, Catalog::Plural and the wording functions in both real languages.
#include <gtest/gtest.h>

#include <fstream>

#include "i18n/catalog.h"
#include "i18n/plural.h"
#include "i18n/wording.h"
#include "test_util.h"

namespace entraide::i18n {
namespace {

// views/i18n's en.json and fr.json, and xx.json: the English catalog with markers for values.
class ThirdLanguageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* lang : {"en", "fr"}) {
      std::ifstream in(testing::SourceDir() + "/views/i18n/" + lang + ".json");
      std::ofstream(dir_.Join(std::string(lang) + ".json")) << in.rdbuf();
    }
    std::ofstream(dir_.Join("xx.json")) << testing::MarkerCatalogJson("en", "xx");
    auto c = Catalogs::Load(dir_.path(), {"en", "fr", "xx"});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalogs_ = *c;
  }
  const Catalog& xx() const { return catalogs_->For("xx"); }
  testing::TempDir dir_;
  std::shared_ptr<const Catalogs> catalogs_;
};

TEST_F(ThirdLanguageTest, DatesTimesDurationsCountsAndNamesComeOnlyFromTheCatalog) {
  std::string all;
  for (int month = 1; month <= 12; ++month)
    for (int day : {1, 2, 28}) all += LongDate(xx(), 2026, month, day) + "\n";
  all += LongDateIso(xx(), "2026-11-01") + "\n";
  for (int64_t s : {0, 59, 60, 61, 120, 3599, 3600, 7200, 86399, 86400, 172800, 864000})
    all += Ago(xx(), s) + "\n" + Duration(xx(), s) + "\n";
  for (int64_t n : {0, 1, 2, 5}) all += xx().Plural("count_days", n) + "\n" + xx().Plural("digest_more", n) + "\n";
  all += catalogs_->LangName("xx") + "\n";
  EXPECT_TRUE(testing::HardCodedWords(all).empty()) << testing::HardCodedWords(all).front() << " in\n" << all;
  EXPECT_EQ(LongDate(xx(), 2026, 11, 28), "[xx:date_long]");
  EXPECT_EQ(Ago(xx(), 3 * 86400), "[xx:ago_days.other]");
  EXPECT_EQ(catalogs_->LangName("xx"), "[xx:lang_name]");
  // The same functions say it in the real languages.
  EXPECT_FALSE(testing::HardCodedWords(LongDate(catalogs_->For("fr"), 2026, 11, 28)).empty());
}

TEST_F(ThirdLanguageTest, AThirdCatalogMissingAKeyIsRefusedWithTheKey) {
  std::ofstream(dir_.Join("xx.json")) << R"({"plural_rule": "one_is_1"})";
  auto c = Catalogs::Load(dir_.path(), {"en", "fr", "xx"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("xx: missing key month_1"), std::string::npos) << c.status().ToString();
}

TEST(WordingTest, DatesInFrenchAndEnglish) {
  auto c = Catalogs::Load(testing::SourceDir() + "/views/i18n");
  ASSERT_TRUE(c.ok());
  const Catalog& fr = (*c)->For("fr");
  const Catalog& en = (*c)->For("en");
  EXPECT_EQ(LongDateIso(fr, "2026-11-28"), "28 novembre 2026");
  EXPECT_EQ(LongDateIso(fr, "2026-12-01"), "1er décembre 2026");
  EXPECT_EQ(LongDateIso(en, "2026-11-28"), "November 28, 2026");
  EXPECT_EQ(LongDateIso(en, "2026-12-01"), "December 1, 2026");
  EXPECT_EQ(LongDateIso(en, "2026-13-01"), "2026-13-01");
  EXPECT_EQ(LongDateIso(en, "hier"), "hier");
  EXPECT_EQ((*c)->LangName("fr"), "Français");
  EXPECT_EQ((*c)->LangName("en"), "English");
}

TEST(WordingTest, ElapsedTimesAndDurationsInFrenchAndEnglish) {
  auto c = Catalogs::Load(testing::SourceDir() + "/views/i18n");
  ASSERT_TRUE(c.ok());
  const Catalog& fr = (*c)->For("fr");
  const Catalog& en = (*c)->For("en");
  EXPECT_EQ(Ago(fr, 30), "à l'instant");
  EXPECT_EQ(Ago(en, 30), "just now");
  EXPECT_EQ(Ago(fr, 60), "il y a 1 minute");
  EXPECT_EQ(Ago(en, 60), "1 minute ago");
  EXPECT_EQ(Ago(en, 150), "2 minutes ago");
  EXPECT_EQ(Ago(fr, 2 * 3600), "il y a 2 heures");
  EXPECT_EQ(Ago(fr, 86400), "il y a 1 jour");
  EXPECT_EQ(Ago(en, 3 * 86400), "3 days ago");
  EXPECT_EQ(Duration(fr, 59), "1 min");
  EXPECT_EQ(Duration(en, 3 * 3600 + 20 * 60), "3 h 20 min");
  EXPECT_EQ(Duration(en, 3 * 3600), "3 h");
  EXPECT_EQ(Duration(fr, 2 * 86400 + 4 * 3600), "2 j 4 h");
  EXPECT_EQ(Duration(en, 2 * 86400 + 4 * 3600), "2 d 4 h");
}

TEST(PluralTest, FrenchZeroAndOneAreSingularEnglishOnlyOne) {
  auto c = Catalogs::Load(testing::SourceDir() + "/views/i18n");
  ASSERT_TRUE(c.ok());
  const Catalog& fr = (*c)->For("fr");
  const Catalog& en = (*c)->For("en");
  EXPECT_EQ(fr.Plural("count_days", 0), "0 jour");
  EXPECT_EQ(fr.Plural("count_days", 1), "1 jour");
  EXPECT_EQ(fr.Plural("count_days", 2), "2 jours");
  EXPECT_EQ(en.Plural("count_days", 0), "0 days");
  EXPECT_EQ(en.Plural("count_days", 1), "1 day");
  EXPECT_EQ(fr.Plural("digest_more", 1), "et 1 autre");  // was "et 1 autres"
  EXPECT_EQ(fr.Plural("digest_more", 3), "et 3 autres");
}

TEST(PluralTest, RulesPickCldrForms) {
  const PluralRule* slavic = FindPluralRule("east_slavic");
  ASSERT_NE(slavic, nullptr);
  EXPECT_EQ(slavic->form(1), "one");
  EXPECT_EQ(slavic->form(21), "one");
  EXPECT_EQ(slavic->form(11), "many");
  EXPECT_EQ(slavic->form(3), "few");
  EXPECT_EQ(slavic->form(13), "many");
  EXPECT_EQ(slavic->form(5), "many");
  EXPECT_EQ(FindPluralRule("other_only")->form(1), "other");
  EXPECT_EQ(FindPluralRule("nope"), nullptr);
  EXPECT_EQ(PluralBase("ago_days.one"), "ago_days");
  EXPECT_EQ(PluralBase("ago_days"), "");
  EXPECT_EQ(PluralBase("a.b"), "");
}

TEST(PluralTest, ACatalogWithAnotherRuleHasItsOwnFormsAndStillMatchesTheOthers) {
  testing::TempDir dir;
  std::ofstream(dir.Join("en.json")) << R"({"plural_rule": "one_is_1", "d.one": "{n} day", "d.other": "{n} days"})";
  std::ofstream(dir.Join("ru.json"))
      << R"({"plural_rule": "east_slavic", "d.one": "{n} den", "d.few": "{n} dnya", "d.many": "{n} dney"})";
  auto c = Catalogs::Load(dir.path(), {"en", "ru"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->For("ru").Plural("d", 22), "22 dnya");
  EXPECT_EQ((*c)->For("ru").Plural("d", 25), "25 dney");
  // A form the rule needs is missing: refused, naming the sentence and the form.
  std::ofstream(dir.Join("ru.json")) << R"({"plural_rule": "east_slavic", "d.one": "{n} den", "d.few": "{n} dnya"})";
  auto missing = Catalogs::Load(dir.path(), {"en", "ru"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'d' has no form 'many'"), std::string::npos);
  // An unknown rule is refused with the known ones.
  std::ofstream(dir.Join("ru.json")) << R"({"plural_rule": "polish"})";
  auto unknown = Catalogs::Load(dir.path(), {"en", "ru"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown plural_rule 'polish'"), std::string::npos);
}

}  // namespace
}  // namespace entraide::i18n

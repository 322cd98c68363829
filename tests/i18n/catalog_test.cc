#include "i18n/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "test_util.h"

namespace entraide::i18n {
namespace {

TEST(CatalogTest, TheRealCatalogsHaveTheSameKeys) {
  auto en = Catalog::LoadFile(testing::SourceDir() + "/views/i18n/en.json", "en");
  auto fr = Catalog::LoadFile(testing::SourceDir() + "/views/i18n/fr.json", "fr");
  ASSERT_TRUE(en.ok()) << en.status().ToString();
  ASSERT_TRUE(fr.ok()) << fr.status().ToString();
  auto problems = ParityProblems(*en, *fr);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_TRUE(problems.empty()) << all;
  for (const auto& [k, v] : en->strings()) EXPECT_FALSE(v.empty()) << "en: empty " << k;
  for (const auto& [k, v] : fr->strings()) EXPECT_FALSE(v.empty()) << "fr: empty " << k;
}

// Every catalog key a service gives its refusals (`.WithKey("…")`, or an "error_…" literal handed to a helper that
// keys its Status) is in both catalogs, and each named argument it passes has its {placeholder} there.
// Without this a refusal would reach a French page in English.
TEST(CatalogTest, EveryKeyTheServicesGiveIsInBothCatalogs) {
  namespace fs = std::filesystem;
  auto en = Catalog::LoadFile(testing::SourceDir() + "/views/i18n/en.json", "en");
  auto fr = Catalog::LoadFile(testing::SourceDir() + "/views/i18n/fr.json", "fr");
  ASSERT_TRUE(en.ok() && fr.ok());
  const std::regex keyed(R"re(WithKey\("([a-z0-9_]+)"(,\s*\{\{"([a-z_]+)")?)re");
  const std::regex literal(R"re("(error_[a-z0-9_]+)")re");
  int found = 0;
  for (const auto& entry : fs::recursive_directory_iterator(testing::SourceDir() + "/src")) {
    if (entry.path().extension() != ".cc") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::string code = text.str();
    std::string where = entry.path().filename().string();
    for (std::sregex_iterator it(code.begin(), code.end(), keyed), end; it != end; ++it) {
      std::string key = (*it)[1], arg = (*it)[3];
      ++found;
      for (const Catalog* c : {&*en, &*fr}) {
        EXPECT_TRUE(c->Has(key)) << where << ": " << c->lang() << " has no " << key;
        if (!arg.empty() && arg != "detail") {
          EXPECT_NE(c->Get(key).find("{" + arg + "}"), std::string::npos) << where << ": " << c->lang() << " " << key;
        }
      }
    }
    if (where.find("pages") != std::string::npos || where == "presenter.cc") continue;  // the pages' own keys
    for (std::sregex_iterator it(code.begin(), code.end(), literal), end; it != end; ++it)
      for (const Catalog* c : {&*en, &*fr})
        EXPECT_TRUE(c->Has((*it)[1])) << where << ": " << c->lang() << " has no " << (*it)[1];
  }
  EXPECT_GT(found, 20);  // the scan sees the services' keys
}

TEST(CatalogTest, FormatFillsNamedPlaceholders) {
  Catalog c("xx", {{"k", "wait {minutes} min, {minutes}!"}});
  EXPECT_EQ(c.Format("k", {{"minutes", "7"}}), "wait 7 min, 7!");
  EXPECT_EQ(c.Format("k", {}), "wait {minutes} min, {minutes}!");
}

TEST(CatalogTest, ParityNamesTheMissingKeyAndLanguage) {
  Catalog en("en", {{"a", "A"}, {"b", "B"}});
  Catalog fr("fr", {{"a", "A"}, {"c", "C"}});
  auto problems = ParityProblems(en, fr);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "fr: missing key b (present in en)");
  EXPECT_EQ(problems[1], "en: missing key c (present in fr)");
}

TEST(CatalogTest, LoadingCatalogsThatDifferFails) {
  testing::TempDir dir;
  dir.Write("en.json", R"({"a": "A", "b": "B"})");
  dir.Write("fr.json", R"({"a": "A"})");
  auto c = Catalogs::Load(dir.path());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("missing key b"), std::string::npos);
}

TEST(CatalogTest, NonStringValueIsRefused) {
  testing::TempDir dir;
  dir.Write("en.json", R"({"a": 3})");
  auto c = Catalog::LoadFile(dir.Join("en.json"), "en");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("'a' must be a string"), std::string::npos);
}

TEST(NegotiateLanguageTest, HonoursQValuesAndRegions) {
  struct Case {
    std::string header;
    std::optional<std::string> lang;
  };
  const Case cases[] = {
      {"fr-CA,fr;q=0.9,en;q=0.8", "fr"},
      {"en-US,en;q=0.9", "en"},
      {"de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", "fr"},
      {"de, es", std::nullopt},
      {"", std::nullopt},
      {"fr;q=0, en;q=0.1", "en"},
      {"*", std::nullopt},
      {"EN", "en"},
      {"fr;q=abc", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(NegotiateLanguage(c.header), c.lang) << c.header;
}

}  // namespace
}  // namespace entraide::i18n

#include "core/strings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/clock.h"
#include "core/json_writer.h"
#include "core/random.h"
#include "core/sha256.h"
#include "core/status.h"

namespace entraide::core {
namespace {

TEST(SlugifyTest, FoldsAccentsAndJoinsWords) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"La règle 3-2-1", "la-regle-3-2-1"},
      {"Étape 1 : créer un compte", "etape-1-creer-un-compte"},
      {"Synchroniser, ce n'est pas sauvegarder", "synchroniser-ce-n-est-pas-sauvegarder"},
      {"Œuvre à façon", "oeuvre-a-facon"},
      {"  --  ", ""},
      {"WCAG 2.1 AA", "wcag-2-1-aa"},
  };
  for (const auto& c : cases) EXPECT_EQ(Slugify(c.in), c.out) << c.in;
}

TEST(IsSlugTest, AcceptsOnlyLowercaseDashedWords) {
  EXPECT_TRUE(IsSlug("backups-3-2-1"));
  EXPECT_FALSE(IsSlug("Backups"));
  EXPECT_FALSE(IsSlug("a--b"));
  EXPECT_FALSE(IsSlug("-a"));
  EXPECT_FALSE(IsSlug("a/b"));
  EXPECT_FALSE(IsSlug("../x"));
  EXPECT_FALSE(IsSlug(""));
}

TEST(IsValidUtf8Test, RejectsOverlongsSurrogatesAndTruncation) {
  EXPECT_TRUE(IsValidUtf8("Montréal 🚀"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
}

TEST(ToValidUtf8Test, ReplacesEachBadByteAndKeepsTheRest) {
  const std::pair<std::string, std::string> cases[] = {
      {"Montréal 🚀", "Montréal 🚀"},
      {"", ""},
      {"a\xFF"
       "b",
       "a\uFFFD"
       "b"},                                     // what cmark-gfm writes for U+FFFF
      {"\xC0\xAF", "\uFFFD\uFFFD"},              // overlong
      {"\xED\xA0\x80x", "\uFFFD\uFFFD\uFFFDx"},  // surrogate
      {"caf\xC3", "caf\uFFFD"},                  // truncated
      {"\xEF\xBF\xBF", "\xEF\xBF\xBF"},          // U+FFFF itself is well-formed
  };
  for (const auto& [in, expected] : cases) {
    EXPECT_EQ(ToValidUtf8(in), expected) << in;
    EXPECT_TRUE(IsValidUtf8(ToValidUtf8(in))) << in;
  }
}

TEST(ConstantTimeEqualsTest, ComparesContent) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secrets"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(QualityListTest, ItemsAreLowerCasedWithTheirWeights) {
  using Items = std::vector<std::pair<std::string, double>>;
  EXPECT_EQ(ParseQualityList("fr-CA, en;q=0.5 , *;q=0"), (Items{{"fr-ca", 1.0}, {"en", 0.5}, {"*", 0.0}}));
  EXPECT_EQ(ParseQualityList("gzip;level=1;q=0.8,,br;q=nope"), (Items{{"gzip", 0.8}, {"br", 0.0}}));
  EXPECT_TRUE(ParseQualityList("").empty());
}

TEST(RandomTest, TokensAre256BitsUrlSafeAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string t = RandomToken();
    EXPECT_EQ(t.size(), 43u);  // 32 bytes in base64url without padding
    EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_TRUE(seen.insert(t).second);
  }
  std::string hex = RandomHex(16);
  EXPECT_EQ(hex.size(), 32u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(hex, RandomHex(16));
}

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(std::string(1000, 'a')), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),  // FIPS 180-2, two blocks
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, StreamingInUnevenChunksGivesTheOneShotDigest) {
  // FIPS 180-2's million 'a', fed in chunks that straddle the 64-byte blocks.
  Sha256 h;
  std::string chunk(997, 'a');
  size_t left = 1000000;
  while (left > 0) {
    size_t n = std::min(left, chunk.size());
    h.Update(std::string_view(chunk.data(), n));
    left -= n;
  }
  auto d = h.Finish();
  EXPECT_EQ(HexEncode(d.data(), d.size()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  Sha256 empty;
  auto e = empty.Finish();
  EXPECT_EQ(HexEncode(e.data(), e.size()), Sha256Hex(""));
}

TEST(JsonWriterTest, WritesNestedValuesWithCommas) {
  JsonWriter w;
  w.BeginObject().Field("a", "x").Key("list").BeginArray().Int(1).Bool(false).Null().EndArray();
  w.Key("o").BeginObject().EndObject().EndObject();
  EXPECT_EQ(w.str(), R"({"a":"x","list":[1,false,null],"o":{}})");
}

TEST(ClockTest, FormatsAndValidatesDates) {
  EXPECT_EQ(FormatIso8601Utc(0), "1970-01-01T00:00:00Z");
  // The same as gmtime + strftime over 1900..2200, leap days, month ends and before 1970 included.
  for (int64_t t = -2208988800; t < 7258118400; t += 86400 * 37 + 3671) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char want[32];
    std::strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
    ASSERT_EQ(FormatIso8601Utc(t), want) << t;
  }
  EXPECT_EQ(FormatIso8601Utc(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatIso8601Utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIso8601Utc(253402300799), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-02-29"));
  EXPECT_FALSE(IsIsoDate("2026-13-01"));
  EXPECT_FALSE(IsIsoDate("27/11/2026"));
}

TEST(Utf8Test, PrefixSuffixAndFirstCharsNeverCutACharacter) {
  const std::string s = "aé€😀b";  // 1, 2, 3, 4 and 1 bytes: 11 bytes
  ASSERT_EQ(s.size(), 11u);
  const std::vector<std::pair<size_t, std::string>> prefixes = {{0, ""},    {1, "a"},     {2, "a"},   {3, "aé"},
                                                                {4, "aé"},  {5, "aé"},    {6, "aé€"}, {7, "aé€"},
                                                                {9, "aé€"}, {10, "aé€😀"}, {11, s},    {100, s}};
  for (const auto& [max, want] : prefixes) EXPECT_EQ(Utf8Prefix(s, max), want) << max;
  const std::vector<std::pair<size_t, std::string>> suffixes = {
      {0, ""}, {1, "b"}, {4, "b"}, {5, "😀b"}, {7, "😀b"}, {8, "€😀b"}, {9, "€😀b"}, {10, "é€😀b"}, {11, s}};
  for (const auto& [max, want] : suffixes) EXPECT_EQ(Utf8Suffix(s, max), want) << max;
  EXPECT_EQ(Utf8FirstChars(s, 0), "");
  EXPECT_EQ(Utf8FirstChars(s, 2), "aé");
  EXPECT_EQ(Utf8FirstChars(s, 4), "aé€😀");
  EXPECT_EQ(Utf8FirstChars(s, 9), s);
  for (size_t max = 0; max <= s.size(); ++max) {
    EXPECT_TRUE(IsValidUtf8(Utf8Prefix(s, max))) << max;
    EXPECT_TRUE(IsValidUtf8(Utf8Suffix(s, max))) << max;
  }
  // Invalid text is cut as bytes, never read past its end.
  EXPECT_EQ(Utf8Prefix("\x80\x80\x80", 2), "");
  EXPECT_EQ(Utf8Suffix("\x80\x80\x80", 2), "");
}

TEST(CivilDateTest, DaysAndDatesRoundTripAcrossCenturiesAndLeapDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  for (int64_t days : {-719528, -1, 0, 59, 60, 11016, 11017, 20513, 2932896}) {
    int64_t y = 0;
    int m = 0, d = 0;
    CivilFromDays(days, &y, &m, &d);
    EXPECT_EQ(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)), days) << days;
  }
  int64_t y = 0;
  int m = 0, d = 0;
  CivilFromDays(DaysFromCivil(2024, 2, 29), &y, &m, &d);
  EXPECT_EQ(std::make_tuple(y, m, d), std::make_tuple(int64_t{2024}, 2, 29));
  EXPECT_EQ(FormatIso8601Utc(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatIso8601Utc(-62167219200), "0000-01-01T00:00:00Z");
}

TEST(StatusOrTest, CarriesValueOrError) {
  StatusOr<int> ok = 3;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  StatusOr<int> bad = NotFound("nope");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace entraide::core

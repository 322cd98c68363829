#include "core/escape.h"

#include <gtest/gtest.h>

namespace entraide::core {
namespace {

TEST(HtmlEscapeTest, EscapesEverySpecialCharacter) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"plain", "plain"},           {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"a & b", "a &amp; b"},       {"\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"},
      {"Montréal é", "Montréal é"}, {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(HtmlEscape(c.in), c.out) << c.in;
  // Plain text around and between the escapes is kept in order.
  EXPECT_EQ(HtmlEscape("<<a b>c&"), "&lt;&lt;a b&gt;c&amp;");
  EXPECT_EQ(HtmlEscape("Café « x »"), "Café « x »");
}

TEST(PercentDecodeTest, DecodesAndRejectsMalformedEscapes) {
  struct Case {
    std::string in;
    bool plus;
    std::optional<std::string> out;
  };
  const Case cases[] = {
      {"a%20b", false, "a b"},     {"a+b", true, "a b"},         {"a+b", false, "a+b"},
      {"%C3%A9", false, "é"},      {"%2e%2E", false, ".."},      {"%", false, std::nullopt},
      {"%4", false, std::nullopt}, {"%zz", false, std::nullopt}, {"100%", false, std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(PercentDecode(c.in, c.plus), c.out) << c.in;
}

TEST(ParseFormUrlEncodedTest, ParsesPairsInOrder) {
  auto pairs = ParseFormUrlEncoded("q=site+web&lang=fr&empty=&flag&q=deux");
  ASSERT_TRUE(pairs.has_value());
  ASSERT_EQ(pairs->size(), 5u);
  EXPECT_EQ((*pairs)[0], (std::pair<std::string, std::string>("q", "site web")));
  EXPECT_EQ((*pairs)[2].second, "");
  EXPECT_EQ((*pairs)[3].first, "flag");
  EXPECT_EQ((*pairs)[4].second, "deux");
}

TEST(ParseFormUrlEncodedTest, RefusesBadEscapesAndTooManyPairs) {
  EXPECT_FALSE(ParseFormUrlEncoded("a=%ZZ").has_value());
  std::string many;
  for (int i = 0; i < 300; ++i) many += "k" + std::to_string(i) + "=v&";
  EXPECT_FALSE(ParseFormUrlEncoded(many, 256).has_value());
  EXPECT_TRUE(ParseFormUrlEncoded(many, 300).has_value());
}

TEST(UrlEncodeComponentTest, KeepsUnreservedOnly) {
  EXPECT_EQ(UrlEncodeComponent("mot de passe oublié?&="), "mot%20de%20passe%20oubli%C3%A9%3F%26%3D");
  EXPECT_EQ(UrlEncodeComponent("a-b_c.d~"), "a-b_c.d~");
}

TEST(JsonQuoteTest, EscapesControlAndHtmlSensitiveCharacters) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(JsonQuote("</script>"), "\"\\u003c/script\\u003e\"");
  // Runs of plain bytes between, before and after escapes; every control character; UTF-8 and DEL as they are.
  EXPECT_EQ(JsonQuote("\"\"x\t\x1f\x7f é&"), "\"\\\"\\\"x\\t\\u001f\x7f é\\u0026\"");
  for (int c = 0; c < 0x20; ++c) {
    std::string q = JsonQuote(std::string(1, static_cast<char>(c)));
    EXPECT_TRUE(q == "\"\\n\"" || q == "\"\\r\"" || q == "\"\\t\"" || q.size() == 8) << c << ": " << q;
  }
  EXPECT_EQ(JsonQuote(""), "\"\"");
}

TEST(UrlWithQueryTest, EncodesValuesKeepsTheOrderAndLeavesOutEmptyOnes) {
  EXPECT_EQ(UrlWithQuery("/fr/queue", {{"status", ""}, {"category", "réseau & co"}, {"page", "2"}}),
            "/fr/queue?category=r%C3%A9seau%20%26%20co&page=2");
  EXPECT_EQ(UrlWithQuery("/en/search", {{"q", ""}, {"tag", ""}}), "/en/search");
  EXPECT_EQ(UrlWithQuery("/en/search", {{"q", "a=b?c#d"}}), "/en/search?q=a%3Db%3Fc%23d");
}

}  // namespace
}  // namespace entraide::core

namespace entraide::core {
namespace {

TEST(DoubleQuotedTest, EscapesQuotesBackslashesAndControlCharacters) {
  struct Case {
    std::string in, out;
  };
  for (const auto& c : std::vector<Case>{{"", "\"\""},
                                         {"plain é", "\"plain é\""},
                                         {"say \"hi\"", "\"say \\\"hi\\\"\""},
                                         {"a\\b", "\"a\\\\b\""},
                                         {"l1\nl2\r\t", "\"l1\\nl2\\r\\t\""},
                                         {std::string("nul\0x", 5), "\"nul\\x00x\""},
                                         {"del\x7f", "\"del\\x7f\""}}) {
    std::string out;
    AppendDoubleQuoted(out, c.in);
    EXPECT_EQ(out, c.out) << c.in;
  }
}

}  // namespace
}  // namespace entraide::core

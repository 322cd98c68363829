#include "markdown/markdown.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "core/strings.h"
#include "test_util.h"

namespace entraide::markdown {
namespace {

using entraide::testing::Repeat;

// Every vector must come out with no way to run script or load a dangerous URL.
TEST(MarkdownSafetyTest, XssVectorsNeverReachTheHtml) {
  struct Case {
    const char* name;
    std::string input;
  };
  const Case cases[] = {
      {"script tag", "<script>alert(1)</script>"},
      {"inline script", "hello <script>alert(1)</script> world"},
      {"img onerror", "<img src=x onerror=alert(1)>"},
      {"svg onload", "<svg onload=alert(1)></svg>"},
      {"iframe", "<iframe src=\"https://evil.example\"></iframe>"},
      {"javascript link", "[click](javascript:alert(1))"},
      {"javascript link, mixed case", "[click](JaVaScRiPt:alert(1))"},
      {"javascript link, entity tab", "[click](java&#x09;script:alert(1))"},
      {"javascript link, encoded", "[click](javascript&#58;alert(1))"},
      {"vbscript link", "[click](vbscript:msgbox(1))"},
      {"data link", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
      {"data image", "![x](data:image/png;base64,iVBORw0KGgo=)"},
      {"data svg image", "![x](data:image/svg+xml;base64,PHN2Zz4=)"},
      {"javascript image", "![x](javascript:alert(1))"},
      {"file link", "[x](file:///etc/passwd)"},
      {"javascript autolink", "<javascript:alert(1)>"},
      {"reference link", "[x][r]\n\n[r]: javascript:alert(1)"},
      {"style tag", "<style>body{display:none}</style>"},
      {"object tag", "<object data=\"x.swf\"></object>"},
      {"form tag", "<form action=\"https://evil.example\"><input></form>"},
      {"raw html block", "<div onclick=\"alert(1)\">x</div>"},
  };
  for (const auto& c : cases) {
    Rendered r = RenderUnbounded(c.input);
    std::string html = core::ToLowerAscii(r.html);
    EXPECT_EQ(html.find("<script"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("<iframe"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("<svg"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("<img src=x"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("<style"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("<object"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("<form"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("<div"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find(" onerror="), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find(" onload="), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("href=\"javascript"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("href=\"java%09script"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("href=\"vbscript"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("href=\"data:"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("src=\"data:"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("src=\"javascript"), std::string::npos) << c.name << ": " << r.html;
    EXPECT_EQ(html.find("href=\"file:"), std::string::npos) << c.name << ": " << r.html;
  }
}

TEST(MarkdownSafetyTest, QuotesInLinkTitlesCannotOpenAnAttribute) {
  Rendered r = RenderUnbounded("[x](https://ok.example \"\\\" onmouseover=alert(1) x=\\\"\")");
  EXPECT_NE(r.html.find("title=\"&quot; onmouseover=alert(1) x=&quot;\""), std::string::npos) << r.html;
}

TEST(MarkdownSafetyTest, SafeLinksAreKept) {
  Rendered r = RenderUnbounded("[a](https://example.org/x) [b](/fr/articles/x) [c](mailto:a@b.ca) [d](#top)");
  EXPECT_NE(r.html.find("href=\"https://example.org/x\""), std::string::npos);
  EXPECT_NE(r.html.find("href=\"/fr/articles/x\""), std::string::npos);
  EXPECT_NE(r.html.find("href=\"mailto:a@b.ca\""), std::string::npos);
  EXPECT_EQ(r.links.size(), 4u);
}

TEST(IsSafeUrlTest, AllowsOnlyWebAndMailSchemes) {
  struct Case {
    std::string url;
    bool safe;
  };
  const Case cases[] = {
      {"https://a.ca", true},        {"http://a.ca", true},     {"mailto:x@y.ca", true}, {"/en/articles/x", true},
      {"relative/path:colon", true}, {"#frag", true},           {"?q=a:b", true},        {"javascript:x", false},
      {" javascript:x", false},      {"java\tscript:x", false}, {"JAVASCRIPT:x", false}, {"vbscript:x", false},
      {"data:text/html,x", false},   {"file:///etc", false},    {"ftp://x", false},      {"jav&#x61;script:x", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsSafeUrl(c.url), c.safe) << c.url;
}

TEST(MarkdownTest, RendersGfmExtensions) {
  Rendered r =
      RenderUnbounded("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ www.example.org\n\n- [ ] todo\n- [x] done\n");
  EXPECT_NE(r.html.find("<table>"), std::string::npos);
  EXPECT_NE(r.html.find("<del>old</del>"), std::string::npos);
  EXPECT_NE(r.html.find("href=\"http://www.example.org\""), std::string::npos);
  EXPECT_NE(r.html.find("type=\"checkbox\""), std::string::npos);
}

TEST(MarkdownTest, TaskListCheckboxesAreLabelledByTheirItem) {
  Rendered tight = RenderUnbounded("- [ ] back up *mail*\n- [x] test a restore\n  - nested\n");
  EXPECT_NE(tight.html.find("<li><label class=\"task\"><input type=\"checkbox\" disabled=\"\" /> back up "
                            "<em>mail</em></label></li>"),
            std::string::npos)
      << tight.html;
  EXPECT_NE(tight.html.find("<label class=\"task\"><input type=\"checkbox\" checked=\"\" disabled=\"\" /> "
                            "test a restore</label>\n<ul>"),
            std::string::npos)
      << tight.html;
  Rendered loose = RenderUnbounded("- [ ] first\n\n- [ ] second\n");
  EXPECT_NE(loose.html.find("<p><label class=\"task\"><input type=\"checkbox\" disabled=\"\" /> first</label></p>"),
            std::string::npos)
      << loose.html;
  EXPECT_EQ(loose.html.find("<li><input"), std::string::npos) << loose.html;
}

TEST(MarkdownTest, HeadingsGetStableUniqueIds) {
  Rendered r = RenderUnbounded("## Étape 1 : créer\n\ntext\n\n## Étape 1 : créer\n\n### Sous-titre `code`\n");
  ASSERT_EQ(r.headings.size(), 3u);
  EXPECT_EQ(r.headings[0].id, "etape-1-creer");
  EXPECT_EQ(r.headings[1].id, "etape-1-creer-2");
  EXPECT_EQ(r.headings[2].id, "sous-titre-code");
  EXPECT_EQ(r.headings[2].level, 3);
  EXPECT_NE(r.html.find("<h2 id=\"etape-1-creer\">"), std::string::npos);
  EXPECT_NE(r.html.find("<h2 id=\"etape-1-creer-2\">"), std::string::npos);
  EXPECT_NE(r.html.find("<h3 id=\"sous-titre-code\">"), std::string::npos);
}

TEST(MarkdownTest, ThousandsOfHeadingsWithTheSameTextGetTheirIdsQuickly) {
  // Each id used to be found by trying -2, -3... from the start: 30,000 "#" lines took 80 s.
  auto start = std::chrono::steady_clock::now();
  Rendered r = RenderUnbounded(Repeat("#\n", 30000));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.headings.size(), 30000u);
  EXPECT_EQ(r.headings[1].id, "section-2");
  EXPECT_EQ(r.headings.back().id, "section-30000");
  EXPECT_LT(ms, 5000);
}

TEST(MarkdownTest, MinHeadingLevelRaisesTopHeadings) {
  Options o;
  o.min_heading_level = 2;
  Rendered r = RenderUnbounded("# Title\n", o);
  EXPECT_NE(r.html.find("<h2 id=\"title\">"), std::string::npos);
  EXPECT_EQ(r.html.find("<h1"), std::string::npos);
}

TEST(MarkdownTest, PlainTextDropsMarkup) {
  Rendered r = RenderUnbounded("## Hello\n\n**bold** and [link](https://x.ca)");
  EXPECT_NE(r.plain.find("bold and link"), std::string::npos);
  EXPECT_EQ(r.plain.find("**"), std::string::npos);
}

// Issue #21: search snippets showed "| --- | --- | Nextcloud Calendar |": the plain text is the text as read.
TEST(MarkdownTest, PlainTextHasNoTableListOrLinkSyntax) {
  Rendered r = RenderUnbounded(
      "## Outils\n\n| Besoin | Outil |\n| --- | --- |\n| Agenda | **Nextcloud** Calendar |\n\n"
      "- un *item* avec [un lien](https://x.ca \"titre\")\n- `code` ~~barré~~\n\n1. premier\n\n> cité\n\n"
      "![une image](https://x.ca/i.png)\n\n```\nnpm ci\n```\n");
  for (const char* syntax : {"|", "---", "**", "*", "[", "](", "https://x.ca", "- ", "1.", ">", "`", "~~", "!"})
    EXPECT_EQ(r.plain.find(syntax), std::string::npos) << syntax << " in:\n" << r.plain;
  for (const char* words : {"Outils\n", "Besoin · Outil\n", "Agenda · Nextcloud Calendar\n", "un item avec un lien\n",
                            "code barré\n", "premier", "cité", "une image", "npm ci"})
    EXPECT_NE(r.plain.find(words), std::string::npos) << words << " not in:\n" << r.plain;
}

// Found by fuzz_markdown: cmark-gfm writes U+FFFF as the lone byte 0xFF, and plain text that is not UTF-8
// cannot be folded for the index (the whole body would go unsearchable).
TEST(MarkdownTest, NoncharacterUFFFFLeavesEveryOutputValidUtf8) {
  Rendered r = RenderUnbounded("# Titre &#xffff;\n\nun \xEF\xBF\xBF mot [lien](/a&#xffff;) &#65535;\n");
  EXPECT_TRUE(core::IsValidUtf8(r.html));
  EXPECT_TRUE(core::IsValidUtf8(r.plain));
  ASSERT_EQ(r.headings.size(), 1u);
  EXPECT_TRUE(core::IsValidUtf8(r.headings[0].text));
  ASSERT_EQ(r.links.size(), 1u);
  EXPECT_TRUE(core::IsValidUtf8(r.links[0]));
  // The plain text is the parsed text (issue #21), in which the typed U+FFFF is valid UTF-8 and stays, as in
  // the HTML; the character reference's lone 0xFF byte becomes U+FFFD.
  EXPECT_NE(r.plain.find("un \xEF\xBF\xBF mot"), std::string::npos) << r.plain;
  EXPECT_NE(r.plain.find("Titre \xEF\xBF\xBD"), std::string::npos) << r.plain;
  EXPECT_NE(r.html.find("<p>un \xEF\xBF\xBF mot"), std::string::npos) << "valid text is left as it is";
}

TEST(RenderBoundedTest, RendersNormalTextLikeUnbounded) {
  auto r = RenderBounded("## Hi\n\n*x* <script>y</script>", Limits{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->fell_back);
  EXPECT_EQ(r->html, RenderUnbounded("## Hi\n\n*x* <script>y</script>").html);
  EXPECT_EQ(r->headings.size(), 1u);
}

TEST(RenderBoundedTest, RefusesTextOverTheLimitNamingIt) {
  Limits limits;
  limits.max_bytes = 100;
  auto r = RenderBounded(std::string(101, 'a'), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kTooLarge);
  EXPECT_NE(r.status().message().find("100 bytes"), std::string::npos);
}

TEST(RenderBoundedTest, RefusesInvalidUtf8) {
  auto r = RenderBounded("caf\xC3", Limits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
}

TEST(RenderBoundedTest, FallbackEscapesText) {
  std::string html = PlainParagraphsHtml("<b>a</b>\nline two\n\nsecond & para");
  EXPECT_EQ(html, "<p>&lt;b&gt;a&lt;/b&gt;<br>\nline two</p>\n<p>second &amp; para</p>\n");
}

// The patterns of the cmark-gfm advisories, each at the largest size people may submit (64 KiB).
// Whatever the renderer does with them, the call returns within its budget (plus process overhead) with
// safe HTML; the slow ones come back as escaped plain text.
TEST(RenderBoundedTest, AdvisoryPatternsAtTheLimitStayWithinTheBudget) {
  const size_t kMax = 64 * 1024;
  auto fill = [kMax](const std::function<std::string(size_t)>& make, size_t unit) {
    size_t n = kMax / unit;
    std::string s = make(n);
    while (s.size() > kMax && n > 0) s = make(--n);
    return s;
  };
  struct Case {
    const char* name;
    std::string input;
  };
  const Case cases[] = {
      {"CVE-2023-22486 nested image links", fill([](size_t n) { return Repeat("![[]()", n) + "\n"; }, 6)},
      {"CVE-2023-24824 blockquote emphasis", fill([](size_t n) { return Repeat(">", n) + Repeat("a*", n) + "\n"; }, 3)},
      {"CVE-2023-24824 nested lists", fill([](size_t n) { return Repeat(" -", n) + "x" + Repeat("\n", n); }, 3)},
      {"CVE-2023-26485 underscores", fill([](size_t n) { return Repeat("_", n) + "." + Repeat("_", n) + "\n"; }, 2)},
      {"CVE-2023-26485 ordered list", fill([](size_t n) { return "1.\n" + Repeat(" 2.\n", n); }, 4)},
      {"CVE-2023-26485 empty items", fill([](size_t n) { return Repeat(" -\n", n) + "x\n"; }, 3)},
      {"CVE-2023-37463 wide table",
       fill([](size_t n) { return "|" + Repeat("x|", n) + "\n|" + Repeat("-|", n) + "\n"; }, 4)},
      {"CVE-2023-37463 table rows",
       fill([](size_t n) { return "|" + Repeat("x|", n) + "\n|" + Repeat("-|", n) + "\n" + Repeat("a\n", n); }, 6)},
      {"CVE-2023-37463 footnotes", fill([](size_t n) { return Repeat("[^1]:\n", n) + Repeat("\n", n); }, 7)},
  };
  Limits limits;  // 64 KiB, 250 ms
  for (const auto& c : cases) {
    ASSERT_LE(c.input.size(), kMax) << c.name;
    ASSERT_GT(c.input.size(), kMax - 64) << c.name;
    auto start = std::chrono::steady_clock::now();
    auto r = RenderBounded(c.input, limits);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    // The budget is enforced by killing the renderer: allow generous slack for fork and scheduling on a
    // loaded CI machine, far below the seconds these inputs take unbounded.
    EXPECT_LT(ms, limits.budget_ms + 1500) << c.name;
    EXPECT_EQ(r->html.find("<script"), std::string::npos) << c.name;
  }
}

TEST(RenderBoundedTest, KnownSlowInputFallsBackToEscapedText) {
  // 24 KB of " -", then x, then as many newlines: seconds of CPU in Debian's cmark-gfm.
  std::string input = Repeat(" -", 12000) + "x" + Repeat("\n", 12000);
  Limits limits;
  limits.budget_ms = 100;
  auto r = RenderBounded(input, limits);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->fell_back);
  EXPECT_EQ(r->html.substr(0, 3), "<p>");
}

TEST(RenderBoundedTest, ManyTextsShareOneRendererAndASlowOneOnlyCostsItself) {
  std::string slow = Repeat(" -", 12000) + "x" + Repeat("\n", 12000);
  std::vector<std::string> texts = {"## One", slow, "*three*", std::string(200, 'a') + "\xC3", "**five**"};
  std::vector<std::string_view> views(texts.begin(), texts.end());
  Limits limits;
  limits.budget_ms = 100;
  auto results = RenderBoundedMany(views, limits);
  ASSERT_EQ(results.size(), 5u);
  ASSERT_TRUE(results[0].ok());
  EXPECT_NE(results[0]->html.find("<h2 id=\"one\">"), std::string::npos);
  ASSERT_TRUE(results[1].ok());
  EXPECT_TRUE(results[1]->fell_back);
  ASSERT_TRUE(results[2].ok());
  EXPECT_EQ(results[2]->html, "<p><em>three</em></p>\n") << "the texts after a slow one are still rendered";
  EXPECT_EQ(results[3].status().code(), core::StatusCode::kInvalidArgument);
  ASSERT_TRUE(results[4].ok());
  EXPECT_FALSE(results[4]->fell_back);
}

// Markdown can turn a few bytes into many: the stored HTML is capped (MaxHtmlBytes), and a text over it is
// kept as escaped plain paragraphs rather than refused, so nothing people wrote is lost. Each pattern is
// 60 KB, under the 64 KiB limit on input.
TEST(RenderBoundedTest, HtmlOverTheCapBecomesEscapedPlainTextUnderIt) {
  const size_t kSize = 60000;
  auto fill = [kSize](const std::string& head, const std::string& unit) {
    std::string s = head;
    while (s.size() + unit.size() <= kSize) s += unit;
    return s;
  };
  // What each becomes unbounded (measured): 1.6 MB, 735 KB, 860 KB, 2.3 MB, 30 MB; emphasis 231 KB, which fits.
  struct Case {
    const char* name;
    std::string input;
    bool fits;
  };
  const Case cases[] = {
      {"60 KB of '>' (nested quotes)", std::string(kSize, '>'), false},
      {"quotes of lists", fill("", "> - "), false},
      {"headings (each with an id)", fill("", "#\n"), false},
      {"a reference link used again and again", fill("[a]: https://e.ca/" + std::string(200, 'x') + "\n\n", "[a]"),
       false},
      {"table rows padded to 100 columns", fill("|" + Repeat("a|", 100) + "\n|" + Repeat("-|", 100) + "\n", "x\n"),
       false},
      {"emphasis", fill("", "***a***"), true},
  };
  Limits limits;  // 64 KiB of text: at most 256 KiB of HTML
  // The cap is what is checked here, not the time: a budget no busy or sanitized build runs out of (the
  // default 250 ms did, making "emphasis" fall back for being slow rather than large).
  limits.budget_ms = 20000;
  for (const auto& c : cases) {
    size_t cap = MaxHtmlBytes(c.input.size(), limits);
    EXPECT_EQ(cap, 256u * 1024) << c.name;
    auto r = RenderBounded(c.input, limits);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    EXPECT_LE(r->html.size(), cap) << c.name;
    EXPECT_EQ(r->fell_back, !c.fits) << c.name << ": formatted when it fits, else plain text";
  }
  EXPECT_EQ(RenderUnbounded(std::string(kSize, '>')).html.size(), 27 * kSize) << "27 bytes of HTML per '>'";
  auto quotes = RenderBounded(std::string(kSize, '>'), limits);
  ASSERT_TRUE(quotes.ok());
  EXPECT_TRUE(quotes->over_cap);
  EXPECT_EQ(quotes->html, "<p>" + Repeat("&gt;", kSize) + "</p>\n") << "every character kept, escaped";
}

TEST(RenderBoundedTest, TheCapLeavesRealTextFormatted) {
  // Short texts with the most markup for their size, and a long ordinary one.
  const std::string cases[] = {
      "- [ ] x",
      "> > > a",
      "|a|b|\n|-|-|\n|c|d|",
      "# a",
      "*a*",
      "https://x.ca",
      "> Le 3 mars, Anne a écrit :\n> > Bonjour\n> > > test",
      Repeat("| 1 | 2 | 3 |\n", 1) + "|---|---|---|\n" + Repeat("| 4 | 5 | 6 |\n", 3000),
      Repeat("Un paragraphe avec **du gras**, un [lien](https://exemple.org) et `du code`.\n\n", 700)};
  for (const auto& text : cases) {
    auto r = RenderBounded(text, Limits{});
    ASSERT_TRUE(r.ok()) << text.substr(0, 40);
    EXPECT_FALSE(r->fell_back) << text.substr(0, 40);
    EXPECT_EQ(r->html, RenderUnbounded(text).html) << text.substr(0, 40);
  }
}

TEST(RenderBoundedTest, ALongChecklistStaysFormatted) {
  // Each checkbox was labelled by inserting into the whole HTML and searching to its end for blocks that were
  // not there: 2,500 items took longer than the budget and came back as plain text (8,000 took 6 to 12 s).
  const std::string text = Repeat("- [ ] une tâche\n", 2500);
  auto r = RenderBounded(text, Limits{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->fell_back);
  size_t labels = 0;
  for (size_t at = r->html.find("<label class=\"task\">"); at != std::string::npos;
       at = r->html.find("<label class=\"task\">", at + 1))
    ++labels;
  EXPECT_EQ(labels, 2500u);
}

TEST(RenderBoundedTest, TextOverTheCapEvenAsPlainTextIsRefusedNamingTheSizes) {
  // '"' is six bytes once escaped: 60 KB of them make 360 KB even as plain paragraphs.
  auto r = RenderBounded(std::string(60000, '"'), Limits{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("the formatted text is too large (351 KiB; at most 256 KiB)", 0), 0u)
      << r.status().message();
}

}  // namespace
}  // namespace entraide::markdown

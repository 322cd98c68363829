// End-to-end: the library edited online (issue #18) through the real server, with plain form posts (no
// JavaScript), in both languages: a volunteer's save waits for review and is seen nowhere else; an editor
// publishes it from /review and the page, the API and search follow; two editors on one revision (409 with both
// versions, nothing overwritten); history, comparison, one version's text, restore, decline; who may open the
// editor's pages; the translations to do and their links; the preview (button and fragment); the editor links on
// the article page (never in the cached page); the administration's editor checkbox.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "core/escape.h"
#include "fixtures.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

std::string Enc(const std::string& s) { return core::UrlEncodeComponent(s); }

// The value of the hidden or text input `name` in a page ("" when absent).
std::string InputValue(const std::string& html, const std::string& name) {
  std::smatch m;
  if (std::regex_search(html, m, std::regex("name=\"" + name + "\"[^>]*value=\"([^\"]*)\""))) return m[1];
  return "";
}

// The first category offered by the editor (the library's categories come from content/categories.yml).
std::string FirstCategory(const std::string& html) {
  std::smatch m;
  if (std::regex_search(html, m, std::regex(R"re(<option value="([a-z0-9-]+)")re"))) return m[1];
  return "";
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class EditorialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app_ = new TestApp([](app::Config& c) { c.content_dir = SourceDir() + "/content"; });
    app_->directory().Group("coop-a", "Coop A");
    app_->directory().Person("ana@example.org", "Ana Coordo", "coordinator");
    app_->directory().Person("bea@example.org", "Béa Coordo", "coordinator");
    app_->directory().Person("vic@example.org", "Vic Bénévole", "volunteer");
    app_->directory().Person("val@example.org", "Val Bénévole", "volunteer");
    app_->directory().Person("mo@example.org", "Mo Membre", "member", {"coop-a"});
    ana_ = SignInApi(port(), "ana@example.org").sid;
    bea_ = SignInApi(port(), "bea@example.org").sid;
    vic_ = SignInApi(port(), "vic@example.org").sid;
    mo_ = SignInApi(port(), "mo@example.org").sid;
  }
  static void TearDownTestSuite() { delete app_; }
  static int port() { return app_->port(); }
  static HttpResponse Page(const std::string& target, const std::string& sid) {
    return Get(port(), target,
               sid.empty() ? std::vector<std::string>{} : std::vector<std::string>{"Cookie: sid=" + sid});
  }
  static HttpResponse PostForm(const std::string& target, const std::string& body, const std::string& sid) {
    std::vector<std::string> h = {"Content-Type: application/x-www-form-urlencoded"};
    if (!sid.empty()) h.push_back("Cookie: sid=" + sid);
    return Send(port(), "POST", target, body, h);
  }
  static int64_t Sql(const std::string& sql) { return QueryInt(app_->pool(), sql); }

  // The editor's form of `page` (a GET of the editor) with `changes` over its fields, posted with `action`.
  static HttpResponse Submit(const std::string& page_path, const std::string& post_path, const std::string& sid,
                             const std::map<std::string, std::string>& changes, const std::string& action) {
    auto page = Page(page_path, sid);
    EXPECT_EQ(page.status, 200) << page_path << page.body.substr(0, 300);
    std::map<std::string, std::string> f;
    for (const char* k : {"csrf", "base_revision_id", "key", "follows_id", "ticket_id", "title", "slug", "summary",
                          "tags", "change_summary"})
      f[k] = InputValue(page.body, k);
    std::smatch m;
    if (std::regex_search(page.body, m, std::regex(R"re(<textarea id="ed-body"[^>]*>([^<]*)</textarea>)re")))
      f["body"] = HtmlUnescape(m[1]);
    if (std::regex_search(page.body, m, std::regex(R"re(<option value="([^"]*)" selected)re"))) f["category"] = m[1];
    if (f["category"].empty()) f["category"] = FirstCategory(page.body);
    for (const auto& [k, v] : changes) f[k] = v;
    std::string body = "action=" + action;
    for (const auto& [k, v] : f) body += "&" + k + "=" + Enc(v);
    return PostForm(post_path, body, sid);
  }
  static HttpResponse Create(const std::string& lang, const std::string& sid, const std::string& slug,
                             const std::string& title, const std::string& body, const std::string& action,
                             const std::string& query = "") {
    return Submit("/" + lang + "/articles/new" + query, "/" + lang + "/articles/new", sid,
                  {{"slug", slug},
                   {"title", title},
                   {"summary", "Résumé " + title},
                   {"body", body},
                   {"tags", "essai, test"},
                   {"change_summary", "first version"}},
                  action);
  }
  static HttpResponse Edit(const std::string& lang, const std::string& slug, const std::string& sid,
                           const std::map<std::string, std::string>& changes, const std::string& action) {
    std::string path = "/" + lang + "/articles/" + slug + "/edit";
    return Submit(path, path, sid, changes, action);
  }
  static std::string HtmlUnescape(std::string s) {
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#x27;", "'"}, {"&amp;", "&"}}) {
      for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    }
    return s;
  }
  static int64_t LatestRevision(const std::string& lang, const std::string& slug) {
    return Sql("SELECT MAX(id) FROM article_revisions WHERE lang = '" + lang + "' AND slug = '" + slug + "'");
  }

  static TestApp* app_;
  static std::string ana_, bea_, vic_, mo_;
};
TestApp* EditorialTest::app_ = nullptr;
std::string EditorialTest::ana_, EditorialTest::bea_, EditorialTest::vic_, EditorialTest::mo_;

TEST_F(EditorialTest, AVolunteersSaveWaitsUnseenUntilAnEditorPublishesItFromReview) {
  for (std::string lang : {"fr", "en"}) {
    std::string slug = "quetzal-" + lang, word = "quetzalcoatlus" + lang;
    auto form = Page("/" + lang + "/articles/new", vic_);
    ASSERT_EQ(form.status, 200);
    EXPECT_TRUE(Has(form.body, "value=\"save\"")) << lang;
    EXPECT_FALSE(Has(form.body, "value=\"publish\"")) << "a volunteer who is no editor has no Publish button";
    auto saved = Create(lang, vic_, slug, "Quetzal " + lang, "Le **" + word + "** vole.", "save");
    ASSERT_EQ(saved.status, 303) << saved.body;
    EXPECT_EQ(saved.Header("location"), "/" + lang + "/articles/" + slug + "/history?saved=1");
    // Pending: nowhere for members and visitors.
    EXPECT_EQ(Page("/" + lang + "/articles/" + slug, "").status, 404);
    EXPECT_EQ(Page("/" + lang + "/articles/" + slug, mo_).status, 404);
    EXPECT_EQ(Page("/api/v1/articles/" + lang + "/" + slug, "").status, 404);
    ASSERT_TRUE(app_->app().WaitForIndex(30000));
    EXPECT_FALSE(Has(Page("/api/v1/search?q=" + word, "").body, slug));
    // Publish from /review as an editor.
    auto review = Page("/" + lang + "/review", ana_);
    ASSERT_EQ(review.status, 200);
    int64_t id = LatestRevision(lang, slug);
    std::string publish = "/" + lang + "/review/" + std::to_string(id) + "/publish";
    ASSERT_TRUE(Has(review.body, "action=\"" + publish + "\"")) << review.body;
    EXPECT_FALSE(Has(Page("/" + lang + "/review", vic_).body, publish)) << "volunteers see the queue, not the button";
    auto done = PostForm(publish, "csrf=" + CsrfField(review.body), ana_);
    ASSERT_EQ(done.status, 303) << done.body;
    auto article = Page("/" + lang + "/articles/" + slug, "");
    ASSERT_EQ(article.status, 200);
    EXPECT_TRUE(Has(article.body, "<strong>" + word + "</strong>"));
    EXPECT_EQ(Page("/api/v1/articles/" + lang + "/" + slug, "").status, 200);
    // Search follows within a second (publishing pokes the index worker).
    auto published_at = std::chrono::steady_clock::now();
    bool found = false;
    while (!found && std::chrono::steady_clock::now() - published_at < std::chrono::seconds(1)) {
      found = Has(Page("/api/v1/search?q=" + word, "").body, slug);
      if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(found) << lang;
    RecordProperty("search_follows_ms_" + lang, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                     std::chrono::steady_clock::now() - published_at)
                                                                     .count()));
  }
}

// What waits for review is in no channel a member or a visitor reads: not the article page (the published text
// stays), the lists, a tag's or a category's page, the API's list, the search page or API, nor the Atom feed.
TEST_F(EditorialTest, WhatWaitsIsInNoChannelForMembersOrVisitors) {
  const std::string lang = "en", word = "zyxquorrel";
  auto created = Create(lang, vic_, "zyx-draft", "Zyx draft", "The " + word + " draft.", "save");
  ASSERT_EQ(created.status, 303) << created.body;
  // A proposed change to a published article, with the same word.
  auto changed = Edit(lang, "backups-3-2-1", vic_, {{"body", "Back up the " + word + " now.\n"}}, "save");
  ASSERT_EQ(changed.status, 303) << changed.body;
  ASSERT_TRUE(app_->app().WaitForIndex(30000));
  for (const std::string& sid : {std::string(), mo_}) {
    SCOPED_TRACE(sid.empty() ? "visitor" : "member");
    auto page = Page("/en/articles/backups-3-2-1", sid);
    ASSERT_EQ(page.status, 200);
    EXPECT_FALSE(Has(page.body, word)) << "the published text stays";
    for (const std::string& path :
         {std::string("/en/articles"), std::string("/en/tags/essai"), std::string("/en/tags/test"),
          std::string("/en/feed.atom"), std::string("/api/v1/articles?lang=en"), std::string("/en/search?q=") + word,
          std::string("/api/v1/search?q=") + word, std::string("/api/v1/suggest?q=zyx")}) {
      auto r = Page(path, sid);
      EXPECT_LT(r.status, 500) << path;
      // (The search pages repeat the word asked: the texts are looked for, not the word alone.)
      for (const std::string& text : {"The " + word, "the " + word, std::string("Zyx draft"), std::string("zyx-draft")})
        EXPECT_FALSE(Has(r.body, text)) << path << ": " << text;
    }
  }
  // Volunteers see both waiting in the review list (their own tools), not in the library's pages.
  auto review = Page("/en/review", vic_);
  EXPECT_TRUE(Has(review.body, "zyx-draft") || Has(review.body, "Zyx draft")) << review.body.substr(0, 500);
  EXPECT_FALSE(Has(Page("/en/feed.atom", vic_).body, word));
}

TEST_F(EditorialTest, TwoEditorsOnOneRevisionTheSecondGets409WithBothVersionsAndNothingIsOverwritten) {
  for (std::string lang : {"fr", "en"}) {
    std::string slug = "conflit-" + lang, path = "/" + lang + "/articles/" + slug + "/edit";
    ASSERT_EQ(Create(lang, ana_, slug, "Conflit", "Version de départ.", "publish").status, 303);
    // Both open the same revision.
    auto ana_page = Page(path, ana_);
    auto bea_page = Page(path, bea_);
    std::string base = InputValue(ana_page.body, "base_revision_id");
    ASSERT_EQ(base, InputValue(bea_page.body, "base_revision_id"));
    auto first = PostForm(path,
                          "action=publish&csrf=" + CsrfField(ana_page.body) + "&base_revision_id=" + base +
                              "&title=Conflit&category=" + FirstCategory(ana_page.body) +
                              "&body=" + Enc("Texte d'Ana.") + "&change_summary=ana",
                          ana_);
    ASSERT_EQ(first.status, 303) << first.body;
    int64_t ana_rev = LatestRevision(lang, slug);
    auto second = PostForm(path,
                           "action=publish&csrf=" + CsrfField(bea_page.body) + "&base_revision_id=" + base +
                               "&title=Conflit&category=" + FirstCategory(bea_page.body) +
                               "&body=" + Enc("Texte de Béa.") + "&change_summary=bea",
                           bea_);
    ASSERT_EQ(second.status, 409) << second.body;
    EXPECT_TRUE(Has(second.body, "Texte d&#39;Ana.") || Has(second.body, "Texte d'Ana.")) << "their version";
    EXPECT_TRUE(Has(second.body, "Ana Coordo")) << "who";
    EXPECT_TRUE(Has(second.body, ">Texte de Béa.</textarea>")) << "yours, kept";
    EXPECT_EQ(InputValue(second.body, "base_revision_id"), std::to_string(ana_rev)) << "based on theirs now";
    EXPECT_EQ(LatestRevision(lang, slug), ana_rev) << "nothing saved";
    EXPECT_TRUE(Has(Page("/" + lang + "/articles/" + slug, "").body, "Texte d")) << "Ana's text is served";
    // The second save, deliberate, goes through.
    auto again =
        PostForm(path,
                 "action=publish&csrf=" + CsrfField(second.body) + "&base_revision_id=" + std::to_string(ana_rev) +
                     "&title=Conflit&category=" + FirstCategory(second.body) + "&body=" + Enc("Texte de Béa.") +
                     "&change_summary=bea",
                 bea_);
    EXPECT_EQ(again.status, 303) << again.body;
  }
}

TEST_F(EditorialTest, HistoryComparesRestoresAndShowsAVersionAsText) {
  for (std::string lang : {"fr", "en"}) {
    std::string slug = "histoire-" + lang, base = "/" + lang + "/articles/" + slug;
    ASSERT_EQ(Create(lang, ana_, slug, "Histoire", "Le chat dort <script>alert(1)</script> ici.", "publish").status,
              303);
    int64_t first = LatestRevision(lang, slug);
    ASSERT_EQ(Edit(lang, slug, ana_, {{"body", "Le chien dort ici."}, {"change_summary", "chien"}}, "publish").status,
              303);
    int64_t second = LatestRevision(lang, slug);
    auto history = Page(base + "/history", vic_);
    ASSERT_EQ(history.status, 200);
    EXPECT_TRUE(Has(history.body, "value=\"" + std::to_string(first) + "\""));
    EXPECT_TRUE(Has(history.body, "value=\"" + std::to_string(second) + "\""));
    EXPECT_TRUE(Has(history.body, "chien"));
    EXPECT_TRUE(Has(history.body, "class=\"current\""));
    EXPECT_TRUE(Has(history.body, "form=\"restore-" + std::to_string(first) + "\""))
        << "Restore this version, from the history";
    EXPECT_TRUE(Has(history.body, "action=\"" + base + "/revisions/" + std::to_string(first) + "/restore\""));
    auto compare = Page(base + "/compare?from=" + std::to_string(first) + "&to=" + std::to_string(second), vic_);
    ASSERT_EQ(compare.status, 200);
    EXPECT_TRUE(std::regex_search(compare.body, std::regex("<del><span class=\"visually-hidden\">[^<]*</span>chat")))
        << compare.body;
    EXPECT_TRUE(std::regex_search(compare.body, std::regex("<ins><span class=\"visually-hidden\">[^<]*</span>chien")));
    auto view = Page(base + "/revisions/" + std::to_string(first), vic_);
    ASSERT_EQ(view.status, 200);
    EXPECT_TRUE(Has(view.body, "&lt;script&gt;alert(1)&lt;/script&gt;")) << "text, never HTML";
    EXPECT_FALSE(Has(view.body, "<script>alert(1)"));
    // Restore the first: a new revision, served at once (an editor).
    std::string as_ana = CsrfField(Page(base + "/revisions/" + std::to_string(first), ana_).body);
    auto restored = PostForm(base + "/revisions/" + std::to_string(first) + "/restore", "csrf=" + as_ana, ana_);
    ASSERT_EQ(restored.status, 303) << restored.body;
    EXPECT_GT(LatestRevision(lang, slug), second);
    EXPECT_TRUE(Has(Page(base, "").body, "chat"));
    EXPECT_EQ(Sql("SELECT COUNT(*) FROM article_revisions WHERE lang = '" + lang + "' AND slug = '" + slug + "'"), 3);
  }
}

TEST_F(EditorialTest, AnEditorDeclinesAProposalWithANote) {
  for (std::string lang : {"fr", "en"}) {
    std::string slug = "refus-" + lang;
    ASSERT_EQ(Create(lang, ana_, slug, "Refus", "Texte publié.", "publish").status, 303);
    ASSERT_EQ(Edit(lang, slug, vic_, {{"body", "Proposition douteuse."}}, "save").status, 303);
    int64_t id = LatestRevision(lang, slug);
    auto review = Page("/" + lang + "/review", ana_);
    EXPECT_TRUE(Has(review.body, "/compare?from=")) << "a proposal links to its comparison";
    auto declined = PostForm("/" + lang + "/review/" + std::to_string(id) + "/decline",
                             "csrf=" + CsrfField(review.body) + "&note=" + Enc("Pas clair"), ana_);
    ASSERT_EQ(declined.status, 303) << declined.body;
    EXPECT_FALSE(Has(Page("/" + lang + "/articles/" + slug, "").body, "douteuse"));
    auto history = Page("/" + lang + "/articles/" + slug + "/history", ana_);
    EXPECT_TRUE(Has(history.body, "Pas clair"));
    // Declining it again: it no longer waits.
    EXPECT_EQ(
        PostForm("/" + lang + "/review/" + std::to_string(id) + "/decline", "csrf=" + CsrfField(review.body), ana_)
            .status,
        409);
  }
}

TEST_F(EditorialTest, AMemberGets403AndAVisitorIsSentToSignIn) {
  const char* slug = "choisir-un-hebergeur";
  for (std::string lang : {"fr", "en"}) {
    std::string a = "/" + lang + "/articles/" + slug;
    for (const std::string& target :
         {"/" + lang + "/articles/new", a + "/edit", a + "/history", a + "/compare?from=1&to=2", a + "/revisions/1",
          "/" + lang + "/review", "/" + lang + "/translations"}) {
      EXPECT_EQ(Page(target, mo_).status, 403) << target;
      auto visitor = Page(target, "");
      EXPECT_EQ(visitor.status, 303) << target;
      EXPECT_TRUE(Has(visitor.Header("location"), "/signin")) << target;
    }
    auto page = Page("/" + lang + "/tickets", mo_);
    std::string csrf = CsrfField(page.body);
    for (const std::string& target : {"/" + lang + "/articles/new", a + "/edit", a + "/revisions/1/restore",
                                      "/" + lang + "/review/1/publish", "/" + lang + "/review/1/decline"})
      EXPECT_EQ(PostForm(target, "csrf=" + csrf + "&title=x&body=x", mo_).status, 403) << target;
    // A volunteer who is no editor may not publish.
    EXPECT_EQ(Create(lang, vic_, "pas-editeur-" + lang, "Pas éditeur", "Texte.", "publish").status, 403);
  }
}

TEST_F(EditorialTest, TranslationsListMissingAndStaleAndTheirLinksOpenTheEditorBesideTheSource) {
  ASSERT_EQ(Create("fr", ana_, "source-fr", "Source à traduire", "Texte source original.", "publish").status, 303);
  for (std::string lang : {"fr", "en"}) {
    auto list = Page("/" + lang + "/translations", vic_);
    ASSERT_EQ(list.status, 200);
    EXPECT_TRUE(Has(list.body, "/en/articles/new?translate=fr/source-fr")) << lang;
  }
  // The link opens the editor beside the source, with the same key and follows_id set.
  auto list = Page("/en/translations", vic_);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(list.body, m, std::regex(R"re(href="(/en/articles/new\?translate=fr/source-fr[^"]*)")re")));
  std::string link = HtmlUnescape(m[1]);
  auto editor = Page(link, ana_);
  ASSERT_EQ(editor.status, 200);
  EXPECT_TRUE(Has(editor.body, "Texte source original.")) << "the source beside";
  EXPECT_TRUE(Has(editor.body, "class=\"editor-beside\""));
  EXPECT_NE(InputValue(editor.body, "follows_id"), "0");
  EXPECT_FALSE(InputValue(editor.body, "key").empty());
  auto made =
      Submit(link, "/en/articles/new", ana_,
             {{"slug", "source-en"}, {"title", "Source translated"}, {"body", "Original source text."}}, "publish");
  ASSERT_EQ(made.status, 303) << made.body;
  EXPECT_FALSE(Has(Page("/fr/translations", vic_).body, "translate=fr/source-fr"));
  // The French changes and asks for the English to follow: the English is stale.
  ASSERT_EQ(
      Edit("fr", "source-fr", ana_, {{"body", "Texte source revu."}, {"needs_translation", "1"}}, "publish").status,
      303);
  auto stale = Page("/fr/translations", vic_);
  ASSERT_TRUE(Has(stale.body, "/en/articles/source-en/edit?beside=1")) << stale.body;
  ASSERT_TRUE(
      std::regex_search(stale.body, m, std::regex(R"re(href="(/en/articles/source-en/edit\?beside=1[^"]*)")re")));
  auto beside = Page(HtmlUnescape(m[1]), ana_);
  ASSERT_EQ(beside.status, 200);
  EXPECT_TRUE(Has(beside.body, "Texte source revu.")) << "the source's current text beside";
  EXPECT_EQ(InputValue(beside.body, "follows_id"), std::to_string(LatestRevision("fr", "source-fr")));
}

TEST_F(EditorialTest, PreviewWorksWithoutJavaScriptAndAsAFragmentAndRendersHostileMarkdownSafely) {
  const std::string hostile =
      "# Titre\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n**gras**";
  for (std::string lang : {"fr", "en"}) {
    auto form = Page("/" + lang + "/articles/new", vic_);
    std::string csrf = CsrfField(form.body);
    // No JavaScript: the Preview button shows the form again with the preview below, the text kept.
    auto shown = PostForm("/" + lang + "/articles/new",
                          "action=preview&csrf=" + csrf + "&title=T&slug=t&body=" + Enc(hostile), vic_);
    ASSERT_EQ(shown.status, 200) << shown.body;
    std::string preview = shown.body.substr(shown.body.find("id=\"editor-preview\""));
    EXPECT_TRUE(Has(preview, "<strong>gras</strong>"));
    EXPECT_FALSE(Has(preview, "<script"));
    EXPECT_FALSE(Has(preview, "onerror"));
    EXPECT_FALSE(Has(preview, "href=\"javascript:"));
    EXPECT_FALSE(Has(shown.body, "<script>alert(1)"));
    EXPECT_TRUE(Has(shown.body, "&lt;script&gt;alert(1)&lt;/script&gt;")) << "the textarea keeps the text";
    EXPECT_EQ(Sql("SELECT COUNT(*) FROM article_revisions WHERE slug = 't'"), 0) << "a preview saves nothing";
    // The fragment for editor.js.
    auto fragment = PostForm("/" + lang + "/articles/preview", "csrf=" + csrf + "&body=" + Enc(hostile), vic_);
    ASSERT_EQ(fragment.status, 200);
    EXPECT_TRUE(Has(fragment.body, "<strong>gras</strong>"));
    EXPECT_FALSE(Has(fragment.body, "<script"));
    EXPECT_FALSE(Has(fragment.body, "onerror"));
    EXPECT_FALSE(Has(fragment.body, "<html")) << "a fragment, not a page";
    EXPECT_EQ(PostForm("/" + lang + "/articles/preview", "csrf=wrong&body=x", vic_).status, 403);
    EXPECT_EQ(PostForm("/" + lang + "/articles/preview", "csrf=" + csrf + "&body=x", mo_).status, 403);
    // Bounded: a body over the article limit is refused, not rendered.
    auto huge = PostForm("/" + lang + "/articles/preview", "csrf=" + csrf + "&body=" + Repeat("a", 600 * 1024), vic_);
    EXPECT_GE(huge.status, 400);
  }
}

TEST_F(EditorialTest, ASolvedTicketBecomesADraftWithPersonalDataRemovedAndLinkedBack) {
  ApiSession mo = SignInApi(port(), "mo@example.org");
  ApiSession vic = SignInApi(port(), "vic@example.org");
  int64_t id = CreateTicketApi(
      port(), mo, TicketJson("Imprimante en panne", "Écrivez-moi à mo.perso@example.net ou au 514-555-0199.", "other"));
  ASSERT_GT(id, 0);
  ASSERT_EQ(Send(port(), "POST", "/api/v1/tickets/" + std::to_string(id) + "/replies",
                 R"({"body": "Redémarrez le spouleur d'impression."})", vic.Headers(true))
                .status,
            201);
  ASSERT_EQ(
      Send(port(), "PATCH", "/api/v1/tickets/" + std::to_string(id), R"({"status": "resolved"})", vic.Headers(true))
          .status,
      200);
  for (std::string lang : {"fr", "en"}) {
    std::string path = "/" + lang + "/articles/new?ticket=" + std::to_string(id);
    auto editor = Page(path, vic_);
    ASSERT_EQ(editor.status, 200) << editor.body;
    EXPECT_FALSE(Has(editor.body, "mo.perso@example.net")) << "removed before anyone sees it";
    EXPECT_FALSE(Has(editor.body, "514-555-0199"));
    EXPECT_TRUE(Has(editor.body, "spouleur"));
    EXPECT_TRUE(Has(editor.body, lang == "fr" ? "1 adresse courriel" : "1 email address")) << "what was removed";
    EXPECT_EQ(InputValue(editor.body, "ticket_id"), std::to_string(id));
    EXPECT_EQ(Page(path, mo_).status, 403);
  }
  auto saved = Submit("/fr/articles/new?ticket=" + std::to_string(id), "/fr/articles/new", vic_,
                      {{"slug", "imprimante-en-panne"}, {"title", "Imprimante en panne"}}, "save");
  ASSERT_EQ(saved.status, 303) << saved.body;
  int64_t rev = LatestRevision("fr", "imprimante-en-panne");
  EXPECT_EQ(Sql("SELECT ticket_id FROM article_revisions WHERE id = " + std::to_string(rev)), id);
  auto history = Page("/fr/articles/imprimante-en-panne/history", vic_);
  EXPECT_TRUE(Has(history.body, "tiré de la demande")) << history.body;
}

TEST_F(EditorialTest, ValidationErrorsShowTheFormAgainWithTheMessageBesideTheField) {
  for (std::string lang : {"fr", "en"}) {
    auto refused = Create(lang, vic_, "Pas Un Slug!", "Titre", "Texte gardé.", "save");
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_TRUE(Has(refused.body, "aria-invalid=\"true\""));
    EXPECT_TRUE(Has(refused.body, "class=\"field-error\""));
    EXPECT_TRUE(Has(refused.body, ">Texte gardé.</textarea>")) << "nothing lost";
    // The editor's own address is no article's: refused beside the slug, the text kept.
    auto reserved = Create(lang, vic_, "new", "Nouveau", "Texte gardé.", "save");
    EXPECT_EQ(reserved.status, 409);
    EXPECT_TRUE(Has(reserved.body, "id=\"ed-slug-error\""));
    EXPECT_TRUE(Has(reserved.body, ">Texte gardé.</textarea>"));
  }
}

TEST_F(EditorialTest, TheArticlePageLinksTheEditorForVolunteersButNeverInTheCachedPage) {
  const std::string path = "/fr/articles/choisir-un-hebergeur";
  auto before = Page(path, "");  // fills the cache
  ASSERT_EQ(before.status, 200);
  auto volunteer = Page(path, vic_);
  EXPECT_TRUE(Has(volunteer.body, "href=\"" + path + "/edit\""));
  EXPECT_TRUE(Has(volunteer.body, "href=\"" + path + "/history\""));
  EXPECT_TRUE(Has(volunteer.body, "href=\"/fr/review\""));
  EXPECT_TRUE(Has(volunteer.body, "href=\"/fr/translations\""));
  auto after = Page(path, "");
  EXPECT_FALSE(Has(after.body, path + "/edit"));
  EXPECT_FALSE(Has(after.body, "/fr/review"));
  EXPECT_FALSE(Has(Page(path, mo_).body, path + "/edit"));
}

TEST_F(EditorialTest, ACoordinatorNamesAVolunteerEditorWhoThenMayPublish) {
  int64_t val = Sql("SELECT id FROM users WHERE email = 'val@example.org'");
  std::string page = "/fr/admin/people/" + std::to_string(val);
  auto admin = Page(page, ana_);
  ASSERT_EQ(admin.status, 200);
  EXPECT_TRUE(Has(admin.body, "name=\"editor\"")) << "offered for a volunteer";
  auto named = PostForm(page, "csrf=" + CsrfField(admin.body) + "&role=volunteer&active=1&editor=1", ana_);
  ASSERT_EQ(named.status, 303) << named.body;
  EXPECT_EQ(Sql("SELECT editor FROM users WHERE id = " + std::to_string(val)), 1);
  EXPECT_TRUE(Has(Page(page, ana_).body, "name=\"editor\" value=\"1\" checked"));
  std::string sid = SignInApi(port(), "val@example.org").sid;
  EXPECT_TRUE(Has(Page("/en/articles/new", sid).body, "value=\"publish\""));
  // Unticked: no longer an editor. A member is never offered the box.
  admin = Page(page, ana_);
  ASSERT_EQ(PostForm(page, "csrf=" + CsrfField(admin.body) + "&role=volunteer&active=1", ana_).status, 303);
  EXPECT_EQ(Sql("SELECT editor FROM users WHERE id = " + std::to_string(val)), 0);
  int64_t mo = Sql("SELECT id FROM users WHERE email = 'mo@example.org'");
  EXPECT_FALSE(Has(Page("/fr/admin/people/" + std::to_string(mo), ana_).body, "name=\"editor\""));
}

}  // namespace
}  // namespace entraide::testing

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>

#include "kb/search_sync.h"
#include "markdown/markdown.h"
#include "search/document.h"
#include "search/index.h"
#include "search/resources.h"
#include "search/searcher.h"
#include "search/text.h"
#include "test_util.h"

namespace entraide::search {
namespace {

TEST(TextTest, FoldsAccentsAndSplitsElision) {
  EXPECT_EQ(StripAccents("Montréal, ÉTHIQUE"), "Montreal, ETHIQUE");
  EXPECT_EQ(StripAccents("l'organisme d’abord"), "l organisme d abord");
  EXPECT_EQ(FoldForCompare("Hameçonnage OR Œuvre"), "hameconnage or œuvre");
  EXPECT_EQ(StripAccents("caf\xC3"), "");  // invalid UTF-8
  // Decomposed accents, non-Latin letters, ASCII around them: the same as folding the whole text at once.
  EXPECT_EQ(StripAccents("Cafe\u0301 e\u0301te\u0301 ÇA Ωmega"), "Cafe ete CA Ωmega");
  EXPECT_EQ(FoldForCompare("Cafe\u0301 ÉTÉ ÇA Ωmega Straße"), "cafe ete ca ωmega strasse");
  EXPECT_EQ(FoldForCompare("ok \xC3 ok"), "");  // invalid UTF-8 between ASCII words
  EXPECT_EQ(StripAccents("plain ASCII, 100%"), "plain ASCII, 100%");
  auto words = SplitWords("Déjà vu, l'été!");
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[0].folded, "deja");
  EXPECT_EQ(words[3].folded, "ete");
  auto mixed = SplitWords("CAFÉ_noir 42x");
  ASSERT_EQ(mixed.size(), 3u);
  EXPECT_EQ(mixed[0].folded, "cafe");
  EXPECT_EQ(mixed[1].folded, "noir");
  EXPECT_EQ(mixed[2].folded, "42x");
}

TEST(ResourcesTest, LoadsTheProjectFilesAndReportsBadLines) {
  auto r = LoadResources(testing::SourceDir() + "/search");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->synonyms.size(), 5u);
  EXPECT_TRUE(r->stopwords["fr"].count("les"));
  EXPECT_TRUE(r->stopwords["en"].count("the"));
  testing::TempDir dir;
  dir.Write("synonyms.txt", "# ok\na, b\nlonely\n");
  auto bad = LoadResources(dir.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("synonyms.txt:3"), std::string::npos) << bad.status().message();
}

using testing::SearchDoc;

class SearcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resources_.synonyms = {{"courriel", "email", "e-mail"}, {"site web", "website"}};
    resources_.stopwords["fr"] = {"le", "la", "les", "de", "des", "un", "une", "et"};
    resources_.stopwords["en"] = {"the", "a", "of", "and", "to"};
    auto rb = Rebuild::Begin(dir_.path(), resources_, true);
    ASSERT_TRUE(rb.ok()) << rb.status().ToString();
    std::vector<Document> docs = {
        SearchDoc("1", "fr", "ethics", "Éthique des outils à Montréal",
                  "Choisir des outils éthiques pour un organisme de Montréal."),
        SearchDoc("2", "en", "ethics", "Ethical tools in Montreal",
                  "Choosing ethical tools for a Montreal organization."),
        SearchDoc("3", "en", "passwords", "Password managers",
                  "A password manager keeps every password safe. Use a strong passphrase."),
        SearchDoc("4", "fr", "courriel", "Le courriel de l'organisme",
                  "Un courriel professionnel pour l'organisme, sans publicité.", "ethical-tools",
                  {"courriel", "hebergement"}),
        SearchDoc("5", "en", "backups", "Backups that work",
                  "Test your backups: restore a file. Copy files offsite. <script>alert(1)</script>", "security",
                  {"backup"}),
        SearchDoc("6", "en", "phrases", "Word order",
                  "the quick brown fox jumps over the lazy dog; brown quick is different", "planning", {"misc"}),
        SearchDoc("7", "fr", "site", "Un site web simple", "Votre site web peut être simple et pas cher.",
                  "web-presence", {"site"}),
    };
    for (const auto& d : docs) ASSERT_TRUE((*rb)->Add(d).ok());
    ASSERT_TRUE((*rb)->Finish().ok());
    searcher_ = std::make_unique<Searcher>(dir_.path(), resources_);
  }
  model::SearchResult Find(const std::string& q, const std::string& visitor = "en", const std::string& lang = "") {
    model::SearchRequest req;
    req.q = q;
    req.visitor_lang = visitor;
    req.lang = lang;
    auto r = searcher_->Search(req);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
    return r.ok() ? *r : model::SearchResult{};
  }
  static std::vector<std::string> Slugs(const model::SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.slug);
    return out;
  }
  testing::TempDir dir_;
  Resources resources_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(SearcherTest, AccentsAndCaseNeverMatter) {
  for (const char* q : {"ethique", "éthique", "ÉTHIQUE", "montreal", "Montréal", "MONTREAL"}) {
    auto r = Find(q, "fr", "fr");
    ASSERT_EQ(r.hits.size(), 1u) << q;
    EXPECT_EQ(r.hits[0].slug, "ethics-fr") << q;
  }
}

TEST_F(SearcherTest, AnItemInBothLanguagesIsListedOnceInTheVisitorsLanguage) {
  auto fr = Find("montreal", "fr");
  ASSERT_EQ(fr.hits.size(), 1u);
  EXPECT_EQ(fr.hits[0].lang, "fr");
  auto en = Find("montreal", "en");
  ASSERT_EQ(en.hits.size(), 1u);
  EXPECT_EQ(en.hits[0].lang, "en");
  // Words only the English version has ("choosing"): a French visitor still gets the French version.
  auto en_words = Find("choosing", "fr");
  ASSERT_EQ(en_words.hits.size(), 1u);
  EXPECT_EQ(en_words.hits[0].slug, "ethics-fr");
  EXPECT_EQ(en_words.total, 1);
  // An item that exists only in English is shown in English to a French visitor.
  auto only_en = Find("password", "fr");
  ASSERT_FALSE(only_en.hits.empty());
  EXPECT_EQ(only_en.hits[0].lang, "en");
}

TEST_F(SearcherTest, ALanguageFilterKeepsOnlyThatLanguage) {
  auto r = Find("outils tools", "en", "fr");
  for (const auto& h : r.hits) EXPECT_EQ(h.lang, "fr");
  auto en = Find("tools", "fr", "en");
  ASSERT_FALSE(en.hits.empty());
  for (const auto& h : en.hits) EXPECT_EQ(h.lang, "en");
}

TEST_F(SearcherTest, PhrasesExclusionAndOr) {
  EXPECT_EQ(Slugs(Find("\"quick brown\"")), std::vector<std::string>{"phrases-en"});
  EXPECT_TRUE(Find("\"brown fox quick\"").hits.empty());
  auto excl = Find("tools -montreal", "en", "en");
  EXPECT_TRUE(excl.hits.empty());
  auto either = Find("backups OR passphrase", "en", "en");
  EXPECT_EQ(either.hits.size(), 2u);
}

TEST_F(SearcherTest, SynonymsFindTheOtherWord) {
  auto r = Find("email", "fr", "fr");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].slug, "courriel-fr");
  auto web = Find("website", "fr", "fr");
  ASSERT_FALSE(web.hits.empty());
  EXPECT_EQ(web.hits[0].slug, "site-fr");
}

TEST_F(SearcherTest, ElidedWordsAreFound) {
  auto r = Find("organisme", "fr", "fr");
  std::vector<std::string> slugs = Slugs(r);
  EXPECT_NE(std::find(slugs.begin(), slugs.end(), "courriel-fr"), slugs.end()) << "l'organisme must match organisme";
}

TEST_F(SearcherTest, MisspelledWordsGetASuggestionAndItsResults) {
  auto r = Find("pasword", "en");
  EXPECT_EQ(r.suggestion, "password");
  EXPECT_TRUE(r.corrected);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].slug, "passwords-en");
  // A word that exists is never "corrected".
  EXPECT_EQ(Find("password", "en").suggestion, "");
}

TEST_F(SearcherTest, AndFindsNothingThenOr) {
  auto r = Find("backups zebra", "en", "en");
  EXPECT_TRUE(r.used_or);
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].slug, "backups-en");
}

TEST_F(SearcherTest, FacetsCountCategoriesTagsLanguagesAndKinds) {
  model::SearchRequest req;
  req.q = "";
  req.category = "security";
  req.visitor_lang = "en";
  auto r = searcher_->Search(req);  // browse: empty query with a filter
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->facets["category"]["security"], r->total);
  auto all = Find("tools OR backups OR password", "en");
  EXPECT_EQ(all.facets["kind"]["article"], all.facets["lang"]["en"] + all.facets["lang"]["fr"]);
  EXPECT_GE(all.facets["tag"]["backup"], 1);
  EXPECT_GE(all.facets["category"]["security"], 2);
}

TEST_F(SearcherTest, SnippetsMarkMatchesAndEscapeText) {
  auto r = Find("restore", "en", "en");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].snippet_html.find("<mark>restore</mark>"), std::string::npos) << r.hits[0].snippet_html;
  EXPECT_EQ(r.hits[0].snippet_html.find("<script>"), std::string::npos);
  EXPECT_NE(r.hits[0].snippet_html.find("&lt;script&gt;"), std::string::npos);
  // Accented and capitalised words, and other forms of the stem, are marked as written.
  auto fr = Find("ethique montreal", "fr", "fr");
  ASSERT_EQ(fr.hits.size(), 1u);
  EXPECT_NE(fr.hits[0].snippet_html.find("<mark>éthiques</mark>"), std::string::npos) << fr.hits[0].snippet_html;
  EXPECT_NE(fr.hits[0].snippet_html.find("<mark>Montréal</mark>"), std::string::npos) << fr.hits[0].snippet_html;
  auto en = Find("CHOOSE", "en", "en");
  ASSERT_EQ(en.hits.size(), 1u);
  EXPECT_NE(en.hits[0].snippet_html.find("<mark>Choosing</mark>"), std::string::npos) << en.hits[0].snippet_html;
}

TEST_F(SearcherTest, BadInputGivesAClearErrorOrANormalAnswer) {
  model::SearchRequest req;
  req.q = std::string(10000, 'a');
  auto r = searcher_->Search(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("500"), std::string::npos);
  req.q = "caf\xC3";
  r = searcher_->Search(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("UTF-8"), std::string::npos);
  for (const char* q : {"", "   ", "\"unbalanced quote", "AND OR NOT", "-", "((", "the and of", "tab\there\x01\x7f",
                        "\"\"", "title:", "*", "NOT backups", "le la les"}) {
    req.q = q;
    auto ok = searcher_->Search(req);
    EXPECT_TRUE(ok.ok()) << q << ": " << ok.status().ToString();
  }
}

TEST_F(SearcherTest, SuggestCompletesTitles) {
  auto s = searcher_->Suggest("back", "en");
  ASSERT_TRUE(s.ok());
  ASSERT_FALSE(s->empty());
  EXPECT_EQ((*s)[0].title, "Backups that work");
  auto fr = searcher_->Suggest("courr", "fr");
  ASSERT_TRUE(fr.ok());
  ASSERT_EQ(fr->size(), 1u);
  EXPECT_EQ((*fr)[0].lang, "fr");
}

// An index in `dir` of `docs`, built as a rebuild does.
void BuildIndex(const testing::TempDir& dir, const Resources& res, const std::vector<Document>& docs) {
  auto rb = Rebuild::Begin(dir.path(), res, true);
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  for (const auto& d : docs) ASSERT_TRUE((*rb)->Add(d).ok());
  ASSERT_TRUE((*rb)->Finish().ok());
}

// Issue #21: every word is matched stemmed and folded, the last one as a prefix ("mot" finds "Mots").
TEST(SuggestTest, EveryWordStemmedAndFoldedTheLastAsAPrefix) {
  testing::TempDir dir;
  Resources res;
  res.stopwords["fr"] = {"de", "la", "le"};
  res.stopwords["en"] = {"the", "a"};
  BuildIndex(dir, res,
             {SearchDoc("1", "fr", "pw", "Mots de passe oubliés", "Texte."),
              SearchDoc("2", "fr", "bk", "Sauvegardes 3-2-1", "Texte."),
              SearchDoc("3", "en", "bk", "Backups: the 3-2-1 rule", "Text.")});
  Searcher s(dir.path(), res);
  struct Case {
    const char *q, *lang, *title;
  };
  for (const Case& c :
       {Case{"mot de", "fr", "Mots de passe oubliés"}, Case{"mot de passe", "fr", "Mots de passe oubliés"},
        Case{"Mots de pa", "fr", "Mots de passe oubliés"}, Case{"oublie", "fr", "Mots de passe oubliés"},
        Case{"sauvegarde 3", "fr", "Sauvegardes 3-2-1"}, Case{"backup rule", "en", "Backups: the 3-2-1 rule"},
        Case{"backup ru", "en", "Backups: the 3-2-1 rule"}}) {
    auto r = s.Suggest(c.q, c.lang);
    ASSERT_TRUE(r.ok()) << c.q;
    ASSERT_EQ(r->size(), 1u) << c.q;
    EXPECT_EQ((*r)[0].title, c.title) << c.q;
  }
  auto none = s.Suggest("mot zzz", "fr");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "every word must match";
}

// Issue #21: "did you mean" shows words as they are written in the library (accents included) and keeps the
// words typed that need no correction as they were typed.
TEST(DidYouMeanTest, TheMostFrequentWrittenFormWithAccentsAndTypedWordsKept) {
  testing::TempDir dir;
  Resources res;
  BuildIndex(dir, res,
             {SearchDoc("1", "fr", "a", "Reconnaître l'hameçonnage",
                        "L'hameçonnage arrive par courriel. Hameçonnage ciblé. Un compte hameçonné."),
              SearchDoc("2", "fr", "b", "Mot de passe oublié", "Vous avez oublié votre mot de passe."),
              SearchDoc("3", "fr", "c", "Sauvegardes", "Des sauvegardes testées; les fichiers sauvegardés.")});
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.visitor_lang = "fr";
  req.q = "hameconage";
  auto r = s.Search(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->suggestion, "hameçonnage");
  EXPECT_TRUE(r->corrected);
  EXPECT_FALSE(r->hits.empty());
  req.q = "oublié motz";
  r = s.Search(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->suggestion, "oublié mot") << "the typed word keeps its accent";
  req.q = "sauvegrades";
  EXPECT_EQ(s.Search(req)->suggestion, "sauvegardes") << "written plainly more often than \"sauvegardés\"";
  req.q = "Oublié";
  EXPECT_EQ(s.Search(req)->suggestion, "") << "a word that exists is not corrected";
}

// Issue #21: snippets come from the text as read, not the Markdown source.
TEST(SnippetTest, ArticleSnippetsShowNoMarkdownSyntax) {
  testing::TempDir dir;
  Resources res;
  model::Article a;
  a.id = 1;
  a.lang = "en";
  a.key = "cal";
  a.slug = "calendars";
  a.title = "Shared calendars";
  a.plain = markdown::RenderUnbounded("| Need | Tool |\n| --- | --- |\n| Calendar | Nextcloud Calendar |\n").plain;
  BuildIndex(dir, res, {kb::ArticleDocument(a)});
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "nextcloud";
  auto r = s.Search(req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_NE(r->hits[0].snippet_html.find("<mark>Nextcloud</mark> Calendar"), std::string::npos)
      << r->hits[0].snippet_html;
  EXPECT_EQ(r->hits[0].snippet_html.find("|"), std::string::npos) << r->hits[0].snippet_html;
  EXPECT_EQ(r->hits[0].snippet_html.find("---"), std::string::npos) << r->hits[0].snippet_html;
}

// The snippet is the densest window of matches, wherever it is in the text, opened a few words before its
// first match; "…" says that text was left out on either side.
TEST(SnippetTest, ShowsTheDensestWindowOfMatchesWithContext) {
  testing::TempDir dir;
  Resources res;
  std::string body;
  for (int i = 0; i < 60; ++i) body += "filler" + std::to_string(i) + " ";
  body += "one lone backup here. ";  // a single match early on
  for (int i = 60; i < 120; ++i) body += "filler" + std::to_string(i) + " ";
  body += "lead1 lead2 lead3 lead4 Backup and RESTORE: a backup you can restore. ";
  for (int i = 120; i < 180; ++i) body += "filler" + std::to_string(i) + " ";
  {
    auto rb = Rebuild::Begin(dir.path(), res, true);
    ASSERT_TRUE(rb.ok());
    ASSERT_TRUE((*rb)->Add(SearchDoc("1", "en", "long", "A long guide", body)).ok());
    ASSERT_TRUE((*rb)->Finish().ok());
  }
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "backup restore";
  req.visitor_lang = "en";
  auto r = s.Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].snippet_html,
            "… lead1 lead2 lead3 lead4 <mark>Backup</mark> and <mark>RESTORE</mark>: a <mark>backup</mark> you can "
            "<mark>restore</mark>. filler120 filler121 filler122 filler123 filler124 filler125 filler126 filler127 "
            "filler128 filler129 filler130 filler131 filler132 filler133 filler134 filler135 …");
  // A text with no word of the query (a title match): the summary.
  req.q = "guide";
  r = s.Search(req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].snippet_html, "Summary of A long guide");
}

TEST(IndexTest, NoIndexIsUnavailableNotACrash) {
  testing::TempDir dir;
  Resources res;
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "anything";
  auto r = s.Search(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::StatusCode::kUnavailable);
}

TEST(IndexTest, OneWriterAtATime) {
  testing::TempDir dir;
  Resources res;
  ASSERT_NO_FATAL_FAILURE(BuildIndex(dir, res, {SearchDoc("1", "en", "k", "First", "body")}));
  auto a = Indexer::Open(dir.path(), res);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = Indexer::Open(dir.path(), res);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), core::StatusCode::kUnavailable);
  auto c = Rebuild::Begin(dir.path(), res, false);
  EXPECT_FALSE(c.ok());
}

TEST(IndexTest, ARebuildWithSeveralBuildersHasEveryDocumentSynonymAndSpellingWord) {
  testing::TempDir dir;
  Resources res;
  res.synonyms = {{"courriel", "email"}, {"site web", "website"}};
  {
    // Four shards merged at Finish, each committed several times along the way (every 64 documents), each in
    // folders of 40 documents (about four a builder; 5,000 unless told).
    auto rb = Rebuild::Begin(dir.path(), res, true, 4, 40);
    ASSERT_TRUE(rb.ok()) << rb.status().ToString();
    for (int i = 0; i < 600; ++i) {
      std::string body = "unique" + std::to_string(i) + " common words";
      if (i % 50 == 7) body += " un courriel pour le site web, with encyclopedic words";
      ASSERT_TRUE((*rb)
                      ->Add(SearchDoc(std::to_string(i), i % 2 ? "en" : "fr", "k" + std::to_string(i),
                                      "Title " + std::to_string(i), body, "planning"))
                      .ok());
    }
    ASSERT_TRUE((*rb)->Finish().ok());
  }
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".shard-"), std::string::npos) << "shards are removed";
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.category = "planning";
  EXPECT_EQ(s.Search(req)->total, 600);
  req.category.clear();
  for (int i : {0, 1, 57, 123, 199, 333, 599}) {
    req.q = "unique" + std::to_string(i);
    EXPECT_EQ(s.Search(req)->total, 1) << req.q;
  }
  req.q = "email";  // synonyms were added to one shard; the documents are in all of them
  EXPECT_EQ(s.Search(req)->total, 12);
  req.q = "website";
  EXPECT_EQ(s.Search(req)->total, 12);
  req.q = "encyclopedik";  // spelling data merged from every shard
  EXPECT_EQ(s.Search(req)->suggestion, "encyclopedic");
}

TEST(IndexTest, PagesListEveryItemOnceInRankOrder) {
  testing::TempDir dir;
  Resources res;
  {
    auto rb = Rebuild::Begin(dir.path(), res, true, 2);
    for (int i = 0; i < 30; ++i) {
      // The same item in both languages; more "shared" words rank an item higher.
      std::string words;
      for (int w = 0; w <= i % 5; ++w) words += " shared";
      for (const char* lang : {"en", "fr"})
        ASSERT_TRUE((*rb)
                        ->Add(SearchDoc(std::to_string(i) + lang, lang, "item" + std::to_string(i),
                                        "Item " + std::to_string(i), "partage" + words + " filler text here"))
                        .ok());
    }
    ASSERT_TRUE((*rb)->Finish().ok());
  }
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "shared";
  req.visitor_lang = "fr";
  req.page_size = 7;
  std::set<std::string> keys;
  int last_score = 101;
  for (int page = 1; page <= 6; ++page) {
    req.page = page;
    auto r = s.Search(req);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->total, 30);
    EXPECT_EQ(r->pages, 5);
    EXPECT_EQ(r->hits.size(), page < 5 ? 7u : page == 5 ? 2u : 0u) << "page " << page;
    for (const auto& h : r->hits) {
      EXPECT_TRUE(keys.insert(h.key).second) << h.key << " listed twice";
      EXPECT_EQ(h.lang, "fr");
      EXPECT_LE(h.score, last_score);
      last_score = h.score;
    }
  }
  EXPECT_EQ(keys.size(), 30u);
}

TEST(IndexTest, TotalsAreExactUpToTheCountLimitAndEstimatedBeyond) {
  testing::TempDir dir;
  Resources res;
  const int kDocs = kExactCount * 3;
  {
    auto rb = Rebuild::Begin(dir.path(), res, true, 2);
    for (int i = 0; i < kDocs; ++i)
      ASSERT_TRUE(
          (*rb)
              ->Add(SearchDoc(std::to_string(i), "en", "k" + std::to_string(i), "Note " + std::to_string(i),
                              std::string(i % 10 == 0 ? "rare " : "") + "everywhere", i % 2 ? "planning" : "security"))
              .ok());
    ASSERT_TRUE((*rb)->Finish().ok());
  }
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "rare";  // 300 documents: counted one by one
  auto narrow = s.Search(req);
  ASSERT_TRUE(narrow.ok());
  EXPECT_FALSE(narrow->estimated);
  EXPECT_EQ(narrow->total, kDocs / 10);
  EXPECT_EQ(narrow->facets["category"]["security"], kDocs / 10);
  req.q = "everywhere";  // every document: more than are counted
  auto broad = s.Search(req);
  ASSERT_TRUE(broad.ok());
  EXPECT_TRUE(broad->estimated);
  EXPECT_NEAR(static_cast<double>(broad->total), kDocs, kDocs * 0.2);
  EXPECT_NEAR(static_cast<double>(broad->facets["category"]["planning"]), kDocs / 2, kDocs * 0.2);
  EXPECT_EQ(broad->hits.size(), 10u);
}

// Items in two languages, more documents than are counted one by one: the estimated total counts items
// (both versions once) because a rebuild keeps an item's versions side by side, whatever the number of
// builder threads, so the documents counted hold both versions as often as the rest. (Versions spread over
// the shards, the documents counted are mostly first versions and the total grows towards double.)
TEST(IndexTest, EstimatedTotalsCountItemsInBothLanguagesOnce) {
  testing::TempDir dir;
  Resources res;
  const int kItems = kExactCount * 3;
  {
    auto rb = Rebuild::Begin(dir.path(), res, true, 4);
    // An item's versions one after the other, as kb::RebuildIndex reads them (by key, then language).
    std::vector<int> items(kItems);
    for (int i = 0; i < kItems; ++i) items[i] = i;
    std::mt19937 random(7);
    std::shuffle(items.begin(), items.end(), random);
    for (int i : items)
      for (const char* lang : {"en", "fr"})
        ASSERT_TRUE(
            (*rb)
                ->Add(SearchDoc(std::to_string(i) + lang, lang, "k" + std::to_string(i), "Note " + std::to_string(i),
                                std::string("partout everywhere") + (i % 3 == 0 ? " english-only" : ""),
                                i % 2 ? "planning" : "security"))
                .ok());
    ASSERT_TRUE((*rb)->Finish().ok());
  }
  // The layout itself: each item's two versions have neighbouring docids.
  EXPECT_EQ(testing::VersionsFartherApartThan(StubPath(dir.path()), 1), 0);
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "partout";  // every item, in both languages: 6,000 documents, 3,000 items
  req.visitor_lang = "fr";
  auto all = s.Search(req);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->estimated);
  EXPECT_NEAR(static_cast<double>(all->total), kItems, kItems * 0.15);
  EXPECT_NEAR(static_cast<double>(all->facets["category"]["planning"]), kItems / 2, kItems * 0.1);
  EXPECT_NEAR(static_cast<double>(all->facets["lang"]["en"]), kItems, kItems * 0.15);  // languages count documents
  req.q = "english";  // "english-only" in both versions of a third of the items: 2,000 documents, 1,000 items
  auto third = s.Search(req);
  ASSERT_TRUE(third.ok());
  EXPECT_NEAR(static_cast<double>(third->total), kItems / 3, kItems / 3 * 0.15);
  req.q = "partout";
  req.lang = "en";  // one language: each item once anyway
  auto en = s.Search(req);
  ASSERT_TRUE(en.ok());
  EXPECT_NEAR(static_cast<double>(en->total), kItems, kItems * 0.15);
}

TEST(IndexTest, IncrementalUpdatesAndDeletesAreSeenBySearchers) {
  testing::TempDir dir;
  Resources res;
  ASSERT_NO_FATAL_FAILURE(BuildIndex(dir, res, {SearchDoc("1", "en", "k1", "Alpha", "first body")}));
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "bravo";
  EXPECT_EQ(s.Search(req)->total, 0);
  model::SearchRequest browse;  // facets follow every revision of the index
  browse.category = "security";
  EXPECT_EQ(s.Search(browse)->facets["tag"]["t"], 1);
  {
    auto ix = Indexer::Open(dir.path(), res);
    ASSERT_TRUE(ix.ok());
    ASSERT_TRUE((*ix)->Upsert(SearchDoc("2", "en", "k2", "Bravo", "second body")).ok());
    ASSERT_TRUE((*ix)->Upsert(SearchDoc("1", "en", "k1", "Alpha renamed", "first body")).ok());
    ASSERT_TRUE((*ix)->Commit().ok());
  }
  EXPECT_EQ(s.Search(req)->total, 1);
  req.q = "renamed";
  EXPECT_EQ(s.Search(req)->total, 1);
  EXPECT_EQ(s.Search(browse)->facets["tag"]["t"], 2);
  EXPECT_EQ(s.Search(browse)->facets["lang"]["en"], 2);
  {
    auto ix = Indexer::Open(dir.path(), res);
    ASSERT_TRUE((*ix)->Delete("article:2").ok());
    ASSERT_TRUE((*ix)->Commit().ok());
  }
  req.q = "bravo";
  EXPECT_EQ(s.Search(req)->total, 0);
  EXPECT_EQ(s.Search(browse)->facets["tag"]["t"], 1);
}

TEST(IndexTest, RebuildSwapsAtomicallyAndACrashedRebuildLeavesTheOldIndexServing) {
  testing::TempDir dir;
  Resources res;
  ASSERT_NO_FATAL_FAILURE(BuildIndex(dir, res, {SearchDoc("1", "en", "old", "Old index", "old words")}));
  Searcher s(dir.path(), res);
  model::SearchRequest req;
  req.q = "old";
  ASSERT_EQ(s.Search(req)->total, 1);
  {
    // A rebuild that dies before Finish (its object is destroyed, like a crash): the stub is untouched.
    auto rb = Rebuild::Begin(dir.path(), res, true);
    ASSERT_TRUE((*rb)->Add(SearchDoc("9", "en", "new", "New index", "new words")).ok());
  }
  EXPECT_EQ(s.Search(req)->total, 1);
  req.q = "new";
  EXPECT_EQ(s.Search(req)->total, 0);
  // What a real crash leaves behind: a half-written folder the stub does not name.
  std::filesystem::create_directories(dir.path() + "/xapian-7/junk");
  {
    auto rb = Rebuild::Begin(dir.path(), res, true);
    ASSERT_TRUE((*rb)->Add(SearchDoc("9", "en", "new", "New index", "new words")).ok());
    // While it builds, searches still answer from the old index.
    req.q = "old";
    EXPECT_EQ(s.Search(req)->total, 1);
    ASSERT_TRUE((*rb)->Finish().ok());
  }
  req.q = "new";
  EXPECT_EQ(s.Search(req)->total, 1);
  req.q = "old";
  EXPECT_EQ(s.Search(req)->total, 0);
  int folders = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("xapian-", 0) == 0) ++folders;
  EXPECT_EQ(folders, 1) << "old and abandoned folders are removed";
}

}  // namespace
}  // namespace entraide::search

// Fuzz target: a search query through kb::SearchService (what the pages and the API call), on a small index
// built once at start from a handful of articles in both languages with the project's synonyms and stop
// words (folding, the query parser with its operators and phrases, stemming, synonyms, spelling correction,
// widening to OR, facets, snippets, as-you-type suggestions). The first byte chooses the filters, the page
// and its size; the rest is the query. Invariants: no exception escapes; a query is refused only for invalid
// UTF-8 or its length, and then as invalid input (never as a failed search); results stay within the page
// asked for (clamped), in the language asked for, one per item; totals, pages and facets agree; snippets
// hold no markup but <mark>.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/strings.h"
#include "fuzz_util.h"
#include "kb/search_service.h"
#include "search/index.h"
#include "search/resources.h"
#include "search/searcher.h"
#include "test_util.h"

namespace entraide::fuzz {
namespace {

struct Index {
  testing::TempDir dir;
  std::unique_ptr<kb::SearchService> service;

  Index() {
    core::SetLogLevel(core::LogLevel::kOff);
    auto resources = search::LoadResources(testing::SourceDir() + "/search");
    FUZZ_CHECK(resources.ok());
    using testing::SearchDoc;
    const std::vector<search::Document> docs = {
        SearchDoc("1", "fr", "courriel", "Un courriel éthique pour l'organisme",
                  "Choisir un fournisseur de courriel éthique à Montréal. Le mot de passe doit être long.", "tools",
                  {"courriel", "hebergement"}),
        SearchDoc("2", "en", "courriel", "Ethical email for the organization",
                  "Choose an ethical email provider in Montreal. The password must be long.", "tools", {"email"}),
        SearchDoc("3", "en", "backups", "Backups that work",
                  "Test your backups: restore a file. Copy files offsite, three copies on two media, one away.",
                  "security", {"backup"}),
        SearchDoc("4", "fr", "backups", "Des sauvegardes qui fonctionnent",
                  "Testez vos sauvegardes : restaurez un fichier. « Trois copies », deux supports, une ailleurs.",
                  "security", {"sauvegarde"}),
        SearchDoc("5", "en", "passwords", "Password managers",
                  "A password manager keeps every passphrase safe. Use two-factor authentication (2FA).", "security",
                  {"password", "2fa"}),
        SearchDoc("6", "fr", "site", "Un site web simple",
                  "Votre site internet peut être simple, accessible et pas cher.", "web", {"site"}),
        SearchDoc("7", "en", "phrases", "Word order",
                  "the quick brown fox jumps over the lazy dog; brown quick is different", "planning", {}),
        SearchDoc("8", "fr", "réunions", "Réunions en ligne",
                  "Visioconférence libre : Jitsi, BigBlueButton. Ça marche.", "tools", {"visio"}),
    };
    auto rebuild = search::Rebuild::Begin(dir.path(), *resources, true, 1);
    FUZZ_CHECK(rebuild.ok());
    for (const auto& d : docs) FUZZ_CHECK((*rebuild)->Add(d).ok());
    FUZZ_CHECK((*rebuild)->Finish().ok());
    service = std::make_unique<kb::SearchService>(dir.path(), std::move(*resources));
  }
};

// Escaped text with <mark> and </mark> around matched words, nothing else.
void CheckSnippet(std::string_view html) {
  size_t pos = 0;
  for (;;) {
    size_t lt = html.find_first_of("<>", pos);
    if (lt == std::string_view::npos) return;
    FUZZ_CHECK(html[lt] == '<');
    std::string_view rest = html.substr(lt);
    FUZZ_CHECK(core::StartsWith(rest, "<mark>") || core::StartsWith(rest, "</mark>"));
    pos = html.find('>', lt) + 1;
  }
}

bool ValidQuery(std::string_view q) { return core::IsValidUtf8(q) && q.size() <= search::kMaxQueryBytes; }

}  // namespace
}  // namespace entraide::fuzz

extern "C" int FuzzSearch(const uint8_t* data, size_t size) {
  using namespace entraide;
  using namespace entraide::fuzz;
  static Index* index = new Index;
  if (size == 0) return 0;
  uint8_t flags = data[0];
  static const char* const kLangs[] = {"", "en", "fr", "de"};
  static const int kPages[] = {1, 2, 0, 1000};
  static const int kSizes[] = {10, 1, 0, 51};
  kb::SearchRequest req;
  req.q = std::string(AsText(data + 1, size - 1));
  req.lang = kLangs[flags & 3];
  req.visitor_lang = (flags & 4) ? "en" : "fr";
  req.page = kPages[(flags >> 3) & 3];
  req.page_size = kSizes[(flags >> 5) & 3];
  if (flags & 0x80) req.category = "security";

  auto result = index->service->Search(req);
  if (!ValidQuery(req.q)) {
    FUZZ_CHECK(!result.ok() && result.status().code() == core::StatusCode::kInvalidArgument);
  } else {
    FUZZ_CHECK(result.ok());
    int page_size = std::clamp(req.page_size, 1, 50);
    FUZZ_CHECK(result->hits.size() <= static_cast<size_t>(page_size));
    FUZZ_CHECK(result->total >= 0 && result->pages == (result->total + page_size - 1) / page_size);
    if (result->page == 1 && !result->estimated) FUZZ_CHECK(result->total >= static_cast<int64_t>(result->hits.size()));
    std::set<std::string> keys;
    for (const auto& hit : result->hits) {
      FUZZ_CHECK(keys.insert(hit.key).second);
      FUZZ_CHECK(hit.score >= 0 && hit.score <= 100);
      if (!req.lang.empty()) FUZZ_CHECK(hit.lang == req.lang);
      if (!req.category.empty()) FUZZ_CHECK(hit.category == req.category);
      CheckSnippet(hit.snippet_html);
    }
    // Facets count items (languages count documents: at most one an item per language).
    for (const auto& [facet, counts] : result->facets) {
      for (const auto& [name, count] : counts) {
        FUZZ_CHECK(count > 0);
        if (!result->estimated) FUZZ_CHECK(count <= (facet == "lang" ? 2 : 1) * result->total);
      }
    }
  }

  std::string suggest_lang = (flags & 4) ? "en" : "fr";
  auto suggestions = index->service->Suggest(req.q, suggest_lang, 1 + flags % 10);
  if (!ValidQuery(req.q)) {
    FUZZ_CHECK(!suggestions.ok() && suggestions.status().code() == core::StatusCode::kInvalidArgument);
  } else {
    FUZZ_CHECK(suggestions.ok());
    FUZZ_CHECK(suggestions->size() <= static_cast<size_t>(std::min(8, 1 + flags % 10)));
    for (const auto& hit : *suggestions) FUZZ_CHECK(hit.lang == suggest_lang);
  }
  return 0;
}

ENTRAIDE_FUZZ_TARGET(FuzzSearch)

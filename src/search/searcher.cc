#include "search/searcher.h"

#include <sys/stat.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <unordered_set>

#include "core/escape.h"
#include "core/log.h"
#include "core/strings.h"
#include "search/codec.h"
#include "search/document.h"
#include "search/facets.h"
#include "search/index.h"
#include "search/query_parsing.h"
#include "search/query_plan.h"
#include "search/snippets.h"
#include "search/text.h"

namespace entraide::search {
namespace {

model::SearchHit HitFrom(const Document& d, int score) {
  model::SearchHit h;
  h.kind = d.kind;
  h.lang = d.lang;
  h.key = d.key;
  h.slug = d.slug;
  h.title = d.title;
  h.summary = d.summary;
  h.category = d.category;
  h.url = d.url;
  h.updated = d.updated;
  h.tags = d.tags;
  h.score = score;
  return h;
}

}  // namespace

core::StatusOr<std::string> CleanQuery(const std::string& q) {
  if (!core::IsValidUtf8(q)) return core::InvalidArgument("the search text is not valid UTF-8");
  if (q.size() > kMaxQueryBytes)
    return core::InvalidArgument("the search text is longer than " + std::to_string(kMaxQueryBytes) + " characters");
  std::string out = q;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return std::string(core::Trim(out));
}

struct Searcher::Impl {
  std::string data_dir;
  const Resources& resources;
  QueryParsing parsing;

  std::mutex mu;
  struct Handle {
    Xapian::Database db;
    std::string target;
  };
  std::vector<std::unique_ptr<Handle>> free;
  std::string target;  // what the stub names now
  struct timespec stub_mtime {};
  // The facet table of the newest (folder, revision) a search has seen.
  std::mutex table_mu;
  std::shared_ptr<const FacetTable> table;
  std::string table_target;
  Xapian::rev table_rev = 0;
  std::atomic<bool> warmed{false};

  std::shared_ptr<const FacetTable> Facets(Handle& h) {
    Xapian::rev rev = h.db.get_revision();
    std::lock_guard<std::mutex> lock(table_mu);
    if (!table || table_target != h.target || table_rev != rev) {
      table = FacetTable::Read(h.db);
      table_target = h.target;
      table_rev = rev;
    }
    warmed = true;
    return table;
  }

  Impl(std::string dir, const Resources& r) : data_dir(std::move(dir)), resources(r), parsing(r) {}

  // The folder the stub names, re-read when the stub file changes.
  std::string CurrentTarget() {
    struct stat st {};
    if (::stat(StubPath(data_dir).c_str(), &st) != 0) return "";
    std::lock_guard<std::mutex> lock(mu);
    if (st.st_mtim.tv_sec != stub_mtime.tv_sec || st.st_mtim.tv_nsec != stub_mtime.tv_nsec || target.empty()) {
      std::ifstream in(StubPath(data_dir));
      std::string line, found;
      while (std::getline(in, line))
        if (core::StartsWith(line, "auto ")) found = std::string(core::Trim(line.substr(5)));
      target = found;
      stub_mtime = st.st_mtim;
    }
    return target;
  }

  core::StatusOr<std::unique_ptr<Handle>> Acquire() {
    std::string now = CurrentTarget();
    if (now.empty()) return core::Unavailable("the search index is being built; try again in a moment");
    std::unique_ptr<Handle> h;
    {
      std::lock_guard<std::mutex> lock(mu);
      while (!free.empty()) {
        auto candidate = std::move(free.back());
        free.pop_back();
        if (candidate->target == now) {
          h = std::move(candidate);
          break;
        }
      }
    }
    try {
      if (h) {
        h->db.reopen();
      } else {
        h = std::make_unique<Handle>();
        h->db = Xapian::Database(data_dir + "/" + now);
        h->target = now;
      }
    } catch (const Xapian::Error& e) {
      return core::Unavailable("search index: " + e.get_description());
    }
    return h;
  }

  void Release(std::unique_ptr<Handle> h) {
    std::lock_guard<std::mutex> lock(mu);
    if (free.size() < 64) free.push_back(std::move(h));
  }

  // `typed`: the cleaned query as typed (accents kept), for the "did you mean" sentence; `folded`: FoldQuery of it.
  core::StatusOr<model::SearchResult> Run(Handle& handle, const model::SearchRequest& req, const std::string& typed,
                                          const std::string& folded) {
    Xapian::Database& db = handle.db;
    model::SearchResult result;
    result.query = req.q;
    const Scope scope = ScopeOf(req);
    const QueryPlanner planner(parsing, db, scope);
    Xapian::Query query;
    bool browse = folded.empty();
    if (browse) {
      if (scope.filters.empty()) return result;  // nothing asked
      query = scope.Filter(Xapian::Query::MatchAll);
    } else {
      query = planner.Typed(folded);
      if (query.empty()) return result;
    }

    // Results are collapsed per item (an item has at most one document per language) by walking the ranked
    // documents with the facet table's keys, rather than by Xapian's collapse, which reads and compares the
    // key string of every match. The first n items are always among the first 2n documents.
    std::shared_ptr<const FacetTable> table = Facets(handle);
    auto distinct = [&](const Xapian::MSet& m, size_t skip, size_t take, auto&& each) {
      std::unordered_set<uint32_t> seen;
      size_t n = 0;
      for (auto it = m.begin(); it != m.end(); ++it) {
        Xapian::docid d = *it;
        uint32_t key = d < table->key.size() ? table->key[d] : 0;
        if (key != 0 && !seen.insert(key).second) continue;
        if (n++ < skip) continue;
        if (n > skip + take) break;
        each(it);
      }
      return n;
    };
    // How many items a query finds, up to about `enough`: cheap (no facets, no exact count). Used to decide
    // whether to widen or correct; only the query finally shown is run in full.
    auto at_least = [&](const Xapian::Query& q, Xapian::doccount enough) -> int64_t {
      Xapian::Enquire enq(db);
      enq.set_query(q);
      Xapian::MSet m = enq.get_mset(0, 2 * enough, 2 * enough);
      return static_cast<int64_t>(distinct(m, 0, enough, [](const Xapian::MSetIterator&) {}));
    };
    auto run = [&](const Xapian::Query& q, model::SearchResult& r) {
      Xapian::Enquire enq(db);
      enq.set_query(q);
      if (browse) enq.set_sort_by_value_then_relevance(kSlotUpdated, true);
      FacetSpy facets(*table);
      enq.add_matchspy(&facets);
      int page = std::clamp(req.page, 1, model::kMaxSearchPage);
      int size = std::clamp(req.page_size, 1, 50);
      // Up to kExactCount matching documents are counted one by one (checkatleast), so totals and facets are
      // exact for all but broad queries over a large library; beyond, counting every match would cost more
      // than the search itself, and the counts are scaled from the documents counted to Xapian's estimate.
      Xapian::MSet mset = enq.get_mset(0, static_cast<Xapian::doccount>(2 * page * size),
                                       static_cast<Xapian::doccount>(std::max(kExactCount, 2 * page * size)));
      double scale = 1;
      // (The spy saw fewer documents than match: for a single word, Xapian knows the exact number anyway.)
      // Items scale like documents because the index keeps the versions of an item side by side
      // (search::Rebuild): the documents counted, the first matches in docid order, hold both versions of
      // their items as often as the rest do.
      if (facets.docs() > 0 && (static_cast<Xapian::doccount>(facets.docs()) < mset.get_matches_lower_bound() ||
                                mset.get_matches_lower_bound() != mset.get_matches_upper_bound())) {
        scale = std::max(1.0, static_cast<double>(mset.get_matches_estimated()) / static_cast<double>(facets.docs()));
        r.estimated = scale > 1;
      }
      r.total = Scaled(facets.items(), scale);
      r.page = page;
      r.pages = static_cast<int>((r.total + size - 1) / size);
      r.facets = facets.Take(scale);
      SnippetTerms terms(q);
      distinct(
          mset, static_cast<size_t>((page - 1) * size), static_cast<size_t>(size), [&](const Xapian::MSetIterator& it) {
            Xapian::docid shown = req.lang.empty() ? VisitorVersion(*table, *it, req.visitor_lang) : *it;
            auto d = DecodeDocument(shown == *it ? it.get_document().get_data() : db.get_document(shown).get_data());
            if (!d) return;
            model::SearchHit h = HitFrom(*d, it.get_percent());
            h.snippet_html = browse ? core::HtmlEscape(d->summary) : Snippet(*d, terms);
            r.hits.push_back(std::move(h));
          });
    };
    if (browse) {
      run(query, result);
      return result;
    }

    // Which query to show (query_plan.h). The common case, a few words that find enough as typed, costs one
    // full run: its count decides. A natural question is widened whenever AND finds something, so only a
    // cheap probe of the AND query is made first.
    std::string correction = QueryParsing::Correct(db, typed);  // as people read it, accents kept
    int64_t and_found = 0;
    bool ran_query = false;
    if (!planner.IsQuestion(folded)) {
      run(query, result);
      ran_query = true;
      and_found = std::min<int64_t>(result.total, 4);  // exact: below 3, every match was counted
      if (and_found >= 3) {
        result.suggestion = correction;
        return result;
      }
    } else {
      and_found = at_least(query, 3);
    }
    ShownQuery shown = planner.Choose(query, folded, and_found, correction, at_least);
    // Run what is shown, unless it is the query already run in full above.
    if (!ran_query || !shown.typed) {
      result = model::SearchResult();
      result.query = req.q;
      run(shown.query, result);
    }
    result.used_or = shown.used_or;
    result.corrected = shown.corrected;
    result.suggestion = correction;
    return result;
  }
};

Searcher::Searcher(std::string data_dir, const Resources& resources)
    : impl_(new Impl(std::move(data_dir), resources)) {}
Searcher::~Searcher() = default;

core::StatusOr<model::SearchResult> Searcher::Search(const model::SearchRequest& req) {
  auto cleaned = CleanQuery(req.q);
  if (!cleaned.ok()) return cleaned.status();
  std::string folded = FoldQuery(*cleaned);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto h = impl_->Acquire();
    if (!h.ok()) return h.status();
    try {
      auto r = impl_->Run(**h, req, *cleaned, folded);
      impl_->Release(std::move(h).value());
      return r;
    } catch (const Xapian::DatabaseModifiedError&) {
      continue;  // the index changed under us: reopen and retry once
    } catch (const Xapian::Error& e) {
      core::LogError("search: " + e.get_description());
      return core::Unavailable("search failed; try again in a moment");
    }
  }
  return core::Unavailable("the search index is changing; try again in a moment");
}

core::Status Searcher::Warm() {
  auto h = impl_->Acquire();
  if (!h.ok()) return h.status();
  try {
    impl_->Facets(**h);
  } catch (const Xapian::Error& e) {
    return core::Unavailable("search index: " + e.get_description());
  }
  impl_->Release(std::move(h).value());
  return core::Status::Ok();
}

bool Searcher::Warmed() const { return impl_->warmed; }

core::StatusOr<std::vector<model::SearchHit>> Searcher::Suggest(const std::string& q, const std::string& lang,
                                                                int limit) {
  auto cleaned = CleanQuery(q);
  if (!cleaned.ok()) return cleaned.status();
  std::vector<model::SearchHit> out;
  std::string folded = FoldQuery(*cleaned);
  if (folded.empty()) return out;
  auto h = impl_->Acquire();
  if (!h.ok()) return h.status();
  try {
    Xapian::Database& db = (*h)->db;
    Xapian::QueryParser qp = impl_->parsing.Parser(db, lang);
    // Every word stemmed and folded like the titles were indexed ("mot" finds "Mots"), the last one also as
    // a prefix of a title word (FLAG_PARTIAL): what is being typed.
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    Xapian::Query title;
    try {
      title =
          qp.parse_query(folded, Xapian::QueryParser::FLAG_PARTIAL | Xapian::QueryParser::FLAG_DEFAULT, kPrefixTitle);
    } catch (const Xapian::QueryParserError&) {
      title = qp.parse_query(folded, 0, kPrefixTitle);
    }
    Xapian::Enquire enq(db);
    enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, title, Xapian::Query(kPrefixLang + lang)));
    enq.set_collapse_key(kSlotKey);
    Xapian::MSet m = enq.get_mset(0, static_cast<Xapian::doccount>(std::clamp(limit, 1, 8)));
    for (auto it = m.begin(); it != m.end(); ++it) {
      auto d = DecodeDocument(it.get_document().get_data());
      if (!d) continue;
      out.push_back(HitFrom(*d, it.get_percent()));
    }
  } catch (const Xapian::Error& e) {
    core::LogError("suggest: " + e.get_description());
    return core::Unavailable("suggestions are unavailable right now");
  }
  impl_->Release(std::move(h).value());
  return out;
}

}  // namespace entraide::search

#include "search/searcher.h"

#include <sys/stat.h>

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/escape.h"
#include "core/log.h"
#include "core/strings.h"
#include "search/codec.h"
#include "search/document.h"
#include "search/index.h"
#include "search/text.h"

namespace entraide::search {
namespace {

// An estimate from a count over part of the matches: at least 1, and 2 significant digits (no false precision).
int64_t Scaled(int64_t count, double scale) {
  if (scale <= 1.0) return count;
  double v = static_cast<double>(count) * scale;
  double unit = 1;
  while (v / unit >= 100) unit *= 10;
  return std::max<int64_t>(1, static_cast<int64_t>(std::llround(v / unit) * unit));
}

// What the facets need of every document, by docid, read once per index revision from Xapian's value streams:
// counting a match is then a few array lookups instead of five value reads and string comparisons (a query
// in the 10,000-document benchmark matches up to 6,000 documents). It also collapses results per item and
// finds an item's other language version without a query.
struct FacetTable {
  std::vector<uint32_t> key, category, lang, kind;  // by docid; ids into the names (0: none)
  std::vector<uint32_t> tags_begin;                  // by docid: its tags are tags[tags_begin[d], tags_begin[d+1])
  std::vector<uint32_t> tags;
  std::vector<std::string> key_names, category_names, lang_names, kind_names, tag_names;
  std::vector<std::vector<Xapian::docid>> docs_of_key;  // by key id: the item's documents (one per language)

  static std::shared_ptr<const FacetTable> Read(const Xapian::Database& db) {
    auto t = std::make_shared<FacetTable>();
    size_t size = static_cast<size_t>(db.get_lastdocid()) + 1;
    auto column = [&](Xapian::valueno slot, std::vector<uint32_t>& ids, std::vector<std::string>& names) {
      ids.assign(size, 0);
      names.assign(1, "");
      std::unordered_map<std::string, uint32_t> seen;
      for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
        auto [it, added] = seen.emplace(*v, static_cast<uint32_t>(names.size()));
        if (added) names.push_back(*v);
        if (v.get_docid() < size) ids[v.get_docid()] = it->second;
      }
    };
    column(kSlotKey, t->key, t->key_names);
    column(kSlotCategory, t->category, t->category_names);
    column(kSlotLang, t->lang, t->lang_names);
    column(kSlotKind, t->kind, t->kind_names);
    t->docs_of_key.resize(t->key_names.size());
    for (size_t d = 1; d < size; ++d)
      if (t->key[d] != 0) t->docs_of_key[t->key[d]].push_back(static_cast<Xapian::docid>(d));
    std::vector<std::vector<uint32_t>> by_doc(size);
    std::unordered_map<std::string, uint32_t> seen;
    t->tag_names.assign(1, "");
    for (auto v = db.valuestream_begin(kSlotTags); v != db.valuestream_end(kSlotTags); ++v) {
      if (v.get_docid() >= size) continue;
      for (const auto& tag : core::Split(*v, '\x1f', true)) {
        auto [it, added] = seen.emplace(tag, static_cast<uint32_t>(t->tag_names.size()));
        if (added) t->tag_names.push_back(tag);
        by_doc[v.get_docid()].push_back(it->second);
      }
    }
    t->tags_begin.reserve(size + 1);
    for (const auto& ids : by_doc) {
      t->tags_begin.push_back(static_cast<uint32_t>(t->tags.size()));
      t->tags.insert(t->tags.end(), ids.begin(), ids.end());
    }
    t->tags_begin.push_back(static_cast<uint32_t>(t->tags.size()));
    return t;
  }
};

// Facet counts over every matching document. An item in both languages is one result, so categories, tags
// and kinds count items (distinct collapse keys); languages count documents, which is what a language
// filter then shows.
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(const FacetTable& t)
      : t_(t), seen_(t.key_names.size()), category_(t.category_names.size()), lang_(t.lang_names.size()),
        kind_(t.kind_names.size()), tag_(t.tag_names.size()) {}

  void operator()(const Xapian::Document& doc, double) override {
    Xapian::docid d = doc.get_docid();
    if (d >= t_.key.size()) return;  // added after the table was read: cannot happen within one revision
    ++docs_;
    ++lang_[t_.lang[d]];
    uint32_t key = t_.key[d];
    if (key != 0) {
      if (seen_[key]) return;
      seen_[key] = true;
    }
    ++items_;
    ++category_[t_.category[d]];
    ++kind_[t_.kind[d]];
    for (uint32_t i = t_.tags_begin[d]; i < t_.tags_begin[d + 1]; ++i) ++tag_[t_.tags[i]];
  }
  int64_t items() const { return items_; }
  int64_t docs() const { return docs_; }
  // The counts, each multiplied by `scale` (1 when every match was counted; else matches / counted).
  std::map<std::string, std::map<std::string, int64_t>> Take(double scale) const {
    std::map<std::string, std::map<std::string, int64_t>> out;
    auto put = [&](const char* facet, const std::vector<int64_t>& counts, const std::vector<std::string>& names) {
      auto& f = out[facet];
      for (size_t i = 1; i < counts.size(); ++i)  // 0: documents without a value
        if (counts[i]) f[names[i]] = Scaled(counts[i], scale);
    };
    put("category", category_, t_.category_names);
    put("tag", tag_, t_.tag_names);
    put("lang", lang_, t_.lang_names);
    put("kind", kind_, t_.kind_names);
    return out;
  }

 private:
  const FacetTable& t_;
  std::vector<bool> seen_;
  int64_t items_ = 0, docs_ = 0;
  std::vector<int64_t> category_, lang_, kind_, tag_;
};

Hit HitFrom(const Document& d, int score) {
  Hit h;
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

const char* StemmerName(const std::string& lang) { return lang == "fr" ? "french" : "english"; }

}  // namespace

// The query as the parser should read it: accents off, every word in lower case except the operators (AND,
// OR, NOT, XOR). Xapian does not stem capitalised words ("Choose" would miss "choosing"), and case must never
// matter.
std::string FoldQuery(const std::string& cleaned) {
  std::string text = StripAccents(cleaned);
  std::string out;
  size_t pos = 0;
  for (const auto& w : WordSpans(text)) {
    out.append(text, pos, w.begin - pos);
    std::string_view word = std::string_view(text).substr(w.begin, w.end - w.begin);
    if (word == "AND" || word == "OR" || word == "NOT" || word == "XOR") out += word;
    else out += FoldForCompare(word);
    pos = w.end;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

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
  std::map<std::string, std::unique_ptr<Xapian::SimpleStopper>> stoppers;

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

  std::shared_ptr<const FacetTable> Facets(Handle& h) {
    Xapian::rev rev = h.db.get_revision();
    std::lock_guard<std::mutex> lock(table_mu);
    if (!table || table_target != h.target || table_rev != rev) {
      table = FacetTable::Read(h.db);
      table_target = h.target;
      table_rev = rev;
    }
    return table;
  }

  Impl(std::string dir, const Resources& r) : data_dir(std::move(dir)), resources(r) {
    for (const auto& [lang, words] : r.stopwords) {
      auto s = std::make_unique<Xapian::SimpleStopper>();
      for (const auto& w : words) s->add(w);
      stoppers[lang] = std::move(s);
    }
  }

  // The folder the stub names, re-read when the stub file changes.
  std::string CurrentTarget() {
    struct stat st{};
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

  Xapian::QueryParser Parser(Xapian::Database& db, const std::string& lang) {
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem(StemmerName(lang)));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    auto s = stoppers.find(lang);
    if (s != stoppers.end()) qp.set_stopper(s->second.get());
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.add_prefix("title", kPrefixTitle);
    return qp;
  }

  static constexpr unsigned kFlags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                                     Xapian::QueryParser::FLAG_LOVEHATE |
                                     Xapian::QueryParser::FLAG_AUTO_SYNONYMS;

  // One query per language, each filtered to its language's documents.
  // "Did you mean": each word that is not in the index at all is replaced by the closest indexed word
  // (Xapian's spelling data, from both languages). Words that exist are never "corrected".
  static std::string Correct(Xapian::Database& db, const std::string& folded) {
    std::string out;
    bool changed = false;
    size_t pos = 0;
    for (const auto& w : SplitWords(folded)) {
      out.append(folded, pos, w.begin - pos);
      std::string original = folded.substr(w.begin, w.end - w.begin);
      pos = w.end;
      bool is_operator = original == "OR" || original == "AND" || original == "NOT";
      if (is_operator || w.folded.size() < 3 || db.term_exists(w.folded)) {
        out += original;
        continue;
      }
      // Short words get one edit at most: "migrer" must not become "signer".
      unsigned max_edits = w.folded.size() < 7 ? 1 : 2;
      std::string suggestion = db.get_spelling_suggestion(w.folded, max_edits);
      if (suggestion.empty()) {
        out += original;
      } else {
        out += suggestion;
        changed = true;
      }
    }
    out.append(folded, pos, std::string::npos);
    return changed ? out : std::string();
  }

  // Words of the query that are not stop words in any of `langs` (operators excluded).
  int ContentWords(const std::string& folded, const std::vector<std::string>& langs) const {
    int n = 0;
    for (const auto& w : SplitWords(folded)) {
      bool stop = w.folded == "or" || w.folded == "and" || w.folded == "not";
      for (const auto& lang : langs) {
        auto it = resources.stopwords.find(lang);
        if (it != resources.stopwords.end() && it->second.count(w.folded)) stop = true;
      }
      if (!stop) ++n;
    }
    return n;
  }

  Xapian::Query ParseAll(Xapian::Database& db, const std::string& folded, const std::vector<std::string>& langs,
                         Xapian::Query::op default_op) {
    std::vector<Xapian::Query> parts;
    std::vector<std::string> part_langs;  // the language of each part
    for (const auto& lang : langs) {
      Xapian::QueryParser qp = Parser(db, lang);
      qp.set_default_op(default_op);
      Xapian::Query q, title;
      try {
        q = qp.parse_query(folded, kFlags);
      } catch (const Xapian::QueryParserError&) {
        // Unbalanced quotes or dangling operators: read the words plainly.
        q = qp.parse_query(folded, 0);
      }
      if (q.empty()) continue;
      // Words found in a title count more: BM25 saturates repeated terms, so the title is a field of its
      // own whose matches add weight to the documents the main query found.
      qp.set_default_op(Xapian::Query::OP_OR);
      try {
        title = qp.parse_query(folded, 0, kPrefixTitle);
      } catch (const Xapian::QueryParserError&) {
      }
      if (!title.empty())
        q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, title, 4.0));
      parts.push_back(q);
      part_langs.push_back(lang);
    }
    if (parts.empty()) return Xapian::Query();
    // Both languages read the words the same way (often: the same stems, no stop word among them): one query
    // over every document finds exactly what the two filtered ones would, with the same weights, and walks
    // each posting list once instead of twice (single words: 30 % less CPU). Every document is in English or
    // French. Not for phrases: the filter spares the position checks in the other language's documents
    // (which have a phrase's words through synonyms, without positions), and merged they cost 50 % more.
    if (parts.size() == 2) {
      std::string a = parts[0].get_description();
      if (a == parts[1].get_description() && a.find(" PHRASE ") == std::string::npos) return parts[0];
    }
    // (One language asked for: the caller filters by it, once; filtering twice also halves Xapian's estimate.)
    if (langs.size() == 1) return parts[0];
    for (size_t i = 0; i < parts.size(); ++i)
      parts[i] = Xapian::Query(Xapian::Query::OP_FILTER, parts[i], Xapian::Query(kPrefixLang + part_langs[i]));
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  }

  // The terms of a query, for snippets: computed once per search.
  struct SnippetTerms {
    std::unordered_set<std::string> terms;
    // The first 3 bytes (fewer for shorter words) of each word term and stem, packed with their length into
    // an integer: a text's words are first compared with these, and only those that start like a query term
    // are folded, stemmed and looked up. A handful of them: a linear scan beats any set.
    std::vector<uint32_t> prefixes;
    static uint32_t Pack(std::string_view lower) {
      uint32_t v = static_cast<uint32_t>(std::min<size_t>(lower.size(), 3)) << 24;
      for (size_t i = 0; i < lower.size() && i < 3; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(lower[i])) << (8 * i);
      return v;
    }
    bool StartsLikeATerm(uint32_t packed) const {
      return std::find(prefixes.begin(), prefixes.end(), packed) != prefixes.end();
    }
    explicit SnippetTerms(const Xapian::Query& query) {
      for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) terms.insert(*it);
      // Stems are (nearly always) prefixes of their words.
      for (const auto& t : terms) {
        std::string_view bare = !t.empty() && t[0] == 'Z' ? std::string_view(t).substr(1) : std::string_view(t);
        auto first = bare.empty() ? 0 : static_cast<unsigned char>(bare[0]);
        if (first >= 'A' && first <= 'Z') continue;  // prefixed boolean terms (L, K, XCAT...) never match words
        uint32_t p = Pack(bare);
        if (!StartsLikeATerm(p)) prefixes.push_back(p);
        // A word of 3 bytes or more starts with the stem's 3 bytes; a shorter stem is all of a short word.
      }
    }
  };

  static std::string Snippet(const Document& d, const SnippetTerms& q) {
    const auto& terms = q.terms;
    Xapian::Stem stem(StemmerName(d.lang));
    std::string_view text = d.body.empty() ? std::string_view(d.summary) : std::string_view(d.body);
    // The beginning of a long text is where a snippet is worth showing, and scanning is per word: bound it
    // (the index keeps no more than that of a body).
    if (text.size() > kSnippetTextBytes) {
      size_t cut = kSnippetTextBytes;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut);
    }
    // The words' spans and which of them match, in buffers each thread reuses (a body has about a thousand
    // words, a handful of hits). Most words are ASCII, whose folded form is their lower case; most start like
    // no query term and are never copied.
    struct Span {
      uint32_t begin, end;
    };
    thread_local std::vector<Span> words;
    thread_local std::vector<uint32_t> hits;  // indices into words, ascending
    words.clear();
    hits.clear();
    std::string w;
    ForEachWord(text, [&](size_t begin, size_t end) {
      auto index = static_cast<uint32_t>(words.size());
      words.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
      std::string_view raw = text.substr(begin, end - begin);
      bool ascii = true;
      for (char c : raw) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
      auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
      if (ascii) {
        char head[3];
        size_t n = std::min<size_t>(raw.size(), 3);
        for (size_t k = 0; k < n; ++k) head[k] = lower(raw[k]);
        if (!q.StartsLikeATerm(SnippetTerms::Pack(std::string_view(head, n)))) return;
        w.assign(raw);
        for (char& c : w) c = lower(c);
      } else {
        // Fold the first three characters only, to compare; the whole word when it starts like a term.
        size_t head = 0;
        for (int chars = 0; head < raw.size() && chars < 3; ++chars)
          do ++head; while (head < raw.size() && (static_cast<unsigned char>(raw[head]) & 0xC0) == 0x80);
        if (!q.StartsLikeATerm(SnippetTerms::Pack(FoldForCompare(raw.substr(0, head))))) return;
        w = FoldForCompare(raw);
        if (!q.StartsLikeATerm(SnippetTerms::Pack(w))) return;
      }
      if (terms.count(w) || terms.count("Z" + stem(w))) hits.push_back(index);
    });
    if (words.empty()) return core::HtmlEscape(d.summary);
    // The window of kWindow words with the most hits (the first such), found over the hits alone.
    const size_t kWindow = 28;
    size_t best = 0, best_count = 0;
    for (size_t first = 0, last = 0; last < hits.size(); ++last) {
      while (hits[last] - hits[first] >= kWindow) ++first;
      if (last - first + 1 > best_count) {
        best_count = last - first + 1;
        best = hits[first];
      }
    }
    if (best_count == 0) {
      // No body word matched (a title or synonym match): the summary says best what it is about.
      if (!d.summary.empty()) return core::HtmlEscape(d.summary);
    } else {
      // Start a few words before the window's first match, so the match reads in context.
      best = best > 4 ? best - 4 : 0;
    }
    auto is_hit = [next = hits.begin()](size_t i) mutable {
      while (next != hits.end() && *next < i) ++next;
      return next != hits.end() && *next == i;
    };
    size_t end_word = std::min(words.size(), best + kWindow);
    std::string out;
    if (best > 0) out += "… ";
    size_t pos = words[best].begin;
    for (size_t i = best; i < end_word; ++i) {
      core::AppendHtmlEscaped(out, text.substr(pos, words[i].begin - pos));
      std::string_view word = text.substr(words[i].begin, words[i].end - words[i].begin);
      bool hit = is_hit(i);
      if (hit) out += "<mark>";
      core::AppendHtmlEscaped(out, word);
      if (hit) out += "</mark>";
      pos = words[i].end;
    }
    if (end_word < words.size()) out += " …";
    return core::ReplaceAll(out, "\n", " ");
  }

  // The document to show for a hit: the visitor's version of the item when the hit is in another language
  // and that version exists (found in the facet table, so only the document shown is read), else the hit.
  static Xapian::docid VisitorVersion(const FacetTable& t, Xapian::docid hit, const std::string& visitor) {
    if (hit >= t.key.size() || t.key[hit] == 0 || t.lang_names[t.lang[hit]] == visitor) return hit;
    for (Xapian::docid d : t.docs_of_key[t.key[hit]])
      if (d != hit && t.lang_names[t.lang[d]] == visitor) return d;
    return hit;
  }

  core::StatusOr<SearchResult> Run(Handle& handle, const SearchRequest& req, const std::string& folded) {
    Xapian::Database& db = handle.db;
    SearchResult result;
    result.query = req.q;
    std::vector<std::string> langs;
    if (req.lang.empty()) langs = {"en", "fr"};
    else langs = {req.lang};

    std::vector<Xapian::Query> filters;
    if (!req.category.empty()) filters.emplace_back(kPrefixCategory + req.category);
    if (!req.tag.empty()) filters.emplace_back(kPrefixTag + req.tag);
    if (!req.kind.empty()) filters.emplace_back(kPrefixKind + req.kind);
    if (!req.lang.empty()) filters.emplace_back(kPrefixLang + req.lang);
    auto apply_filters = [&](Xapian::Query q) {
      for (const auto& f : filters) q = Xapian::Query(Xapian::Query::OP_FILTER, q, f);
      return q;
    };

    Xapian::Query query;
    bool browse = folded.empty();
    if (browse) {
      if (filters.empty()) return result;  // nothing asked
      query = apply_filters(Xapian::Query::MatchAll);
    } else {
      query = ParseAll(db, folded, langs, Xapian::Query::OP_AND);
      if (query.empty()) return result;
      query = apply_filters(query);
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
    auto run = [&](const Xapian::Query& q, SearchResult& r) {
      Xapian::Enquire enq(db);
      enq.set_query(q);
      if (browse) enq.set_sort_by_value_then_relevance(kSlotUpdated, true);
      FacetSpy facets(*table);
      enq.add_matchspy(&facets);
      int page = std::clamp(req.page, 1, kMaxPage);
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
      distinct(mset, static_cast<size_t>((page - 1) * size), static_cast<size_t>(size),
               [&](const Xapian::MSetIterator& it) {
                 Xapian::docid shown = req.lang.empty() ? VisitorVersion(*table, *it, req.visitor_lang) : *it;
                 auto d = DecodeDocument(shown == *it ? it.get_document().get_data()
                                                      : db.get_document(shown).get_data());
                 if (!d) return;
                 Hit h = HitFrom(*d, it.get_percent());
                 h.snippet_html = browse ? core::HtmlEscape(d->summary) : Snippet(*d, terms);
                 r.hits.push_back(std::move(h));
               });
    };
    if (browse) {
      run(query, result);
      return result;
    }

    // Decide which query to show: the words as typed (AND); widened to OR when AND finds fewer than three
    // items or the query is a natural question; the corrected words when the typed ones find too little.
    auto widened = [&](const std::string& text) {
      Xapian::Query all = ParseAll(db, text, langs, Xapian::Query::OP_AND);
      Xapian::Query any = ParseAll(db, text, langs, Xapian::Query::OP_OR);
      if (any.empty()) return all;
      if (all.empty()) return any;
      // Documents with all the words still rank first.
      return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, all, 2.0), any);
    };
    // The common case, a few words that find enough as typed, costs one full run: its count decides.
    // A natural question (more than three words that are not stop words) is widened whenever AND finds
    // something, so only a cheap probe of the AND query is made first.
    const bool question = ContentWords(folded, langs) > 3;
    std::string correction = Correct(db, folded);
    int64_t and_found = 0;
    bool ran_query = false;
    if (!question) {
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
    Xapian::Query shown = query;
    bool used_or = false, corrected = false, shown_is_query = true;
    {
      // (The widened query finds every item AND finds, and more unless they are the same.)
      Xapian::Query w = apply_filters(widened(folded));
      if (!w.empty() && (and_found >= 4 || at_least(w, 4) > and_found)) {
        shown = w;
        shown_is_query = false;
        used_or = and_found == 0;
      }
    }
    if (!correction.empty() && and_found < 3) {
      Xapian::Query fixed = ParseAll(db, correction, langs, Xapian::Query::OP_AND);
      if (!fixed.empty()) {
        fixed = apply_filters(fixed);
        int64_t fixed_found = at_least(fixed, 3);
        if (fixed_found < 3) {
          Xapian::Query fw = apply_filters(widened(correction));
          if (!fw.empty()) {
            fixed = fw;
            fixed_found = at_least(fw, 4);
          }
        }
        int64_t shown_found = at_least(shown, 4);
        if (fixed_found > 0 && (fixed_found >= shown_found || and_found == 0)) {
          shown = fixed;
          shown_is_query = false;
          corrected = true;
          used_or = false;
        }
      }
    }
    // Run what is shown, unless it is the query already run in full above.
    if (!ran_query || !shown_is_query) {
      result = SearchResult();
      result.query = req.q;
      run(shown, result);
    }
    result.used_or = used_or;
    result.corrected = corrected;
    result.suggestion = correction;
    return result;
  }
};


Searcher::Searcher(std::string data_dir, const Resources& resources)
    : impl_(new Impl(std::move(data_dir), resources)) {}
Searcher::~Searcher() = default;

core::StatusOr<SearchResult> Searcher::Search(const SearchRequest& req) {
  auto cleaned = CleanQuery(req.q);
  if (!cleaned.ok()) return cleaned.status();
  std::string folded = FoldQuery(*cleaned);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto h = impl_->Acquire();
    if (!h.ok()) return h.status();
    try {
      auto r = impl_->Run(**h, req, folded);
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

core::StatusOr<std::vector<Hit>> Searcher::Suggest(const std::string& q, const std::string& lang, int limit) {
  auto cleaned = CleanQuery(q);
  if (!cleaned.ok()) return cleaned.status();
  std::vector<Hit> out;
  std::string folded = FoldQuery(*cleaned);
  if (folded.empty()) return out;
  auto h = impl_->Acquire();
  if (!h.ok()) return h.status();
  try {
    Xapian::Database& db = (*h)->db;
    Xapian::QueryParser qp = impl_->Parser(db, lang);
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
    Xapian::Query title;
    try {
      title = qp.parse_query(folded, Xapian::QueryParser::FLAG_PARTIAL | Xapian::QueryParser::FLAG_DEFAULT,
                             kPrefixTitle);
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

#include "search/query_parsing.h"

#include "search/document.h"
#include "search/snippets.h"
#include "search/text.h"

namespace entraide::search {

std::string FoldQuery(const std::string& cleaned) {
  std::string text = StripAccents(cleaned);
  std::string out;
  size_t pos = 0;
  for (const auto& w : WordSpans(text)) {
    out.append(text, pos, w.begin - pos);
    std::string_view word = std::string_view(text).substr(w.begin, w.end - w.begin);
    if (word == "AND" || word == "OR" || word == "NOT" || word == "XOR")
      out += word;
    else
      out += FoldForCompare(word);
    pos = w.end;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

QueryParsing::QueryParsing(const Resources& resources)
    : resources_(resources), every_stopper_(std::make_unique<Xapian::SimpleStopper>()) {
  for (const auto& [lang, words] : resources.stopwords) {
    auto s = std::make_unique<Xapian::SimpleStopper>();
    for (const auto& w : words) {
      s->add(w);
      every_stopper_->add(w);
    }
    stoppers_[lang] = std::move(s);
  }
}

Xapian::QueryParser QueryParsing::Parser(Xapian::Database& db, const std::string& lang, bool every_stop_word) const {
  Xapian::QueryParser qp;
  qp.set_database(db);
  qp.set_stemmer(Xapian::Stem(StemmerName(lang)));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  auto s = stoppers_.find(lang);
  if (every_stop_word)
    qp.set_stopper(every_stopper_.get());
  else if (s != stoppers_.end())
    qp.set_stopper(s->second.get());
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.add_prefix("title", kPrefixTitle);
  return qp;
}

// No FLAG_AUTO_SYNONYMS: the index holds every member of a synonym group where one is written (index.cc), so the
// query finds the same documents without Xapian's SYNONYM operator, which merges every member's posting list (at
// 100,000 documents "phishing email" cost 14 ms with it, 4 without; relevance test: MRR 0.865 with, 0.868 without).
constexpr unsigned kFlags =
    Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_LOVEHATE;

// One query per language, each filtered to its language's documents.
// "Did you mean": each word that is not in the index at all is replaced by the closest indexed word
// (Xapian's spelling data, from both languages). Words that exist are never "corrected".
std::string QueryParsing::Correct(Xapian::Database& db, const std::string& typed) {
  std::string out;
  bool changed = false;
  size_t pos = 0;
  for (const auto& w : SplitWords(typed)) {
    out.append(typed, pos, w.begin - pos);
    std::string original = typed.substr(w.begin, w.end - w.begin);
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
      out += SurfaceForm(db, suggestion);
      changed = true;
    }
  }
  out.append(typed, pos, std::string::npos);
  return changed ? out : std::string();
}

std::string QueryParsing::SurfaceForm(Xapian::Database& db, const std::string& folded) {
  std::string prefix = SurfaceTermPrefix(folded);
  std::string best = folded;
  Xapian::termcount best_freq = 0, accented = 0;
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    Xapian::termcount freq = db.get_collection_freq(*t);
    accented += freq;
    if (freq > best_freq) {
      best_freq = freq;
      best = (*t).substr(prefix.size());
    }
  }
  // The surface terms carry the weights the words were indexed with: what the folded term counts beyond them
  // was written without accents ("sauvegardes" more often than "sauvegardés"). (Synonyms add a little to it.)
  Xapian::termcount all = db.get_collection_freq(folded);
  if (all > accented && all - accented >= best_freq) return folded;
  return best;
}

// Words of the query that are not stop words in any of `langs` (operators excluded).
int QueryParsing::ContentWords(const std::string& folded, const std::vector<std::string>& langs) const {
  int n = 0;
  for (const auto& w : SplitWords(folded)) {
    bool stop = w.folded == "or" || w.folded == "and" || w.folded == "not";
    for (const auto& lang : langs) {
      auto it = resources_.stopwords.find(lang);
      if (it != resources_.stopwords.end() && it->second.count(w.folded)) stop = true;
    }
    if (!stop) ++n;
  }
  return n;
}

Xapian::Query QueryParsing::ParseAll(Xapian::Database& db, const std::string& folded,
                                     const std::vector<std::string>& langs, Xapian::Query::op default_op) const {
  struct Reading {
    std::string lang;
    Xapian::Query main, title;  // title: empty when no word is left for it
  };
  std::vector<Reading> readings;
  // Read for both languages, a word that is a stop word in either is left out of both: "que", "notre", "si" of a
  // French question are not English stop words, and in the English reading their posting lists (every French
  // document) were walked only to be filtered out (a French question at 100,000 documents: 33 ms, then 16 ms).
  // Phrases keep their stop words (Xapian's parser keeps them between quotes).
  bool every_stop_word = langs.size() > 1;
  for (const auto& lang : langs) {
    Xapian::QueryParser qp = Parser(db, lang, every_stop_word);
    qp.set_default_op(default_op);
    Reading r{lang, {}, {}};
    try {
      r.main = qp.parse_query(folded, kFlags);
    } catch (const Xapian::QueryParserError&) {
      // Unbalanced quotes or dangling operators: read the words plainly.
      r.main = qp.parse_query(folded, 0);
    }
    if (r.main.empty()) continue;
    // Words found in a title count more: BM25 saturates repeated terms, so the title is a field of its
    // own whose matches add weight to the documents the main query found.
    qp.set_default_op(Xapian::Query::OP_OR);
    try {
      r.title = qp.parse_query(folded, 0, kPrefixTitle);
    } catch (const Xapian::QueryParserError&) {
    }
    if (!r.title.empty()) r.title = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, r.title, 4.0);
    readings.push_back(std::move(r));
  }
  if (readings.empty()) return Xapian::Query();
  auto with_title = [](const Xapian::Query& main, const Xapian::Query& title) {
    return title.empty() ? main : Xapian::Query(Xapian::Query::OP_AND_MAYBE, main, title);
  };
  // (One language asked for: the caller filters by it, once; filtering twice also halves Xapian's estimate.)
  if (readings.size() == 1) return with_title(readings[0].main, readings[0].title);
  auto filtered = [](const Xapian::Query& q, const std::string& lang) {
    return Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(kPrefixLang + lang));
  };
  // Both languages read the words the same way (often: the same stems, no stop word among them): one query
  // over every document finds exactly what the two filtered ones would, with the same weights, and walks
  // each posting list once instead of twice (single words: 30 % less CPU). Every document is in English or
  // French. Phrases too: filtered, the reading of a language where the phrase is rare ("site web" in English)
  // checks the positions of every document with both words and finds a handful, with nothing to stop it early
  // (at 100,000 documents "site web" took 26 ms filtered, 7 ms merged; at 10,000, merged cost 50 % more).
  // The title readings may still differ (the stems of "site" are "site" and "sit"): each adds its weight to its
  // language's documents, which is what the filtered queries did.
  if (readings[0].main.get_description() == readings[1].main.get_description()) {
    const Xapian::Query& a = readings[0].title;
    const Xapian::Query& b = readings[1].title;
    if (a.empty() || b.empty() || a.get_description() == b.get_description())
      return with_title(readings[0].main, a.empty() ? b : a);
    return with_title(readings[0].main, Xapian::Query(Xapian::Query::OP_OR, filtered(a, readings[0].lang),
                                                      filtered(b, readings[1].lang)));
  }
  std::vector<Xapian::Query> parts;
  for (const auto& r : readings) parts.push_back(filtered(with_title(r.main, r.title), r.lang));
  return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

}  // namespace entraide::search

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

QueryParsing::QueryParsing(const Resources& resources) : resources_(resources) {
  for (const auto& [lang, words] : resources.stopwords) {
    auto s = std::make_unique<Xapian::SimpleStopper>();
    for (const auto& w : words) s->add(w);
    stoppers_[lang] = std::move(s);
  }
}

Xapian::QueryParser QueryParsing::Parser(Xapian::Database& db, const std::string& lang) const {
  Xapian::QueryParser qp;
  qp.set_database(db);
  qp.set_stemmer(Xapian::Stem(StemmerName(lang)));
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  auto s = stoppers_.find(lang);
  if (s != stoppers_.end()) qp.set_stopper(s->second.get());
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.add_prefix("title", kPrefixTitle);
  return qp;
}

constexpr unsigned kFlags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                            Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_AUTO_SYNONYMS;

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

}  // namespace entraide::search

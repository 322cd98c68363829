// Planning a search (search/ only): which languages a query is parsed for and which filters apply (Scope), and
// which query the results come from (QueryPlanner::Choose): the words as typed (AND), widened to OR (all-words
// documents still first) when AND finds fewer than three items or the query is a natural question, or the
// spelling-corrected words when the typed ones find too little. Counting what a query finds is the caller's
// (searcher.cc walks the ranked documents per item), given as a function. Thread-safe for distinct planners;
// a planner borrows one Xapian::Database handle for one search.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/search.h"
#include "search/query_parsing.h"

namespace entraide::search {

// The languages a request's words are parsed for, and its boolean filters.
struct Scope {
  std::vector<std::string> langs;      // the request's language, or both (en, fr)
  std::vector<Xapian::Query> filters;  // category, tag, kind, language: those the request names
  // `q` restricted by every filter.
  Xapian::Query Filter(Xapian::Query q) const;
};
Scope ScopeOf(const model::SearchRequest& req);

// The query whose results are shown, and how it came to be.
struct ShownQuery {
  Xapian::Query query;
  bool typed = true;       // the typed words with AND, as given to Choose (already run by the caller)
  bool used_or = false;    // widened to OR because AND found nothing
  bool corrected = false;  // the spelling-corrected words
};

// How many items `q` finds, up to about `enough`: cheap (no facets, no exact count).
using CountItems = std::function<int64_t(const Xapian::Query& q, Xapian::doccount enough)>;

class QueryPlanner {
 public:
  QueryPlanner(const QueryParsing& parsing, Xapian::Database& db, const Scope& scope)
      : parsing_(parsing), db_(db), scope_(scope) {}

  // The words as typed (`folded`: FoldQuery of them), AND, filtered; empty when no word is left.
  Xapian::Query Typed(const std::string& folded) const;
  // A natural question: more than three words that are not stop words. It is widened whenever AND finds
  // something, so only a cheap count of the AND query is made first.
  bool IsQuestion(const std::string& folded) const;
  // Which query to show, once the typed one found `and_found` items (counted up to 4, exact below 3): widened
  // when that finds more, or always for four or more (a question); the corrected words (`correction`, "" when
  // none; AND, widened when it finds fewer than three) when the typed ones found fewer than three and the
  // correction finds at least as much, or the typed words found nothing.
  ShownQuery Choose(const Xapian::Query& typed, const std::string& folded, int64_t and_found,
                    const std::string& correction, const CountItems& count) const;

 private:
  // Documents with any of the words, those with all of them first; not filtered.
  Xapian::Query Widened(const std::string& folded) const;

  const QueryParsing& parsing_;
  Xapian::Database& db_;
  const Scope& scope_;
};

}  // namespace entraide::search

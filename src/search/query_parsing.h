// Reading a query (search/ only): Xapian's parser set up per language (stemmer, stop words, the title
// field), the query parsed for every language asked for, each part filtered to its language, the "did you
// mean" correction and the count of content words that makes a query a natural question. Thread-safe once
// built (const methods; each call makes its own QueryParser).
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search/resources.h"

namespace entraide::search {

// The query as the parser should read it: accents off, every word in lower case except the operators (AND,
// OR, NOT, XOR). Xapian does not stem capitalised words ("Choose" would miss "choosing"), and case must never
// matter.
std::string FoldQuery(const std::string& cleaned);

class QueryParsing {
 public:
  explicit QueryParsing(const Resources& resources);

  // A parser for `lang`'s documents: its stemmer and stop words, AND by default, `title:` for the title field.
  // `every_stop_word`: the stop words of every language (a query read for both languages, see ParseAll).
  Xapian::QueryParser Parser(Xapian::Database& db, const std::string& lang, bool every_stop_word = false) const;
  // One query per language in `langs`, each filtered to that language's documents (merged when they read the
  // words the same way); title matches add weight. Empty when no word is left.
  Xapian::Query ParseAll(Xapian::Database& db, const std::string& folded, const std::vector<std::string>& langs,
                         Xapian::Query::op default_op) const;
  // "Did you mean": each word of `typed` (the query as typed, accents kept) that is not in the index at all
  // replaced by the closest indexed word, written in its most frequent form in the indexed text (accents and
  // all: "hameconage" -> "hameçonnage"); the other words stay as typed. "" when nothing changed.
  static std::string Correct(Xapian::Database& db, const std::string& typed);
  // The most frequent way `folded` (an indexed word) is written in the indexed text, in lower case with its
  // accents; `folded` itself when it is written without accents at least as often.
  static std::string SurfaceForm(Xapian::Database& db, const std::string& folded);
  // Words of the query that are not stop words in any of `langs` (operators excluded).
  int ContentWords(const std::string& folded, const std::vector<std::string>& langs) const;

 private:
  const Resources& resources_;
  std::map<std::string, std::unique_ptr<Xapian::SimpleStopper>> stoppers_;
  std::unique_ptr<Xapian::SimpleStopper> every_stopper_;  // the stop words of every language
};

}  // namespace entraide::search

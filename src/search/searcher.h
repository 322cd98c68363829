// Searcher: answers queries against the live index. Thread-safe: it keeps a pool of Xapian::Database
// handles (one per concurrent search), reopens them when the index changed (a commit, or a rebuild swapped
// in), and retries once on DatabaseModifiedError.
//
// Queries are folded (accents removed) like the index, parsed once per language with that language's
// stemmer and filtered to that language's documents, so English and French stems never mix. Default AND;
// widened to OR (all-words documents still first) when AND finds fewer than three items or the query is a
// natural question (more than three content words); the spelling-corrected words are shown instead when the
// typed ones find too little. Results are collapsed per item: an article in both languages appears once, in
// the visitor's language when that version exists. search/README.md walks through a query step by step.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "search/resources.h"

namespace entraide::search {

inline constexpr size_t kMaxQueryBytes = 500;
inline constexpr int kExactCount = 1000;  // documents counted one by one; beyond, totals are estimated
inline constexpr int kMaxPage = 1000;     // the highest page the searcher reads (the API refuses higher ones)

struct SearchRequest {
  std::string q;
  std::string visitor_lang = "fr";  // whose version of an item to show
  std::string lang;                 // filter: "", "en" or "fr"
  std::string category, tag, kind;  // filters
  int page = 1;
  int page_size = 10;
};

struct Hit {
  std::string kind, lang, key, slug, title, summary, category, url, updated;
  std::vector<std::string> tags;
  std::string snippet_html;  // escaped text with <mark> around matched words
  int score = 0;             // percent
};

struct SearchResult {
  std::string query;
  int64_t total = 0;       // matching items (translations once); exact up to kExactCount documents
  bool estimated = false;  // more documents matched than were counted: total and facets are scaled estimates
  std::string suggestion;  // "did you mean", or ""
  bool used_or = false;    // AND found nothing, these are OR results
  bool corrected = false;  // nothing matched the words as typed: these are the results for `suggestion`
  std::map<std::string, std::map<std::string, int64_t>> facets;  // category, tag, lang, kind
  std::vector<Hit> hits;
  int page = 1, pages = 0;
};

class Searcher {
 public:
  Searcher(std::string data_dir, const Resources& resources);
  ~Searcher();

  // kInvalidArgument (with a message for people) for a query that is too long or not UTF-8;
  // kUnavailable when there is no index yet.
  core::StatusOr<SearchResult> Search(const SearchRequest& request);
  // Up to `limit` titles whose words start with what was typed (as-you-type), in `lang`.
  core::StatusOr<std::vector<Hit>> Suggest(const std::string& q, const std::string& lang, int limit = 8);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Cleans a query: kInvalidArgument for invalid UTF-8 or more than kMaxQueryBytes; control characters become
// spaces; the result is trimmed.
core::StatusOr<std::string> CleanQuery(const std::string& q);

}  // namespace entraide::search

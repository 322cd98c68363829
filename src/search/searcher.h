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
#include "model/search.h"
#include "search/resources.h"

namespace entraide::search {

inline constexpr size_t kMaxQueryBytes = 500;
inline constexpr int kExactCount = 1000;  // documents counted one by one; beyond, totals are estimated

class Searcher {
 public:
  Searcher(std::string data_dir, const Resources& resources);
  ~Searcher();

  // kInvalidArgument (with a message for people) for a query that is too long or not UTF-8;
  // kUnavailable when there is no index yet.
  core::StatusOr<model::SearchResult> Search(const model::SearchRequest& request);
  // Opens the index and reads what every search needs (the facet table) ahead of the first search, which would
  // otherwise pay for it (about a second at 100,000 documents). serve calls it in the background at start.
  core::Status Warm();
  // True once Warm or a search has read the index.
  bool Warmed() const;
  // Up to `limit` titles whose words start with what was typed (as-you-type), in `lang`.
  core::StatusOr<std::vector<model::SearchHit>> Suggest(const std::string& q, const std::string& lang, int limit = 8);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Cleans a query: kInvalidArgument for invalid UTF-8 or more than kMaxQueryBytes; control characters become
// spaces; the result is trimmed.
core::StatusOr<std::string> CleanQuery(const std::string& q);

}  // namespace entraide::search

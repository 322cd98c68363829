// A search as asked (words, filters, page) and as answered (hits, totals, facets, the "did you mean").
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace entraide::model {

inline constexpr int kMaxSearchPage = 1000;  // the highest page the searcher reads (the API refuses higher ones)

struct SearchRequest {
  std::string q;
  std::string visitor_lang = "fr";  // whose version of an item to show
  std::string lang;                 // filter: "", "en" or "fr"
  std::string category, tag, kind;  // filters
  int page = 1;
  int page_size = 10;
};

struct SearchHit {
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
  std::vector<SearchHit> hits;
  int page = 1, pages = 0;
};

}  // namespace entraide::model

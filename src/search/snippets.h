// Snippets of search results (search/ only): the query's terms gathered once per search, and the window of a
// document's text with the most matching words, HTML-escaped with the matches in <mark>.
#pragma once

#include <xapian.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "search/document.h"

namespace entraide::search {

// The terms of a query, for snippets: computed once per search.
struct SnippetTerms {
  std::unordered_set<std::string> terms;
  // The first 3 bytes (fewer for shorter words) of each word term and stem, packed with their length into
  // an integer: a text's words are first compared with these, and only those that start like a query term
  // are folded, stemmed and looked up. A handful of them: a linear scan beats any set.
  std::vector<uint32_t> prefixes;
  static uint32_t Pack(std::string_view lower) {
    uint32_t v = static_cast<uint32_t>(std::min<size_t>(lower.size(), 3)) << 24;
    for (size_t i = 0; i < lower.size() && i < 3; ++i)
      v |= static_cast<uint32_t>(static_cast<unsigned char>(lower[i])) << (8 * i);
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

// The snippet of `d` for the terms `q`: escaped text, matches in <mark>; the summary when no body word matches.
std::string Snippet(const Document& d, const SnippetTerms& q);

// The name of the Snowball stemmer of a language ("fr" or "en").
const char* StemmerName(const std::string& lang);

}  // namespace entraide::search

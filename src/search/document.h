// What gets indexed: one searchable item (an article, later an answered question) in one language.
// The term prefixes and value slots are described in search/README.md.
#pragma once

#include <string>
#include <vector>

namespace entraide::search {

struct Document {
  std::string id;    // unique per item and language, e.g. "article:42" (term Q<id>)
  std::string kind;  // "article" or "question"
  std::string lang;  // "en" or "fr"
  std::string key;   // translations share it: results are collapsed on it
  std::string slug, title, summary, body, category, url, updated;
  std::vector<std::string> tags;
};

// Snippets are taken from the first bytes of a body; the index stores no more of it than that.
inline constexpr size_t kSnippetTextBytes = 6000;

// Term prefixes (Xapian conventions where they exist).
inline constexpr const char* kPrefixId = "Q";
inline constexpr const char* kPrefixLang = "L";
inline constexpr const char* kPrefixCategory = "XCAT";
inline constexpr const char* kPrefixTag = "K";
inline constexpr const char* kPrefixKind = "XKIND";
inline constexpr const char* kPrefixTitle = "S";
// How an indexed word was written, when that differs from its folded form: XSURF<folded>:<lower case with
// accents>, one wdf per occurrence ("did you mean" shows the most frequent).
inline constexpr const char* kPrefixSurface = "XSURF";
inline std::string SurfaceTermPrefix(const std::string& folded) { return kPrefixSurface + folded + ":"; }

// Value slots.
enum Slot : unsigned {
  kSlotUpdated = 0,   // YYYYMMDD, for sorting by date
  kSlotCategory = 1,  // facet
  kSlotLang = 2,      // facet
  kSlotKind = 3,      // facet
  kSlotKey = 4,       // collapse key: language versions of one item
  kSlotTags = 5,      // tags joined by '\x1f' (facet)
};

}  // namespace entraide::search

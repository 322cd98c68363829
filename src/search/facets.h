// Facets of a search (search/ only): the per-document table read once per index revision, the match spy
// that counts categories, tags, languages and kinds over every match, and the scaling of counts made over
// part of the matches. Used by searcher.cc.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace entraide::search {

// An estimate from a count over part of the matches: at least 1, and 2 significant digits (no false precision).
int64_t Scaled(int64_t count, double scale);

// What the facets need of every document, by docid, read once per index revision from Xapian's value streams:
// counting a match is then a few array lookups instead of five value reads and string comparisons (a query
// in the 10,000-document benchmark matches up to 6,000 documents). It also collapses results per item and
// finds an item's other language version without a query.
struct FacetTable {
  std::vector<uint32_t> key, category, lang, kind;  // by docid; ids into the names (0: none)
  std::vector<uint32_t> tags_begin;                 // by docid: its tags are tags[tags_begin[d], tags_begin[d+1])
  std::vector<uint32_t> tags;
  std::vector<std::string> key_names, category_names, lang_names, kind_names, tag_names;
  std::vector<std::vector<Xapian::docid>> docs_of_key;  // by key id: the item's documents (one per language)

  static std::shared_ptr<const FacetTable> Read(const Xapian::Database& db);
};

// The document to show for a hit: the visitor's version of the item when the hit is in another language and
// that version exists (found in the table, so only the document shown is read), else the hit.
Xapian::docid VisitorVersion(const FacetTable& t, Xapian::docid hit, const std::string& visitor);

// Facet counts over every matching document. An item in both languages is one result, so categories, tags
// and kinds count items (distinct collapse keys); languages count documents, which is what a language
// filter then shows.
class FacetSpy : public Xapian::MatchSpy {
 public:
  explicit FacetSpy(const FacetTable& t)
      : t_(t),
        seen_(t.key_names.size()),
        category_(t.category_names.size()),
        lang_(t.lang_names.size()),
        kind_(t.kind_names.size()),
        tag_(t.tag_names.size()) {}

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

}  // namespace entraide::search

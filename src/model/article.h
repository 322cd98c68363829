// An article of the library (whole, or the summary lists and feeds show), a category, and the filter of a list.
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace entraide::model {

struct Article {
  int64_t id = 0;
  std::string lang, slug, key, title, category, summary, updated;
  bool draft = false;
  bool published = true;
  std::string source_path, content_hash, html, toc, plain;
  int64_t word_count = 0;
  std::string links_json = "[]";
  std::vector<std::string> tags;
  int64_t revision_id = 0;               // the revision served (article_revisions; 0: none recorded)
  std::optional<std::string> file_hash;  // the file import last read (none: written online, or kept as stored)
};

// What lists, feeds and search results need (no body).
struct ArticleSummary {
  std::string lang, slug, key, title, category, summary, updated;
  std::vector<std::string> tags;
};

struct Category {
  std::string slug;
  int64_t position = 0;
  std::string name_en, name_fr, description_en, description_fr;
  std::string url_en, url_fr;  // its address in each language; "" (before migration 0014's import): slug
};

struct ArticleFilter {
  std::string lang;      // required
  std::string category;  // optional
  std::string tag;       // optional
  int limit = 1000;
};

}  // namespace entraide::model

// Importer: brings content/ into the store. Idempotent: a file whose content hash did not change is not
// rendered again; a removed file unpublishes its article; a file with errors is reported (path, line, reason)
// and its last good version stays served. Rendering happens before the write transaction, so readers are
// blocked only for the short write. Not thread-safe; one import at a time (SQLite's write lock enforces it).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "kb/content.h"
#include "store/database.h"

namespace entraide::kb {

struct ImportReport {
  int added = 0, updated = 0, unchanged = 0, unpublished = 0;
  std::vector<Problem> problems;
  bool has_errors() const;
  std::string Summary() const;  // "3 added, 1 updated, 38 unchanged, 0 unpublished, 1 error, 0 warnings"
};

// Hash of what decides an article's stored HTML: the file and the renderer's version.
std::string ContentHash(const ArticleSource& a);

// Renders an article for storage (bounded: 2 s budget, kMaxArticleBytes). kDeadlineExceeded when the
// renderer ran out of time (the file is then reported, not stored).
struct RenderedArticle {
  std::string html, plain, toc, links_json;  // toc: "level\tid\ttext\n" per heading
  std::vector<std::string> links;
  int64_t word_count = 0;
};
core::StatusOr<RenderedArticle> RenderArticle(const ArticleSource& a);
// The same for many articles in one renderer process.
std::vector<core::StatusOr<RenderedArticle>> RenderArticles(const std::vector<const ArticleSource*>& sources);

core::StatusOr<ImportReport> ImportContent(store::Database& db, const std::string& content_dir);

// Validates content/ without writing anything: front matter, duplicates, categories, rendering and links
// between articles. Returns every problem found.
std::vector<Problem> CheckContent(const std::string& content_dir);

}  // namespace entraide::kb

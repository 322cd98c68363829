// Importer: brings content/ into the store. Idempotent: a file whose content hash did not change is not
// rendered again; a removed file unpublishes its article; a file with errors is reported (path, line, reason)
// and its last good version stays served. Rendering happens before the write transaction, so readers are
// blocked only for the short write. Not thread-safe; one import at a time (SQLite's write lock enforces it).
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "kb/content.h"
#include "model/editorial.h"
#include "store/database.h"

namespace entraide::store {
class ArticleRepository;
}  // namespace entraide::store

namespace entraide::kb {

struct ImportReport {
  int added = 0, updated = 0, unchanged = 0, unpublished = 0;
  int conflicts = 0;  // files changed while their article was edited online (also in problems, as errors)
  int not_read = 0;   // of the unchanged, files not read: their stat is what the last import recorded
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

// Each file read becomes a revision of its article (article_revisions) when it changed since the last import
// (its SHA-256 is kept in articles.file_hash): published when nobody edited the article online since, kept in
// state 'conflict' and reported (path, article, both revisions) when somebody did; a file whose text is what the
// article serves (an online edit exported) only updates the hash; an unchanged file leaves an online edit alone.
// A removed file unpublishes its article unless it was edited online since (a conflict) or never was a file.
// A file whose stat (size, times, inode) is what the last import recorded is not read again (content_files): an
// import with nothing to do costs a stat per file. `now`: epoch seconds for the revisions written; a file changed
// within 2 s of it is read again next time.
core::StatusOr<ImportReport> ImportContent(store::Database& db, const std::string& content_dir, int64_t now);
inline core::StatusOr<ImportReport> ImportContent(store::Database& db, const std::string& content_dir) {
  return ImportContent(db, content_dir, static_cast<int64_t>(std::time(nullptr)));
}

// A new revision of `a` (a file, or a revision's text parsed): its language, slug, key and title, its whole text
// (a.raw) with `source_hash` (the SHA-256 of a.raw, which the caller may already have). State, origin, author and
// links are the caller's to set.
model::Revision RevisionOf(const ArticleSource& a, const std::string& source_hash, int64_t created_at);

// Makes `a` (a file, or a revision's text parsed) what a.lang/a.slug serves, as `revision_id`: the article's row
// with `rendered`, its tags, the index queue. `file_hash`: the file import read (nullopt: keep the stored one).
core::Status ServeArticle(store::ArticleRepository& repo, const ArticleSource& a, RenderedArticle rendered,
                          int64_t revision_id, const std::optional<std::string>& file_hash);

// Validates content/ without writing anything: front matter, duplicates, categories, rendering and links
// between articles. Returns every problem found.
std::vector<Problem> CheckContent(const std::string& content_dir);

}  // namespace entraide::kb

// ArticleRepository: the SQL of the how-to library (articles, tags, categories). Borrows a Database for
// the duration of a call sequence; not thread-safe (one per thread, like its Database).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/article.h"
#include "store/database.h"

namespace entraide::store {

struct StoredVersion {
  int64_t id = 0;
  std::string lang, slug, source_path, content_hash;
  bool published = true;
  int64_t revision_id = 0;               // the revision served (0: none recorded yet, before 0018's first import)
  std::optional<std::string> file_hash;  // SHA-256 of the file import last read (none: written online)
  std::string revision_source_hash;      // the served revision's source_hash ("" without one)
};

// What import last saw of a file of content/ (table content_files): its stat and SHA-256, and the article it is.
struct ContentFile {
  std::string path, lang, slug, key, file_hash;
  int64_t size = 0, mtime_ns = 0, ctime_ns = 0, inode = 0;
};

struct IndexQueueItem {
  int64_t id = 0;
  std::string kind;
  int64_t item_id = 0;
};

// The index queue: rows written with the change that causes them (Upsert and SetPublished enqueue).
class IndexQueue {
 public:
  explicit IndexQueue(Database& db) : db_(db) {}
  Status Enqueue(const std::string& kind, int64_t item_id);
  StatusOr<std::vector<IndexQueueItem>> Pending(int limit);
  Status DeleteUpTo(int64_t id);
  StatusOr<int64_t> MaxId();
  StatusOr<int64_t> Count();

 private:
  Database& db_;
};

class ArticleRepository {
 public:
  explicit ArticleRepository(Database& db) : db_(db) {}

  // A served article: published and not a draft. nullopt when there is none.
  StatusOr<std::optional<model::Article>> FindServed(const std::string& lang, const std::string& slug);
  // Served articles, most recently updated first.
  StatusOr<std::vector<model::ArticleSummary>> ListServed(const model::ArticleFilter& filter);
  // Served translations of `key` (all languages), for links between versions.
  StatusOr<std::vector<model::ArticleSummary>> ServedByKey(const std::string& key);
  // Served articles with their body, most recently updated first (for the Atom feed).
  StatusOr<std::vector<model::Article>> RecentServedWithBody(const std::string& lang, int limit);
  // Tag -> number of served articles in `lang`.
  StatusOr<std::map<std::string, int64_t>> TagCounts(const std::string& lang);

  // Everything stored, published or not, keyed by "lang/slug" (for the importer).
  StatusOr<std::map<std::string, StoredVersion>> AllVersions();
  // The same for one article, published or not; nullopt when lang/slug has no row.
  StatusOr<std::optional<StoredVersion>> VersionOf(const std::string& lang, const std::string& slug);
  // Inserts or replaces the article identified by (lang, slug), its tags included; published = 1. Its
  // revision_id (when not 0) and file_hash (when set) replace the stored ones; otherwise those are kept.
  Status Upsert(const model::Article& a);
  // Records which revision the article serves without rendering again (its text did not change), and the hash
  // of the file import read (kept when nullopt).
  Status SetRevision(int64_t id, int64_t revision_id, const std::optional<std::string>& file_hash);
  Status SetPublished(int64_t id, bool published);

  Status ReplaceCategories(const std::vector<model::Category>& categories);
  StatusOr<std::vector<model::Category>> Categories();

  // Any article by id, published or not (the index worker decides to index or delete it).
  StatusOr<std::optional<model::Article>> FindById(int64_t id);
  // Calls `fn` for every served article, with its plain text in `plain` (for a full reindex), by item (key)
  // then language; `count`, when given, first with how many there are.
  Status ForEachServed(const std::function<Status(const model::Article&)>& fn,
                       const std::function<void(size_t)>& count = nullptr);

  // The files import recorded (content_files) whose article still serves that very file: published, from that
  // path, with that file hash, and a revision recorded.
  // Each is handed to `fn` (file_hash left empty), by path.
  Status ForEachServedContentFile(const std::function<void(ContentFile&&)>& fn);
  Status RecordContentFile(const ContentFile& f);
  // Forgets the recorded files whose article is no longer published from them.
  Status ForgetUnservedContentFiles();
  // True when any article is stored, published or not (serve imports in the background once one is).
  StatusOr<bool> AnyArticle();
  // Published articles that came from a file (not written online only): what import must find among the files.
  StatusOr<int64_t> CountPublishedFromFiles();

  // A small fact of the library kept in `meta` (categories.yml as last imported: "categories_yml").
  StatusOr<std::optional<std::string>> Meta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);

  // A counter bumped by every import that changed something; lets readers cache by generation.
  StatusOr<int64_t> ContentGeneration();
  Status BumpContentGeneration();

 private:
  StatusOr<std::vector<std::string>> TagsOf(int64_t id);
  StatusOr<std::optional<model::Article>> WithTags(StatusOr<std::optional<model::Article>> found);
  Database& db_;
};

}  // namespace entraide::store

// ArticleRepository: the SQL of the how-to library (articles, tags, categories). Borrows a Database for
// the duration of a call sequence; not thread-safe (one per thread, like its Database).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace entraide::store {

struct ArticleRecord {
  int64_t id = 0;
  std::string lang, slug, key, title, category, summary, updated;
  bool draft = false;
  bool published = true;
  std::string source_path, content_hash, html, toc, plain;
  int64_t word_count = 0;
  std::string links_json = "[]";
  std::vector<std::string> tags;
};

// What lists, feeds and search results need (no body).
struct ArticleSummary {
  std::string lang, slug, key, title, category, summary, updated;
  std::vector<std::string> tags;
};

struct CategoryRecord {
  std::string slug;
  int64_t position = 0;
  std::string name_en, name_fr, description_en, description_fr;
  std::string url_en, url_fr;  // its address in each language; "" (before migration 0014's import): slug
};

struct StoredVersion {
  int64_t id = 0;
  std::string lang, slug, source_path, content_hash;
  bool published = true;
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

struct ArticleFilter {
  std::string lang;      // required
  std::string category;  // optional
  std::string tag;       // optional
  int limit = 1000;
};

class ArticleRepository {
 public:
  explicit ArticleRepository(Database& db) : db_(db) {}

  // A served article: published and not a draft. nullopt when there is none.
  StatusOr<std::optional<ArticleRecord>> FindServed(const std::string& lang, const std::string& slug);
  // Served articles, most recently updated first.
  StatusOr<std::vector<ArticleSummary>> ListServed(const ArticleFilter& filter);
  // Served translations of `key` (all languages), for links between versions.
  StatusOr<std::vector<ArticleSummary>> ServedByKey(const std::string& key);
  // Served articles with their body, most recently updated first (for the Atom feed).
  StatusOr<std::vector<ArticleRecord>> RecentServedWithBody(const std::string& lang, int limit);
  // Tag -> number of served articles in `lang`.
  StatusOr<std::map<std::string, int64_t>> TagCounts(const std::string& lang);

  // Everything stored, published or not, keyed by "lang/slug" (for the importer).
  StatusOr<std::map<std::string, StoredVersion>> AllVersions();
  // Inserts or replaces the article identified by (lang, slug), its tags included; published = 1.
  Status Upsert(const ArticleRecord& a);
  Status SetPublished(int64_t id, bool published);

  Status ReplaceCategories(const std::vector<CategoryRecord>& categories);
  StatusOr<std::vector<CategoryRecord>> Categories();

  // Any article by id, published or not (the index worker decides to index or delete it).
  StatusOr<std::optional<ArticleRecord>> FindById(int64_t id);
  // Calls `fn` for every served article, with its plain text in `plain` (for a full reindex), by item (key)
  // then language; `count`, when given, first with how many there are.
  Status ForEachServed(const std::function<Status(const ArticleRecord&)>& fn,
                       const std::function<void(size_t)>& count = nullptr);

  // A counter bumped by every import that changed something; lets readers cache by generation.
  StatusOr<int64_t> ContentGeneration();
  Status BumpContentGeneration();

 private:
  StatusOr<std::vector<std::string>> TagsOf(int64_t id);
  StatusOr<std::optional<ArticleRecord>> WithTags(StatusOr<std::optional<ArticleRecord>> found);
  Database& db_;
};

}  // namespace entraide::store

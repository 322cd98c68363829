// ArticleService: what the pages and the API ask of the library. Reads the store through the Pool; each call
// takes a connection for its duration. Thread-safe. Statuses: kNotFound for an unknown or unpublished
// article, kUnavailable when the database is busy or missing.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/article.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::kb {

// The library's records, as callers above kb/ see them (http/ never includes store/).
using ArticleRecord = model::Article;
using ArticleSummary = model::ArticleSummary;
using ArticleFilter = model::ArticleFilter;

struct TocEntry {
  int level = 2;
  std::string id, text;
};

struct CategoryInfo {
  std::string slug, name, description;
  int64_t count = 0;         // served articles in the language asked for
  std::string url_slug;      // its address in the language asked for: /{lang}/categories/{url_slug}
  std::string alt_url_slug;  // its address in the other language
};

struct ArticlePage {
  model::Article article;
  std::vector<TocEntry> toc;
  std::string category_name;
  std::string category_url_slug;                    // the category's address in the article's language
  std::vector<model::ArticleSummary> translations;  // other languages only
  // A translation whose `updated` date is later than this article's (this one may be out of date).
  std::optional<model::ArticleSummary> newer_translation;
};

class ArticleService {
 public:
  explicit ArticleService(store::Pool& pool) : pool_(pool) {}

  core::StatusOr<ArticlePage> Get(const std::string& lang, const std::string& slug);
  core::StatusOr<std::vector<model::ArticleSummary>> List(const model::ArticleFilter& filter);
  // Categories in order, named in `lang`, with article counts; categories with no article are kept.
  core::StatusOr<std::vector<CategoryInfo>> Categories(const std::string& lang);
  core::StatusOr<std::vector<model::ArticleSummary>> Translations(const std::string& key);
  core::StatusOr<std::vector<model::Article>> Feed(const std::string& lang, int limit);
  core::StatusOr<std::map<std::string, int64_t>> Tags(const std::string& lang);
  // OK when the store answers a query.
  core::Status Ping();
  // Changes whenever an import, a publication or an erasure changes what pages show (for caches of rendered
  // pages). Kept in memory: read from the database again only when a transaction of this process committed since
  // (at once, so a page changed here is never served stale), or kOtherProcessesMs after the last read (what
  // another process wrote, `entraide import` or `entraide erase`, is seen within that time). Thread-safe.
  core::StatusOr<int64_t> Generation();
  static constexpr int64_t kOtherProcessesMs = 100;

 private:
  store::Pool& pool_;
  std::mutex generation_mu_;
  bool generation_known_ = false;
  int64_t generation_ = 0;
  uint64_t generation_commits_ = 0;  // this process's commit count before the read
  std::chrono::steady_clock::time_point generation_read_at_;
};

std::vector<TocEntry> ParseToc(const std::string& toc);

}  // namespace entraide::kb

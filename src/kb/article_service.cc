#include "kb/article_service.h"

#include "core/strings.h"
#include "store/article_repo.h"
#include "store/pool.h"
#include "store/revision_repo.h"

namespace entraide::kb {

std::vector<TocEntry> ParseToc(const std::string& toc) {
  std::vector<TocEntry> out;
  for (const auto& line : core::Split(toc, '\n', true)) {
    auto f = core::Split(line, '\t');
    if (f.size() != 3) continue;
    out.push_back({f[0] == "3" ? 3 : 2, f[1], f[2]});
  }
  return out;
}

core::StatusOr<ArticlePage> ArticleService::Get(const std::string& lang, const std::string& slug) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::ArticleRepository repo(**db);
  auto found = repo.FindServed(lang, slug);
  if (!found.ok()) return found.status();
  if (!found->has_value()) return core::NotFound("no article " + lang + "/" + slug);
  ArticlePage page;
  page.article = std::move(**found);
  page.toc = ParseToc(page.article.toc);
  auto versions = repo.ServedByKey(page.article.key);
  if (!versions.ok()) return versions.status();
  // "A newer version exists in ...": a translation an editor marked as needing this one to follow
  // (article_revisions.needs_translation, newer than the revision this one follows); for texts that came from
  // files, a translation with a later `updated` date (online saves date themselves, so their dates say nothing).
  store::RevisionRepository revisions(**db);
  auto ahead = revisions.AheadOf(lang, slug);
  if (!ahead.ok()) return ahead.status();
  for (auto& v : *versions) {
    if (v.lang == lang) continue;
    if (*ahead) {
      if ((*ahead)->first == v.lang && (*ahead)->second == v.slug) page.newer_translation = v;
    } else if (!v.updated.empty() && v.updated > page.article.updated &&
               (!page.newer_translation || v.updated > page.newer_translation->updated)) {
      auto origin = revisions.ServedOrigin(v.lang, v.slug);
      if (!origin.ok()) return origin.status();
      if (!*origin || **origin == model::RevisionOrigin::kImport) page.newer_translation = v;
    }
    page.translations.push_back(std::move(v));
  }
  if (!page.article.category.empty()) {
    auto cats = repo.Categories();
    if (!cats.ok()) return cats.status();
    page.category_name = page.article.category;
    page.category_url_slug = page.article.category;
    for (const auto& c : *cats)
      if (c.slug == page.article.category) {
        page.category_name = lang == "fr" ? c.name_fr : c.name_en;
        page.category_url_slug = lang == "fr" ? c.url_fr : c.url_en;
      }
  }
  return page;
}

core::StatusOr<std::vector<model::ArticleSummary>> ArticleService::List(const model::ArticleFilter& filter) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::ArticleRepository(**db).ListServed(filter);
}

core::StatusOr<std::vector<CategoryInfo>> ArticleService::Categories(const std::string& lang) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::ArticleRepository repo(**db);
  auto cats = repo.Categories();
  if (!cats.ok()) return cats.status();
  auto articles = repo.ListServed({lang, "", "", 100000});
  if (!articles.ok()) return articles.status();
  std::vector<CategoryInfo> out;
  for (const auto& c : *cats) {
    CategoryInfo info{c.slug, lang == "fr" ? c.name_fr : c.name_en, lang == "fr" ? c.description_fr : c.description_en,
                      0,      lang == "fr" ? c.url_fr : c.url_en,   lang == "fr" ? c.url_en : c.url_fr};
    for (const auto& a : *articles)
      if (a.category == c.slug) ++info.count;
    out.push_back(std::move(info));
  }
  return out;
}

core::StatusOr<std::vector<model::ArticleSummary>> ArticleService::Translations(const std::string& key) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::ArticleRepository(**db).ServedByKey(key);
}

core::StatusOr<std::vector<model::Article>> ArticleService::Feed(const std::string& lang, int limit) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::ArticleRepository(**db).RecentServedWithBody(lang, limit);
}

core::StatusOr<std::map<std::string, int64_t>> ArticleService::Tags(const std::string& lang) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::ArticleRepository(**db).TagCounts(lang);
}

core::StatusOr<int64_t> ArticleService::Generation() {
  // Profiled at 32 connections on a cached page, reading the row cost 12 % of the server's CPU (a read transaction
  // of SQLite: its fcntl locks, the pool, the statement), more than anything else of ours.
  auto now = std::chrono::steady_clock::now();
  store::FileShared* shared = pool_.shared();
  uint64_t commits = shared ? shared->commits.load(std::memory_order_acquire) : 0;
  {
    std::lock_guard<std::mutex> lock(generation_mu_);
    if (generation_known_ && commits == generation_commits_ &&
        now - generation_read_at_ < std::chrono::milliseconds(kOtherProcessesMs))
      return generation_;
  }
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto generation = store::ArticleRepository(**db).ContentGeneration();
  if (!generation.ok()) return generation;
  // (A commit between the count above and the read makes the next call read again: never a stale pair.)
  std::lock_guard<std::mutex> lock(generation_mu_);
  generation_known_ = shared != nullptr;
  generation_ = *generation;
  generation_commits_ = commits;
  generation_read_at_ = now;
  return generation;
}

core::Status ArticleService::Ping() {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto gen = store::ArticleRepository(**db).ContentGeneration();
  return gen.ok() ? core::Status::Ok() : gen.status();
}

}  // namespace entraide::kb

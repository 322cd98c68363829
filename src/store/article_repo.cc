#include "store/article_repo.h"

#include "store/rows.h"

namespace entraide::store {

namespace {
constexpr const char* kSummaryCols = "a.id, a.lang, a.slug, a.key, a.title, a.category, a.summary, a.updated";

model::ArticleSummary ReadSummary(Statement& q) {
  model::ArticleSummary s;
  s.lang = q.ColumnText(1);
  s.slug = q.ColumnText(2);
  s.key = q.ColumnText(3);
  s.title = q.ColumnText(4);
  s.category = q.ColumnText(5);
  s.summary = q.ColumnText(6);
  s.updated = q.ColumnText(7);
  return s;
}

// The first columns of an article's row (the summary's, from the articles table alone), read into a record.
constexpr const char* kRecordHeadCols = "id, lang, slug, key, title, category, summary, updated";

model::Article ReadRecordHead(Statement& q) {
  model::ArticleSummary s = ReadSummary(q);
  model::Article a;
  a.id = q.ColumnInt(0);
  a.lang = std::move(s.lang);
  a.slug = std::move(s.slug);
  a.key = std::move(s.key);
  a.title = std::move(s.title);
  a.category = std::move(s.category);
  a.summary = std::move(s.summary);
  a.updated = std::move(s.updated);
  return a;
}
}  // namespace

StatusOr<std::vector<std::string>> ArticleRepository::TagsOf(int64_t id) {
  auto st = db_.Prepare("SELECT tag FROM article_tags WHERE article_id = ? ORDER BY position, tag");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, id);
  std::vector<std::string> tags;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    tags.push_back(q->ColumnText(0));
  }
  return tags;
}

StatusOr<std::optional<model::Article>> ArticleRepository::FindServed(const std::string& lang,
                                                                      const std::string& slug) {
  auto st = db_.Prepare(std::string("SELECT ") + kRecordHeadCols +
                        ", html, toc, word_count, source_path "
                        "FROM articles WHERE lang = ? AND slug = ? AND published = 1 AND draft = 0");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug);
  auto found = OneRow<model::Article>(*st, [](Statement& q) {
    model::Article a = ReadRecordHead(q);
    a.html = q.ColumnText(8);
    a.toc = q.ColumnText(9);
    a.word_count = q.ColumnInt(10);
    a.source_path = q.ColumnText(11);
    return a;
  });
  return WithTags(std::move(found));
}

StatusOr<std::vector<model::ArticleSummary>> ArticleRepository::ListServed(const model::ArticleFilter& f) {
  std::string sql = std::string("SELECT ") + kSummaryCols +
                    ", (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM article_tags t "
                    "WHERE t.article_id = a.id ORDER BY position, tag)) "
                    "FROM articles a WHERE a.lang = ?1 AND a.published = 1 AND a.draft = 0 "
                    "AND (?2 = '' OR a.category = ?2) "
                    "AND (?3 = '' OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = ?3)) "
                    "ORDER BY a.updated DESC, a.title LIMIT ?4";
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, f.lang).Bind(2, f.category).Bind(3, f.tag).Bind(4, f.limit);
  std::vector<model::ArticleSummary> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    model::ArticleSummary s = ReadSummary(*q);
    std::string tags = q->ColumnText(8);
    size_t start = 0;
    while (!tags.empty() && start <= tags.size()) {
      size_t sep = tags.find('\x1f', start);
      s.tags.push_back(tags.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
      if (sep == std::string::npos) break;
      start = sep + 1;
    }
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<std::vector<model::ArticleSummary>> ArticleRepository::ServedByKey(const std::string& key) {
  auto st = db_.Prepare(std::string("SELECT ") + kSummaryCols +
                        " FROM articles a WHERE a.key = ? AND a.published = 1 AND a.draft = 0 ORDER BY a.lang");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, key);
  std::vector<model::ArticleSummary> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(ReadSummary(*q));
  }
  return out;
}

StatusOr<std::vector<model::Article>> ArticleRepository::RecentServedWithBody(const std::string& lang, int limit) {
  auto st = db_.Prepare(
      "SELECT id, slug, key, title, category, summary, updated, html, imported_at FROM articles "
      "WHERE lang = ? AND published = 1 AND draft = 0 ORDER BY updated DESC, title LIMIT ?");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, lang).Bind(2, limit);
  std::vector<model::Article> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    model::Article a;
    a.id = q->ColumnInt(0);
    a.lang = lang;
    a.slug = q->ColumnText(1);
    a.key = q->ColumnText(2);
    a.title = q->ColumnText(3);
    a.category = q->ColumnText(4);
    a.summary = q->ColumnText(5);
    a.updated = q->ColumnText(6);
    a.html = q->ColumnText(7);
    out.push_back(std::move(a));
  }
  return out;
}

StatusOr<std::map<std::string, int64_t>> ArticleRepository::TagCounts(const std::string& lang) {
  auto st = db_.Prepare(
      "SELECT t.tag, count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id "
      "WHERE a.lang = ? AND a.published = 1 AND a.draft = 0 GROUP BY t.tag");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, lang);
  std::map<std::string, int64_t> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out[q->ColumnText(0)] = q->ColumnInt(1);
  }
  return out;
}

namespace {
constexpr const char* kVersionQuery =
    "SELECT a.id, a.lang, a.slug, a.source_path, a.content_hash, a.published, a.revision_id, a.file_hash, "
    "r.source_hash FROM articles a LEFT JOIN article_revisions r INDEXED BY article_revisions_hash "
    "ON r.id = a.revision_id";  // both from indexes (migration 0019): the rows hold the large texts

StoredVersion ReadVersion(Statement& q) {
  StoredVersion v;
  v.id = q.ColumnInt(0);
  v.lang = q.ColumnText(1);
  v.slug = q.ColumnText(2);
  v.source_path = q.ColumnText(3);
  v.content_hash = q.ColumnText(4);
  v.published = q.ColumnInt(5) != 0;
  v.revision_id = q.ColumnOptionalInt(6).value_or(0);
  if (!q.ColumnIsNull(7)) v.file_hash = q.ColumnText(7);
  v.revision_source_hash = q.ColumnText(8);
  return v;
}
}  // namespace

StatusOr<std::map<std::string, StoredVersion>> ArticleRepository::AllVersions() {
  auto st = db_.Prepare(kVersionQuery);
  if (!st.ok()) return st.status();
  auto rows = AllRows<StoredVersion>(*st, ReadVersion);
  if (!rows.ok()) return rows.status();
  std::map<std::string, StoredVersion> out;
  for (auto& v : *rows) {
    std::string id = v.lang + "/" + v.slug;
    out[id] = std::move(v);
  }
  return out;
}

StatusOr<std::optional<StoredVersion>> ArticleRepository::VersionOf(const std::string& lang, const std::string& slug) {
  auto st = db_.Prepare(std::string(kVersionQuery) + " WHERE a.lang = ? AND a.slug = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug);
  return OneRow<StoredVersion>(*st, ReadVersion);
}

Status ArticleRepository::Upsert(const model::Article& a) {
  auto st = db_.Prepare(
      "INSERT INTO articles (lang, slug, key, title, category, summary, updated, draft, published, source_path, "
      "content_hash, html, toc, plain, word_count, links_json, revision_id, file_hash, imported_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
      "ON CONFLICT (lang, slug) DO UPDATE SET key = excluded.key, title = excluded.title, "
      "category = excluded.category, summary = excluded.summary, updated = excluded.updated, "
      "draft = excluded.draft, published = 1, source_path = excluded.source_path, "
      "content_hash = excluded.content_hash, html = excluded.html, toc = excluded.toc, "
      "plain = excluded.plain, word_count = excluded.word_count, links_json = excluded.links_json, "
      "revision_id = coalesce(excluded.revision_id, articles.revision_id), "
      "file_hash = coalesce(excluded.file_hash, articles.file_hash), imported_at = excluded.imported_at "
      "RETURNING id");
  if (!st.ok()) return st.status();
  int64_t id = 0;
  {
    StatementScope q(*st);
    q->Bind(1, a.lang).Bind(2, a.slug).Bind(3, a.key).Bind(4, a.title).Bind(5, a.category).Bind(6, a.summary);
    q->Bind(7, a.updated).Bind(8, a.draft).Bind(9, a.source_path).Bind(10, a.content_hash).Bind(11, a.html);
    q->Bind(12, a.toc).Bind(13, a.plain).Bind(14, a.word_count).Bind(15, a.links_json);
    if (a.revision_id)
      q->Bind(16, a.revision_id);
    else
      q->BindNull(16);
    q->Bind(17, a.file_hash);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return core::Internal("upsert returned no id");
    id = q->ColumnInt(0);
    // Finish the statement so the write completes before the next one.
    while (true) {
      auto more = q->Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
  }
  ENTRAIDE_RETURN_IF_ERROR(IndexQueue(db_).Enqueue("article", id));
  auto del = db_.Prepare("DELETE FROM article_tags WHERE article_id = ?");
  if (!del.ok()) return del.status();
  ENTRAIDE_RETURN_IF_ERROR((*del)->Bind(1, id).Run());
  auto ins = db_.Prepare("INSERT OR IGNORE INTO article_tags (article_id, tag, position) VALUES (?, ?, ?)");
  if (!ins.ok()) return ins.status();
  for (size_t i = 0; i < a.tags.size(); ++i) {
    ENTRAIDE_RETURN_IF_ERROR((*ins)->Bind(1, id).Bind(2, a.tags[i]).Bind(3, static_cast<int64_t>(i)).Run());
  }
  return Status::Ok();
}

Status ArticleRepository::SetRevision(int64_t id, int64_t revision_id, const std::optional<std::string>& file_hash) {
  auto st = db_.Prepare("UPDATE articles SET revision_id = ?1, file_hash = coalesce(?2, file_hash) WHERE id = ?3");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, revision_id).Bind(2, file_hash).Bind(3, id).Run();
}

Status ArticleRepository::SetPublished(int64_t id, bool published) {
  auto st = db_.Prepare("UPDATE articles SET published = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, published).Bind(2, id).Run());
  return IndexQueue(db_).Enqueue("article", id);
}

StatusOr<std::optional<model::Article>> ArticleRepository::FindById(int64_t id) {
  auto st =
      db_.Prepare(std::string("SELECT ") + kRecordHeadCols + ", draft, published, plain FROM articles WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  auto found = OneRow<model::Article>(*st, [](Statement& q) {
    model::Article a = ReadRecordHead(q);
    a.draft = q.ColumnInt(8) != 0;
    a.published = q.ColumnInt(9) != 0;
    a.plain = q.ColumnText(10);
    return a;
  });
  return WithTags(std::move(found));
}

// The tags of a found article, read after its row (the statement above is reset by then).
StatusOr<std::optional<model::Article>> ArticleRepository::WithTags(StatusOr<std::optional<model::Article>> found) {
  if (!found.ok() || !*found) return found;
  auto tags = TagsOf((*found)->id);
  if (!tags.ok()) return tags.status();
  (*found)->tags = std::move(tags).value();
  return found;
}

Status ArticleRepository::ForEachServed(const std::function<Status(const model::Article&)>& fn,
                                        const std::function<void(size_t)>& count) {
  std::vector<int64_t> ids;
  {
    // By item, then language: the search index keeps an item's versions side by side (see search::Rebuild).
    auto st = db_.Prepare("SELECT id FROM articles WHERE published = 1 AND draft = 0 ORDER BY key, lang");
    if (!st.ok()) return st.status();
    StatementScope q(*st);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ids.push_back(q->ColumnInt(0));
    }
  }
  if (count) count(ids.size());
  for (int64_t id : ids) {
    auto a = FindById(id);
    if (!a.ok()) return a.status();
    if (*a) ENTRAIDE_RETURN_IF_ERROR(fn(**a));
  }
  return Status::Ok();
}

Status IndexQueue::Enqueue(const std::string& kind, int64_t item_id) {
  auto st = db_.Prepare("INSERT INTO index_queue (kind, item_id) VALUES (?, ?)");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, kind).Bind(2, item_id).Run();
}

StatusOr<std::vector<IndexQueueItem>> IndexQueue::Pending(int limit) {
  auto st = db_.Prepare("SELECT id, kind, item_id FROM index_queue ORDER BY id LIMIT ?");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, limit);
  std::vector<IndexQueueItem> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({q->ColumnInt(0), q->ColumnText(1), q->ColumnInt(2)});
  }
  return out;
}

Status IndexQueue::DeleteUpTo(int64_t id) {
  auto st = db_.Prepare("DELETE FROM index_queue WHERE id <= ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, id).Run();
}

StatusOr<int64_t> IndexQueue::MaxId() {
  auto st = db_.Prepare("SELECT coalesce(max(id), 0) FROM index_queue");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return q->ColumnInt(0);
}

StatusOr<int64_t> IndexQueue::Count() {
  auto st = db_.Prepare("SELECT count(*) FROM index_queue");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return q->ColumnInt(0);
}

Status ArticleRepository::ReplaceCategories(const std::vector<model::Category>& categories) {
  ENTRAIDE_RETURN_IF_ERROR(db_.Exec("DELETE FROM categories"));
  auto st = db_.Prepare(
      "INSERT INTO categories (slug, position, name_en, name_fr, description_en, description_fr, url_en, url_fr) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  for (const auto& c : categories) {
    ENTRAIDE_RETURN_IF_ERROR((*st)
                                 ->Bind(1, c.slug)
                                 .Bind(2, c.position)
                                 .Bind(3, c.name_en)
                                 .Bind(4, c.name_fr)
                                 .Bind(5, c.description_en)
                                 .Bind(6, c.description_fr)
                                 .Bind(7, c.url_en)
                                 .Bind(8, c.url_fr)
                                 .Run());
  }
  return Status::Ok();
}

StatusOr<std::vector<model::Category>> ArticleRepository::Categories() {
  auto st = db_.Prepare(
      "SELECT slug, position, name_en, name_fr, description_en, description_fr, url_en, url_fr FROM categories "
      "ORDER BY position, slug");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  std::vector<model::Category> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    model::Category c;
    c.slug = q->ColumnText(0);
    c.position = q->ColumnInt(1);
    c.name_en = q->ColumnText(2);
    c.name_fr = q->ColumnText(3);
    c.description_en = q->ColumnText(4);
    c.description_fr = q->ColumnText(5);
    c.url_en = q->ColumnText(6);
    c.url_fr = q->ColumnText(7);
    if (c.url_en.empty()) c.url_en = c.slug;
    if (c.url_fr.empty()) c.url_fr = c.slug;
    out.push_back(std::move(c));
  }
  return out;
}

StatusOr<int64_t> ArticleRepository::ContentGeneration() {
  auto st = db_.Prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'content_generation'");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return *row ? q->ColumnInt(0) : int64_t{0};
}

Status ArticleRepository::BumpContentGeneration() {
  return db_.Exec(
      "INSERT INTO meta (key, value) VALUES ('content_generation', '1') "
      "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
}

Status ArticleRepository::ForEachServedContentFile(const std::function<void(ContentFile&&)>& fn) {
  auto st = db_.Prepare(
      "SELECT f.path, f.lang, f.slug, f.key, f.size, f.mtime_ns, f.ctime_ns, f.inode FROM content_files f "
      "JOIN articles a ON a.lang = f.lang AND a.slug = f.slug WHERE a.published = 1 AND a.revision_id IS NOT NULL "
      "AND a.file_hash = f.file_hash AND a.source_path = f.path");
  if (!st.ok()) return st.status();
  return EachRow(*st, [&](Statement& q) {
    ContentFile f;
    f.path = q.ColumnView(0);
    f.lang = q.ColumnView(1);
    f.slug = q.ColumnView(2);
    f.key = q.ColumnView(3);
    f.size = q.ColumnInt(4);
    f.mtime_ns = q.ColumnInt(5);
    f.ctime_ns = q.ColumnInt(6);
    f.inode = q.ColumnInt(7);
    fn(std::move(f));
  });
}

Status ArticleRepository::RecordContentFile(const ContentFile& f) {
  auto st = db_.Prepare(
      "INSERT OR REPLACE INTO content_files (path, lang, slug, key, file_hash, size, mtime_ns, ctime_ns, inode) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, f.path).Bind(2, f.lang).Bind(3, f.slug).Bind(4, f.key).Bind(5, f.file_hash).Bind(6, f.size);
  return (*st)->Bind(7, f.mtime_ns).Bind(8, f.ctime_ns).Bind(9, f.inode).Run();
}

Status ArticleRepository::ForgetUnservedContentFiles() {
  return db_.Exec(
      "DELETE FROM content_files WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.lang = content_files.lang "
      "AND a.slug = content_files.slug AND a.published = 1 AND a.source_path = content_files.path)");
}

StatusOr<bool> ArticleRepository::AnyArticle() {
  auto st = db_.Prepare("SELECT EXISTS (SELECT 1 FROM articles)");
  if (!st.ok()) return st.status();
  auto any = OneRow<bool>(*st, [](Statement& q) { return q.ColumnInt(0) != 0; });
  if (!any.ok()) return any.status();
  return any->value_or(false);
}

StatusOr<int64_t> ArticleRepository::CountPublishedFromFiles() {
  auto st = db_.Prepare(
      "SELECT count(*) FROM articles WHERE published = 1 AND (revision_id IS NULL OR file_hash IS NOT NULL)");
  if (!st.ok()) return st.status();
  auto n = OneRow<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
  if (!n.ok()) return n.status();
  return n->value_or(0);
}

StatusOr<std::optional<std::string>> ArticleRepository::Meta(const std::string& key) {
  auto st = db_.Prepare("SELECT value FROM meta WHERE key = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, key);
  return OneRow<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
}

Status ArticleRepository::SetMeta(const std::string& key, const std::string& value) {
  auto st = db_.Prepare("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, key).Bind(2, value).Run();
}

}  // namespace entraide::store

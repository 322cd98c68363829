#include "store/revision_repo.h"

#include "store/rows.h"

namespace entraide::store {

namespace {
// Columns read by ReadRevision, from article_revisions r joined with the authors' and reviewers' names.
constexpr const char* kCols =
    "r.id, r.lang, r.slug, r.key, r.title, r.source_hash, coalesce(r.parent_id, 0), r.state, r.origin, "
    "r.change_summary, coalesce(r.author_id, 0), coalesce(au.name, ''), r.created_at, coalesce(r.reviewed_by, 0), "
    "coalesce(rv.name, ''), coalesce(r.reviewed_at, 0), r.review_note, r.needs_translation, "
    "coalesce(r.follows_id, 0), coalesce(r.ticket_id, 0), coalesce(t.ref, ''), coalesce(r.restored_from, 0), "
    "coalesce((SELECT a.revision_id = r.id FROM articles a WHERE a.lang = r.lang AND a.slug = r.slug "
    "AND a.published = 1), 0)";
constexpr const char* kJoins =
    " FROM article_revisions r LEFT JOIN users au ON au.id = r.author_id LEFT JOIN users rv ON rv.id = r.reviewed_by "
    "LEFT JOIN tickets t ON t.id = r.ticket_id ";

model::Revision ReadRevision(Statement& q) {
  model::Revision r;
  r.id = q.ColumnInt(0);
  r.lang = q.ColumnText(1);
  r.slug = q.ColumnText(2);
  r.key = q.ColumnText(3);
  r.title = q.ColumnText(4);
  r.source_hash = q.ColumnText(5);
  r.parent_id = q.ColumnInt(6);
  r.state = model::ParseRevisionState(q.ColumnView(7)).value_or(model::RevisionState::kPending);
  r.origin = model::ParseRevisionOrigin(q.ColumnView(8)).value_or(model::RevisionOrigin::kWeb);
  r.change_summary = q.ColumnText(9);
  r.author_id = q.ColumnInt(10);
  r.author_name = q.ColumnText(11);
  r.created_at = q.ColumnInt(12);
  r.reviewed_by = q.ColumnInt(13);
  r.reviewer_name = q.ColumnText(14);
  r.reviewed_at = q.ColumnInt(15);
  r.review_note = q.ColumnText(16);
  r.needs_translation = q.ColumnInt(17) != 0;
  r.follows_id = q.ColumnInt(18);
  r.ticket_id = q.ColumnInt(19);
  r.ticket_ref = q.ColumnText(20);
  r.restored_from = q.ColumnInt(21);
  r.current = q.ColumnInt(22) != 0;
  return r;
}

model::Revision ReadWithSource(Statement& q) {
  model::Revision r = ReadRevision(q);
  r.source = q.ColumnText(23);
  return r;
}

void BindOptionalId(Statement& q, int index, int64_t id) {
  if (id)
    q.Bind(index, id);
  else
    q.BindNull(index);
}
}  // namespace

StatusOr<int64_t> RevisionRepository::Insert(const model::Revision& r) {
  auto st = db_.Prepare(
      "INSERT INTO article_revisions (lang, slug, key, title, source, source_hash, parent_id, state, origin, "
      "change_summary, author_id, created_at, reviewed_by, reviewed_at, review_note, needs_translation, follows_id, "
      "ticket_id, restored_from) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "?18, ?19)");
  if (!st.ok()) return st.status();
  Statement& q = **st;
  q.Bind(1, r.lang).Bind(2, r.slug).Bind(3, r.key).Bind(4, r.title).Bind(5, r.source).Bind(6, r.source_hash);
  BindOptionalId(q, 7, r.parent_id);
  q.Bind(8, model::ToString(r.state)).Bind(9, model::ToString(r.origin)).Bind(10, r.change_summary);
  BindOptionalId(q, 11, r.author_id);
  q.Bind(12, r.created_at);
  BindOptionalId(q, 13, r.reviewed_by);
  if (r.reviewed_at)
    q.Bind(14, r.reviewed_at);
  else
    q.BindNull(14);
  q.Bind(15, r.review_note).Bind(16, r.needs_translation);
  BindOptionalId(q, 17, r.follows_id);
  BindOptionalId(q, 18, r.ticket_id);
  BindOptionalId(q, 19, r.restored_from);
  ENTRAIDE_RETURN_IF_ERROR(q.Run());
  return db_.LastInsertRowId();
}

StatusOr<std::optional<model::Revision>> RevisionRepository::Find(int64_t id) {
  auto st = db_.Prepare(std::string("SELECT ") + kCols + ", r.source" + kJoins + "WHERE r.id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<model::Revision>(*st, ReadWithSource);
}

StatusOr<std::optional<model::Revision>> RevisionRepository::Head(const std::string& lang, const std::string& slug) {
  auto st = db_.Prepare(std::string("SELECT ") + kCols + ", r.source" + kJoins +
                        "WHERE r.lang = ? AND r.slug = ? AND r.state IN ('pending', 'published') "
                        "ORDER BY r.id DESC LIMIT 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug);
  return OneRow<model::Revision>(*st, ReadWithSource);
}

StatusOr<std::vector<model::Revision>> RevisionRepository::OfArticle(const std::string& lang, const std::string& slug) {
  auto st = db_.Prepare(std::string("SELECT ") + kCols + kJoins +
                        "WHERE r.lang = ? AND r.slug = ? ORDER BY r.id DESC LIMIT 1000");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug);
  return AllRows<model::Revision>(*st, ReadRevision);
}

StatusOr<std::optional<model::Revision>> RevisionRepository::KeptFileText(const std::string& lang,
                                                                          const std::string& slug,
                                                                          const std::string& hash) {
  auto st = db_.Prepare(std::string("SELECT ") + kCols + kJoins +
                        "WHERE r.lang = ? AND r.slug = ? AND r.source_hash = ? AND r.state IN ('conflict', 'declined') "
                        "ORDER BY r.id DESC LIMIT 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug).Bind(3, hash);
  return OneRow<model::Revision>(*st, ReadRevision);
}

Status RevisionRepository::SetState(int64_t id, model::RevisionState state, int64_t reviewer, int64_t at,
                                    const std::string& note) {
  auto st = db_.Prepare(
      "UPDATE article_revisions SET state = ?1, reviewed_by = ?2, reviewed_at = ?3, review_note = ?4 WHERE id = ?5");
  if (!st.ok()) return st.status();
  Statement& q = **st;
  q.Bind(1, model::ToString(state));
  BindOptionalId(q, 2, reviewer);
  q.Bind(3, at).Bind(4, note).Bind(5, id);
  return q.Run();
}

StatusOr<std::vector<model::ReviewItem>> RevisionRepository::Waiting() {
  auto st = db_.Prepare(std::string("SELECT ") + kCols +
                        ", (SELECT coalesce(a.revision_id, 0) FROM articles a WHERE a.lang = r.lang AND "
                        "a.slug = r.slug AND a.published = 1)" +
                        kJoins + "WHERE r.state IN ('pending', 'conflict') ORDER BY r.id LIMIT 500");
  if (!st.ok()) return st.status();
  return AllRows<model::ReviewItem>(*st, [](Statement& q) {
    model::ReviewItem item;
    item.revision = ReadRevision(q);
    item.new_article = q.ColumnIsNull(23);
    item.current_id = q.ColumnOptionalInt(23).value_or(0);
    return item;
  });
}

StatusOr<std::vector<model::TranslationTodo>> RevisionRepository::Translations() {
  // Missing: a served article whose key has no served article in the other language. Stale: the translation
  // follows (its current revision's follows_id) an older revision than the newest one marked needs_translation.
  auto st = db_.Prepare(
      "SELECT 0, a.lang, a.slug, a.title, coalesce(a.revision_id, 0), "
      "  CASE a.lang WHEN 'en' THEN 'fr' ELSE 'en' END, '', '', "
      "  coalesce((SELECT min(created_at) FROM article_revisions r WHERE r.lang = a.lang AND r.slug = a.slug), "
      "           CAST(strftime('%s', a.created_at) AS INTEGER), 0) AS since "
      "FROM articles a WHERE a.published = 1 AND a.draft = 0 AND NOT EXISTS (SELECT 1 FROM articles b "
      "  WHERE b.key = a.key AND b.lang <> a.lang AND b.published = 1 AND b.draft = 0) "
      "UNION ALL "
      "SELECT 1, a.lang, a.slug, a.title, coalesce(a.revision_id, 0), b.lang, b.slug, b.title, min(r.created_at) "
      "FROM articles a JOIN articles b ON b.key = a.key AND b.lang <> a.lang AND b.published = 1 AND b.draft = 0 "
      "LEFT JOIN article_revisions br ON br.id = b.revision_id "
      "JOIN article_revisions r ON r.lang = a.lang AND r.slug = a.slug AND r.state = 'published' "
      "  AND r.needs_translation = 1 AND r.id > coalesce(br.follows_id, 0) "
      "WHERE a.published = 1 AND a.draft = 0 GROUP BY a.id, b.id "
      "ORDER BY since, 2, 3 LIMIT 2000");
  if (!st.ok()) return st.status();
  return AllRows<model::TranslationTodo>(*st, [](Statement& q) {
    model::TranslationTodo t;
    t.kind = q.ColumnInt(0) ? model::TranslationTodo::Kind::kStale : model::TranslationTodo::Kind::kMissing;
    t.source_lang = q.ColumnText(1);
    t.source_slug = q.ColumnText(2);
    t.source_title = q.ColumnText(3);
    t.source_revision_id = q.ColumnInt(4);
    t.target_lang = q.ColumnText(5);
    t.target_slug = q.ColumnText(6);
    t.target_title = q.ColumnText(7);
    t.since = q.ColumnInt(8);
    return t;
  });
}

StatusOr<std::optional<std::pair<std::string, std::string>>> RevisionRepository::AheadOf(const std::string& lang,
                                                                                         const std::string& slug) {
  auto st = db_.Prepare(
      "SELECT a.lang, a.slug FROM articles b "
      "JOIN articles a ON a.key = b.key AND a.lang <> b.lang AND a.published = 1 AND a.draft = 0 "
      "LEFT JOIN article_revisions br ON br.id = b.revision_id "
      "WHERE b.lang = ?1 AND b.slug = ?2 AND EXISTS (SELECT 1 FROM article_revisions r WHERE r.lang = a.lang "
      "  AND r.slug = a.slug AND r.state = 'published' AND r.needs_translation = 1 "
      "  AND r.id > coalesce(br.follows_id, 0)) LIMIT 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug);
  return OneRow<std::pair<std::string, std::string>>(
      *st, [](Statement& q) { return std::make_pair(q.ColumnText(0), q.ColumnText(1)); });
}

StatusOr<std::optional<model::RevisionOrigin>> RevisionRepository::ServedOrigin(const std::string& lang,
                                                                                const std::string& slug) {
  auto st = db_.Prepare(
      "SELECT r.origin FROM articles a JOIN article_revisions r ON r.id = a.revision_id "
      "WHERE a.lang = ? AND a.slug = ? AND a.published = 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug);
  auto word = OneRow<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
  if (!word.ok()) return word.status();
  if (!*word) return std::optional<model::RevisionOrigin>();
  return model::ParseRevisionOrigin(**word);
}

}  // namespace entraide::store

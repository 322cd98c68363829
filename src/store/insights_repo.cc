#include "store/insights_repo.h"

#include <map>

#include "store/rows.h"

namespace entraide::store {
namespace {

model::SavedReply ReadSavedReply(Statement& q) {
  model::SavedReply r;
  r.id = q.ColumnInt(0);
  r.title_fr = q.ColumnText(1);
  r.title_en = q.ColumnText(2);
  r.body_fr = q.ColumnText(3);
  r.body_en = q.ColumnText(4);
  r.created_by = q.ColumnInt(5);
  r.created_at = q.ColumnInt(6);
  r.updated_at = q.ColumnInt(7);
  return r;
}

// Binds a saved reply's titles and texts to ?1 to ?4.
Statement& BindTexts(Statement& st, const model::SavedReply& r) {
  return st.Bind(1, r.title_fr).Bind(2, r.title_en).Bind(3, r.body_fr).Bind(4, r.body_en);
}

model::NamedCount ReadNamedCount(Statement& q) {
  return model::NamedCount{q.ColumnInt(0), q.ColumnText(1), q.ColumnInt(2)};
}

}  // namespace

StatusOr<bool> InsightsRepository::AddFeedback(const std::string& key, const std::string& lang, const std::string& day,
                                               const std::string& client, bool helpful, int64_t now) {
  auto st = db_.Prepare(
      "INSERT INTO article_feedback (article_key, lang, day, helpful, client, created_at) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (article_key, day, client) WHERE client IS NOT NULL DO NOTHING");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR(
      (*st)->Bind(1, key).Bind(2, lang).Bind(3, day).Bind(4, helpful).Bind(5, client).Bind(6, now).Run());
  return db_.Changes() == 1;
}

StatusOr<bool> InsightsRepository::SetFeedbackComment(const std::string& key, const std::string& day,
                                                      const std::string& client, const std::string& comment) {
  auto st = db_.Prepare(
      "UPDATE article_feedback SET comment = ? WHERE article_key = ? AND day = ? AND client = ? AND helpful = 0 "
      "AND comment = ''");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, comment).Bind(2, key).Bind(3, day).Bind(4, client).Run());
  return db_.Changes() == 1;
}

StatusOr<int64_t> InsightsRepository::ForgetClientsBefore(const std::string& day) {
  auto st = db_.Prepare("UPDATE article_feedback SET client = NULL WHERE client IS NOT NULL AND day < ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, day).Run());
  return static_cast<int64_t>(db_.Changes());
}

StatusOr<std::vector<model::ArticleScore>> InsightsRepository::ArticleScores(int64_t from, int64_t to,
                                                                             const std::string& lang, int64_t now,
                                                                             int64_t settle_s) {
  // One row per article key: its answers, and its citations by tickets that it did not resolve. The title is
  // the asked language's version when there is one (ORDER BY in the correlated subquery).
  auto st = db_.Prepare(R"sql(
WITH answers AS (
  SELECT article_key AS key, SUM(helpful) AS yes, COUNT(*) - SUM(helpful) AS no
  FROM article_feedback WHERE created_at >= ?1 AND created_at < ?2 GROUP BY article_key),
cited AS (
  SELECT ta.article_key AS key, COUNT(*) AS n
  FROM ticket_articles ta JOIN tickets t ON t.id = ta.ticket_id
  WHERE ta.created_at >= ?1 AND ta.created_at < ?2
    AND (t.helpful = 0 OR (t.status IN ('new', 'triaged', 'in_progress', 'waiting_on_group')
                           AND ta.created_at <= ?4 - ?5))
  GROUP BY ta.article_key),
keys AS (SELECT key FROM answers UNION SELECT key FROM cited)
SELECT k.key, COALESCE(a.yes, 0), COALESCE(a.no, 0), COALESCE(c.n, 0),
       (SELECT ar.title || char(31) || ar.slug || char(31) || ar.lang FROM articles ar
        WHERE ar.key = k.key AND ar.published = 1 ORDER BY ar.lang = ?3 DESC LIMIT 1)
FROM keys k LEFT JOIN answers a ON a.key = k.key LEFT JOIN cited c ON c.key = k.key
ORDER BY k.key)sql");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, from).Bind(2, to).Bind(3, lang).Bind(4, now).Bind(5, settle_s);
  return AllRows<model::ArticleScore>(*st, [](Statement& q) {
    model::ArticleScore s;
    s.key = q.ColumnText(0);
    s.yes = q.ColumnInt(1);
    s.no = q.ColumnInt(2);
    s.unresolved_citations = q.ColumnInt(3);
    std::string joined = q.ColumnText(4);
    size_t a = joined.find('\x1f'), b = a == std::string::npos ? a : joined.find('\x1f', a + 1);
    if (b != std::string::npos) {
      s.title = joined.substr(0, a);
      s.slug = joined.substr(a + 1, b - a - 1);
      s.lang = joined.substr(b + 1);
    } else {
      s.title = s.key;  // an article removed since
    }
    return s;
  });
}

StatusOr<std::vector<model::FeedbackComment>> InsightsRepository::RecentComments(int64_t from, int64_t to, int limit) {
  auto st = db_.Prepare(
      "SELECT article_key, lang, comment, day FROM article_feedback WHERE created_at >= ? AND created_at < ? "
      "AND comment != '' ORDER BY created_at DESC, id DESC LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, from).Bind(2, to).Bind(3, limit);
  return AllRows<model::FeedbackComment>(*st, [](Statement& q) {
    return model::FeedbackComment{q.ColumnText(0), q.ColumnText(1), q.ColumnText(2), q.ColumnText(3)};
  });
}

Status InsightsRepository::AddSearchCounts(const std::vector<model::SearchCount>& counts) {
  auto st = db_.Prepare(
      "INSERT INTO search_log (day, lang, query, searches, no_result, clicks) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (day, lang, query) DO UPDATE SET searches = searches + excluded.searches, "
      "no_result = no_result + excluded.no_result, clicks = clicks + excluded.clicks");
  if (!st.ok()) return st.status();
  for (const auto& c : counts)
    ENTRAIDE_RETURN_IF_ERROR((*st)
                                 ->Bind(1, c.day)
                                 .Bind(2, c.lang)
                                 .Bind(3, c.query)
                                 .Bind(4, c.searches)
                                 .Bind(5, c.no_result)
                                 .Bind(6, c.clicks)
                                 .Run());
  return Status::Ok();
}

StatusOr<int64_t> InsightsRepository::PurgeSearchLogBefore(const std::string& day) {
  auto st = db_.Prepare("DELETE FROM search_log WHERE day < ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, day).Run());
  return static_cast<int64_t>(db_.Changes());
}

StatusOr<InsightsRepository::Gaps> InsightsRepository::SearchGaps(const std::string& from_day,
                                                                  const std::string& to_day, int limit) {
  auto st = db_.Prepare(R"sql(
WITH q AS MATERIALIZED (
  SELECT lang, query, SUM(searches) AS s, SUM(no_result) AS n, SUM(clicks) AS c FROM search_log
  WHERE day >= ?1 AND day <= ?2 GROUP BY lang, query)
SELECT * FROM (SELECT 0, lang, query, s, n, c FROM q WHERE n > 0 ORDER BY n DESC, query LIMIT ?3)
UNION ALL
SELECT * FROM (SELECT 1, lang, query, s, n, c FROM q WHERE c = 0 AND s > n ORDER BY s - n DESC, query LIMIT ?3))sql");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, from_day).Bind(2, to_day).Bind(3, limit);
  StatementScope q(*st);
  Gaps gaps;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    model::QueryGap g{q->ColumnText(1), q->ColumnText(2), q->ColumnInt(3), q->ColumnInt(4), q->ColumnInt(5)};
    (q->ColumnInt(0) == 0 ? gaps.no_result : gaps.no_click).push_back(std::move(g));
  }
  return gaps;
}

StatusOr<std::vector<model::SavedReply>> InsightsRepository::ListSavedReplies() {
  auto st = db_.Prepare(
      "SELECT id, title_fr, title_en, body_fr, body_en, COALESCE(created_by, 0), created_at, updated_at "
      "FROM saved_replies ORDER BY title_fr COLLATE NOCASE, id");
  if (!st.ok()) return st.status();
  return AllRows<model::SavedReply>(*st, ReadSavedReply);
}

StatusOr<std::optional<model::SavedReply>> InsightsRepository::FindSavedReply(int64_t id) {
  auto st = db_.Prepare(
      "SELECT id, title_fr, title_en, body_fr, body_en, COALESCE(created_by, 0), created_at, updated_at "
      "FROM saved_replies WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<model::SavedReply>(*st, ReadSavedReply);
}

StatusOr<int64_t> InsightsRepository::CreateSavedReply(const model::SavedReply& r) {
  auto st = db_.Prepare(
      "INSERT INTO saved_replies (title_fr, title_en, body_fr, body_en, created_by, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR(BindTexts(**st, r).Bind(5, r.created_by).Bind(6, r.created_at).Bind(7, r.updated_at).Run());
  return db_.LastInsertRowId();
}

Status InsightsRepository::UpdateSavedReply(const model::SavedReply& r) {
  auto st = db_.Prepare(
      "UPDATE saved_replies SET title_fr = ?, title_en = ?, body_fr = ?, body_en = ?, updated_at = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR(BindTexts(**st, r).Bind(5, r.updated_at).Bind(6, r.id).Run());
  if (db_.Changes() == 0) return core::NotFound("saved reply " + std::to_string(r.id));
  return Status::Ok();
}

Status InsightsRepository::DeleteSavedReply(int64_t id) {
  auto st = db_.Prepare("DELETE FROM saved_replies WHERE id = ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, id).Run());
  if (db_.Changes() == 0) return core::NotFound("saved reply " + std::to_string(id));
  return Status::Ok();
}

StatusOr<std::vector<model::TicketFigureRow>> InsightsRepository::TicketsOpened(int64_t from, int64_t to) {
  // Read from the index tickets_created alone (0015): every column named is in it.
  auto st = db_.Prepare(
      "SELECT created_at, first_response_at, status, urgency, group_id FROM tickets INDEXED BY tickets_created "
      "WHERE created_at >= ? AND created_at < ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, from).Bind(2, to);
  return AllRows<model::TicketFigureRow>(*st, [](Statement& q) {
    model::TicketFigureRow r;
    r.created_at = q.ColumnInt(0);
    if (!q.ColumnIsNull(1)) r.first_response_at = q.ColumnInt(1);
    r.status = q.ColumnText(2);
    r.urgency = q.ColumnText(3);
    r.group_id = q.ColumnInt(4);
    return r;
  });
}

StatusOr<std::vector<int64_t>> InsightsRepository::ResolvedTimes(int64_t from, int64_t to) {
  auto st = db_.Prepare(
      "SELECT resolved_at FROM tickets INDEXED BY tickets_resolved_at WHERE resolved_at >= ? AND resolved_at < ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, from).Bind(2, to);
  return AllRows<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
}

StatusOr<std::vector<model::OpenCount>> InsightsRepository::OpenTickets() {
  auto st = db_.Prepare(
      "SELECT t.status, t.urgency, t.category, COALESCE(c.name_fr, t.category), COALESCE(c.name_en, t.category), "
      "COUNT(*) FROM tickets t LEFT JOIN ticket_categories c ON c.slug = t.category "
      "WHERE t.status IN ('new', 'triaged', 'in_progress', 'waiting_on_group') GROUP BY t.status, t.urgency, "
      "t.category");
  if (!st.ok()) return st.status();
  return AllRows<model::OpenCount>(*st, [](Statement& q) {
    return model::OpenCount{q.ColumnText(0), q.ColumnText(1), q.ColumnText(2),
                            q.ColumnText(3), q.ColumnText(4), q.ColumnInt(5)};
  });
}

StatusOr<std::vector<model::NamedCount>> InsightsRepository::GroupNames(const std::vector<int64_t>& ids) {
  auto st = db_.Prepare("SELECT id, name, 0 FROM groups WHERE id = ?");
  if (!st.ok()) return st.status();
  std::vector<model::NamedCount> out;
  for (int64_t id : ids) {
    (*st)->Bind(1, id);
    auto row = OneRow<model::NamedCount>(*st, ReadNamedCount);
    if (!row.ok()) return row.status();
    if (*row) out.push_back(std::move(**row));
  }
  return out;
}

StatusOr<std::vector<model::NamedCount>> InsightsRepository::AnsweredByVolunteer(int64_t from, int64_t to, int limit) {
  auto st = db_.Prepare(
      "SELECT u.id, u.name, n FROM (SELECT actor_id, COUNT(DISTINCT ticket_id) AS n FROM ticket_events "
      "INDEXED BY ticket_events_public_replies WHERE kind = 'reply' AND internal = 0 AND created_at >= ? "
      "AND created_at < ? AND actor_id IS NOT NULL GROUP BY actor_id) x JOIN users u ON u.id = x.actor_id "
      "WHERE u.role IN ('volunteer', 'coordinator') ORDER BY n DESC, u.id LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, from).Bind(2, to).Bind(3, limit);
  return AllRows<model::NamedCount>(*st, ReadNamedCount);
}

}  // namespace entraide::store

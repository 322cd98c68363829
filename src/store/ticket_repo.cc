#include "store/ticket_repo.h"

#include <cstdio>

#include "core/strings.h"
#include "store/rows.h"

namespace entraide::store {
namespace {

constexpr const char* kTicketSelect =
    "SELECT t.id, t.ref, t.group_id, g.name, g.slug, t.opened_by, o.name, t.subject, t.body, t.body_html, t.category, "
    "t.urgency, t.status, t.lang, t.assignee_id, coalesce(a.name, ''), t.created_at, t.updated_at, "
    "t.first_response_at, t.resolved_at, t.closed_at, t.helpful, t.helpful_comment, t.redacted_at "
    "FROM tickets t JOIN groups g ON g.id = t.group_id JOIN users o ON o.id = t.opened_by "
    "LEFT JOIN users a ON a.id = t.assignee_id ";

model::Ticket ReadTicket(Statement& q) {
  model::Ticket t;
  t.id = q.ColumnInt(0);
  t.ref = q.ColumnText(1);
  t.group_id = q.ColumnInt(2);
  t.group_name = q.ColumnText(3);
  t.group_slug = q.ColumnText(4);
  t.opened_by = q.ColumnInt(5);
  t.opened_by_name = q.ColumnText(6);
  t.subject = q.ColumnText(7);
  t.body = q.ColumnText(8);
  t.body_html = q.ColumnText(9);
  t.category = q.ColumnText(10);
  t.urgency = q.ColumnText(11);
  t.status = model::ParseTicketStatus(q.ColumnText(12)).value_or(model::TicketStatus::kNew);  // CHECKed by 0004
  t.lang = q.ColumnText(13);
  t.assignee_id = q.ColumnOptionalInt(14);
  t.assignee_name = q.ColumnText(15);
  t.created_at = q.ColumnInt(16);
  t.updated_at = q.ColumnInt(17);
  t.first_response_at = q.ColumnOptionalInt(18);
  t.resolved_at = q.ColumnOptionalInt(19);
  t.closed_at = q.ColumnOptionalInt(20);
  if (!q.ColumnIsNull(21)) t.helpful = static_cast<int>(q.ColumnInt(21));
  t.helpful_comment = q.ColumnText(22);
  t.redacted_at = q.ColumnOptionalInt(23);
  return t;
}

model::Question ReadQuestion(Statement& q) {
  model::Question r;
  r.id = q.ColumnInt(0);
  r.ticket_id = q.ColumnInt(1);
  r.lang = q.ColumnText(2);
  r.slug = q.ColumnText(3);
  r.title = q.ColumnText(4);
  r.question = q.ColumnText(5);
  r.answer = q.ColumnText(6);
  r.question_html = q.ColumnText(7);
  r.answer_html = q.ColumnText(8);
  r.category = q.ColumnText(9);
  r.published_by = q.ColumnInt(10);
  r.published = q.ColumnInt(11) != 0;
  r.created_at = q.ColumnInt(12);
  return r;
}

constexpr const char* kQuestionCols =
    "id, ticket_id, lang, slug, title, question, answer, question_html, answer_html, category, published_by, "
    "published, created_at";

// The first `n` columns of the first row as integers (zeros when there is no row).
StatusOr<std::vector<int64_t>> IntRow(Statement* st, int n) {
  StatementScope q(st);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  std::vector<int64_t> out(static_cast<size_t>(n), 0);
  for (int i = 0; *row && i < n; ++i) out[static_cast<size_t>(i)] = q->ColumnInt(i);
  return out;
}

StatusOr<int64_t> Scalar(Statement* st) {
  auto row = IntRow(st, 1);
  if (!row.ok()) return row.status();
  return (*row)[0];
}

}  // namespace

StatusOr<std::string> TicketRepository::NextRef(int year) {
  auto st = db_.Prepare(
      "INSERT INTO ticket_refs (year, last) VALUES (?1, 1) ON CONFLICT (year) DO UPDATE SET last = last + 1 "
      "RETURNING last");
  if (!st.ok()) return st.status();
  int64_t n = 0;
  {
    StatementScope q(*st);
    q->Bind(1, year);
    auto row = q->Step();
    if (!row.ok()) return row.status();
    n = q->ColumnInt(0);
    while (true) {
      auto more = q->Step();
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "ENT-%04d-%04lld", year, static_cast<long long>(n));
  return std::string(buf);
}

StatusOr<int64_t> TicketRepository::Create(const model::Ticket& t) {
  auto st = db_.Prepare(
      "INSERT INTO tickets (ref, group_id, opened_by, subject, body, body_html, category, urgency, status, lang, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)
                               ->Bind(1, t.ref)
                               .Bind(2, t.group_id)
                               .Bind(3, t.opened_by)
                               .Bind(4, t.subject)
                               .Bind(5, t.body)
                               .Bind(6, t.body_html)
                               .Bind(7, t.category)
                               .Bind(8, t.urgency)
                               .Bind(9, std::string(model::ToString(t.status)))
                               .Bind(10, t.lang)
                               .Bind(11, t.created_at)
                               .Bind(12, t.updated_at)
                               .Run());
  return db_.LastInsertRowId();
}

StatusOr<std::optional<int64_t>> TicketRepository::IdOfRef(const std::string& ref) {
  auto st = db_.Prepare("SELECT id FROM tickets WHERE ref = upper(?)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ref);
  return OneRow<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
}

StatusOr<std::optional<model::Ticket>> TicketRepository::Find(int64_t id) {
  auto st = db_.Prepare(std::string(kTicketSelect) + "WHERE t.id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<model::Ticket>(*st, ReadTicket);
}

StatusOr<std::vector<model::Ticket>> TicketRepository::List(const model::TicketFilter& f) {
  // Lists never show the description: leave the two largest columns out of the rows read.
  std::string sql = kTicketSelect;
  sql = core::ReplaceAll(sql, "t.body, t.body_html,", "'', '',");
  // The open queue in queue order reads the partial index made for it (0007) and stops after LIMIT rows. Named,
  // because statistics gathered before the tickets existed (or none) can make the planner prefer
  // (status, resolved_at) and sort every open ticket (14 ms instead of 2 with 2,000 of them).
  using Scope = model::StatusFilter::Scope;
  if (f.queue_order && f.status.scope == Scope::kOpen)
    sql = core::ReplaceAll(sql, "FROM tickets t ", "FROM tickets t INDEXED BY tickets_queue_order ");
  sql += "WHERE 1 = 1";
  std::vector<std::string> texts;
  std::vector<int64_t> ints;
  // Filters use bound parameters only; the SQL text depends on which filters are present, not their values.
  std::string where;
  if (!f.group_ids.empty()) {
    where += " AND t.group_id IN (";
    for (size_t i = 0; i < f.group_ids.size(); ++i) where += i ? ",?" : "?";
    where += ")";
  }
  // The words stay literal in SQL: a partial index is used only when the query repeats its WHERE (0007).
  if (f.status.scope == Scope::kOpen)
    where += " AND t.status IN ('new','triaged','in_progress','waiting_on_group')";
  else if (f.status.scope == Scope::kOne)
    where += " AND t.status = ?";
  if (!f.category.empty()) where += " AND t.category = ?";
  if (!f.urgency.empty()) where += " AND t.urgency = ?";
  if (!f.lang.empty()) where += " AND t.lang = ?";
  if (f.assignee) where += *f.assignee == 0 ? " AND t.assignee_id IS NULL" : " AND t.assignee_id = ?";
  if (f.group_id) where += " AND t.group_id = ?";
  sql += where;
  if (f.queue_order && f.status.scope == Scope::kOne && model::IsFinished(f.status.one)) {
    // Finished tickets have no triage order; the index (status, resolved_at) gives this one without a sort.
    sql += " ORDER BY t.resolved_at DESC, t.id DESC";
  } else if (f.queue_order) {
    sql +=
        " ORDER BY (t.status = 'new' AND t.assignee_id IS NULL) DESC, "
        "CASE t.urgency WHEN 'blocking' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, "
        // Within an urgency, those still waiting for a first public answer (late and nearly late among them:
        // tickets/response_targets.h) before the answered ones; the index of 0015 has this order.
        "(t.first_response_at IS NULL) DESC, t.created_at";
  } else {
    sql += " ORDER BY t.updated_at DESC, t.id DESC";
  }
  sql += " LIMIT ? OFFSET ?";
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  int i = 1;
  for (int64_t g : f.group_ids) (*st)->Bind(i++, g);
  if (f.status.scope == Scope::kOne) (*st)->Bind(i++, std::string(model::ToString(f.status.one)));
  if (!f.category.empty()) (*st)->Bind(i++, f.category);
  if (!f.urgency.empty()) (*st)->Bind(i++, f.urgency);
  if (!f.lang.empty()) (*st)->Bind(i++, f.lang);
  if (f.assignee && *f.assignee != 0) (*st)->Bind(i++, *f.assignee);
  if (f.group_id) (*st)->Bind(i++, *f.group_id);
  (*st)->Bind(i++, f.limit);
  (*st)->Bind(i++, f.offset);
  return AllRows<model::Ticket>(*st, ReadTicket);
}

StatusOr<int64_t> TicketRepository::CountOpenedSince(int64_t user_id, int64_t since) {
  auto st = db_.Prepare("SELECT count(*) FROM tickets WHERE opened_by = ? AND created_at > ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, since);
  return Scalar(*st);
}

StatusOr<int64_t> TicketRepository::OldestOpenedSince(int64_t user_id, int64_t since) {
  auto st = db_.Prepare("SELECT coalesce(min(created_at), 0) FROM tickets WHERE opened_by = ? AND created_at > ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, since);
  return Scalar(*st);
}

Status TicketRepository::SetStatus(int64_t id, model::TicketStatus status, int64_t now) {
  auto st = db_.Prepare(
      "UPDATE tickets SET status = ?1, updated_at = ?2, "
      "resolved_at = CASE WHEN ?1 = 'resolved' THEN ?2 WHEN ?1 IN ('closed') THEN resolved_at ELSE NULL END, "
      "closed_at = CASE WHEN ?1 = 'closed' THEN ?2 ELSE NULL END WHERE id = ?3");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, std::string(model::ToString(status))).Bind(2, now).Bind(3, id).Run();
}

StatusOr<bool> TicketRepository::Claim(int64_t id, int64_t volunteer, int64_t now) {
  // One statement decides the race: only a ticket that nobody else holds changes hands.
  auto st = db_.Prepare(
      "UPDATE tickets SET assignee_id = ?1, updated_at = ?2 WHERE id = ?3 AND (assignee_id IS NULL OR assignee_id = "
      "?1)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, volunteer).Bind(2, now).Bind(3, id).Run());
  return db_.Changes() == 1;
}

Status TicketRepository::SetAssignee(int64_t id, std::optional<int64_t> assignee, int64_t now) {
  auto st = db_.Prepare("UPDATE tickets SET assignee_id = ?, updated_at = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, assignee).Bind(2, now).Bind(3, id).Run();
}

Status TicketRepository::SetField(int64_t id, const std::string& column, const std::string& value, int64_t now) {
  const char* sql = column == "urgency"    ? "UPDATE tickets SET urgency = ?, updated_at = ? WHERE id = ?"
                    : column == "category" ? "UPDATE tickets SET category = ?, updated_at = ? WHERE id = ?"
                                           : nullptr;
  if (!sql) return core::Internal("unknown ticket field " + column);
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, value).Bind(2, now).Bind(3, id).Run();
}

Status TicketRepository::MarkFirstResponse(int64_t id, int64_t now) {
  auto st = db_.Prepare("UPDATE tickets SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, now).Bind(2, id).Run();
}

Status TicketRepository::SetHelpful(int64_t id, bool helpful, const std::string& comment, int64_t now) {
  auto st = db_.Prepare("UPDATE tickets SET helpful = ?, helpful_comment = ?, updated_at = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, helpful).Bind(2, comment).Bind(3, now).Bind(4, id).Run();
}

Status TicketRepository::Touch(int64_t id, int64_t now) {
  auto st = db_.Prepare("UPDATE tickets SET updated_at = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, now).Bind(2, id).Run();
}

StatusOr<bool> TicketRepository::AnyResolvedBefore(int64_t cutoff) {
  auto st = db_.Prepare("SELECT 1 FROM tickets WHERE status = 'resolved' AND resolved_at < ? LIMIT 1");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, cutoff);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return *row;
}

StatusOr<std::vector<int64_t>> TicketRepository::CloseResolvedBefore(int64_t cutoff, int64_t now) {
  auto sel = db_.Prepare("SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at < ?");
  if (!sel.ok()) return sel.status();
  (*sel)->Bind(1, cutoff);
  auto ids = AllRows<int64_t>(*sel, [](Statement& q) { return q.ColumnInt(0); });
  if (!ids.ok()) return ids.status();
  for (int64_t id : *ids) ENTRAIDE_RETURN_IF_ERROR(SetStatus(id, model::TicketStatus::kClosed, now));
  return ids;
}

StatusOr<int64_t> TicketRepository::AddEvent(const model::TicketEvent& e) {
  auto st = db_.Prepare(
      "INSERT INTO ticket_events (ticket_id, actor_id, kind, body, body_html, internal, old_value, new_value, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)
                               ->Bind(1, e.ticket_id)
                               .Bind(2, e.actor_id)
                               .Bind(3, e.kind)
                               .Bind(4, e.body)
                               .Bind(5, e.body_html)
                               .Bind(6, e.internal)
                               .Bind(7, e.old_value)
                               .Bind(8, e.new_value)
                               .Bind(9, e.created_at)
                               .Run());
  return db_.LastInsertRowId();
}

namespace {
constexpr const char* kEventSelect =
    "SELECT e.id, e.ticket_id, e.actor_id, coalesce(u.name, ''), e.kind, e.body, e.body_html, e.internal, "
    "e.old_value, e.new_value, e.created_at FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id ";

model::TicketEvent ReadEvent(Statement& q) {
  model::TicketEvent e;
  e.id = q.ColumnInt(0);
  e.ticket_id = q.ColumnInt(1);
  e.actor_id = q.ColumnOptionalInt(2);
  e.actor_name = q.ColumnText(3);
  e.kind = q.ColumnText(4);
  e.body = q.ColumnText(5);
  e.body_html = q.ColumnText(6);
  e.internal = q.ColumnInt(7) != 0;
  e.old_value = q.ColumnText(8);
  e.new_value = q.ColumnText(9);
  e.created_at = q.ColumnInt(10);
  return e;
}
}  // namespace

StatusOr<std::vector<model::TicketEvent>> TicketRepository::Events(int64_t ticket_id, bool include_internal) {
  auto st = db_.Prepare(std::string(kEventSelect) + "WHERE e.ticket_id = ? AND (e.internal = 0 OR ?) ORDER BY e.id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id).Bind(2, include_internal);
  return AllRows<model::TicketEvent>(*st, ReadEvent);
}

StatusOr<std::vector<model::TicketEvent>> TicketRepository::EventsBy(int64_t user_id) {
  auto st = db_.Prepare(std::string(kEventSelect) + "WHERE e.actor_id = ? ORDER BY e.id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id);
  return AllRows<model::TicketEvent>(*st, ReadEvent);
}

StatusOr<std::pair<int64_t, int64_t>> TicketRepository::CountRepliesSince(int64_t user_id, int64_t since) {
  auto st = db_.Prepare(
      "SELECT count(*), coalesce(min(created_at), 0) FROM ticket_events "
      "WHERE actor_id = ? AND created_at > ? AND kind IN ('reply', 'note')");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, since);
  auto row = IntRow(*st, 2);
  if (!row.ok()) return row.status();
  return std::make_pair((*row)[0], (*row)[1]);
}

StatusOr<int64_t> TicketRepository::AddAttachment(const model::Attachment& a) {
  auto st = db_.Prepare(
      "INSERT INTO attachments (ticket_id, event_id, filename, content_type, size, sha256, uploaded_by, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)
                               ->Bind(1, a.ticket_id)
                               .Bind(2, a.event_id)
                               .Bind(3, a.filename)
                               .Bind(4, a.content_type)
                               .Bind(5, a.size)
                               .Bind(6, a.sha256)
                               .Bind(7, a.uploaded_by)
                               .Bind(8, a.created_at)
                               .Run());
  return db_.LastInsertRowId();
}

namespace {
model::Attachment ReadAttachment(Statement& q) {
  model::Attachment a;
  a.id = q.ColumnInt(0);
  a.ticket_id = q.ColumnInt(1);
  a.event_id = q.ColumnOptionalInt(2);
  a.filename = q.ColumnText(3);
  a.content_type = q.ColumnText(4);
  a.size = q.ColumnInt(5);
  a.sha256 = q.ColumnText(6);
  a.uploaded_by = q.ColumnInt(7);
  a.created_at = q.ColumnInt(8);
  return a;
}
// An attachment is visible when it came with no event or with a public one; an attachment whose event is
// missing is not. ?1: the ticket, ?2: whether internal notes are visible.
constexpr const char* kVisibleAttachments =
    "SELECT a.id, a.ticket_id, a.event_id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, "
    "a.created_at FROM attachments a LEFT JOIN ticket_events e ON e.id = a.event_id "
    "WHERE a.ticket_id = ?1 AND (a.event_id IS NULL OR e.internal = 0 OR (e.id IS NOT NULL AND ?2)) ";
}  // namespace

StatusOr<std::vector<model::Attachment>> TicketRepository::Attachments(int64_t ticket_id, bool include_internal) {
  auto st = db_.Prepare(std::string(kVisibleAttachments) + "ORDER BY a.id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id).Bind(2, include_internal);
  return AllRows<model::Attachment>(*st, ReadAttachment);
}

StatusOr<std::optional<model::Attachment>> TicketRepository::FindAttachment(int64_t ticket_id, int64_t id,
                                                                            bool include_internal) {
  auto st = db_.Prepare(std::string(kVisibleAttachments) + "AND a.id = ?3");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id).Bind(2, include_internal).Bind(3, id);
  return OneRow<model::Attachment>(*st, ReadAttachment);
}

StatusOr<std::vector<model::Attachment>> TicketRepository::AttachmentsBy(int64_t user_id) {
  auto st = db_.Prepare(
      "SELECT id, ticket_id, event_id, filename, content_type, size, sha256, uploaded_by, created_at FROM attachments "
      "WHERE uploaded_by = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id);
  return AllRows<model::Attachment>(*st, ReadAttachment);
}

StatusOr<int64_t> TicketRepository::AttachmentBytes(int64_t ticket_id) {
  auto st = db_.Prepare("SELECT coalesce(sum(size), 0) FROM attachments WHERE ticket_id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id);
  return Scalar(*st);
}

StatusOr<TicketRepository::UploadsSince> TicketRepository::CountUploadsSince(int64_t user_id, int64_t since) {
  auto st = db_.Prepare(
      "SELECT count(*), coalesce(sum(size), 0), coalesce(min(created_at), 0) FROM attachments "
      "WHERE uploaded_by = ? AND created_at > ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, since);
  auto row = IntRow(*st, 3);
  if (!row.ok()) return row.status();
  return UploadsSince{(*row)[0], (*row)[1], (*row)[2]};
}

Status TicketRepository::LinkArticle(int64_t ticket_id, const std::string& key, int64_t by, int64_t now) {
  auto st = db_.Prepare(
      "INSERT OR IGNORE INTO ticket_articles (ticket_id, article_key, added_by, created_at) VALUES (?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, ticket_id).Bind(2, key).Bind(3, by).Bind(4, now).Run();
}

StatusOr<std::vector<std::string>> TicketRepository::LinkedArticles(int64_t ticket_id) {
  auto st = db_.Prepare("SELECT article_key FROM ticket_articles WHERE ticket_id = ? ORDER BY created_at");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id);
  return AllRows<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
}

StatusOr<int64_t> TicketRepository::CreateQuestion(const model::Question& r) {
  auto st = db_.Prepare(
      "INSERT INTO questions (ticket_id, lang, slug, title, question, answer, question_html, answer_html, category, "
      "published_by, published, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)
                               ->Bind(1, r.ticket_id)
                               .Bind(2, r.lang)
                               .Bind(3, r.slug)
                               .Bind(4, r.title)
                               .Bind(5, r.question)
                               .Bind(6, r.answer)
                               .Bind(7, r.question_html)
                               .Bind(8, r.answer_html)
                               .Bind(9, r.category)
                               .Bind(10, r.published_by)
                               .Bind(11, r.created_at)
                               .Run());
  return db_.LastInsertRowId();
}

StatusOr<std::optional<model::Question>> TicketRepository::FindQuestion(const std::string& lang,
                                                                        const std::string& slug) {
  auto st = db_.Prepare(std::string("SELECT ") + kQuestionCols +
                        " FROM questions WHERE lang = ? AND slug = ? AND published = 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, lang).Bind(2, slug);
  return OneRow<model::Question>(*st, ReadQuestion);
}

StatusOr<std::optional<model::Question>> TicketRepository::FindQuestionById(int64_t id) {
  auto st = db_.Prepare(std::string("SELECT ") + kQuestionCols + " FROM questions WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<model::Question>(*st, ReadQuestion);
}

StatusOr<std::optional<model::Question>> TicketRepository::QuestionOfTicket(int64_t ticket_id) {
  auto st = db_.Prepare(std::string("SELECT ") + kQuestionCols + " FROM questions WHERE ticket_id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id);
  return OneRow<model::Question>(*st, ReadQuestion);
}

StatusOr<std::vector<int64_t>> TicketRepository::PublishedQuestionIds() {
  auto st = db_.Prepare("SELECT id FROM questions WHERE published = 1 ORDER BY id");
  if (!st.ok()) return st.status();
  return AllRows<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
}

StatusOr<std::pair<int64_t, int64_t>> TicketRepository::HelpfulCounts() {
  auto st = db_.Prepare("SELECT coalesce(sum(helpful = 1), 0), coalesce(sum(helpful = 0), 0) FROM tickets");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  return std::make_pair(q->ColumnInt(0), q->ColumnInt(1));
}

}  // namespace entraide::store

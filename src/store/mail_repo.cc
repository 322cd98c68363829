#include "store/mail_repo.h"

#include "store/rows.h"

namespace entraide::store {
namespace {

// data_json without its single-use links, for a message that will not be sent again: the sign-in, reset and
// invitation link ("link") and the digest's "I'll take it" links ("take_url" in each ticket of "unclaimed" and
// "waiting"). Other kinds keep theirs (a ticket mail's "link" is the ticket's page, no secret).
const std::string kScrubbedData = [] {
  std::string link_kinds;
  for (model::MailKind k : model::kMailKinds)
    if (model::IsLinkMail(k)) link_kinds += (link_kinds.empty() ? "'" : ", '") + std::string(ToString(k)) + "'";
  return "CASE WHEN kind IN (" + link_kinds + ") THEN json_remove(data_json, '$.link') WHEN kind = '" +
         std::string(ToString(model::MailKind::kVolunteerDigest)) +
         "' THEN json_set(data_json, "
         "  '$.unclaimed', json((SELECT json_group_array(json(json_remove(value, '$.take_url'))) "
         "                       FROM json_each(data_json, '$.unclaimed'))), "
         "  '$.waiting', json((SELECT json_group_array(json(json_remove(value, '$.take_url'))) "
         "                     FROM json_each(data_json, '$.waiting')))) "
         "ELSE data_json END";
}();

// A failed message can be sent again unless it carried a single-use link, or its kind is unknown here.
bool Resendable(const std::string& kind) {
  auto k = model::ParseMailKind(kind);
  return k && !model::IsLinkMail(*k);
}

}  // namespace

StatusOr<std::vector<ClaimedMail>> MailRepository::Claim(const std::string& claim, int64_t now, int64_t stale_before,
                                                         int limit, const std::string& domain) {
  // BEGIN IMMEDIATE: the write lock is taken before the rows are chosen, so a second sender waits and then
  // sees them as 'sending' under our claim.
  auto tx = Transaction::Begin(db_);
  if (!tx.ok()) return tx.status();
  auto st = db_.Prepare(
      "UPDATE outbox SET status = 'sending', claim_token = ?1, claimed_at = ?2, "
      "  message_id = COALESCE(message_id, '<' || id || '.' || lower(hex(randomblob(8))) || '@' || ?5 || '>') "
      "WHERE id IN (SELECT id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= ?2) "
      "  OR (status = 'sending' AND claimed_at < ?3) ORDER BY next_attempt_at, id LIMIT ?4) "
      "RETURNING id, kind, recipient_email, recipient_name, lang, user_id, data_json, thread_key, created_at, "
      "  attempts, message_id, dedupe_key");
  if (!st.ok()) return st.status();
  std::vector<ClaimedMail> out;
  {
    StatementScope q(*st);
    q->Bind(1, claim).Bind(2, now).Bind(3, stale_before).Bind(4, limit).Bind(5, domain);
    while (true) {
      auto row = q->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      ClaimedMail c;
      OutboxMessage& m = c.message;
      m.id = q->ColumnInt(0);
      std::string kind = q->ColumnText(1);
      if (auto k = model::ParseMailKind(kind))
        m.kind = *k;
      else
        c.unknown_kind = std::move(kind);
      m.recipient_email = q->ColumnText(2);
      m.recipient_name = q->ColumnText(3);
      m.lang = q->ColumnText(4);
      if (!q->ColumnIsNull(5)) m.user_id = q->ColumnInt(5);
      m.data_json = q->ColumnText(6);
      if (!q->ColumnIsNull(7)) m.thread_key = q->ColumnText(7);
      m.created_at = q->ColumnInt(8);
      c.attempts = static_cast<int>(q->ColumnInt(9));
      c.message_id = q->ColumnText(10);
      if (!q->ColumnIsNull(11)) m.dedupe_key = q->ColumnText(11);
      m.status = "sending";
      out.push_back(std::move(c));
    }
  }
  ENTRAIDE_RETURN_IF_ERROR((*tx)->Commit());
  return out;
}

StatusOr<bool> MailRepository::MarkSent(int64_t id, const std::string& claim, int64_t now, const std::string& subject) {
  auto st = db_.Prepare(std::string("UPDATE outbox SET status = 'sent', sent_at = ?, subject = ?, last_error = '', "
                                    "claim_token = NULL, data_json = ") +
                        kScrubbedData + " WHERE id = ? AND status = 'sending' AND claim_token = ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, now).Bind(2, subject).Bind(3, id).Bind(4, claim).Run());
  return db_.Changes() == 1;
}

StatusOr<bool> MailRepository::MarkRetry(int64_t id, const std::string& claim, int64_t next_attempt_at,
                                         const std::string& error, const std::string& subject) {
  auto st = db_.Prepare(
      "UPDATE outbox SET status = 'pending', attempts = attempts + 1, next_attempt_at = ?, last_error = ?, "
      "  subject = ?, claim_token = NULL WHERE id = ? AND status = 'sending' AND claim_token = ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR(
      (*st)->Bind(1, next_attempt_at).Bind(2, error).Bind(3, subject).Bind(4, id).Bind(5, claim).Run());
  return db_.Changes() == 1;
}

StatusOr<bool> MailRepository::MarkFinal(int64_t id, const std::string& claim, const std::string& status,
                                         const std::string& error, const std::string& subject) {
  if (status != "failed" && status != "skipped") return core::Internal("MarkFinal: bad status " + status);
  auto st = db_.Prepare(
      std::string("UPDATE outbox SET status = ?, attempts = attempts + (? = 'failed'), last_error = ?, subject = ?, "
                  "  claim_token = NULL, data_json = ") +
      kScrubbedData + " WHERE id = ? AND status = 'sending' AND claim_token = ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR(
      (*st)->Bind(1, status).Bind(2, status).Bind(3, error).Bind(4, subject).Bind(5, id).Bind(6, claim).Run());
  return db_.Changes() == 1;
}

StatusOr<std::optional<std::string>> MailRepository::ClaimedData(int64_t id, const std::string& claim) {
  auto st = db_.Prepare("SELECT data_json FROM outbox WHERE id = ? AND status = 'sending' AND claim_token = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, claim);
  return OneRow<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
}

StatusOr<bool> MailRepository::Release(int64_t id, const std::string& claim) {
  auto st = db_.Prepare(
      "UPDATE outbox SET status = 'pending', claim_token = NULL WHERE id = ? AND status = 'sending' AND claim_token = "
      "?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, id).Bind(2, claim).Run());
  return db_.Changes() == 1;
}

StatusOr<int64_t> MailRepository::MakeAllDue(int64_t now) {
  auto st = db_.Prepare("UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, now).Bind(2, now).Run());
  return static_cast<int64_t>(db_.Changes());
}

StatusOr<OutboxCounts> MailRepository::Counts() {
  auto st = db_.Prepare("SELECT status, count(*) FROM outbox GROUP BY status");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  OutboxCounts c;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string s = q->ColumnText(0);
    int64_t n = q->ColumnInt(1);
    if (s == "pending")
      c.pending = n;
    else if (s == "sending")
      c.sending = n;
    else if (s == "sent")
      c.sent = n;
    else if (s == "failed")
      c.failed = n;
    else if (s == "skipped")
      c.skipped = n;
  }
  return c;
}

StatusOr<std::vector<model::FailedMail>> MailRepository::Failed(int limit) {
  auto st = db_.Prepare(
      "SELECT id, kind, recipient_email, subject, last_error, attempts, created_at, "
      "  max(created_at, next_attempt_at), recipient_name FROM outbox "
      "WHERE status = 'failed' ORDER BY id DESC LIMIT ?");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, limit);
  std::vector<model::FailedMail> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({q->ColumnInt(0), q->ColumnText(1), q->ColumnText(2), q->ColumnText(3), q->ColumnText(4),
                   static_cast<int>(q->ColumnInt(5)), q->ColumnInt(6), q->ColumnInt(7), q->ColumnText(8),
                   Resendable(q->ColumnText(1))});
  }
  return out;
}

StatusOr<bool> MailRepository::RetryFailed(int64_t id, int64_t now) {
  auto st = db_.Prepare(
      "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?1, created_at = ?1, last_error = '', "
      "  claim_token = NULL WHERE id = ?2 AND status = 'failed'");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, now).Bind(2, id).Run());
  return db_.Changes() == 1;
}

StatusOr<std::optional<std::string>> MailRepository::FailedKind(int64_t id) {
  auto st = db_.Prepare("SELECT kind FROM outbox WHERE id = ? AND status = 'failed'");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
}

StatusOr<model::MailSettings> MailRepository::Settings(int64_t user_id) {
  auto st = db_.Prepare(
      "SELECT notifications, volunteer_digest, group_digest, coordinator_summary, new_ticket_alerts FROM mail_settings "
      "WHERE user_id = ?");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, user_id);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return core::NotFound("no such person");
  model::MailSettings s;
  s.user_id = user_id;
  s.notifications = q->ColumnInt(0) != 0;
  s.volunteer_digest = q->ColumnText(1);
  s.group_digest = q->ColumnText(2);
  s.coordinator_summary = q->ColumnText(3);
  s.new_ticket_alerts = q->ColumnText(4);
  return s;
}

Status MailRepository::SaveSettings(const model::MailSettings& s, int64_t now) {
  auto st = db_.Prepare(
      "INSERT INTO mail_preferences (user_id, notifications, volunteer_digest, group_digest, coordinator_summary, "
      "  new_ticket_alerts, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
      // Only volunteers and coordinators choose alerts: a member's stays NULL, the default of the role they may get.
      "  (SELECT CASE WHEN role IN ('volunteer', 'coordinator') THEN ?6 END FROM users WHERE id = ?1), ?7) "
      "ON CONFLICT (user_id) DO UPDATE SET notifications = excluded.notifications, "
      "  volunteer_digest = excluded.volunteer_digest, group_digest = excluded.group_digest, "
      "  coordinator_summary = excluded.coordinator_summary, new_ticket_alerts = excluded.new_ticket_alerts, "
      "  updated_at = excluded.updated_at");
  if (!st.ok()) return st.status();
  return (*st)
      ->Bind(1, s.user_id)
      .Bind(2, s.notifications)
      .Bind(3, s.volunteer_digest)
      .Bind(4, s.group_digest)
      .Bind(5, s.coordinator_summary)
      .Bind(6, s.new_ticket_alerts)
      .Bind(7, now)
      .Run();
}

StatusOr<std::string> MailRepository::MetaValueOrInsert(const std::string& key, const std::string& candidate) {
  auto ins = db_.Prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING");
  if (!ins.ok()) return ins.status();
  ENTRAIDE_RETURN_IF_ERROR((*ins)->Bind(1, key).Bind(2, candidate).Run());
  auto st = db_.Prepare("SELECT value FROM meta WHERE key = ?");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  q->Bind(1, key);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return core::Internal("meta " + key + " vanished");
  return q->ColumnText(0);
}

StatusOr<bool> MailRepository::Bouncing(const std::string& email) {
  auto st = db_.Prepare("SELECT 1 FROM mail_bounces WHERE email = ? AND bouncing_since IS NOT NULL");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, email);
  auto row = OneRow<int>(*st, [](Statement&) { return 1; });
  if (!row.ok()) return row.status();
  return row->has_value();
}

}  // namespace entraide::store

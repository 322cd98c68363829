#include "store/inbound_repo.h"

#include "store/rows.h"

namespace entraide::store {
namespace {

constexpr const char* kRecordColumns =
    "id, COALESCE(message_id, ''), received_at, outcome, reason, from_address, size, user_id, ticket_id, event_id, "
    "COALESCE(original, '')";

model::InboundRecord ReadRecord(Statement& q) {
  model::InboundRecord r;
  r.id = q.ColumnInt(0);
  r.message_id = q.ColumnText(1);
  r.received_at = q.ColumnInt(2);
  std::string outcome = q.ColumnText(3);
  for (model::InboundOutcome o : model::kInboundOutcomes)
    if (model::ToString(o) == outcome) r.outcome = o;
  r.reason = q.ColumnText(4);
  r.from_address = q.ColumnText(5);
  r.size = q.ColumnInt(6);
  r.user_id = q.ColumnOptionalInt(7);
  r.ticket_id = q.ColumnOptionalInt(8);
  r.event_id = q.ColumnOptionalInt(9);
  r.original = q.ColumnText(10);
  return r;
}

model::BouncingAddress ReadBounce(Statement& q) {
  model::BouncingAddress b;
  b.email = q.ColumnText(0);
  b.failures = q.ColumnInt(1);
  b.last_status = q.ColumnText(2);
  b.last_at = q.ColumnInt(3);
  b.bouncing_since = q.ColumnOptionalInt(4);
  return b;
}

constexpr const char* kBounceColumns = "email, failures, last_status, last_at, bouncing_since";

}  // namespace

StatusOr<int64_t> InboundRepository::Record(const model::InboundRecord& r) {
  auto st = db_.Prepare(
      "INSERT INTO inbound_mail (message_id, received_at, outcome, reason, from_address, size, user_id, ticket_id, "
      "  event_id, original) VALUES (NULLIF(?1, ''), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULLIF(?10, '')) RETURNING id");
  if (!st.ok()) return st.status();
  (*st)
      ->Bind(1, r.message_id)
      .Bind(2, r.received_at)
      .Bind(3, std::string(model::ToString(r.outcome)))
      .Bind(4, r.reason)
      .Bind(5, r.from_address)
      .Bind(6, r.size)
      .Bind(7, r.user_id)
      .Bind(8, r.ticket_id)
      .Bind(9, r.event_id)
      .Bind(10, r.original);
  auto id = OneRow<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
  if (!id.ok()) return id.status();
  return id->value_or(0);
}

StatusOr<bool> InboundRepository::AlreadyTaken(const std::string& message_id) {
  auto st = db_.Prepare("SELECT 1 FROM inbound_mail WHERE message_id = ? AND outcome IN ('taken', 'bounce') LIMIT 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, message_id);
  auto row = OneRow<int>(*st, [](Statement&) { return 1; });
  if (!row.ok()) return row.status();
  return row->has_value();
}

StatusOr<int64_t> InboundRepository::CountTakenSince(int64_t user_id, int64_t since) {
  auto st =
      db_.Prepare("SELECT count(*) FROM inbound_mail WHERE user_id = ? AND received_at >= ? AND outcome = 'taken'");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, since);
  auto n = OneRow<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
  if (!n.ok()) return n.status();
  return n->value_or(0);
}

StatusOr<std::vector<std::pair<std::string, int64_t>>> InboundRepository::CountByOutcome() {
  auto st = db_.Prepare("SELECT outcome, count(*) FROM inbound_mail GROUP BY outcome");
  if (!st.ok()) return st.status();
  return AllRows<std::pair<std::string, int64_t>>(
      *st, [](Statement& q) { return std::make_pair(q.ColumnText(0), q.ColumnInt(1)); });
}

StatusOr<std::vector<model::InboundRecord>> InboundRepository::OriginalsOf(int64_t ticket_id) {
  auto st = db_.Prepare(std::string("SELECT ") + kRecordColumns +
                        " FROM inbound_mail WHERE ticket_id = ? AND original IS NOT NULL ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ticket_id);
  return AllRows<model::InboundRecord>(*st, ReadRecord);
}

StatusOr<std::optional<model::InboundRecord>> InboundRepository::Find(int64_t id) {
  auto st = db_.Prepare(std::string("SELECT ") + kRecordColumns + " FROM inbound_mail WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<model::InboundRecord>(*st, ReadRecord);
}

StatusOr<std::optional<std::string>> InboundRepository::OutboxRecipient(const std::string& message_id_local) {
  auto st = db_.Prepare("SELECT recipient_email FROM outbox WHERE message_id LIKE ? ESCAPE '\\' LIMIT 1");
  if (!st.ok()) return st.status();
  std::string pattern = "<";
  for (char c : message_id_local) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += "@%";
  (*st)->Bind(1, pattern);
  return OneRow<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
}

StatusOr<model::BouncingAddress> InboundRepository::AddBounce(const std::string& email, const std::string& status,
                                                              int64_t now, int threshold) {
  auto st = db_.Prepare(
      "INSERT INTO mail_bounces (email, failures, last_status, last_at, bouncing_since) "
      "VALUES (?1, 1, ?2, ?3, CASE WHEN ?4 <= 1 THEN ?3 END) "
      "ON CONFLICT (email) DO UPDATE SET failures = failures + 1, last_status = ?2, last_at = ?3, "
      "  bouncing_since = COALESCE(bouncing_since, CASE WHEN failures + 1 >= ?4 THEN ?3 END) "
      "RETURNING email, failures, last_status, last_at, bouncing_since");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, email).Bind(2, status).Bind(3, now).Bind(4, threshold);
  auto row = OneRow<model::BouncingAddress>(*st, ReadBounce);
  if (!row.ok()) return row.status();
  return row->value_or(model::BouncingAddress{});
}

StatusOr<std::optional<model::BouncingAddress>> InboundRepository::Bounce(const std::string& email) {
  auto st = db_.Prepare(std::string("SELECT ") + kBounceColumns + " FROM mail_bounces WHERE email = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, email);
  return OneRow<model::BouncingAddress>(*st, ReadBounce);
}

StatusOr<bool> InboundRepository::IsBouncing(const std::string& email) {
  auto b = Bounce(email);
  if (!b.ok()) return b.status();
  return b->has_value() && (*b)->bouncing_since.has_value();
}

StatusOr<std::vector<model::BouncingAddress>> InboundRepository::Bouncing() {
  auto st = db_.Prepare(std::string("SELECT ") + kBounceColumns +
                        " FROM mail_bounces WHERE bouncing_since IS NOT NULL ORDER BY bouncing_since DESC");
  if (!st.ok()) return st.status();
  return AllRows<model::BouncingAddress>(*st, ReadBounce);
}

StatusOr<bool> InboundRepository::ClearBounce(const std::string& email) {
  auto st = db_.Prepare("DELETE FROM mail_bounces WHERE email = ?");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, email).Run());
  return db_.Changes() > 0;
}

Status InboundRepository::AddTicketRequest(const std::string& token_hash, const model::MailTicketRequest& r) {
  auto st = db_.Prepare(
      "INSERT INTO mail_ticket_requests (token_hash, user_id, inbound_id, subject, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  return (*st)
      ->Bind(1, token_hash)
      .Bind(2, r.user_id)
      .Bind(3, r.inbound_id)
      .Bind(4, r.subject)
      .Bind(5, r.created_at)
      .Bind(6, r.expires_at)
      .Run();
}

StatusOr<std::optional<model::MailTicketRequest>> InboundRepository::FindTicketRequest(const std::string& token_hash) {
  auto st = db_.Prepare(
      "SELECT r.user_id, r.inbound_id, r.subject, r.created_at, r.expires_at, r.used_at, "
      "  COALESCE(m.original, '') FROM mail_ticket_requests r JOIN inbound_mail m ON m.id = r.inbound_id "
      "WHERE r.token_hash = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, token_hash);
  return OneRow<model::MailTicketRequest>(*st, [](Statement& q) {
    model::MailTicketRequest r;
    r.user_id = q.ColumnInt(0);
    r.inbound_id = q.ColumnInt(1);
    r.subject = q.ColumnText(2);
    r.created_at = q.ColumnInt(3);
    r.expires_at = q.ColumnInt(4);
    r.used_at = q.ColumnOptionalInt(5);
    r.original = q.ColumnText(6);
    return r;
  });
}

StatusOr<bool> InboundRepository::UseTicketRequest(const std::string& token_hash, int64_t now) {
  auto st = db_.Prepare("UPDATE mail_ticket_requests SET used_at = ? WHERE token_hash = ? AND used_at IS NULL");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, now).Bind(2, token_hash).Run());
  return db_.Changes() == 1;
}

Status InboundRepository::ReopenTicketRequest(const std::string& token_hash) {
  auto st = db_.Prepare("UPDATE mail_ticket_requests SET used_at = NULL WHERE token_hash = ? AND ticket_id IS NULL");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, token_hash).Run();
}

Status InboundRepository::SetRequestTicket(const std::string& token_hash, int64_t inbound_id, int64_t ticket_id) {
  return InTransaction(db_, [&]() -> Status {
    auto st = db_.Prepare("UPDATE mail_ticket_requests SET ticket_id = ? WHERE token_hash = ?");
    if (!st.ok()) return st.status();
    ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, ticket_id).Bind(2, token_hash).Run());
    auto m = db_.Prepare("UPDATE inbound_mail SET ticket_id = ? WHERE id = ?");
    if (!m.ok()) return m.status();
    return (*m)->Bind(1, ticket_id).Bind(2, inbound_id).Run();
  });
}

}  // namespace entraide::store
